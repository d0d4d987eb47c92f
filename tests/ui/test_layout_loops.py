"""Two quick clicks never make the dashboard loop or crash: at 80×24 the pane
tabs and the shown pane once fed back into an endless TabActivated ping-pong
(100 % CPU until the process was killed), and a second queued dismissal of a
screen once popped the dashboard itself."""

from __future__ import annotations

from textual.widgets import Tabs

from smtptui.ui.app import SmtpTuiApp
from tests.ui.test_app import ready, wait_until


class CountingApp(SmtpTuiApp):
    """The dashboard, counting the tab messages it handles."""

    activations = 0

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        self.activations += 1
        super().on_tabs_tab_activated(event)


async def test_two_quick_tab_clicks_settle_on_the_second_pane():
    app = CountingApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: bool(app.query("#pane-tabs #tab-composer")))
        await pilot.pause()
        # Two clicks with no pause between them, as a person double-taps tabs.
        app.query_one("#pane-tabs", Tabs).active = "tab-session"
        app.query_one("#pane-tabs", Tabs).active = "tab-composer"
        await wait_until(pilot, lambda: app.screen.has_class("-pane-composer"))
        settled = app.activations
        for _ in range(20):
            await pilot.pause()
        assert app.activations == settled, (
            f"the tabs kept switching by themselves ({app.activations - settled} more "
            "TabActivated messages after the clicks)"
        )
        assert app.query_one("#pane-tabs", Tabs).active == "tab-composer"
        assert app.screen.has_class("-pane-composer")
        assert not app.screen.has_class("-pane-session")


async def test_clicking_tabs_shows_each_pane_and_a_resize_keeps_it():
    app = SmtpTuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: bool(app.query("#pane-tabs #tab-session")))
        await pilot.click("#tab-session")
        await wait_until(pilot, lambda: app.screen.has_class("-pane-session"))
        await pilot.click("#tab-reference")
        await wait_until(pilot, lambda: app.screen.has_class("-pane-reference"))
        await pilot.resize_terminal(82, 25)
        await wait_until(pilot, lambda: app.query_one("#pane-tabs", Tabs).active == "tab-reference")
        assert app.screen.has_class("-pane-reference")


async def test_two_queued_row_selections_in_the_fleet_view_open_one_session():
    """A double click on a fleet row queues two selections; the second one used
    to pop the dashboard itself and end the app (ScreenStackError)."""
    from textual.widgets import DataTable

    from smtptui.ui.screens.dashboard import DashboardScreen

    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.table.row_count > 0)
        table = screen.table
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        # A double click (or enter, enter) on a row: two selections queued.
        for _ in range(2):
            table.post_message(DataTable.RowSelected(table, table.cursor_row, row_key))
        await wait_until(pilot, lambda: not isinstance(app.screen, DashboardScreen))
        for _ in range(5):
            await pilot.pause()
        assert app.screen is app.screen_stack[0] and app.is_running
