"""A misbehaving server never hangs or crashes the engine: every case ends in
one clear sentence, the right exit code, and a closed socket."""

from __future__ import annotations

import asyncio
import socket

import pytest

from smtptui.protocol import SessionConfig, UsageError
from smtptui.protocol import events as ev
from smtptui.protocol.session import Session
from smtptui.protocol.transaction import Envelope, Plan, converse
from tests.protocol.scripted import ScriptedServer, read_command

EHLO_REPLY = b"250-scripted\r\n250-PIPELINING\r\n250 8BITMIME\r\n"


def session_for(
    server: ScriptedServer, timeout: float = 2.0, **kw
) -> tuple[Session, list[ev.Event]]:
    s = Session(SessionConfig(host="127.0.0.1", port=server.port, timeout=timeout, **kw))
    seen: list[ev.Event] = []
    s.subscribe(seen.append)
    return s, seen


def failures(events: list[ev.Event]) -> list[ev.Failed]:
    return [e for e in events if isinstance(e, ev.Failed)]


SEND_PLAN = Plan(
    envelope=Envelope("a@example.com", ("b@example.com",)), message=b"Subject: t\r\n\r\nbody\r\n"
)


async def test_silent_server_times_out_with_exit_20():
    async def silent(reader, writer):
        await asyncio.sleep(30)

    async with ScriptedServer(silent) as srv:
        s, seen = session_for(srv, timeout=0.3)
        outcome = await asyncio.wait_for(converse(s, SEND_PLAN), 5)
    assert outcome.exit_code == 20
    assert "sent nothing for 0.3 s" in str(outcome.error)
    assert "greeting" in str(outcome.error)
    assert isinstance(seen[-1], ev.Closed)
    assert not s.connected


async def test_disconnect_before_greeting_is_a_protocol_error():
    async def hang_up(reader, writer):
        writer.close()

    async with ScriptedServer(hang_up) as srv:
        s, seen = session_for(srv)
        outcome = await converse(s, SEND_PLAN)
    assert outcome.exit_code == 28
    assert "closed the connection" in failures(seen)[0].reason


@pytest.mark.parametrize("phase", ["EHLO", "MAIL", "RCPT", "DATA"])
async def test_disconnect_at_each_phase(phase):
    async def drop_at(reader, writer):
        writer.write(b"220 hi\r\n")
        while True:
            line = await read_command(reader)
            if line.upper().startswith(phase.encode()):
                writer.close()
                return
            if line.startswith(b"EHLO"):
                writer.write(EHLO_REPLY.replace(b"250-PIPELINING\r\n", b""))
            else:
                writer.write(b"250 ok\r\n")

    async with ScriptedServer(drop_at) as srv:
        s, seen = session_for(srv)
        outcome = await converse(s, SEND_PLAN)
    assert outcome.exit_code == 28
    assert f"reply to {phase}" in str(outcome.error)
    assert len([e for e in seen if isinstance(e, ev.Closed)]) == 1


async def test_drop_in_the_middle_of_the_message():
    async def drop_mid_data(reader, writer):
        writer.write(b"220 hi\r\n")
        while True:
            line = await read_command(reader)
            if line.startswith(b"EHLO"):
                writer.write(b"250 scripted\r\n")
            elif line.startswith(b"DATA"):
                writer.write(b"354 go\r\n")
                await reader.read(10)
                writer.transport.abort()
                return
            else:
                writer.write(b"250 ok\r\n")

    big = b"Subject: big\r\n\r\n" + b"x" * 75 + b"\r\n" * 1
    plan = Plan(envelope=Envelope("a@example.com", ("b@example.com",)), message=big * 20000)
    async with ScriptedServer(drop_mid_data) as srv:
        s, _ = session_for(srv)
        outcome = await asyncio.wait_for(converse(s, plan), 10)
    assert outcome.exit_code == 28
    assert outcome.error is not None and outcome.error.phase == "data"


