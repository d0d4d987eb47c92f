"""The session state machine: what the TUI's status bar, buttons and warnings
show, driven by what the server actually answered."""

from __future__ import annotations

import re

import pytest

from smtptui.protocol.capabilities import Capabilities
from smtptui.reference import SessionState, State, Verdict, replay, reply

CJK = re.compile(r"[\u4e00-\u9fff]")

EHLO_PLAIN = reply(
    "250-mx.example.com\n250-PIPELINING\n250-SIZE 10240000\n250-STARTTLS\n"
    "250-ENHANCEDSTATUSCODES\n250-8BITMIME\n250 CHUNKING"
)
EHLO_TLS = reply(
    "250-mx.example.com\n250-SIZE 10240000\n250-AUTH PLAIN LOGIN\n250-LIMITS RCPTMAX=2\n"
    "250-DSN\n250 ENHANCEDSTATUSCODES"
)
OK = reply("250 2.0.0 Ok")


def greeted(ehlo=EHLO_PLAIN, **flags) -> SessionState:
    s = SessionState().after(None, reply("220 mx.example.com ESMTP"))
    s = s.after("EHLO client.example.com", ehlo)
    return SessionState(**{**_fields(s), **flags})


def _fields(s: SessionState) -> dict:
    return {f: getattr(s, f) for f in s.__dataclass_fields__}


def test_a_whole_transaction_goes_round_to_greeted():
    states = replay(
        [
            (None, reply("220 mx.example.com ESMTP")),
            ("EHLO client.example.com", EHLO_PLAIN),
            ("MAIL FROM:<a@example.com>", reply("250 2.1.0 Ok")),
            ("RCPT TO:<b@example.net>", reply("250 2.1.5 Ok")),
            ("RCPT TO:<c@example.net>", reply("250 2.1.5 Ok")),
            ("DATA", reply("354 End data with <CR><LF>.<CR><LF>")),
            (".", reply("250 2.0.0 Ok: queued as 4XyZ")),
            ("QUIT", reply("221 2.0.0 Bye")),
        ]
    )
    assert [s.state for s in states] == [
        State.CONNECTED, State.GREETED, State.MAIL, State.RCPT, State.RCPT, State.DATA,
        State.GREETED, State.CLOSED,
    ]  # fmt: skip
    assert states[4].recipients == 2 and states[6].recipients == 0
    assert states[1].esmtp and states[1].caps.starttls


def test_a_refused_recipient_keeps_the_state():
    s = greeted().after("MAIL FROM:<a@example.com>", OK)
    after = s.after("RCPT TO:<nobody@example.net>", reply("550 5.1.1 User unknown"))
    assert after.state is State.MAIL and after.recipients == 0
    s2 = after.after("RCPT TO:<b@example.net>", OK)
    assert s2.after("RCPT TO:<x@example.net>", reply("452 4.5.3 Too many")).state is State.RCPT


def test_the_server_decides_even_when_the_learner_is_out_of_sequence():
    start = SessionState().after(None, reply("220 hi"))
    # Postfix accepts MAIL before EHLO; a strict server says 503 and nothing moves.
    assert start.after("MAIL FROM:<a@b.c>", reply("250 2.1.0 Ok")).state is State.MAIL
    assert (
        start.after("MAIL FROM:<a@b.c>", reply("503 5.5.1 EHLO/HELO first")).state
        is State.CONNECTED
    )


def test_a_new_ehlo_resets_the_transaction():
    s = greeted().after("MAIL FROM:<a@b.c>", OK).after("RCPT TO:<d@e.f>", OK)
    again = s.after("EHLO client.example.com", EHLO_PLAIN)
    assert again.state is State.GREETED and again.recipients == 0


def test_rset_goes_back_to_greeted():
    s = greeted().after("MAIL FROM:<a@b.c>", OK).after("RCPT TO:<d@e.f>", OK)
    assert s.after("RSET", OK).state is State.GREETED


@pytest.mark.parametrize("code", [421, 221])
def test_421_or_221_close_the_session_from_anywhere(code):
    s = greeted().after("MAIL FROM:<a@b.c>", OK)
    closed = s.after("RCPT TO:<d@e.f>", reply(f"{code} 4.4.2 bye"))
    assert closed.state is State.CLOSED
    assert closed.legal_commands() == ()
    assert closed.expect("NOOP").verdict is Verdict.NOT_CONNECTED
    # an unsolicited 421 (idle timeout) has no command
    assert greeted().after(None, reply("421 4.4.2 timeout")).state is State.CLOSED


