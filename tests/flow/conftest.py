"""A real conversation with the demo server, recorded as events, for the
diagram, exports, waterfall and state-machine tests."""

from __future__ import annotations

import pytest

from smtptui.builtin import BuiltinServer
from smtptui.message import MessageDraft, build_message
from smtptui.protocol.config import SessionConfig
from smtptui.protocol.session import Session
from smtptui.protocol.transaction import Credentials, Plan, establish, send_transaction
from smtptui.server import ServerConfig

USER, PASSWORD = "learner", "s3cret-pw"
#: base64 of the password: must never appear anywhere
PASSWORD_B64 = "czNjcmV0LXB3"


@pytest.fixture
async def demo():
    """A started built-in server with a known account, and a way to open sessions."""
    builtin = BuiltinServer(ServerConfig(port=0, users={USER: PASSWORD}))
    sessions: list[Session] = []

    async def session(security: str = "plain") -> tuple[Session, list]:
        cfg = await builtin.retarget(SessionConfig(host="x", security=security, timeout=10))
        s = Session(cfg)
        events: list = []
        s.subscribe(events.append)
        sessions.append(s)
        return s, events

    yield session
    for s in sessions:
        await s.aclose()
    await builtin.stop()


@pytest.fixture
async def full_session(demo):
    """Connect, EHLO, STARTTLS, EHLO, AUTH LOGIN, a pipelined message (a line
    of it dot-stuffed), QUIT."""
    session, events = await demo("starttls")
    await establish(session, Plan(credentials=Credentials(USER, PASSWORD, "login")))
    built = build_message(
        MessageDraft(from_="a@demo.local", to=["b@demo.local"], subject="hi", body="one\n.two")
    )
    await send_transaction(session, built.envelope, built.data)
    await session.quit()
    return events


@pytest.fixture
async def typed_session(demo):
    """A learner typing by hand: EHLO, RCPT too early (503), MAIL, RCPT, a
    message typed line by line, QUIT."""
    session, events = await demo()
    await session.connect()
    for line in (
        "EHLO learner.example",
        "RCPT TO:<b@demo.local>",
        "MAIL FROM:<a@demo.local>",
        "RCPT TO:<b@demo.local>",
        "DATA",
        "Subject: typed",
        "",
        "by hand",
        ".",
        "QUIT",
    ):
        await session.raw(line)
    return events