async def test_garbage_instead_of_a_greeting():
    async def garbage(reader, writer):
        writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        await asyncio.sleep(1)

    async with ScriptedServer(garbage) as srv:
        s, seen = session_for(srv)
        outcome = await converse(s, SEND_PLAN)
    assert outcome.exit_code == 28
    assert "malformed reply line" in failures(seen)[0].reason
    assert "HTTP/1.1" in failures(seen)[0].reason


async def test_oversized_reply_line_ends_the_session():
    async def huge(reader, writer):
        writer.write(b"220 " + b"A" * 200_000)
        await asyncio.sleep(5)

    async with ScriptedServer(huge) as srv:
        s, _ = session_for(srv)
        outcome = await asyncio.wait_for(converse(s, SEND_PLAN), 5)
    assert outcome.exit_code == 28
    assert "longer than 64 KiB" in str(outcome.error)


async def test_endless_multiline_reply_ends_the_session():
    async def endless(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)
        for _ in range(5000):
            writer.write(b"250-still going\r\n")
            await writer.drain()

    async with ScriptedServer(endless) as srv:
        s, _ = session_for(srv)
        outcome = await asyncio.wait_for(converse(s, SEND_PLAN), 5)
    assert outcome.exit_code == 28
    assert "more than 1000 lines" in str(outcome.error)


async def test_connection_refused_is_exit_20_with_a_hint():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = Session(SessionConfig(host="127.0.0.1", port=port, timeout=2))
    outcome = await converse(s, Plan())
    assert outcome.exit_code == 20
    assert "cannot connect to 127.0.0.1:" in outcome.error.sentence
    assert "Check the host, the port" in outcome.error.sentence


async def test_greeting_421_is_exit_21():
    async def busy(reader, writer):
        writer.write(b"421 4.3.2 too busy, try later\r\n")
        await asyncio.sleep(0.5)

    async with ScriptedServer(busy) as srv:
        s, seen = session_for(srv)
        outcome = await converse(s, Plan())
    assert outcome.exit_code == 21
    (failed,) = failures(seen)
    assert failed.phase == "greeting" and "refused the connection in its greeting" in failed.reason
    assert "421 4.3.2 too busy" in str(outcome.error)


async def test_unsolicited_reply_is_shown_not_paired():
    async def chatty(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)
        writer.write(b"250 scripted\r\n250 nobody asked for this\r\n")
        await read_command(reader)  # NOOP
        writer.write(b"250 2.0.0 noop ok\r\n")
        await read_command(reader)
        writer.write(b"221 bye\r\n")

    async with ScriptedServer(chatty) as srv:
        s, seen = session_for(srv)
        await s.connect()
        await s.ehlo()
        await asyncio.sleep(0.1)
        reply = await s.noop()
        await s.quit()
    assert reply.message == "noop ok"
    unsolicited = [e for e in seen if isinstance(e, ev.Received) and e.unsolicited]
    assert [e.reply.message for e in unsolicited] == ["nobody asked for this"]
    assert any(isinstance(e, ev.Note) and "nobody asked for" in e.text for e in seen)


async def test_starttls_response_injection_is_refused():
    async def injector(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)
        writer.write(b"250-scripted\r\n250 STARTTLS\r\n")
        await read_command(reader)
        writer.write(b"220 go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n")
        await asyncio.sleep(1)

    async with ScriptedServer(injector) as srv:
        s, seen = session_for(srv, security="starttls")
        outcome = await converse(s, Plan())
    assert outcome.exit_code == 28
    assert "response-injection" in str(outcome.error)
    assert not any(isinstance(e, ev.Received) and "injected" in e.reply.text for e in seen)


async def test_broken_tls_handshake_is_exit_23():
    async def not_tls(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)
        writer.write(b"250-scripted\r\n250 STARTTLS\r\n")
        await read_command(reader)
        writer.write(b"220 go ahead\r\n")
        await reader.read(100)  # the ClientHello
        writer.write(b"this is not a TLS record at all\r\n" * 10)
        await asyncio.sleep(1)

    async with ScriptedServer(not_tls) as srv:
        s, _seen = session_for(srv, security="starttls")
        outcome = await converse(s, Plan())
    assert outcome.exit_code == 23
    assert "TLS with 127.0.0.1" in str(outcome.error)


