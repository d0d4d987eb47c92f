"""Snapshot tests of the flow diagram, the state machine, the waterfall and a
lesson in Chinese, at 80×24 (pytest-textual-snapshot).

Each view follows a real session with the built-in server, made deterministic
the way ``screenshots/generate.py`` does it: fixed ports and certificate, a
counter for a clock, a fixed client port.  ``pytest --snapshot-update``
accepts a deliberate change; look at the report before you do.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "screenshot_generate", ROOT / "screenshots" / "generate.py"
)
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

PORT = 35261


@pytest.fixture
def builtin(tmp_path, monkeypatch):
    """The built-in server on a fixed port with a fixed certificate, the clock frozen."""
    if not generate.port_free(PORT):
        pytest.fail(
            f"snapshot tests need 127.0.0.1 port {PORT} free (fixed, so pictures are stable)"
        )
    from smtptui.builtin import BuiltinServer
    from smtptui.server import ServerConfig

    generate.freeze_time(monkeypatch.setattr)
    cert, key = generate.demo_certificate(tmp_path)
    return BuiltinServer(ServerConfig(port=PORT, tls_port=None, cert_file=cert, key_file=key))


class SessionHost(App):
    """A session with the built-in server and one view following it."""

    def __init__(self, builtin, view, follow) -> None:
        super().__init__()
        self.builtin = builtin
        self.view = view
        self.follow = follow
        self.events: list = []
        self.session = None

    def compose(self) -> ComposeResult:
        yield self.view

    async def talk(self, *lines: str, handshake: bool = True, message: bool = False) -> None:
        from smtptui.message import MessageDraft, build_message
        from smtptui.protocol.config import SessionConfig
        from smtptui.protocol.session import Session

        cfg = await self.builtin.retarget(SessionConfig(host="x", security="starttls", timeout=10))
        self.session = session = Session(cfg)
        session.subscribe(self._event)
        await session.connect()
        if handshake:
            await session.ehlo("learner.example")
            await session.starttls()
            await session.auth("login", "demo", "demo")
        if message:
            draft = MessageDraft(
                from_="demo@demo.local",
                to=["friend@demo.local"],
                subject="hi",
                body="hello",
                date=generate.TODAY,
                message_id="<snap.1@demo.local>",
            )
            built = build_message(draft)
            from smtptui.protocol.transaction import send_transaction

            await send_transaction(session, built.envelope, built.data)
        for line in lines:
            await session.raw(line)

    def _event(self, event) -> None:
        self.events.append(generate.fixed_client_port(event))
        self.follow(self.events)

    async def on_unmount(self) -> None:
        self.follow = lambda events: None
        if self.session is not None:
            await self.session.aclose()
        await self.builtin.stop()


async def _settle(pilot) -> None:
    await generate.settle(pilot)


def test_flow_diagram_80x24(snap_compare, builtin):
    from smtptui.ui.widgets.flow_view import FlowView

    view = FlowView(lang="en")
    app = SessionHost(builtin, view, view.sync)

    async def run_before(pilot):
        await app.talk("RCPT TO:<friend@demo.local>", "QUIT", message=True)
        await pilot.pause()
        view.focus()
        await pilot.press("up", "up", "up")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_state_machine_after_an_out_of_sequence_command_80x24(snap_compare, builtin):
    from smtptui.ui.widgets.state_chart import StateChartView

    view = StateChartView(lang="en")
    app = SessionHost(builtin, view, view.update)

    async def run_before(pilot):
        await app.talk("MAIL FROM:<demo@demo.local>", "DATA")  # DATA before RCPT: 503
        view.focus()
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_waterfall_80x24(snap_compare, builtin):
    from smtptui.flow.waterfall import from_events
    from smtptui.ui.widgets.waterfall_view import WaterfallView

    view = WaterfallView(lang="en")
    app = SessionHost(builtin, view, lambda events: None)

    async def run_before(pilot):
        await app.talk(message=True)
        view.show([("demo 127.0.0.1:35261", from_events(app.events))])
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_lesson_in_chinese_80x24(snap_compare, builtin, tmp_path, monkeypatch):
    from smtptui.learn.progress import ProgressStore
    from smtptui.ui.learn_app import LearnApp
    from smtptui.ui.screens.lesson import LessonScreen

    # the client port on screen only (the lesson finds its message by the real one)
    original = LessonScreen._event
    monkeypatch.setattr(
        LessonScreen, "_event", lambda self, e: original(self, generate.fixed_client_port(e))
    )
    app = LearnApp(
        lang="zh", lesson="envelope", builtin=builtin, store=ProgressStore(tmp_path / "p.json")
    )

    async def run_before(pilot):
        for _ in range(200):
            screen = pilot.app.screen
            if isinstance(screen, LessonScreen) and screen.idle():
                break
            await pilot.pause(0.05)
        for line in (
            "EHLO learner.example",
            "MAIL FROM:<demo@demo.local>",
            "RCPT TO:<friend@demo.local>",
            "RCPT TO:<boss@demo.local>",
            "DATA",
            "From: demo@demo.local",
            "To: friend@demo.local",
            "Subject: 信封课",
            "",
            "你好",
            ".",
        ):
            screen.query_one("Input").value = line
            await pilot.press("enter")
            for _ in range(100):
                if screen.idle():
                    break
                await pilot.pause(0.02)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
