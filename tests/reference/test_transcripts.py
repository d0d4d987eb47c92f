"""The state machine against real conversations.

``transcripts/postfix_*.txt`` were recorded from the Postfix test peer by
``python -m tests.reference.scenarios`` (``test_postfix_live.py`` re-checks them
against the live peer). The aiosmtpd tests talk to a real aiosmtpd server
in-process — the library the built-in ``smtptui serve`` is made from.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from smtptui.reference import (
    ExplainContext,
    SessionState,
    State,
    explain,
    parse_transcript,
    replay,
    surprises,
)
from tests.reference.scenarios import TRANSCRIPTS
from tests.reference.wire import Wire

S = State


def load(name: str):
    return parse_transcript((TRANSCRIPTS / f"{name}.txt").read_text())


def states(steps) -> list[State]:
    return [s.state for s in replay(steps)]


# -- recorded from Postfix ---------------------------------------------------------


def test_postfix_plain_session_of_a_learner_making_mistakes():
    steps = load("postfix_plain_policy")
    assert [c for c, _ in steps][:3] == [
        None,
        "MAIL FROM:<learner@example.com>",
        "EHLO client.smtptui.test",
    ]
    assert states(steps) == [
        S.CONNECTED,
        S.MAIL,  # Postfix accepts MAIL before EHLO (smtpd_helo_required=no)
        S.GREETED,  # and EHLO resets it
        S.GREETED,  # AUTH: 503 authentication not enabled (only after STARTTLS)
        S.GREETED,  # RCPT before MAIL: 503
        S.GREETED,  # DATA before MAIL: 503
        S.MAIL,
        S.MAIL,  # nested MAIL: 503
        S.MAIL,  # 554 5.7.1 Relay access denied keeps the state
        S.MAIL,  # DATA: 554 5.5.1 no valid recipients
        S.GREETED,  # RSET
        S.MAIL,  # MAIL FROM without <> accepted by Postfix
        S.MAIL,
        S.MAIL,
        S.MAIL,  # XYZZY: 500
        S.CLOSED,
    ]


def test_postfix_tls_auth_and_a_message():
    steps = load("postfix_tls_auth_send")
    after = replay(steps)
    assert [s.state for s in after] == [
        S.CONNECTED, S.GREETED, S.TLS_HANDSHAKE, S.GREETED, S.GREETED, S.AUTH, S.AUTH, S.GREETED,
        S.GREETED, S.MAIL, S.RCPT, S.DATA, S.GREETED, S.GREETED, S.CLOSED,
    ]  # fmt: skip
    assert not after[1].tls and after[3].tls
    assert after[1].caps.starttls and not after[1].caps.has("AUTH")
    assert after[3].caps.auth_mechanisms == ("PLAIN", "LOGIN", "CRAM-MD5")
    assert not after[4].authenticated  # wrong password: 535
    assert after[7].authenticated  # AUTH LOGIN: 334, 334, 235
    assert after[12].recipients == 0  # message accepted, transaction over


def test_postfix_pipelining_and_chunking():
    steps = load("postfix_pipelined_chunking")
    assert [c for c, _ in steps][5:8] == [
        "MAIL FROM:<testuser@postfix.test>", "RCPT TO:<a@example.net>", "RCPT TO:<b@example.net>",
    ]  # fmt: skip
    after = replay(steps)
    assert [s.state for s in after][4:] == [S.GREETED, S.MAIL, S.RCPT, S.RCPT, S.GREETED, S.CLOSED]
    assert after[4].authenticated
    assert after[7].recipients == 2 and after[7].caps.chunking
    assert after[7].expect("BDAT 66 LAST").legal
    assert after[7].legal_commands()[:2] == ("RCPT", "BDAT")


def test_predictions_hold_against_postfix_except_its_documented_leniency():
    assert surprises(load("postfix_tls_auth_send")) == []
    assert surprises(load("postfix_pipelined_chunking")) == []
    lenient = [(str(s.command), s.reply.code) for s in surprises(load("postfix_plain_policy"))]
    # Strict servers answer these 503 / 501; Postfix's defaults accept them.
    assert lenient == [
        ("MAIL FROM:<learner@example.com>", 250),
        ("MAIL FROM:learner@example.com", 250),
    ]


@pytest.mark.parametrize(
    "name", ["postfix_plain_policy", "postfix_tls_auth_send", "postfix_pipelined_chunking"]
)
def test_every_recorded_reply_gets_an_explanation_with_a_hint(name):
    steps = load(name)
    for (command, rep), before in zip(steps, [SessionState(), *replay(steps)], strict=False):
        for lang in ("en", "zh"):
            e = explain(rep, ExplainContext(command=command, state=before), lang)
            assert e.title and e.explanation
        assert e.hint, (command, str(rep))


def test_postfix_replies_get_the_right_hints():
    steps = dict((c, r) for c, r in load("postfix_plain_policy") if c)
    relay = explain(steps["RCPT TO:<someone@example.net>"], ExplainContext(command="RCPT"))
    assert relay.hint.startswith("Relay denied")
    auth = explain(
        steps["AUTH PLAIN AHRlc3R1c2VyAHRlc3RwYXNz"], ExplainContext(command="AUTH PLAIN x")
    )
    assert "often only after STARTTLS" in auth.hint
    steps = load("postfix_tls_auth_send")
    queued = next(r for c, r in steps if c == ".")
    assert "queued as" in queued.text
    e = explain(queued, ExplainContext(command="."), "zh")
    assert "队列号" in e.hint and queued.text.split()[-1] in e.hint


# -- live aiosmtpd -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def tls_pair() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return server, client


@pytest.fixture
def aiosmtpd_factory(tls_pair) -> Iterator:
    """Start real aiosmtpd servers in-process: ``factory(**SMTP_parameters) -> port``."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            return "250 Message accepted for delivery"

    def authenticator(server, session, envelope, mechanism, data):
        ok = data.login == b"user" and data.password == b"pass"
        return AuthResult(success=ok, handled=False)

    controllers = []

    def start(**params) -> int:
        port = _free_port()
        controller = Controller(
            Handler(), hostname="127.0.0.1", port=port, server_hostname="localhost",
            authenticator=authenticator, **params,
        )  # fmt: skip
        controller.start()
        controllers.append(controller)
        return port

    try:
        yield start
    finally:
        for controller in controllers:
            controller.stop()