def test_a_failed_data_end_still_ends_the_transaction():
    s = greeted().after("MAIL FROM:<a@b.c>", OK).after("RCPT TO:<d@e.f>", OK)
    s = s.after("DATA", reply("354 go ahead"))
    assert s.state is State.DATA
    assert s.after(".", reply("554 5.7.1 spam")).state is State.GREETED
    assert s.after(None, reply("250 queued")).state is State.GREETED


def test_starttls_then_handshake_forgets_everything():
    s = greeted().after("STARTTLS", reply("220 2.0.0 Ready to start TLS"))
    assert s.state is State.TLS_HANDSHAKE and s.legal_commands() == ()
    assert s.expect("EHLO x").verdict is Verdict.OUT_OF_SEQUENCE
    t = s.after_tls()
    assert t.state is State.CONNECTED and t.tls and t.caps is None and not t.esmtp
    assert t.legal_commands()[0] == "EHLO"
    g = t.after("EHLO client.example.com", EHLO_TLS)
    assert g.tls and g.caps.auth_mechanisms == ("PLAIN", "LOGIN")


def test_auth_login_exchange_and_its_outcomes():
    s = greeted(EHLO_TLS, tls=True)
    s1 = s.after("AUTH LOGIN", reply("334 VXNlcm5hbWU6"))
    assert s1.state is State.AUTH and s1.auth_mechanism == "LOGIN"
    assert s1.legal_commands() == ("*",)
    assert s1.expect("dXNlcg==").legal
    assert s1.expect("*").likely_codes == (501,)
    assert s1.expect("not base64!").verdict is Verdict.SYNTAX
    s2 = s1.after("dXNlcg==", reply("334 UGFzc3dvcmQ6"))
    assert s2.state is State.AUTH
    ok = s2.after("cGFzcw==", reply("235 2.7.0 Authentication successful"))
    assert ok.state is State.GREETED and ok.authenticated
    bad = s2.after("cGFzcw==", reply("535 5.7.8 Error: authentication failed"))
    assert bad.state is State.GREETED and not bad.authenticated
    # PLAIN with an initial response goes straight to 235
    assert s.after("AUTH PLAIN AHUAcA==", reply("235 2.7.0 Ok")).authenticated


@pytest.mark.parametrize(
    ("state", "line", "verdict", "codes"),
    [
        (SessionState(), "EHLO x", Verdict.NOT_CONNECTED, ()),
        ("connected", "MAIL FROM:<a@b.c>", Verdict.OUT_OF_SEQUENCE, (503,)),
        ("greeted", "RCPT TO:<a@b.c>", Verdict.OUT_OF_SEQUENCE, (503,)),
        ("greeted", "DATA", Verdict.OUT_OF_SEQUENCE, (503,)),
        ("mail", "DATA", Verdict.OUT_OF_SEQUENCE, (503, 554)),
        ("mail", "MAIL FROM:<a@b.c>", Verdict.OUT_OF_SEQUENCE, (503,)),
        ("mail", "AUTH PLAIN", Verdict.OUT_OF_SEQUENCE, (503,)),
        ("greeted", "MAIL FROM:a@b.c", Verdict.SYNTAX, (501, 553)),
        ("mail", "RCPT TO:someone", Verdict.SYNTAX, (501, 553)),
        ("greeted", "EHLO", Verdict.SYNTAX, (501,)),
        ("greeted", "DATA now", Verdict.SYNTAX, (501,)),
        ("greeted", "STARTTLS please", Verdict.SYNTAX, (501,)),
        ("greeted", "XYZZY", Verdict.UNKNOWN, (500, 502)),
        ("greeted", "", Verdict.SYNTAX, (500,)),
        ("greeted", "AUTH PLAIN", Verdict.NEEDS_TLS, (503, 502, 530, 538)),
        ("greeted", "MAIL FROM:<a@b.c> SMTPUTF8", Verdict.NOT_OFFERED, (555, 501)),
        ("greeted", "MAIL FROM:<a@b.c> SIZE=99999999", Verdict.EXCEEDS_LIMIT, (552,)),
        ("greeted", "MAIL FROM:<a@b.c> SIZE=1000 BODY=8BITMIME", Verdict.LEGAL, (250,)),
        ("greeted", "STARTTLS", Verdict.LEGAL, (220,)),
        ("rcpt", "DATA", Verdict.LEGAL, (354,)),
        ("rcpt", "BDAT 100 LAST", Verdict.LEGAL, (250,)),
        ("rcpt", "BDAT lots", Verdict.SYNTAX, (501,)),
        ("greeted", "VRFY postmaster", Verdict.LEGAL, (252, 250, 502, 550)),
        ("greeted", "QUIT", Verdict.LEGAL, (221,)),
        ("greeted", "ETRN example.com", Verdict.UNKNOWN, (500, 502)),
    ],
)
def test_expect_on_a_plain_esmtp_server(state, line, verdict, codes):
    base = greeted()
    s = {
        "connected": SessionState().after(None, reply("220 hi")),
        "greeted": base,
        "mail": base.after("MAIL FROM:<a@b.c>", OK),
        "rcpt": base.after("MAIL FROM:<a@b.c>", OK).after("RCPT TO:<d@e.f>", OK),
    }.get(state, state)
    got = s.expect(line)
    assert (got.verdict, got.likely_codes) == (verdict, codes), got.message("en")
    assert got.message("en") and CJK.search(got.message("zh"))
    assert got.label("en") and CJK.search(got.label("zh"))


