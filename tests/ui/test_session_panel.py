"""The session panel: step mode, the raw command line and the AUTH helper, driven
through the real app against the built-in demo server."""

from __future__ import annotations

from textual import events
from textual.widgets import Checkbox, Input, OptionList, Static

from smtptui.reference.states import State
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.screens.auth_helper import AuthHelperScreen
from smtptui.ui.widgets.button_bar import ButtonBar
from smtptui.ui.widgets.session_panel import SessionPanel


async def _panel(pilot) -> SessionPanel:
    for _ in range(40):
        await pilot.pause(0.05)
        panels = pilot.app.query(SessionPanel)
        if panels and panels.first().selected and panels.first().region.height:
            await pilot.pause()
            return panels.first()
    raise AssertionError("the session panel never mounted with a profile selected")


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _text(panel: SessionPanel, selector: str) -> str:
    return str(panel.query_one(selector, Static).content)


def _state(panel: SessionPanel) -> str:
    return _text(panel, "#session-state")


def _wire(app: SmtpTuiApp) -> list[str]:
    return [line.plain() for line in app.workspace.current_session.lines]


async def click_step(pilot, verb: str) -> None:
    """A mouse click in the middle of ``verb``'s cell of the step bar."""
    bar = pilot.app.query_one("#session-steps", ButtonBar)
    cell = bar.region_of(verb)
    assert cell is not None, f"{verb} is not shown"
    await pilot.click(bar, offset=(cell.x + cell.width // 2, cell.y))


async def _step(pilot, verb: str) -> None:
    await click_step(pilot, verb)
    await _settle(pilot)


async def _type(pilot, text: str, *, enter: bool = True) -> None:
    await pilot.press(*text)
    if enter:
        await pilot.press("enter")
        await _settle(pilot)
    else:
        await pilot.pause()


async def _connect_step_mode(pilot) -> SessionPanel:
    """Handshake switch off, CONNECT: the session stops after the greeting."""
    panel = await _panel(pilot)
    assert "STARTTLS and AUTH" in panel.steps.tooltip_of("CONNECT")
    await pilot.click("#session-handshake")
    assert "stop after the server's greeting" in panel.steps.tooltip_of("CONNECT")
    await pilot.pause()
    assert pilot.app.workspace.settings.auto_handshake is False
    await _step(pilot, "CONNECT")
    assert _state(panel).startswith("CONNECTED")
    return panel


async def test_step_mode_from_greeting_to_quit_delivers_the_message() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await _connect_step_mode(pilot)
        assert not panel.query_one("#session-handshake", Checkbox).value
        assert "EHLO" in _text(panel, "#session-next")
        assert panel.steps.kind("EHLO") == "primary"

        await _step(pilot, "EHLO")
        assert _state(panel).startswith("GREETED · unencrypted")
        assert "STARTTLS" in _text(panel, "#session-next")

        await _step(pilot, "STARTTLS")
        assert _state(panel).startswith("CONNECTED · TLS")
        assert panel.steps.kind("CONNECT") == "hidden"
        assert "CONNECT" not in panel.steps.shown

        await _step(pilot, "EHLO")
        assert _state(panel).startswith("GREETED · TLS")
        assert "AUTH LOGIN PLAIN" in _state(panel) or "AUTH" in _text(panel, "#session-next")

        await _step(pilot, "AUTH")
        assert _state(panel).startswith("GREETED · TLS · authenticated")

        await _step(pilot, "MAIL")
        assert _state(panel).startswith("MAIL")
        assert any("MAIL FROM:<demo@demo.local>" in line for line in _wire(app))

        await _step(pilot, "RCPT")
        assert _state(panel).startswith("RCPT")
        assert panel.steps.kind("DATA") == "primary"

        await _step(pilot, "DATA")
        assert _state(panel).startswith("DATA")
        assert any("354" in line for line in _wire(app))
        assert "a single '.' ends the message" in panel.hint

        await _step(pilot, "DATA")
        assert _state(panel).startswith("GREETED")
        assert any("250 2.0.0" in line for line in _wire(app)[-2:])

        await _step(pilot, "QUIT")
        assert _state(panel).startswith("CLOSED")
        assert panel.steps.kind("CONNECT") == "primary"

        received = app.workspace.builtin.server.messages
        assert [m.subject for m in received] == ["Hello from smtptui"]
        assert "built-in demo server" in received[0].summary.body


async def test_out_of_sequence_raw_rcpt_warns_before_sending_and_gets_503() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await _connect_step_mode(pilot)
        await pilot.press("colon")
        await _type(pilot, "EHLO learner.local")
        assert _state(panel).startswith("GREETED")

        await _type(pilot, "RCPT TO:<x@demo.local>", enter=False)
        warning = panel.query_one("#session-hint", Static)
        assert warning.has_class("-warning")
        assert "503" in panel.hint and "MAIL FROM first" in panel.hint
        assert not any("RCPT TO" in line for line in _wire(app)), "nothing is sent before enter"

        await pilot.press("enter")
        await _settle(pilot)
        assert "RCPT TO:<x@demo.local>" in _wire(app)[-2]
        assert "503" in _wire(app)[-1]
        assert _state(panel).startswith("GREETED"), "a 503 leaves the state where it was"


def _cell_style(bar: ButtonBar, verb: str):
    """The style the middle of ``verb``'s cell is drawn in."""
    cell = bar.region_of(verb)
    x = 0
    for segment in bar.render_line(cell.y):
        if x <= cell.x + cell.width // 2 < x + len(segment.text):
            return segment.style
        x += len(segment.text)
    raise AssertionError(f"{verb} is not drawn")


async def test_step_buttons_are_coloured_by_what_is_legal_and_say_their_line_on_hover() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await _connect_step_mode(pilot)
        bar = panel.steps
        assert bar.shown[0] == "EHLO", "CONNECT leaves the bar once connected"
        legal, dim = _cell_style(bar, "EHLO"), _cell_style(bar, "DATA")
        assert legal.bgcolor != dim.bgcolor and legal.bold and not dim.bold

        cell = bar.region_of("EHLO")
        await pilot.hover(bar, offset=(cell.x + 1, cell.y))
        await pilot.pause()
        assert str(bar.tooltip).startswith("EHLO "), bar.tooltip
        assert bar.tooltip == bar.tooltip_of("EHLO")
        assert _cell_style(bar, "EHLO").underline, "the hovered button is marked"
        await pilot.hover(bar, offset=(cell.x, cell.y + 1))  # the gap between rows
        await pilot.pause()
        assert bar.tooltip is None


async def test_step_buttons_are_one_tab_stop_moved_with_arrows_and_pressed_with_enter() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await _connect_step_mode(pilot)
        await pilot.press("colon", "escape", "tab")
        await pilot.pause()
        bar = panel.steps
        assert app.focused is bar and bar.cursor_key == "EHLO"
        await pilot.press("right", "left", "left")
        assert bar.cursor_key == "QUIT", "the arrows wrap around"
        await pilot.press("up")
        assert bar.cursor_key == "RCPT", "up: the same column of the row above"
        await pilot.press("down", "left", "left", "left")
        assert bar.cursor_key == "NOOP"
        await pilot.press("enter")
        await _settle(pilot)
        assert _wire(app)[-2].endswith("NOOP") and "250" in _wire(app)[-1]
        await pilot.press("tab")
        assert app.focused is panel.query_one("#session-handshake"), "one stop for all twelve"


async def test_the_highlighted_step_stays_on_its_button_when_connect_comes_back() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await _connect_step_mode(pilot)
        bar = panel.steps
        bar.focus()
        await pilot.pause()
        await pilot.press("left")
        assert bar.cursor_key == "QUIT", "left from the first button wraps to the last"
        await pilot.press("enter")  # QUIT: the session closes and CONNECT comes back
        await _settle(pilot)
        assert _state(panel).startswith("CLOSED") and bar.shown[0] == "CONNECT"
        assert bar.cursor_key == "QUIT", "the buttons moved along; the highlight stayed on QUIT"


async def test_out_of_sequence_step_button_explains_first_and_sends_on_second_press() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await _connect_step_mode(pilot)
        await _step(pilot, "EHLO")
        assert panel.steps.kind("DATA") == "dim"
        sent_before = len(_wire(app))

        await _step(pilot, "DATA")
        assert len(_wire(app)) == sent_before, "the first press only explains"
        assert "503" in panel.hint and "again" in panel.hint, panel.hint
        assert panel.hint.startswith("⚠ press DATA again"), "what to do first, then why"
        assert panel.steps.kind("DATA") == "warning"

        await _step(pilot, "DATA")
        assert _wire(app)[-2].endswith("DATA"), (_wire(app)[-3:], panel.hint)
        assert "503" in _wire(app)[-1]


async def test_history_recalls_previous_lines_and_completion_suggests_commands() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await _connect_step_mode(pilot)
        raw = panel.query_one("#raw-command")
        await pilot.press("colon")
        assert app.focused is raw
        await _type(pilot, "EHLO learner.local")
        await _type(pilot, "NOOP")
        assert raw.value == ""

        await pilot.press("up")
        assert raw.value == "NOOP"
        await pilot.press("up")
        assert raw.value == "EHLO learner.local"
        await pilot.press("down", "down")
        assert raw.value == ""

        await _type(pilot, "ma", enter=False)
        await pilot.pause(0.1)
        assert raw._suggestion == "MAIL FROM:<"
        await pilot.press("right")
        assert raw.value == "MAIL FROM:<"
        await pilot.pause(0.1)
        assert raw._suggestion == "MAIL FROM:<demo@demo.local>", "then the composer's sender"
        await pilot.press("tab")
        assert raw.value == "MAIL FROM:<demo@demo.local>"
        assert panel.hint.startswith("✓")


async def test_auth_login_by_hand_hides_the_password_and_keeps_answers_out_of_history() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await _connect_step_mode(pilot)
        for verb in ("EHLO", "STARTTLS", "EHLO"):
            await _step(pilot, verb)
        raw = panel.query_one("#raw-command")
        await pilot.press("colon")
        await _type(pilot, "AUTH LOGIN")
        assert app.workspace.current_session.state.state is State.AUTH
        assert not raw.password, "the user name is not a secret"
        assert "334" in _text(panel, "#session-next") or "base64" in _text(panel, "#session-next")

        await _type(pilot, "ZGVtbw==")
        assert raw.password, "after 334 Password: the typing is hidden"
        assert "hidden" in panel.hint

        await _type(pilot, "ZGVtbw==")
        assert "235" in _wire(app)[-1]
        assert not raw.password
        assert "authenticated" in _state(panel)
        assert list(raw.history) == ["AUTH LOGIN"]


async def test_auth_helper_computes_plain_for_demo_and_fills_the_command_line() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await _panel(pilot)
        await pilot.click("#session-helper")
        await pilot.pause()
        helper = app.screen
        assert isinstance(helper, AuthHelperScreen)
        assert "not encryption" in str(helper.query_one("#helper-security", Static).content)
        await pilot.click("#mech-plain")
        await pilot.click("#helper-password")
        await pilot.press(*"demo")
        await pilot.pause()
        steps = helper.query_one("#helper-steps", OptionList)
        shown = [str(steps.get_option_at_index(i).prompt) for i in range(steps.option_count)]
        assert any("AUTH PLAIN AGRlbW8AZGVtbw==" in text for text in shown)
        assert any("\\0demo\\0" in text and "demo\\0demo" not in text for text in shown), (
            "password masked"
        )

        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is not helper
        raw = panel.query_one("#raw-command")
        assert raw.value == "AUTH PLAIN AGRlbW8AZGVtbw=="
        assert app.focused is raw


async def test_auth_helper_login_lines_and_cram_md5_from_a_pasted_challenge() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await _panel(pilot)
        await pilot.click("#session-helper")
        await pilot.pause()
        helper = app.screen
        await pilot.click("#helper-password")
        await pilot.press(*"demo")
        await pilot.pause()
        assert list(helper.lines.values()) == ["AUTH LOGIN", "ZGVtbw==", "ZGVtbw=="]

        await pilot.click("#mech-cram-md5")
        await pilot.pause()
        # RFC 2195's example: user tim, password tanstaaftanstaaf
        await pilot.click("#helper-user")
        await pilot.press("end", "ctrl+u", *"tim")
        await pilot.click("#helper-password")
        await pilot.press("end", "ctrl+u", *"tanstaaftanstaaf")
        challenge = helper.query_one("#helper-challenge", Input)
        await pilot.click("#helper-challenge")
        challenge.post_message(
            events.Paste("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+")
        )
        await pilot.pause()
        assert list(helper.lines.values())[-1] == "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AuthHelperScreen)


async def test_language_switch_and_the_80x24_layout() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("colon")
        panel = await _panel(pilot)
        await pilot.pause()
        assert panel.region.width >= 76
        assert app.focused is panel.query_one("#raw-command")
        bar = panel.steps
        for verb in ("CONNECT", "EHLO", "QUIT"):
            cell = bar.region_of(verb).translate(bar.content_region.offset)
            assert panel.region.contains_region(cell), verb
        await pilot.click("#session-handshake")
        await _step(pilot, "CONNECT")
        assert _state(panel).startswith("CONNECTED")

        app.action_toggle_language()
        await pilot.pause()
        assert panel.border_title == "会话"
        assert _state(panel).startswith("已连接") or not _state(panel).startswith("CONNECTED")
        assert _text(panel, "#session-next").startswith("下一步")