async def test_starttls_not_offered_is_exit_23():
    async def no_tls(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)
        writer.write(b"250 scripted\r\n")
        await read_command(reader)
        writer.write(b"221 bye\r\n")

    async with ScriptedServer(no_tls) as srv:
        s, seen = session_for(srv, security="starttls")
        outcome = await converse(s, Plan())
    assert outcome.exit_code == 23
    assert "does not offer STARTTLS" in failures(seen)[0].reason


async def test_helo_fallback_when_ehlo_is_not_understood():
    async def old(reader, writer):
        writer.write(b"220 old server\r\n")
        assert (await read_command(reader)).startswith(b"EHLO")
        writer.write(b"502 5.5.1 command not implemented\r\n")
        assert (await read_command(reader)).startswith(b"HELO")
        writer.write(b"250 old.example\r\n")
        await read_command(reader)
        writer.write(b"221 bye\r\n")

    async with ScriptedServer(old) as srv:
        s, _ = session_for(srv)
        outcome = await converse(s, Plan())
    assert outcome.ok
    assert s.capabilities is not None and not s.capabilities.esmtp


async def test_pipelined_all_rcpt_refused_closes_the_accepted_data_then_rset():
    got: list[bytes] = []

    async def lenient(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)
        writer.write(EHLO_REPLY)
        while True:
            line = await read_command(reader)
            got.append(line)
            verb = line[:4].upper()
            if verb == b"MAIL":
                writer.write(b"250 2.1.0 ok\r\n")
            elif verb == b"RCPT":
                writer.write(b"550 5.1.1 no such user\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go ahead anyway\r\n")
            elif line == b".\r\n":
                writer.write(b"554 5.5.1 no valid recipients\r\n")
            elif verb == b"RSET":
                writer.write(b"250 2.0.0 reset\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                return

    async with ScriptedServer(lenient) as srv:
        s, _seen = session_for(srv)
        outcome = await converse(s, SEND_PLAN)
    assert outcome.exit_code == 26
    assert got == [
        b"MAIL FROM:<a@example.com>\r\n",
        b"RCPT TO:<b@example.com>\r\n",
        b"DATA\r\n",
        b".\r\n",
        b"RSET\r\n",
        b"QUIT\r\n",
    ]


async def test_raw_command_with_line_break_is_refused_before_sending():
    async def greeter(reader, writer):
        writer.write(b"220 hi\r\n")
        await asyncio.sleep(1)

    async with ScriptedServer(greeter) as srv:
        s, seen = session_for(srv)
        await s.connect()
        with pytest.raises(UsageError, match="must not contain CR or LF"):
            await s.raw("NOOP\r\nRSET")
        await s.close()
    assert not any(isinstance(e, ev.Sent) for e in seen)


async def test_an_ip_address_is_not_looked_up_and_its_family_is_checked():
    async def greeter(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)
        writer.write(b"221 bye\r\n")

    async with ScriptedServer(greeter) as srv:
        s, seen = session_for(srv)
        await s.connect()
        await s.quit()
        connected = next(e for e in seen if isinstance(e, ev.Connected))
        assert connected.dns_ms is None
        wrong = Session(SessionConfig(host="127.0.0.1", port=srv.port, family="ipv6", timeout=2))
        outcome = await converse(wrong, Plan())
    assert outcome.exit_code == 20
    assert "is an IPv4 address, but --ipv6 was asked for" in str(outcome.error)


async def test_421_inside_a_pipelined_group_is_one_sentence_with_the_phase_exit_code():
    async def closing(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)
        writer.write(EHLO_REPLY)
        await read_command(reader)  # MAIL (RCPT and DATA follow in the same write)
        writer.write(b"421 4.3.2 shutting down\r\n")
        await writer.drain()
        writer.close()

    async with ScriptedServer(closing) as srv:
        s, seen = session_for(srv)
        outcome = await converse(s, SEND_PLAN)
    assert outcome.exit_code == 25
    (failed,) = failures(seen)
    assert failed.reason.startswith("the server closed the connection: 421 4.3.2 shutting down")