def test_expect_after_tls_and_with_auth_offered():
    s = greeted(EHLO_TLS, tls=True)
    assert s.expect("STARTTLS").verdict is Verdict.ALREADY_DONE
    assert s.expect("AUTH CRAM-MD5").verdict is Verdict.NOT_OFFERED
    assert "PLAIN LOGIN" in s.expect("AUTH CRAM-MD5").message("en")
    assert s.expect("AUTH PLAIN !!!").verdict is Verdict.SYNTAX
    assert s.expect("AUTH LOGIN").key == "expect.ok.auth"
    assert s.expect("BDAT 10 LAST").verdict is Verdict.NOT_OFFERED  # no CHUNKING here
    done = s.after("AUTH PLAIN AHUAcA==", reply("235 2.7.0 Ok"))
    assert done.expect("AUTH LOGIN").verdict is Verdict.ALREADY_DONE
    r2 = (
        done.after("MAIL FROM:<a@b.c>", OK)
        .after("RCPT TO:<1@e.f>", OK)
        .after("RCPT TO:<2@e.f>", OK)
    )
    assert r2.expect("RCPT TO:<3@e.f>").verdict is Verdict.EXCEEDS_LIMIT  # LIMITS RCPTMAX=2
    r1 = done.after("MAIL FROM:<a@b.c>", OK)
    assert r1.expect("RCPT TO:<1@e.f> NOTIFY=NEVER").legal  # DSN is offered
    got = r1.expect("RCPT TO:<1@e.f> RRVS=2014-04-03T23:01:00Z")
    assert got.verdict is Verdict.NOT_OFFERED and "RRVS" in got.message("en")


def test_auth_in_cleartext_is_legal_but_warned_about():
    no_tls = greeted(EHLO_TLS)  # a server that offers AUTH without TLS
    got = no_tls.expect("AUTH LOGIN")
    assert got.legal and got.warning
    assert "base64" in got.message("en") and "STARTTLS" in got.message("zh")


def test_a_530_teaches_the_state_machine_what_the_server_requires():
    s = greeted()
    tls_needed = s.after(
        "MAIL FROM:<a@b.c>", reply("530 5.7.0 Must issue a STARTTLS command first")
    )
    assert tls_needed.tls_required
    assert tls_needed.expect("MAIL FROM:<a@b.c>").verdict is Verdict.NEEDS_TLS
    assert tls_needed.expect("NOOP").legal and tls_needed.expect("STARTTLS").legal
    assert "MAIL" not in tls_needed.legal_commands()
    auth_needed = s.after("MAIL FROM:<a@b.c>", reply("530 5.7.0 Authentication required"))
    assert auth_needed.auth_required and not auth_needed.tls_required
    assert auth_needed.expect("MAIL FROM:<a@b.c>").verdict is Verdict.NEEDS_AUTH
    assert auth_needed.expect("RSET").legal
    ms = s.after("MAIL FROM:<a@b.c>", reply("530 5.7.57 Client not authenticated to send mail."))
    assert ms.auth_required


