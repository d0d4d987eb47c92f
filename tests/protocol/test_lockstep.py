"""A small message is sent in lockstep (each command written from the
callback that received the reply before it); a message with a progress
callback goes step by step.  Both must tell the same story: the same events
in the same order, the same result or the same error, whatever the server
does."""

from __future__ import annotations

import asyncio

import pytest

from smtptui.protocol import SessionConfig
from smtptui.protocol import events as ev
from smtptui.protocol.envelope import Envelope
from smtptui.protocol.errors import SmtpError
from smtptui.protocol.session import Session
from smtptui.protocol.transaction import send_transaction
from tests.protocol.scripted import ScriptedServer, read_command

MESSAGE = b"Subject: t\r\n\r\n.hidden dot\r\nbody\r\n"
ENVELOPE = Envelope("a@example.com", ("b@example.com", "c@example.com"))


def server_for(script: dict[bytes, bytes], *, pipelining: bool):
    """Answers each command by its verb from ``script`` (default 250 ok)."""

    async def handler(reader, writer):
        writer.write(b"220 scripted\r\n")
        in_data = False
        while True:
            line = await read_command(reader)
            if in_data:
                if line == b".\r\n":
                    in_data = False
                    reply = script.get(b"MESSAGE", b"250 2.0.0 queued\r\n")
                    if reply == b"SILENT":
                        await asyncio.sleep(30)
                    writer.write(reply)
                continue
            verb = line.split(b" ", 1)[0].split(b":", 1)[0].upper().strip()
            if verb == b"EHLO":
                extra = b"250-PIPELINING\r\n" if pipelining else b""
                writer.write(b"250-scripted\r\n" + extra + b"250 8BITMIME\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                return
            else:
                reply = script.get(verb, b"354 go on\r\n" if verb == b"DATA" else b"250 ok\r\n")
                if reply == b"SILENT":
                    await asyncio.sleep(30)
                writer.write(reply)
                if reply.startswith(b"354"):
                    in_data = True
                if reply.startswith(b"421"):
                    writer.close()
                    return

    return handler


def story(events: list[ev.Event]) -> list[tuple[str, str]]:
    out = []
    for e in events:
        if isinstance(e, ev.Sent):
            out.append(("sent", e.text))
        elif isinstance(e, ev.DataSent):
            out.append(("data", str(e.nbytes)))
        elif isinstance(e, ev.Received):
            out.append(("received", f"{e.reply.code} {e.unsolicited}"))
        elif isinstance(e, ev.Failed):
            out.append(("failed", f"{e.phase} {e.reason}"))
        elif isinstance(e, ev.Closed):
            out.append(("closed", e.reason))
        elif isinstance(e, ev.Note):
            out.append(("note", e.text))
    return out


async def run(script: dict[bytes, bytes], *, pipelining: bool, lockstep: bool):
    async with ScriptedServer(server_for(script, pipelining=pipelining)) as srv:
        session = Session(SessionConfig(host="127.0.0.1", port=srv.port, timeout=0.5))
        seen: list[ev.Event] = []
        await session.connect()
        await session.ehlo("client.test")
        session.subscribe(seen.append)
        progress = None if lockstep else (lambda done, total: None)
        try:
            result = await send_transaction(session, ENVELOPE, MESSAGE, progress=progress)
            outcome = ("ok", result.final.code, [r.code for _, r in result.rcpt])
        except SmtpError as exc:
            outcome = ("error", type(exc).__name__, str(exc), exc.phase)
        await session.aclose()
    return outcome, story(seen)


SCENARIOS = {
    "accepted": {},
    "sender refused": {b"MAIL": b"550 5.7.1 no\r\n"},
    "one recipient refused": {b"RCPT": b"250 ok\r\n"},
    "every recipient refused": {b"RCPT": b"550 5.1.1 unknown\r\n"},
    "DATA refused": {b"DATA": b"554 5.5.1 no valid recipients\r\n"},
    "message refused": {b"MESSAGE": b"552 5.3.4 too big\r\n"},
    "server closes at MAIL": {b"MAIL": b"421 4.3.0 going away\r\n"},
    "server closes at RCPT": {b"RCPT": b"421 4.3.0 going away\r\n"},
    "server closes after the message": {b"MESSAGE": b"421 4.3.0 going away\r\n"},
    "no answer to the message": {b"MESSAGE": b"SILENT"},
}


@pytest.mark.parametrize("pipelining", [False, True], ids=["one by one", "PIPELINING"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_lockstep_tells_the_same_story_as_step_by_step(scenario, pipelining):
    script = SCENARIOS[scenario]
    stepwise = await run(script, pipelining=pipelining, lockstep=False)
    lockstep = await run(script, pipelining=pipelining, lockstep=True)
    assert lockstep == stepwise


async def test_a_reply_time_in_lockstep_is_its_own_round_trip():
    async def slow(reader, writer):
        writer.write(b"220 slow\r\n")
        while True:
            line = await read_command(reader)
            if line.startswith(b"EHLO"):
                writer.write(b"250 slow\r\n")
                continue
            await asyncio.sleep(0.05)
            if line.startswith(b"DATA"):
                writer.write(b"354 go\r\n")
                while await read_command(reader) != b".\r\n":
                    pass
                await asyncio.sleep(0.05)
            writer.write(b"250 ok\r\n")
            if line.startswith(b"QUIT"):
                return

    async with ScriptedServer(slow) as srv:
        session = Session(SessionConfig(host="127.0.0.1", port=srv.port, timeout=5))
        seen: list[ev.Event] = []
        await session.connect()
        await session.ehlo("client.test")
        session.subscribe(seen.append)
        await send_transaction(session, ENVELOPE, MESSAGE)
        await session.aclose()
    received = [e for e in seen if isinstance(e, ev.Received)][:5]
    assert len(received) == 5  # MAIL, RCPT, RCPT, DATA, the message
    for event in received:
        assert event.elapsed_ms is not None and event.elapsed_ms >= 50
    sent = [e for e in seen if isinstance(e, (ev.Sent, ev.DataSent))][:5]
    assert all(s.at <= r.at for s, r in zip(sent, received, strict=True))
