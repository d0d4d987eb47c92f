"""The fleet dashboard, compare and swaks screens, driven through the real app
against a fleet of real servers on loopback: fast, slow, refusing, and one
with an expired trustme certificate."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static, TextArea
from textual.widgets.data_table import ColumnKey

from smtptui.fleet import ResultStore
from smtptui.profiles import AuthSettings, PasswordSource, ProfileStore
from smtptui.protocol import Secret
from smtptui.server import DemoServer
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.header import DashboardHeader
from smtptui.ui.screens.compare import CompareScreen
from smtptui.ui.screens.dashboard import (
    DashboardScreen,
    extension_flags,
    sparkline,
)
from smtptui.ui.screens.swaks import SwaksScreen
from smtptui.ui.widgets.transcript_view import TranscriptView
from tests.fleet.servers import Certificates, Servers, profile_for, server_config
from tests.ui.waiting import wait_until as _wait_until

SIZE = (120, 40)
PASSWORD_ENV = "DASHBOARD_TEST_PW"
SLOW = ("slow-0", "slow-1", "slow-2")


@dataclass
class Fleet:
    servers: dict[str, DemoServer]
    names: list[str]


@pytest.fixture
async def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """20 servers, each with a saved profile (plus the bundled demo profile)."""
    monkeypatch.setenv(PASSWORD_ENV, "demo")
    certs = Certificates(tmp_path)
    valid = certs.valid()
    specs: list[tuple[str, object, dict]] = []
    for i in range(14):
        specs.append((f"fast-{i:02d}", server_config(valid), {"login": i % 2 == 0}))
    for name in SLOW:
        specs.append((name, server_config(valid, reply_delay=0.3), {}))
    specs.append(("refusing", server_config(valid, refuse_greeting=True), {}))
    specs.append(("expired", server_config(certs.expired()), {}))
    specs.append(("plain", server_config(valid), {"security": "plain"}))
    async with Servers([config for _, config, _ in specs]) as servers:
        store = ProfileStore()
        for (name, _, kw), server in zip(specs, servers, strict=True):
            store.save(
                profile_for(
                    name,
                    server,
                    ca_file=certs.ca_file,
                    password_env=PASSWORD_ENV,
                    tags=("slow",) if name in SLOW else ("lab",),
                    **kw,
                )
            )
        yield Fleet(
            {name: server for (name, _, _), server in zip(specs, servers, strict=True)},
            [name for name, _, _ in specs],
        )


async def wait_until(pilot, predicate, timeout: float = 30.0) -> None:
    await _wait_until(pilot, predicate, timeout)


async def open_dashboard(pilot) -> DashboardScreen:
    app = pilot.app
    await pilot.pause()
    app.action_dashboard()
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    await pilot.pause()
    return app.screen


async def finished(pilot, screen: DashboardScreen, timeout: float = 30.0) -> None:
    await wait_until(pilot, lambda: not any(r.busy for r in screen.rows.values()), timeout)
    await pilot.pause()


def cell(screen: DashboardScreen, name: str, column: str) -> str:
    return screen.table.get_cell(name, column).plain


def row_order(screen: DashboardScreen) -> list[str]:
    return [row.key.value for row in screen.table.ordered_rows]


async def highlight(pilot, screen: DashboardScreen, name: str) -> None:
    screen.table.move_cursor(row=screen.table.get_row_index(name))
    await pilot.pause()


def detail(screen: DashboardScreen) -> str:
    return str(screen.query_one("#fleet-detail", Static).render())


# ------------------------------------------------------------------ the matrix


async def test_rows_appear_at_once_and_fill_in_live_with_failures_flagged(fleet):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        assert set(row_order(screen)) == {*fleet.names, "demo"}
        assert cell(screen, "slow-0", "result") in ("· queued", "… checking")
        await wait_until(pilot, lambda: cell(screen, "fast-00", "result") == "✓ ok", 30)
        assert cell(screen, "slow-0", "result") == "… checking"  # live: fast ones first
        fast = [n for n in fleet.names if n not in SLOW]
        await wait_until(pilot, lambda: all(screen.rows[n].result is not None for n in fast), 30)
        await finished(pilot, screen)

        for name in fleet.names:
            if name not in ("refusing", "expired"):
                assert cell(screen, name, "result").startswith("✓ ok"), name
        assert cell(screen, "refusing", "result") == "✗ greeting 554"
        assert cell(screen, "expired", "result") == "✗ tls"
        expired_cert = screen.table.get_cell("expired", "cert")
        assert expired_cert.plain == "expired" and "red" in str(expired_cert.style)
        assert cell(screen, "fast-00", "tlsv").startswith("TLSv1.")
        assert "LOGIN" in cell(screen, "fast-00", "mechs")
        assert cell(screen, "fast-00", "size") == "10 MiB"
        assert cell(screen, "fast-00", "ext") == extension_flags(
            screen.rows["fast-00"].result.capabilities
        )
        assert cell(screen, "plain", "tlsv") == "none"
        assert float(cell(screen, "slow-0", "ph-banner")) >= 250  # 0.3 s reply delay
        summary = str(screen.query_one("#fleet-summary", Static).render())
        assert "21 profiles" in summary and "19 ok" in summary and "2 failed" in summary
        legend = screen.query_one("#fleet-legend", Static)
        wrapped = legend.get_content_height(legend.size, legend.size, legend.content_size.width)
        assert legend.content_size.height == wrapped > 1  # the whole legend, not its start
        shown = screen.query_one(DashboardHeader).render().plain  # the header's words
        assert "Fleet health" in shown and "21 profiles" not in shown  # the summary once, not twice

        await highlight(pilot, screen, "expired")
        assert "certificate has expired" in detail(screen)
        await highlight(pilot, screen, "refusing")
        text = detail(screen)
        assert "554 5.3.2" in text and screen.rows["refusing"].result.explanation.title in text

        # saved, so the sparkline and "compare with last time" have history
        assert ResultStore().last("refusing").reply.code == 554
        assert len(cell(screen, "fast-01", "history")) == 1


async def test_sorting_by_total_puts_the_slow_servers_last_and_S_reverses(fleet):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        await finished(pilot, screen)
        assert row_order(screen)[:2] == ["demo", "expired"]  # by profile name
        await pilot.press("s")  # result: failures first
        assert set(row_order(screen)[:2]) == {"refusing", "expired"}
        await pilot.press("s")  # total
        assert screen.sort_column == "total"
        assert "▲" in screen.table.columns[ColumnKey("total")].label.plain
        assert set(row_order(screen)[-3:]) == set(SLOW)
        await pilot.press("S")
        assert set(row_order(screen)[:3]) == set(SLOW)
        await pilot.press("s")  # cert: the expired certificate first
        assert row_order(screen)[0] == "expired"


async def test_clicking_a_column_header_sorts_by_it(fleet):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        await finished(pilot, screen)
        table = screen.table
        columns = table.ordered_columns
        index = table.get_column_index("total")
        x = sum(c.get_render_width(table) for c in columns[:index]) + 2
        await pilot.click("#fleet-table", offset=(x, 0))
        await pilot.pause()
        assert screen.sort_column == "total" and not screen.sort_reverse
        assert set(row_order(screen)[-3:]) == set(SLOW)
        await pilot.click("#fleet-table", offset=(x, 0))  # again: descending
        await pilot.pause()
        assert screen.sort_reverse and set(row_order(screen)[:3]) == set(SLOW)


async def test_the_filter_of_the_profiles_pane_chooses_the_rows(fleet):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: bool(app.query("#profile-filter")), 30)
        app.query_one("#profile-filter", Input).value = "#slow"
        await pilot.pause()
        screen = await open_dashboard(pilot)
        assert sorted(row_order(screen)) == list(SLOW)
        await finished(pilot, screen)
        assert "filter: #slow" in str(screen.query_one("#fleet-summary", Static).render())
        await pilot.press("h")
        app.query_one("#profile-filter", Input).value = "no-such-server"
        await pilot.pause()
        screen = await open_dashboard(pilot)
        assert screen.table.row_count == 0
        assert "No profiles match" in str(screen.query_one("#fleet-summary", Static).render())


async def test_recheck_one_row_keeps_the_others(fleet):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        await finished(pilot, screen)
        before = {n: r.result for n, r in screen.rows.items()}
        await highlight(pilot, screen, "fast-03")
        await pilot.press("r")
        await finished(pilot, screen)
        assert screen.rows["fast-03"].result is not before["fast-03"]
        assert screen.rows["fast-03"].previous is before["fast-03"]
        assert screen.rows["fast-04"].result is before["fast-04"]
        assert len(cell(screen, "fast-03", "history")) == 2


# ------------------------------------------------------------- enter, escape


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_enter_opens_the_session_with_the_check_transcript(fleet, size):
    app = SmtpTuiApp()
    async with app.run_test(size=size) as pilot:
        screen = await open_dashboard(pilot)
        await finished(pilot, screen)
        await highlight(pilot, screen, "refusing")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not screen and app.workspace.current == "refusing"
        text = "\n".join(line.plain() for line in app.query_one(TranscriptView).lines)
        assert "554 5.3.2" in text and "the dashboard's health check" in text
        assert not app.workspace.sessions["refusing"].connected
        assert app.query_one("ProfilesPane").highlighted_name == "refusing"
        if size == (80, 24):  # panes are tabs: the transcript's is shown
            assert app.screen.has_class("-pane-transcript")


async def test_show_check_fills_an_idle_controller_and_spares_a_live_one(fleet):
    from smtptui.fleet import check_profile
    from smtptui.reference.states import State
    from smtptui.workspace.session import SessionController

    store = ProfileStore()
    refused = await check_profile(store.get("refusing"), timeout=5)
    idle = SessionController(store.get("refusing"))
    assert idle.show_check(refused.events)
    assert [line.code for line in idle.lines if line.code is not None][0] == 554
    assert idle.state.state is State.CLOSED and idle.status == "error"
    assert idle.lines[-1].offset == idle.lines[-2].offset  # the note is not "later"

    live = SessionController(store.get("fast-01"))
    await live.connect(None)
    try:
        before = list(live.lines)
        assert not live.show_check(refused.events)
        assert live.lines == before and live.connected
    finally:
        await live.disconnect()


async def test_enter_keeps_a_live_session_instead_of_the_check():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # connect demo
        await wait_until(pilot, lambda: app.workspace.sessions["demo"].status == "connected")
        lines_before = len(app.workspace.sessions["demo"].lines)
        screen = await open_dashboard(pilot)
        await finished(pilot, screen)
        assert cell(screen, "demo", "result") == "✓ ok"
        await pilot.press("enter")
        await pilot.pause()
        controller = app.workspace.sessions["demo"]
        assert controller.connected and len(controller.lines) >= lines_before
        assert "dashboard's health check" not in "".join(line.text for line in controller.lines)
        await app.action_quit()


async def test_escape_cancels_running_checks_and_closes_their_sockets():
    """A server that accepts and never says a word: the check waits in the
    banner step until escape cancels it; the connection is then closed."""
    open_connections: set[asyncio.StreamReader] = set()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        open_connections.add(reader)
        try:
            await reader.read()  # until the client closes
        finally:
            open_connections.discard(reader)
            writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    store = ProfileStore()
    for i in range(3):
        store.save(profile_for_silent(f"silent-{i}", port))
    app = SmtpTuiApp()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.query_one("#profile-filter", Input).value = "silent"
            await pilot.pause()
            screen = await open_dashboard(pilot)
            await wait_until(pilot, lambda: len(open_connections) == 3, 5)
            # the checks run on a loop of their own; their first events reach
            # the screen a moment after the connections exist
            await wait_until(
                pilot, lambda: all(r.state == "checking" for r in screen.rows.values()), 5
            )
            await pilot.press("escape")
            await wait_until(pilot, lambda: not open_connections)
            await pilot.pause()
            assert app.screen is screen  # the first escape only cancels
            assert {cell(screen, n, "result") for n in screen.rows} == {"cancelled"}
            assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("smtptui-check:")]
            await pilot.press("escape")
            assert app.screen is not screen
    finally:
        server.close()
        await server.wait_closed()


def profile_for_silent(name: str, port: int):
    from smtptui.profiles import Profile

    return Profile(name=name, host="127.0.0.1", port=port, security="plain", timeout=30)


# ------------------------------------------------------------------- compare


async def test_two_marked_rows_are_checked_fresh_and_compared(fleet):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        await finished(pilot, screen)
        await highlight(pilot, screen, "plain")
        await pilot.press("space")
        await highlight(pilot, screen, "fast-01")
        await pilot.press("space")
        assert cell(screen, "plain", "mark") == "◆"
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        compare = app.screen
        await pilot.pause()
        table = compare.query_one(DataTable)
        rows = {table.get_cell_at((i, 1)).plain: i for i in range(table.row_count)}
        version = rows["version"]
        assert table.get_cell_at((version, 0)).plain == "*"  # TLS version: none vs TLSv1.x
        assert table.get_cell_at((version, 2)).plain == "—"
        assert table.get_cell_at((version, 3)).plain.startswith("TLSv1.")
        assert "difference" in str(compare.query_one("#compare-summary", Static).render())
        total_rows = table.row_count
        await pilot.press("d")
        assert table.row_count < total_rows
        assert all(r.differs for r in compare.shown_rows)
        await pilot.press("escape")
        assert app.screen is screen
        assert not any(r.marked for r in screen.rows.values())


async def test_c_compares_a_profile_with_its_last_saved_check(fleet):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        await finished(pilot, screen)
        await highlight(pilot, screen, "fast-02")
        await pilot.press("c")  # nothing was saved before this run
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("h")
        assert app.screen is not screen

        screen = await open_dashboard(pilot)  # later: the saved check is history
        await finished(pilot, screen)
        assert len(cell(screen, "fast-02", "history")) == 2
        await highlight(pilot, screen, "fast-02")
        await pilot.press("c")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, CompareScreen) and compare.labels[1] == "now"
        assert compare.comparison.left.started_at < compare.comparison.right.started_at
        fields = {r.field for r in compare.comparison.rows}
        assert {"version", "PIPELINING", "total"} <= fields
        await pilot.press("escape")
        await pilot.press("r")  # and after a re-check: that one against this one
        await finished(pilot, screen)
        await pilot.press("c")
        await pilot.pause()
        assert app.screen.comparison.right is screen.rows["fast-02"].result


# --------------------------------------------------------------------- swaks


async def test_swaks_export_names_the_password_variable_never_the_password(fleet):
    store = ProfileStore()
    secret = "s3cret-Passw0rd"
    fast = store.get("fast-05")
    store.save(
        fast.replace(
            name="inline-pw",
            auth=AuthSettings(
                mechanism="login",
                username="demo",
                password=PasswordSource(kind="plain", value=Secret(secret)),
            ),
        )
    )
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        await highlight(pilot, screen, "fast-00")  # password from $DASHBOARD_TEST_PW
        await pilot.press("x")
        await pilot.pause()
        swaks = app.screen
        assert isinstance(swaks, SwaksScreen)
        shown = swaks.query_one(TextArea).text
        assert shown.startswith("swaks --server 127.0.0.1:")
        assert f'--auth-password "${PASSWORD_ENV}"' in shown and "--tls" in shown
        await pilot.press("escape")

        await highlight(pilot, screen, "inline-pw")
        await pilot.press("x")
        await pilot.pause()
        swaks = app.screen
        assert '"$SMTP_PASSWORD"' in swaks.command_text
        assert any("export SMTP_PASSWORD=" in note for note in swaks.notes)
        assert secret not in swaks.command_text + swaks.shell_text
        await pilot.press("y")
        assert secret not in (app.clipboard or "") and "SMTP_PASSWORD" in app.clipboard
        await pilot.press("escape")

        await highlight(pilot, screen, "demo")
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen  # a sentence instead of a command
        assert any("built-in demo server" in n.message for n in app._notifications)
        await finished(pilot, screen)


async def test_swaks_for_the_current_profile_uses_the_composer_fields(fleet):

    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.panes.composer is not None)
        app.switch_to("plain")
        await pilot.pause()
        composer = app.panes.composer
        composer.query_one("#composer-from", Input).value = "Zhang San <zs@example.com>"
        composer.query_one("#composer-to", Input).value = "you@example.com, b@example.org"
        composer.query_one("#composer-subject", Input).value = "测试 hello"
        await pilot.pause()
        app.action_swaks()
        await pilot.pause()
        swaks = app.screen
        assert isinstance(swaks, SwaksScreen)
        text = swaks.command_text
        assert "--from zs@example.com" in text and "--to you@example.com,b@example.org" in text
        assert "Subject: =?utf-8?" in text and "--tls" not in text


# -------------------------------------------------------------------- pieces


def test_sparkline_scales_from_zero_to_the_largest_and_marks_missing_points():
    assert sparkline([]) == ""
    assert sparkline([None]) == ""
    assert sparkline([10.0, 20.0, None, 40.0]) == "▃▅·█"
    assert len(sparkline(range(1, 40))) == 12  # the last twelve


def test_extension_flags_one_letter_per_extension():
    from smtptui.fleet import CapabilityFacts

    assert extension_flags(None) == "—"
    assert extension_flags(CapabilityFacts(esmtp=False)) == "HELO"
    caps = CapabilityFacts(extensions=("PIPELINING", "8BITMIME", "DSN"))
    assert extension_flags(caps) == "P··8D·"
