"""Keyboard all the way: every form, pane and action reachable by keys, and
escape always giving the keys back (issue: keyboard gaps)."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import Input, Select, Switch

from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.keys import KEYS
from smtptui.ui.screens.help import HelpScreen
from smtptui.ui.screens.inbox import InboxScreen
from smtptui.ui.screens.profile_form import ProfileFormScreen
from tests.ui.test_app import connect_demo, ready, wait_until


async def test_tab_and_shift_tab_move_through_the_new_profile_form():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileFormScreen))
        form = app.screen
        await pilot.press(*"abc", "tab", *"def")
        assert form.query_one("#pf-name", Input).value == "abc"
        assert form.query_one("#pf-host", Input).value == "def"
        await pilot.press("tab")
        assert isinstance(app.focused, Select) and app.focused.id == "pf-security"
        await pilot.press("shift+tab")
        assert app.focused.id == "pf-host"


async def test_the_dropdowns_and_the_verify_switch_work_from_the_keyboard():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileFormScreen))
        form = app.screen
        await pilot.press("tab", "tab")  # name → host → security
        security = form.query_one("#pf-security", Select)
        assert app.focused is security
        await pilot.press("enter")  # opens the list
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: security.value != "starttls")
        verify = form.query_one("#pf-tls-verify", Switch)
        for _ in range(40):
            if app.focused is verify:
                break
            await pilot.press("tab")
        assert app.focused is verify and verify.value is True
        await pilot.press("space")
        assert verify.value is False


async def test_escape_leaves_the_profile_filter_and_letter_keys_act_again():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await wait_until(pilot, lambda: getattr(app.focused, "id", None) == "profile-filter")
        await pilot.press(*"de", "escape")
        assert app.focused.id == "profile-list"
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, InboxScreen))
        assert app.query_one("#profile-filter", Input).value == "de"


async def test_escape_leaves_the_raw_line_after_a_command_was_sent_from_it():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await connect_demo(pilot)
        await pilot.press("colon")
        await wait_until(pilot, lambda: getattr(app.focused, "id", None) == "raw-command")
        await pilot.press(*"NOOP", "enter")
        controller = app.workspace.sessions["demo"]
        await wait_until(pilot, lambda: any(line.text == "NOOP" for line in controller.lines))
        await pilot.press("escape")
        assert app.focused.id == "session"
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, InboxScreen))
        assert app.panes.session.query_one("#raw-command", Input).value == ""


async def test_number_keys_switch_panes_at_80x24_and_c_connects_from_any_pane():
    app = SmtpTuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("4")
        assert app.screen.has_class("-pane-composer")
        assert app.focused.id == "composer"
        await pilot.press("right_square_bracket")
        assert app.screen.has_class("-pane-session") and app.focused.id == "session"
        await pilot.press("2")
        assert app.screen.has_class("-pane-transcript")
        await pilot.press("c")
        await wait_until(pilot, lambda: app.workspace.sessions["demo"].status == "connected")


def _shown(screen: HelpScreen) -> str:
    """The help text as the screen draws it (120 columns)."""
    console = Console(width=118, record=True, file=io.StringIO())
    console.print(screen.render_keys())
    return console.export_text()


async def test_f1_shows_every_key_grouped_by_pane_in_english_and_chinese():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = _shown(app.screen)
        assert "Composer" in text and "Fleet view" in text and "Preview DATA" in text
        await pilot.press("escape")
        await pilot.press("l")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = _shown(app.screen)
        assert "撰写区" in text and "预览 DATA" in text


async def test_the_palette_has_one_described_entry_per_action_and_help():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert len(titles) == len(set(titles)), "duplicate palette entries"
        assert all(c.help and c.help != c.title for c in commands)
        assert "Help" in titles and "Quit" in titles
        assert len(titles) == sum(1 for k in KEYS if k.palette)


async def test_a_palette_entry_runs_its_action():
    """ctrl+p, type, enter: the action runs (here: the help screen opens)."""
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"Help")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_n_makes_a_new_profile_from_the_transcript_until_a_search_is_made():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("2")  # the transcript has the keys
        assert app.focused.id == "transcript-view"
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileFormScreen))


async def test_the_footer_follows_the_focus_and_its_keys_are_clicked():
    """The footer shows the keys of the focused pane, in the app's language;
    moving between fields with the same keys (tab through the composer)
    changes nothing; a click on a key presses it."""
    from smtptui.ui.footer import DashboardFooter

    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.pause()
        footer = app.screen.query_one(DashboardFooter)

        def shown() -> list[tuple[str, str]]:
            return footer.shown

        assert ("q", "Quit") in shown() and ("f4", "Preview DATA") not in shown()
        assert "Quit" in str(footer.render())  # drawn, not only listed
        app.screen.query_one("#composer-to", Input).focus()
        await wait_until(pilot, lambda: ("f4", "Preview DATA") in shown())
        assert ("q", "Quit") not in shown()  # typed as text in a field
        assert ("slash", "Filter") not in shown()  # so is "/"
        before = shown()
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not None and app.focused.id != "composer-to"
        assert shown() == before
        app.screen.query_one("#transcript-view").focus()
        await wait_until(pilot, lambda: ("end", "Follow") in shown())
        assert ("q", "Quit") in shown() and ("f4", "Preview DATA") not in shown()
        app.screen.query_one("#reference-table").focus()
        await wait_until(pilot, lambda: ("f", "Follow") in shown())
        # a dialog on top: its keys are not these, and a click cannot reach them
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, InboxScreen))
        await wait_until(pilot, lambda: shown() == [])
        await pilot.press("escape")
        await wait_until(pilot, lambda: ("q", "Quit") in shown())
        await pilot.press("l")
        await wait_until(pilot, lambda: ("q", "退出") in shown())
        assert "Quit" not in str(footer.render())
        await pilot.press("l")
        await wait_until(pilot, lambda: ("q", "Quit") in shown())
        # a click on "F1 Help" opens the help screen
        text = str(footer.render())
        x = text.index("Help")
        await pilot.click(DashboardFooter, offset=(x, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_the_footer_leaves_out_keys_that_do_not_fit_instead_of_cutting_one():
    from smtptui.ui.footer import DashboardFooter

    app = SmtpTuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.pause()
        footer = app.screen.query_one(DashboardFooter)
        drawn = str(footer.render()).rstrip()
        assert len(drawn) <= 80
        labels = [label for _key, label in footer.shown]
        whole = [label for label in labels if f" {label}" in drawn]
        assert whole == labels[: len(whole)] and len(whole) < len(labels)  # some left out
        # and what is drawn ends with a whole label, not a cut one
        assert drawn.endswith(whole[-1])
