"""The dashboard's session model, without a screen: real sessions against the
built-in server and Postfix, fed through the reference state machine."""

from __future__ import annotations

import pytest

from smtptui.builtin import BuiltinServer
from smtptui.message import MessageDraft, build_message
from smtptui.profiles import ProfileStore
from smtptui.profiles.credentials import given
from smtptui.protocol import Secret
from smtptui.protocol.transaction import Credentials
from smtptui.reference.states import State
from smtptui.workspace.session import SessionController


@pytest.fixture
async def demo_controller():
    builtin = BuiltinServer()
    profile = ProfileStore().get("demo")
    controller = SessionController(profile, builtin=builtin)
    yield controller
    await controller.disconnect()
    await builtin.stop()


DEMO = Credentials("demo", Secret("demo"), "login")


def message(**kw):
    return build_message(
        MessageDraft(from_="a@demo.local", to=["b@demo.local"], subject="t", body="b", **kw)
    )


async def test_connect_runs_the_handshake_and_the_state_follows(demo_controller):
    c = demo_controller
    await c.connect(given(DEMO))
    assert c.status == "connected" and c.badge.tls
    assert c.state.state is State.GREETED and c.state.tls and c.state.authenticated
    assert "MAIL" in c.legal_commands()
    assert c.last_reply.code == 235


async def test_pipelined_send_pairs_every_reply_with_its_command(demo_controller):
    c = demo_controller
    await c.connect(given(DEMO))
    result = await c.send(message())
    assert result.pipelined and result.final.code == 250
    assert c.state.state is State.GREETED  # transaction over, ready for another
    assert c.builtin.server.messages[-1].subject == "t"


async def test_step_by_step_raw_session_tracks_states(demo_controller):
    c = demo_controller
    await c.connect(None, handshake=False)
    assert c.state.state is State.CONNECTED
    await c.raw("EHLO learner.example")
    assert c.state.state is State.GREETED
    expectation = c.expect("RCPT TO:<b@demo.local>")
    assert not expectation.legal and 503 in expectation.likely_codes
    assert (await c.raw("RCPT TO:<b@demo.local>")).code == 503
    await c.raw("MAIL FROM:<a@demo.local>")
    assert c.state.state is State.MAIL
    await c.raw("RCPT TO:<b@demo.local>")
    assert c.state.state is State.RCPT
    await c.raw("DATA")
    assert c.state.state is State.DATA
    reply = await c.send_body(message())
    assert reply.code == 250 and c.state.state is State.GREETED
    await c.raw("QUIT")
    assert c.state.state is State.CLOSED and c.status == "closed"


async def test_lines_grow_with_events_and_keep_everything(demo_controller):
    c = demo_controller
    seen = []
    c.on_change = lambda ctrl, lines: seen.extend(lines)
    await c.connect(given(DEMO))
    assert seen == c.lines
    assert any(line.annotation == "Username:" for line in c.lines)
    assert len(c.transcript.events) > 10


@pytest.mark.postfix
async def test_postfix_session_through_the_state_machine(postfix):
    from dataclasses import replace

    from smtptui.profiles import Profile

    profile = Profile(name="pf", host=postfix.host, port=postfix.port, security="starttls")
    profile = profile.replace(
        tls=replace(profile.tls, ca_file=postfix.ca_file, server_hostname=postfix.server_name)
    )
    c = SessionController(profile)
    await c.connect(given(Credentials(postfix.user, Secret(postfix.password), "plain")))
    assert c.state.state is State.GREETED and c.state.tls and c.state.authenticated
    result = await c.send(message())
    assert result.final.code == 250 and c.state.state is State.GREETED
    await c.raw("RSET")
    assert (await c.raw("DATA")).code == 503  # Postfix: need RCPT command
    assert c.state.state is State.GREETED
    await c.disconnect()
    assert c.state.state is State.CLOSED


async def test_send_during_the_handshake_waits_for_it_instead_of_racing(demo_controller):
    import asyncio

    from smtptui.protocol import events as ev

    c = demo_controller
    connecting = asyncio.create_task(c.connect(given(DEMO)))
    await asyncio.sleep(0)  # the connection is under way, not finished
    assert c.connecting
    result = await c.send(message())
    await connecting
    assert result.final.code == 250
    assert sum(isinstance(e, ev.Connected) for e in c.transcript.events) == 1
    assert c.builtin.server.messages[-1].subject == "t"


async def test_a_server_hanging_up_while_idle_is_noticed():
    import asyncio

    from smtptui.profiles import Profile
    from smtptui.protocol import events as ev
    from tests.protocol.scripted import ScriptedServer, read_command

    async def impatient(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)
        writer.write(b"250 ok\r\n")
        await asyncio.sleep(0.2)
        writer.write(b"421 4.4.2 idle for too long, closing\r\n")
        await writer.drain()
        writer.close()

    async with ScriptedServer(impatient) as srv:
        c = SessionController(
            Profile(name="impatient", host="127.0.0.1", port=srv.port, security="plain")
        )
        await c.connect(None)
        assert c.status == "connected"
        for _ in range(50):
            if c.has_idle_news():
                break
            await asyncio.sleep(0.05)
        await c.notice_idle()
    received = [e for e in c.transcript.events if isinstance(e, ev.Received)]
    assert received[-1].reply.code == 421 and received[-1].unsolicited
    assert not c.connected and c.status == "closed"


async def test_a_refused_greeting_closes_the_session():
    from smtptui.profiles import Profile
    from smtptui.protocol.errors import SmtpError
    from tests.protocol.scripted import ScriptedServer, read_command

    async def refuse(reader, writer):
        writer.write(b"554 5.3.2 not today\r\n")
        line = await read_command(reader)
        if line.startswith(b"QUIT"):
            writer.write(b"221 bye\r\n")

    async with ScriptedServer(refuse) as srv:
        c = SessionController(
            Profile(name="refuse", host="127.0.0.1", port=srv.port, security="plain")
        )
        with pytest.raises(SmtpError):
            await c.connect(None)
    assert not c.connected and c.status == "error"
    assert any(line.text == "QUIT" for line in c.lines)