@pytest.fixture
def aiosmtpd_server(aiosmtpd_factory, tls_pair) -> int:
    """STARTTLS and AUTH both required, like a submission server."""
    return aiosmtpd_factory(tls_context=tls_pair[0], require_starttls=True, auth_required=True)


def test_aiosmtpd_session_with_starttls_and_auth_required(aiosmtpd_server, tls_pair):
    w = Wire("127.0.0.1", aiosmtpd_server)
    try:
        w.cmd("EHLO client.example")
        w.cmd("MAIL FROM:<a@example.com>")  # 530 Must issue a STARTTLS command first
        w.cmd("AUTH PLAIN AHVzZXIAcGFzcw==")  # still 530
        w.starttls(tls_pair[1], "localhost")
        w.cmd("EHLO client.example")
        w.cmd("MAIL FROM:<a@example.com>")  # 530 5.7.0 Authentication required
        w.cmd("AUTH LOGIN")
        w.cmd("dXNlcg==")
        w.cmd("d3Jvbmc=")  # wrong password
        w.cmd("AUTH PLAIN AHVzZXIAcGFzcw==")
        w.cmd("AUTH PLAIN AHVzZXIAcGFzcw==")  # 503 Already authenticated
        w.cmd("RCPT TO:<b@example.net>")  # 503 need MAIL
        w.cmd("MAIL FROM:<a@example.com>")
        w.cmd("DATA")  # 503 need RCPT
        w.cmd("RCPT TO:<b@example.net>")
        w.data("Subject: x\r\n\r\nhi\r\n")
        w.cmd("BDAT 10 LAST")  # not offered: 500
        w.cmd("QUIT")
    finally:
        w.close()

    # The swaks-style transcript reads back into exactly the steps on the wire.
    parsed = parse_transcript(w.transcript())
    assert [(c, r.raw) for c, r in parsed] == [(c, r.raw) for c, r in w.steps]

    after = replay(w.steps)
    assert after[2].tls_required and not after[2].tls  # learned from the 530
    assert after[2].expect("MAIL FROM:<a@example.com>").verdict.name == "NEEDS_TLS"
    assert (
        after[5].tls and after[6].auth_required
    )  # learned from "530 5.7.0 Authentication required"
    assert after[6].expect("MAIL FROM:<a@example.com>").verdict.name == "NEEDS_AUTH"
    assert [s.state for s in after[7:10]] == [S.AUTH, S.AUTH, S.GREETED]
    assert not after[9].authenticated and after[10].authenticated
    assert after[-1].state is S.CLOSED
    assert surprises(w.steps) == []

    # aiosmtpd's LOGIN prompts are NUL-terminated; they still decode for display.
    login = explain(w.steps[7][1], ExplainContext(command="AUTH LOGIN"), "zh")
    assert login.decoded == "User Name" and "User Name" in login.hint


def test_aiosmtpd_requires_starttls_even_for_helo(aiosmtpd_server):
    """RFC 3207 §4 exempts only NOOP, EHLO, STARTTLS and QUIT; aiosmtpd follows it."""
    w = Wire("127.0.0.1", aiosmtpd_server)
    try:
        w.cmd("HELO client.example")
        w.cmd("NOOP")
        w.cmd("QUIT")
    finally:
        w.close()
    after = replay(w.steps)
    assert w.steps[1][1].code == 530
    assert after[1].state is S.CONNECTED and after[1].tls_required
    assert after[1].expect("HELO client.example").verdict.name == "NEEDS_TLS"
    assert after[1].expect("EHLO client.example").legal
    assert surprises(w.steps) == []


def test_aiosmtpd_helo_session_has_no_extensions(aiosmtpd_factory):
    port = aiosmtpd_factory(auth_require_tls=False)
    w = Wire("127.0.0.1", port)
    try:
        w.cmd("HELO client.example")
        w.cmd("AUTH PLAIN AHVzZXIAcGFzcw==")
        w.cmd("MAIL FROM:<a@example.com>")
        w.cmd("QUIT")
    finally:
        w.close()
    after = replay(w.steps)
    helo = after[1]
    assert helo.state is S.GREETED and not helo.esmtp
    assert helo.expect("STARTTLS").verdict.name == "NOT_OFFERED"
    assert helo.legal_commands()[0] == "MAIL"
    assert surprises(w.steps) == []


def test_transcript_helper_reads_rfc_style_too():
    text = Path(TRANSCRIPTS / "postfix_tls_auth_send.txt").read_text()
    rfc_style = (
        text.replace("<- ", "S: ").replace("-> ", "C: ").replace("<~ ", "S: ").replace("~> ", "C: ")
    )
    assert [(c, r.raw) for c, r in parse_transcript(rfc_style)] == [
        (c, r.raw) for c, r in parse_transcript(text)
    ]
