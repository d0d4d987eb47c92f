"""The dashboard's header: where it is, and the ✉ that opens the palette."""

from __future__ import annotations

from textual.command import CommandPalette

from smtptui.i18n import t
from smtptui.profiles import Profile, ProfileStore
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.header import DashboardHeader
from tests.ui.test_app import ready
from tests.ui.waiting import until


def _line(app: SmtpTuiApp) -> str:
    """The header as drawn: the screen's first line (the app's titles do not
    repaint the screen; the header repaints itself when they change)."""
    return app.screen_stack[0]._compositor.render_strips()[0].text


async def test_the_header_names_the_profile_shown_and_follows_a_switch() -> None:
    ProfileStore().save(Profile(name="zeta", host="127.0.0.1", port=2525))
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        line = _line(app)
        assert len(line) == 120 and line.startswith(" ✉")
        first = app.highlighted
        assert first in ("demo", "zeta") and f"smtptui — {first} (" in line
        other = "demo" if first == "zeta" else "zeta"
        await pilot.press("down")  # the list's next profile
        await until(pilot, lambda: f"smtptui — {other} (" in _line(app), other)
        # centred between the icon's eight cells and the ten on the right
        title = _line(app)[8:110]
        assert abs(len(title) - len(title.lstrip()) - (len(title) - len(title.rstrip()))) <= 1


async def test_the_envelope_explains_itself_in_the_dashboard_language_and_opens_the_palette():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        header = app.query_one(DashboardHeader)
        await pilot.hover(DashboardHeader, offset=(1, 0))
        assert header.tooltip == t("keys.app.palette.help", "en")
        await pilot.hover(DashboardHeader, offset=(40, 0))  # the title says nothing
        assert header.tooltip is None
        await pilot.press("l")
        await pilot.hover(DashboardHeader, offset=(2, 0))
        assert header.tooltip == t("keys.app.palette.help", "zh")
        await pilot.click(DashboardHeader, offset=(1, 0))
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")


async def test_a_click_on_the_title_makes_the_header_tall_and_a_second_one_undoes_it():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        header = app.query_one(DashboardHeader)
        await pilot.click(DashboardHeader, offset=(60, 0))
        await until(pilot, lambda: header.size.height == 3, "a three-line header")
        await pilot.click(DashboardHeader, offset=(60, 1))
        await until(pilot, lambda: header.size.height == 1, "a one-line header")
