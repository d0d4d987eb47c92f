"""Seeing SMTP from the dashboard: the flow diagram (v), the state machine (m),
the waterfall (w) and the lessons (L), each following the live demo session."""

from __future__ import annotations

from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.screens.flow import FlowScreen
from smtptui.ui.screens.lessons_menu import LessonMenuScreen
from smtptui.ui.screens.session_views import StateMachineScreen, WaterfallScreen
from tests.ui.test_app import connect_demo, ready, wait_until


async def test_v_draws_the_session_and_moving_along_moves_the_transcript():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("v")
        assert not isinstance(app.screen, FlowScreen)  # nothing to draw before connecting
        await connect_demo(pilot)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, FlowScreen))
        flow = app.screen
        arrows = len(flow.view.flow.items)
        assert arrows > 5
        await pilot.press("home", "down", "down")
        view = app.panes.transcript.view
        await wait_until(pilot, lambda: view.cursor > 0)
        # the session goes on while the diagram is open: it follows
        controller = app.workspace.sessions["demo"]
        app.run_session_work("demo", controller.raw("NOOP"), "noop")
        await wait_until(pilot, lambda: len(flow.view.flow.items) >= arrows + 2)
        await pilot.press("escape")
        assert not isinstance(app.screen, FlowScreen)


async def test_m_lights_the_state_machine_and_an_edge_sends_its_command():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await connect_demo(pilot)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, StateMachineScreen))
        chart = app.screen.chart
        assert "MAIL" in chart.choices
        controller = app.workspace.sessions["demo"]
        while chart.choices[chart._choice] != "MAIL":
            await pilot.press("right")
        await pilot.press("enter")
        await wait_until(pilot, lambda: controller.state.state.name == "MAIL")
        await wait_until(pilot, lambda: "RCPT" in chart.choices)  # it follows


async def test_w_shows_where_the_time_went():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await connect_demo(pilot)
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, WaterfallScreen))
        phases = [row.phase for row in app.screen.view.waterfalls[0][1].rows]
        assert {"connect", "banner", "ehlo", "tls", "auth"} <= set(phases)


async def test_shift_l_opens_the_lessons_in_the_dashboards_language():
    app = SmtpTuiApp(lang="zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, LessonMenuScreen))
        assert app.screen.lang == "zh"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, LessonMenuScreen))


async def test_shift_t_shows_the_demo_servers_certificate_chain_verified():
    from smtptui.ui.screens.tls_view import TlsViewScreen

    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, TlsViewScreen), timeout=15)
        report = app.screen.report
        assert report.verification.ok and report.chain.certs


async def test_at_opens_a_session_for_a_domain_through_its_mx_hosts():
    """@, a domain: its MX hosts in order (one unreachable, skipped; one the
    built-in server), the session live on the one that greets, nothing saved."""
    from smtptui.builtin import BuiltinServer
    from smtptui.profiles import ProfileStore, TlsSettings
    from smtptui.ui.screens.domain import DomainScreen
    from tests.inspection.conftest import MX, A, StubResolver

    resolver = StubResolver(
        {
            ("example.test", "MX"): [MX(10, "mx1.example.test."), MX(20, "mx2.example.test.")],
            ("mx1.example.test", "A"): [A("127.0.0.2")],  # nothing listens there
            ("mx2.example.test", "A"): [A("127.0.0.1")],
        }
    )
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        builtin: BuiltinServer = app.workspace.builtin
        server = await builtin.ensure_started()
        app.workspace.resolver_factory = lambda: resolver
        await pilot.press("at")
        await wait_until(pilot, lambda: isinstance(app.screen, DomainScreen))
        await pilot.press(*"nobody@example", "enter")  # not a domain with a dot: still a domain
        await wait_until(pilot, lambda: "@example" in app.workspace.domains)
        # the real one, on the built-in server's port (port 25 is not ours in a test)
        name = app.workspace.open_domain("@example.test", port=server.port)
        # the built-in server's certificate does not name mx2.example.test
        unverified = app.workspace.domains[name].replace(tls=TlsSettings(verify=False))
        app.workspace.domains[name] = unverified
        app.workspace.profiles = [
            unverified if p.name == name else p for p in app.workspace.profiles
        ]
        app.connect(name)
        controller = app.workspace.sessions[name]
        await wait_until(pilot, lambda: controller.status in ("connected", "error"), 20)
        assert controller.status == "connected", controller.error
        text = "\n".join(line.plain() for line in controller.lines)
        assert "mx1.example.test" in text and "mx2.example.test" in text
        assert controller.session is not None and controller.session.host_label.startswith(
            "127.0.0.1"
        )
        assert name not in {p.name for p in ProfileStore().load().profiles}  # never saved
