"""The engine against the built-in aiosmtpd server, in-process on a free port."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import trustme

from smtptui.protocol import Secret, SessionConfig, TlsConfig
from smtptui.protocol import events as ev
from smtptui.protocol.session import Session
from smtptui.protocol.transaction import Credentials, Envelope, Plan, converse
from smtptui.server import DemoServer, ServerConfig
from smtptui.transcript import export_text

MESSAGE = b"Subject: =?utf-8?b?SGkg5L2g5aW9?=\r\n\r\n.dot first\r\nhello\r\n"
DEMO = Credentials("demo", Secret("demo"), "auto")


@pytest.fixture
async def demo():
    async with DemoServer(ServerConfig(port=0, tls_port=0)) as server:
        yield server


def cfg(server: DemoServer, security: str = "starttls", **kw) -> SessionConfig:
    port = server.tls_port if security == "tls" else server.port
    tls = kw.pop("tls", TlsConfig(ca_file=str(server.cert_path)))
    return SessionConfig(host="127.0.0.1", port=port, security=security, tls=tls, timeout=10, **kw)


async def run(config: SessionConfig, plan: Plan):
    s = Session(config)
    seen: list[ev.Event] = []
    s.subscribe(seen.append)
    return await converse(s, plan), s, seen


def send_plan(**kw) -> Plan:
    return Plan(envelope=Envelope("a@demo.local", ("b@demo.local",)), message=MESSAGE, **kw)


async def test_plain_session_delivers_to_the_local_domain(demo):
    outcome, s, _ = await run(cfg(demo, "plain"), send_plan())
    assert outcome.ok, outcome.error
    assert s.tls_info is None
    (msg,) = demo.messages
    assert msg.subject == "Hi 你好"
    assert msg.data.endswith(b".dot first\r\nhello\r\n")  # dot-stuffing undone by the server


async def test_starttls_verified_with_the_servers_own_certificate(demo):
    outcome, s, seen = await run(cfg(demo), send_plan(credentials=DEMO))
    assert outcome.ok, outcome.error
    tls = next(e for e in seen if isinstance(e, ev.TlsEstablished)).info
    assert tls.verified is True and tls.version.startswith("TLSv1.")
    assert tls.certificate is not None and tls.certificate.days_to_expiry() > 0
    assert demo.messages[0].tls and demo.messages[0].authenticated_user == "demo"
    sent_after_tls = [e for e in seen if isinstance(e, ev.Sent) and e.tls]
    assert sent_after_tls and sent_after_tls[0].text.startswith("EHLO")


async def test_implicit_tls(demo):
    outcome, s, _ = await run(cfg(demo, "tls"), send_plan(credentials=DEMO))
    assert outcome.ok, outcome.error
    assert s.tls_info is not None


async def test_auth_login_shows_decoded_prompts_and_masks_the_password(demo):
    plan = Plan(credentials=Credentials("demo", Secret("demo"), "login"))
    outcome, _, seen = await run(cfg(demo), plan)
    assert outcome.ok, outcome.error
    challenges = [e.annotation for e in seen if isinstance(e, ev.Received) and e.reply.code == 334]
    assert challenges == ["Username:", "Password:"]
    answers = [e for e in seen if isinstance(e, ev.Sent) and e.kind == "auth"]
    assert [a.text for a in answers] == [
        "AUTH LOGIN",
        base64.b64encode(b"demo").decode(),
        "********",
    ]
    exported = export_text(seen)
    assert "ZGVtbw==" not in exported and "'demo'" not in exported  # user name masked in exports


async def test_auth_plain_and_wrong_password(demo):
    ok, _, _ = await run(cfg(demo), Plan(credentials=Credentials("demo", Secret("demo"), "plain")))
    assert ok.ok
    bad, _, _ = await run(cfg(demo), Plan(credentials=Credentials("demo", Secret("nope"), "plain")))
    assert bad.exit_code == 24 and bad.error.reply.code == 535


async def test_auth_refused_on_plain_connection_without_sending(demo):
    outcome, _, seen = await run(cfg(demo, "plain"), Plan(credentials=DEMO))
    assert outcome.exit_code == 24
    assert "will not send credentials over an unencrypted connection" in str(outcome.error)
    assert not any(isinstance(e, ev.Sent) and e.text.startswith("AUTH") for e in seen)


async def test_untrusted_certificate_fails_verification(demo):
    outcome, _, _ = await run(cfg(demo, tls=TlsConfig()), Plan())
    assert outcome.exit_code == 23
    assert "--ca-file" in outcome.error.sentence


async def test_insecure_mode_connects_and_warns(demo):
    outcome, s, seen = await run(cfg(demo, tls=TlsConfig(verify=False)), Plan())
    assert outcome.ok
    assert s.tls_info.verified is None
    assert any(
        isinstance(e, ev.Note) and e.level == "warning" and "verification is OFF" in e.text
        for e in seen
    )


@pytest.fixture
def trusted_ca() -> trustme.CA:
    return trustme.CA()


async def _server_with(cert: trustme.LeafCert, tmp_path) -> DemoServer:
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    server = DemoServer(ServerConfig(port=0, cert_file=cert_file, key_file=key_file))
    await server.start()
    return server


async def test_verification_succeeds_with_a_trustme_ca(trusted_ca, tmp_path):
    server = await _server_with(trusted_ca.issue_cert("127.0.0.1", "mail.test"), tmp_path)
    ca_file = tmp_path / "ca.pem"
    trusted_ca.cert_pem.write_to_path(str(ca_file))
    try:
        outcome, s, _ = await run(cfg(server, tls=TlsConfig(ca_file=str(ca_file))), Plan())
        named, _, _ = await run(
            cfg(server, tls=TlsConfig(ca_file=str(ca_file), server_hostname="mail.test")), Plan()
        )
        wrong, _, _ = await run(
            cfg(server, tls=TlsConfig(ca_file=str(ca_file), server_hostname="other.test")), Plan()
        )
    finally:
        await server.stop()
    assert outcome.ok and s.tls_info.verified
    assert "mail.test" in s.tls_info.certificate.sans
    assert named.ok
    assert wrong.exit_code == 23 and "not valid for the name 'other.test'" in str(wrong.error)


async def test_expired_certificate_is_explained(trusted_ca, tmp_path):
    now = dt.datetime.now(dt.UTC)
    cert = trusted_ca.issue_cert(
        "127.0.0.1", not_before=now - dt.timedelta(days=30), not_after=now - dt.timedelta(days=1)
    )
    server = await _server_with(cert, tmp_path)
    ca_file = tmp_path / "ca.pem"
    trusted_ca.cert_pem.write_to_path(str(ca_file))
    try:
        outcome, _, _ = await run(cfg(server, tls=TlsConfig(ca_file=str(ca_file))), Plan())
    finally:
        await server.stop()
    assert outcome.exit_code == 23
    assert "certificate has expired" in str(outcome.error)


@pytest.mark.parametrize(
    ("phase", "last_command"),
    [
        ("connect", None),
        ("ehlo", "EHLO"),
        ("tls", "STARTTLS"),
        ("auth", "AUTH"),
        ("mail", "MAIL"),
        ("rcpt", "RCPT"),
        ("data", "DATA"),
    ],
)
async def test_quit_after_each_breakpoint(demo, phase, last_command):
    outcome, _, seen = await run(
        cfg(demo),
        send_plan(credentials=Credentials("demo", Secret("demo"), "plain"), quit_after=phase),
    )
    assert outcome.ok and outcome.stopped_after == phase
    commands = [
        e.text.split()[0] for e in seen if isinstance(e, ev.Sent) and e.kind in ("command", "auth")
    ]
    assert commands[-1] == "QUIT"
    before_quit = [
        c for c in commands[:-1] if c in ("EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA")
    ]
    if last_command is None:
        assert before_quit == []
    else:
        assert before_quit[-1] == last_command
    assert len(demo.messages) == (1 if phase == "data" else 0)


async def test_pipelining_sends_mail_rcpt_data_in_one_write(demo):
    plan = Plan(
        credentials=DEMO,
        envelope=Envelope("a@demo.local", ("b@demo.local", "c@elsewhere.example")),
        message=MESSAGE,
    )
    outcome, _, _ = await run(cfg(demo), plan)
    assert outcome.ok, outcome.error
    assert outcome.transaction.pipelined
    assert len(outcome.transaction.accepted) == 2  # authenticated: relaying allowed
    assert demo.messages[0].rcpt_tos == ("b@demo.local", "c@elsewhere.example")


async def test_relay_denied_without_auth_is_exit_26(demo):
    plan = Plan(envelope=Envelope("a@demo.local", ("x@elsewhere.example",)), message=MESSAGE)
    outcome, _, _ = await run(cfg(demo), plan)
    assert outcome.exit_code == 26
    assert outcome.error.reply.code == 554 and str(outcome.error.reply.enhanced) == "5.7.1"


async def test_partial_recipient_refusal_still_delivers(demo):
    plan = Plan(
        envelope=Envelope("a@demo.local", ("ok@demo.local", "x@elsewhere.example")),
        message=MESSAGE,
        pipelining=False,
    )
    outcome, _, _ = await run(cfg(demo), plan)
    assert outcome.ok
    assert outcome.transaction.accepted == ("ok@demo.local",)
    assert [a for a, _ in outcome.transaction.refused] == ["x@elsewhere.example"]


async def test_raw_out_of_sequence_command_gets_503_and_session_goes_on(demo):
    s = Session(cfg(demo, "plain"))
    await s.connect()
    await s.ehlo()
    reply = await s.raw("RCPT TO:<b@demo.local>")
    assert reply.code == 503
    assert (await s.raw("NOOP")).code == 250
    await s.raw("MAIL FROM:<a@demo.local>")
    await s.raw("RCPT TO:<b@demo.local>")
    assert (await s.raw("DATA")).code == 354 and s.in_data
    assert await s.raw("Subject: typed by hand") is None
    await s.raw("")
    await s.raw("hi")
    assert (await s.raw(".")).code == 250
    assert (await s.raw("QUIT")).code == 221 and not s.connected
    assert demo.messages[0].subject == "typed by hand"


async def test_bdat_when_chunking_is_offered_or_fallback(demo):
    outcome, s, seen = await run(cfg(demo), send_plan(credentials=DEMO, chunking=True))
    assert outcome.ok, outcome.error
    if s.capabilities.chunking:
        assert any(isinstance(e, ev.DataSent) and e.kind == "bdat" for e in seen)
    else:
        assert any(isinstance(e, ev.Note) and "CHUNKING" in e.text for e in seen)
    assert demo.messages[0].subject == "Hi 你好"


async def test_send_stream_pipelines_across_messages(demo):
    from smtptui.protocol.transaction import send_stream

    s = Session(cfg(demo, "plain"))
    await s.connect()
    await s.ehlo()
    results = []
    budget = iter(range(40))
    sent = await send_stream(
        s,
        Envelope("a@demo.local", ("b@demo.local",)),
        MESSAGE,
        100,
        on_result=lambda r, began: results.append(r),
        should_continue=lambda: next(budget, None) is not None,
    )
    await s.quit()
    assert sent == 40 and len(results) == 40
    assert all(r.final.code == 250 and r.pipelined for r in results)
    assert demo.received_count == 40


async def test_send_stream_counts_refusals_and_goes_on(demo):
    from smtptui.protocol.errors import ReplyError
    from smtptui.protocol.transaction import send_stream

    s = Session(cfg(demo, "plain"))
    await s.connect()
    await s.ehlo()
    results = []
    sent = await send_stream(
        s,
        Envelope("a@demo.local", ("x@elsewhere.example",)),
        MESSAGE,
        5,
        on_result=lambda r, began: results.append(r),
    )
    assert s.connected
    await s.quit()
    assert sent == 5
    assert all(isinstance(r, ReplyError) and r.reply.code == 554 for r in results)
    assert demo.received_count == 0


async def test_exports_and_full_data_show_every_message_line(demo):
    from smtptui.transcript import export_jsonl, export_markdown

    outcome, _, seen = await run(cfg(demo), send_plan(credentials=DEMO))
    assert outcome.ok
    data = next(e for e in seen if isinstance(e, ev.DataSent))
    assert data.lines() == data.lines(None) and data.lines()[-1] == "."
    assert len(data.lines(2)) == 2
    text = export_text(seen)
    assert "..dot first" in text and text.count(" ~> .") >= 1
    assert "```text" in export_markdown(seen)
    assert '"event": "datasent"' in export_jsonl(seen)


async def test_raw_answer_to_an_empty_334_is_masked_everywhere(demo):
    from smtptui.transcript import export_jsonl

    s = Session(cfg(demo))
    seen: list[ev.Event] = []
    s.subscribe(seen.append)
    await s.connect()
    await s.ehlo()
    await s.starttls()
    assert (await s.raw("AUTH PLAIN")).code == 334  # no initial response: an empty challenge
    token = base64.b64encode(b"\0demo\0demo").decode()
    assert (await s.raw(token)).code == 235
    await s.quit()
    shown = [e.text for e in seen if isinstance(e, ev.Sent)]
    assert token not in shown and "********" in shown
    assert token not in export_jsonl(seen, redact=True) and token not in export_text(
        seen, redact=False
    )


async def test_a_command_during_a_transaction_waits_for_it(demo):
    import asyncio

    s = Session(cfg(demo, "plain"))
    await s.connect()
    await s.ehlo()
    from smtptui.protocol.transaction import send_transaction

    big = MESSAGE + (b"x" * 70 + b"\r\n") * 3000
    send = asyncio.create_task(
        send_transaction(s, Envelope("a@demo.local", ("b@demo.local",)), big)
    )
    await asyncio.sleep(0)
    noop = await s.noop()  # waits for the whole transaction, never lands inside it
    result = await send
    second = await send_transaction(s, Envelope("a@demo.local", ("c@demo.local",)), MESSAGE)
    await s.quit()
    assert noop.code == 250 and result.final.code == 250 and second.final.code == 250
    assert [m.rcpt_tos for m in demo.messages] == [("b@demo.local",), ("c@demo.local",)]


async def test_commands_are_refused_while_a_raw_message_is_open(demo):
    from smtptui.protocol import UsageError

    s = Session(cfg(demo, "plain"))
    seen: list[ev.Event] = []
    s.subscribe(seen.append)
    await s.connect()
    await s.ehlo()
    await s.raw("MAIL FROM:<a@demo.local>")
    await s.raw("RCPT TO:<b@demo.local>")
    assert (await s.raw("DATA")).code == 354
    with pytest.raises(UsageError, match="a message is open"):
        await s.noop()
    await s.quit()  # QUIT would be a line of the message: the connection is dropped instead
    assert not s.connected
    assert not any(isinstance(e, ev.Sent) and e.text == "QUIT" for e in seen)
    assert demo.messages == []


async def test_a_cancelled_command_says_quit_and_closes():
    import asyncio

    from tests.protocol.scripted import ScriptedServer

    lines: list[bytes] = []

    async def slow(reader, writer):
        writer.write(b"220 hi\r\n")
        while True:
            line = await reader.readline()
            if not line:
                lines.append(b"<EOF>")
                return
            lines.append(line.strip())

    async with ScriptedServer(slow) as srv:
        s = Session(SessionConfig(host="127.0.0.1", port=srv.port, timeout=30))
        await s.connect()
        task = asyncio.create_task(s.ehlo())  # the server never answers
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.2)
        assert not s.connected
    assert lines[0].startswith(b"EHLO") and lines[1:] == [b"QUIT", b"<EOF>"]


async def test_utf8_header_address_asks_for_smtputf8_even_with_an_ascii_envelope(demo):
    from smtptui.message import MessageDraft, build_message
    from smtptui.protocol.transaction import send_transaction

    built = build_message(
        MessageDraft(
            from_="a@demo.local",
            to=["b@demo.local"],
            reply_to="用户@例子.com",
            subject="s",
            body="b",
        )
    )
    assert built.needs_smtputf8 and not built.envelope.needs_smtputf8
    s = Session(cfg(demo, "plain"))
    seen: list[ev.Event] = []
    s.subscribe(seen.append)
    await s.connect()
    await s.ehlo()
    await send_transaction(s, built.envelope, built.data, smtputf8=built.needs_smtputf8)
    await s.quit()
    mail = next(e.text for e in seen if isinstance(e, ev.Sent) and e.text.startswith("MAIL"))
    assert mail.endswith("SMTPUTF8")
