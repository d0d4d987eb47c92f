"""The flow diagram, the state machine and the waterfall, each following a live
session with the built-in demo server, driven by keyboard and mouse (pilot)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from smtptui.builtin import BuiltinServer
from smtptui.flow.diagram import Arrow
from smtptui.flow.waterfall import from_events
from smtptui.protocol import events as ev
from smtptui.protocol.config import SessionConfig
from smtptui.protocol.session import Session
from smtptui.protocol.transaction import Credentials, Plan, establish
from smtptui.reference.states import State
from smtptui.server import ServerConfig
from smtptui.transcript import event_lines
from smtptui.ui.screens.flow import FlowScreen
from smtptui.ui.widgets.flow_view import FlowView
from smtptui.ui.widgets.state_chart import StateChartView
from smtptui.ui.widgets.waterfall_view import WaterfallView
from tests.ui.waiting import wait_until


class Live:
    """A session with the demo server whose events a view follows, the way a
    host passes them on (each event appended to one list, the view told)."""

    def __init__(self, builtin: BuiltinServer) -> None:
        self.builtin = builtin
        self.events: list[ev.Event] = []
        self.session: Session | None = None
        self.listeners: list = []

    async def open(self, security: str = "plain") -> Session:
        cfg = await self.builtin.retarget(SessionConfig(host="x", security=security, timeout=10))
        self.session = Session(cfg)
        self.session.subscribe(self._event)
        return self.session

    def _event(self, event: ev.Event) -> None:
        self.events.append(event)
        for listener in self.listeners:
            listener(self.events)


@pytest.fixture
async def live():
    builtin = BuiltinServer(ServerConfig(port=0))
    host = Live(builtin)
    yield host
    host.listeners.clear()  # the app is gone; the QUIT still goes out
    if host.session is not None:
        await host.session.aclose()
    await builtin.stop()


class Host(App):
    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


def screen_text(app) -> str:
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=app.size.width, record=True)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


# -- the flow diagram --------------------------------------------------------


async def test_the_flow_view_follows_a_live_session(live):
    view = FlowView(lang="en")
    live.listeners.append(view.sync)
    app = Host(view)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await live.open("starttls")
        await session.connect()
        await pilot.pause()
        assert [type(i).__name__ for i in view.items] == ["Mark", "Arrow"]
        assert view.items[1].text.startswith("220 ")
        await session.ehlo("learner.example")
        await session.starttls()
        await session.auth("login", "demo", "demo")
        await session.raw("RCPT TO:<b@demo.local>")
        await pilot.pause()
        texts = [i.text for i in view.items if isinstance(i, Arrow)]
        assert "STARTTLS" in texts and "AUTH LOGIN" in texts
        assert view.items[-1].out_of_sequence and view.items[-1].code == 503
        shown = screen_text(app)
        assert "503 5.5.1" in shown  # following: the newest arrow is on screen
        assert "Server 127.0.0.1:" in shown.splitlines()[0]
        assert all(len(line) <= 80 for line in shown.splitlines())


async def test_moving_along_the_diagram_names_the_transcript_line(live):
    view = FlowView(lang="en")
    live.listeners.append(view.sync)
    selected: list[FlowView.StepSelected] = []

    class Watching(Host):
        def on_flow_view_step_selected(self, message: FlowView.StepSelected) -> None:
            selected.append(message)

    app = Watching(view)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await live.open()
        await session.connect()
        await session.raw("EHLO learner.example")
        await session.raw("NOOP")
        view.focus()
        await pilot.press("up")  # from following: onto the newest item
        await pilot.press("up")
        await pilot.pause()
        lines = [line for e in live.events for line in event_lines(e, start=live.events[0].at)]
        last = selected[-1]
        assert isinstance(last.item, Arrow) and last.item.text == "NOOP"
        assert lines[last.line].text == "NOOP" and live.events[last.event].text == "NOOP"
        # and the other way round: a transcript line inside the EHLO reply
        ehlo = next(i for i, item in enumerate(view.items) if getattr(item, "more", ()))
        view.select_line(view.items[ehlo].line + 4)
        await pilot.pause()
        assert view.cursor == ehlo and selected[-1].item is view.items[ehlo]


async def test_clicking_a_row_selects_that_step(live):
    view = FlowView(lang="en")
    live.listeners.append(view.sync)
    app = Host(view)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await live.open()
        await session.connect()
        await session.raw("EHLO learner.example")
        await pilot.pause()
        await pilot.click(FlowView, offset=(30, 3))  # row 0 is the header: item 2
        await pilot.pause()
        assert view.cursor == 2 and view.selected.text == "EHLO learner.example"


async def test_the_flow_screen_copies_a_redacted_mermaid_diagram(live):
    session = await live.open("starttls")
    await establish(session, Plan(credentials=Credentials("demo", "demo", "login")))
    lines_seen: list[int] = []
    screen = FlowScreen(live.events, lang="en", on_select=lines_seen.append)

    class Showing(App):
        def on_mount(self) -> None:
            self.push_screen(screen, self.exit)

    app = Showing()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        copied = app.clipboard
        assert copied.startswith("sequenceDiagram\n")
        assert "Username:" in copied and "ZGVtbw==" not in copied and "'demo'" not in copied
        await pilot.press("p")
        assert "C ~~> S  AUTH LOGIN" in app.clipboard
        await pilot.press("home")
        await pilot.press("down")
        await pilot.pause()
        detail = str(screen.query_one("#flow-detail").render())
        assert "220 " in detail and "greeting" in detail
        assert lines_seen and lines_seen[-1] == screen.view.items[1].line
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_value == screen.view.items[1].line


async def test_the_flow_screen_reads_in_chinese(live):
    session = await live.open()
    await session.connect()
    await session.raw("EHLO learner.example")
    app = Host(FlowView(live.events, lang="zh"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "客户端" in text and "服务器" in text and "欢迎信息" in text


# -- the state machine -------------------------------------------------------


async def test_the_state_machine_follows_a_live_session_and_shows_the_missing_edge(live):
    view = StateChartView(lang="en")
    live.listeners.append(view.update)
    app = Host(view)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await live.open()
        await session.connect()
        await pilot.pause()
        assert view.chart.current is State.CONNECTED
        assert view.choices[:2] == ["EHLO", "HELO"]
        await session.raw("EHLO learner.example")
        await session.raw("RCPT TO:<b@demo.local>")
        await pilot.pause()
        assert view.chart.current is State.GREETED
        assert "✗ RCPT in GREETED" in screen_text(app)
        await session.raw("MAIL FROM:<a@demo.local>")
        await pilot.pause()
        assert view.chart.current is State.MAIL and view.chart.last == (State.GREETED, "MAIL")
        assert "✗" not in screen_text(app)


async def test_choosing_an_edge_by_keyboard_sends_it(live):
    sent: list[str] = []
    view = StateChartView(lang="en")
    live.listeners.append(view.update)

    class Stepping(Host):
        def on_state_chart_view_edge_chosen(self, message: StateChartView.EdgeChosen) -> None:
            line = {"MAIL": "MAIL FROM:<a@demo.local>"}.get(message.token, message.token)
            sent.append(line)
            self.run_worker(live.session.raw(line))

    app = Stepping(view)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await live.open()
        await session.connect()
        await session.raw("EHLO learner.example")
        view.focus()
        await pilot.pause()
        # GREETED before TLS: no AUTH offered, so no AUTH edge lit
        assert view.choices[:3] == ["STARTTLS", "MAIL", "QUIT"]
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: view.chart.current is State.MAIL)
        assert sent == ["MAIL FROM:<a@demo.local>"]


async def test_clicking_an_edge_sends_it_and_a_dead_edge_does_nothing(live):
    chosen: list[str] = []
    view = StateChartView(lang="en", on_choose=chosen.append)
    live.listeners.append(view.update)
    app = Host(view)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await live.open()
        await session.connect()
        await session.raw("EHLO learner.example")
        await pilot.pause()

        def cell_of(source, token):
            for row, cells in enumerate(view._canvas.rows):
                for col, (_, tag) in enumerate(cells):
                    if tag == ("edge", (source, token)):
                        return col + 1, row  # the widget's left padding
            raise AssertionError((source, token))

        await pilot.click(StateChartView, offset=cell_of(State.RCPT, "DATA"))
        assert chosen == []  # not an edge from GREETED
        await pilot.click(StateChartView, offset=cell_of(State.GREETED, "MAIL"))
        assert chosen == ["MAIL"]
        # the commands that stay in GREETED are listed under the diagram, clickable too
        status = view._status().plain.split("\n")
        row = next(i for i, line in enumerate(status) if "NOOP" in line)
        col = status[row].index("NOOP") + 1
        await pilot.click(StateChartView, offset=(col + 1, len(view._canvas.rows) + row))
        assert chosen == ["MAIL", "NOOP"]


def test_every_edge_of_the_machine_is_drawn():
    from smtptui.flow.statechart import derive_edges
    from smtptui.ui.widgets.state_chart_layout import edge_tag, layout

    for lang in ("en", "zh"):
        drawn = layout(lang).tags()
        for edge in derive_edges():
            if edge.loop and edge.token != "RCPT":
                continue  # NOOP, HELP … are listed under the diagram
            assert edge_tag(edge.source, edge.token) in drawn, (lang, edge)
        assert {("node", s) for s in State} - drawn == {
            ("node", State.DISCONNECTED),
            ("node", State.BDAT),
        }


# -- the waterfall -----------------------------------------------------------


async def test_two_servers_waterfalls_share_one_axis(live):
    slow = BuiltinServer(ServerConfig(port=0, reply_delay=0.05))
    try:
        waterfalls = []
        for builtin in (live.builtin, slow):
            events: list = []
            cfg = await builtin.retarget(SessionConfig(host="x", security="starttls", timeout=10))
            session = Session(cfg)
            session.subscribe(events.append)
            await establish(session, Plan(credentials=Credentials("demo", "demo", "login")))
            await session.quit()
            waterfalls.append(("fast" if builtin is live.builtin else "slow", from_events(events)))
    finally:
        await slow.stop()
    view = WaterfallView(waterfalls, lang="en")
    app = Host(view)
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
    rows = [row.rstrip() for row in text.splitlines()]
    fast_banner = next(r for r in rows[: rows.index(" slow")] if "banner" in r)
    slow_banner = next(r for r in rows[rows.index(" slow") :] if "banner" in r)
    bars = "█▉▊▋▌▍▎▏"
    assert sum(c in bars for c in slow_banner) > sum(c in bars for c in fast_banner)
    for phase in ("TCP connect", "EHLO", "TLS handshake", "AUTH", "total"):
        assert phase in text
        for row in rows:
            if f" {phase}" in row and any(c in bars for c in row):
                after = row.split(phase, 1)[1]
                assert after.startswith(" "), f"the bar touches its label: {row!r}"
    axis = [row for row in rows if row.strip()][-1]
    assert axis.split()[0] == "0" and "ms" in axis  # one axis, under both
    assert all(len(r) <= 80 for r in rows)