def test_a_greeting_refusal_leaves_only_quit():
    s = SessionState().after(None, reply("554 5.7.1 No SMTP service here"))
    assert s.refused and s.legal_commands() == ("QUIT",)
    assert s.expect("EHLO x").likely_codes == (503,)
    assert s.expect("QUIT").legal


def test_helo_means_no_extensions():
    s = SessionState().after(None, reply("220 old")).after("HELO me.example", reply("250 old"))
    assert s.state is State.GREETED and not s.esmtp
    assert s.expect("STARTTLS").verdict is Verdict.NOT_OFFERED
    assert s.expect("AUTH LOGIN").verdict is Verdict.NOT_OFFERED
    assert "STARTTLS" not in s.legal_commands() and "AUTH" not in s.legal_commands()


def test_bdat_chunks_and_a_refused_chunk():
    s = greeted().after("MAIL FROM:<a@b.c>", OK).after("RCPT TO:<d@e.f>", OK)
    chunk = s.after("BDAT 100", OK)
    assert chunk.state is State.BDAT
    assert chunk.expect("DATA").verdict is Verdict.OUT_OF_SEQUENCE
    assert chunk.expect("RCPT TO:<x@y.z>").verdict is Verdict.OUT_OF_SEQUENCE
    assert chunk.after("BDAT 10 LAST", reply("250 2.0.0 queued")).state is State.GREETED
    dead = chunk.after("BDAT 10", reply("552 5.3.4 too big"))
    assert dead.chunk_failed and dead.legal_commands() == ("RSET", "NOOP", "QUIT")
    assert dead.expect("BDAT 5 LAST").verdict is Verdict.OUT_OF_SEQUENCE
    assert dead.after("RSET", OK).state is State.GREETED


def test_data_content_lines_and_dot_stuffing():
    s = greeted().after("MAIL FROM:<a@b.c>", OK).after("RCPT TO:<d@e.f>", OK)
    d = s.after("DATA", reply("354 go"))
    assert d.legal_commands() == (".",)
    assert d.expect("Subject: hi").key == "expect.ok.data_line"
    assert d.expect(".hidden").key == "expect.warn.dot_stuffing"
    assert d.expect("..fine").key == "expect.ok.data_line"
    assert d.expect(".").likely_codes[0] == 250


@pytest.mark.parametrize(
    ("state", "first"),
    [("connected", ("EHLO", "HELO")), ("greeted", ("STARTTLS", "MAIL")), ("mail", ("RCPT", "RSET")),
     ("rcpt", ("RCPT", "BDAT"))],
)  # fmt: skip
def test_legal_commands_put_the_next_sensible_step_first(state, first):
    base = greeted()
    s = {
        "connected": SessionState().after(None, reply("220 hi")),
        "greeted": base,
        "mail": base.after("MAIL FROM:<a@b.c>", OK),
        "rcpt": base.after("MAIL FROM:<a@b.c>", OK).after("RCPT TO:<d@e.f>", OK),
    }[state]
    assert s.legal_commands()[: len(first)] == first
    assert "QUIT" in s.legal_commands()


def test_describe_for_the_status_bar_in_both_languages():
    s = greeted(EHLO_TLS, tls=True).after("AUTH PLAIN AHUAcA==", reply("235 ok"))
    en, zh = s.describe("en"), s.describe("zh")
    assert en.startswith("GREETED · TLS · authenticated — ")
    assert zh.startswith("已问候 · TLS 已加密 · 已认证 — ")
    r = s.after("MAIL FROM:<a@b.c>", OK).after("RCPT TO:<d@e.f>", OK)
    assert "1 recipient(s) accepted" in r.describe("en") and "已接受 1 个收件人" in r.describe("zh")
    for st in State:
        assert CJK.search(SessionState(state=st).describe("zh"))


def test_states_are_hashable_values():
    a, b = greeted(), greeted()
    assert a == b and hash(a) == hash(b)
    assert isinstance(a.caps, Capabilities)
    with pytest.raises(AttributeError):
        a.state = State.CLOSED  # type: ignore[misc]
