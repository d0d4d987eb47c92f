"""smtptui.ui.compat's uses of Textual private names still fit the installed
Textual.  Each test fails with a sentence naming what changed, so an upgrade
that breaks one shows up here first, not as a hung terminal."""

from __future__ import annotations

import asyncio
import io
import os
import pty
import signal
import threading

import pytest
from rich.segment import Segment
from textual import events
from textual.app import App
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Label, Static

from smtptui.ui import compat


class Watcher:
    """A minimal TerminalWatcher: records what the driver reports."""

    def __init__(self) -> None:
        self.output_gone = False
        self.reasons: list[str] = []

    def terminal_gone(self, reason: str) -> None:
        self.output_gone = True
        self.reasons.append(reason)

    def may_start(self) -> bool:
        return True

    def started(self, driver) -> None:
        pass


@pytest.fixture
async def driver():
    """The guarded LinuxDriver, built as Textual builds it (its SIGTSTP and
    SIGCONT handlers are put back afterwards)."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTSTP, signal.SIGCONT)}
    watcher = Watcher()
    driver_class = compat.guarded_driver_class(watcher)
    assert driver_class is not None
    try:
        yield driver_class(App(), debug=False, mouse=False, size=(80, 24)), watcher
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_textual_still_routes_unhandled_errors_through_fatal_error():
    assert callable(vars(App).get("_fatal_error")), (
        "Textual's App no longer defines _fatal_error: smtptui's crash report (one sentence, "
        "no local variables) would be bypassed; adapt compat.TextualAppHooks"
    )
    from smtptui.ui.app import SmtpTuiApp

    assert SmtpTuiApp._fatal_error is compat.TextualAppHooks._fatal_error, (
        "SmtpTuiApp must list TextualAppHooks before App so Textual calls smtptui's handler"
    )


def test_textual_still_has_exit_renderables_and_close_messages_no_wait():
    app = App()
    assert isinstance(getattr(app, "_exit_renderables", None), list), (
        "Textual's App._exit_renderables is gone: compat.exit_now_with_message cannot "
        "print its sentence after the terminal is restored"
    )
    assert callable(getattr(app, "_close_messages_no_wait", None)), (
        "Textual's App._close_messages_no_wait is gone: compat.exit_now_with_message "
        "cannot end the app at once"
    )


async def test_the_driver_still_writes_through_a_file_we_can_guard(driver):
    linux_driver, _ = driver
    assert isinstance(getattr(linux_driver, "_file", None), compat.GuardedOutput), (
        "LinuxDriver no longer keeps its output file in _file: the guard against a "
        "terminal that is gone (textual#6692) is not in place"
    )
    assert hasattr(linux_driver, "_writer_thread"), (
        "LinuxDriver no longer has _writer_thread: compat's close() cannot skip a dead writer"
    )


async def test_the_driver_still_has_an_input_stop_flag_and_input_fd(driver):
    linux_driver, _ = driver
    assert isinstance(getattr(linux_driver, "exit_event", None), threading.Event), (
        "LinuxDriver.exit_event is gone: smtptui cannot stop Textual's input thread, "
        "which spins on a terminal at end of file (textual#6690)"
    )
    assert compat.input_fd(linux_driver) is not None, (
        "LinuxDriver.fileno is no longer the input descriptor: the exit guard cannot "
        "watch the terminal"
    )
    compat.stop_reading(linux_driver)
    assert linux_driver.exit_event.is_set()


def test_textual_writer_thread_survives_a_terminal_that_hung_up():
    """Textual's writer thread over compat's guarded output: the terminal hangs
    up (EIO), the thread lives on, every later write is taken at once — none
    blocks on the 30-item queue — and the terminal is reported gone once."""
    from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

    master, slave = pty.openpty()
    output = os.fdopen(slave, "w", encoding="utf-8")
    reasons: list[str] = []
    writer = WriterThread(compat.GuardedOutput(output, reasons.append))
    writer.start()
    try:
        os.close(master)  # the terminal goes away
        done = threading.Event()

        def write_many() -> None:
            for _ in range(MAX_QUEUED_WRITES * 5):
                writer.write("x" * 100)
            done.set()

        threading.Thread(target=write_many, daemon=True).start()
        assert done.wait(30), "writes to a terminal that hung up blocked (the queue filled)"
        writer.stop()
        assert not writer.is_alive()
        assert len(reasons) == 1 and "Input/output error" in reasons[0]
    finally:
        output.close()


async def test_close_never_waits_on_a_writer_that_is_gone(driver):
    """A writer thread that died (or never ran) with a full queue: close()
    returns instead of blocking on the queue for ever."""
    from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

    linux_driver, watcher = driver
    writer = WriterThread(compat.GuardedOutput(io.StringIO(), watcher.terminal_gone))
    for _ in range(MAX_QUEUED_WRITES):
        writer.write("x")
    assert writer._queue.full(), "Textual's writer queue is no longer bounded as compat assumes"
    linux_driver._writer_thread = writer
    done = threading.Event()
    threading.Thread(target=lambda: (linux_driver.close(), done.set()), daemon=True).start()
    assert await asyncio.to_thread(done.wait, 30), (
        "close() blocked on a writer thread that is not running"
    )


async def test_output_gone_drops_writes_instead_of_queueing_them(driver):
    linux_driver, watcher = driver
    watcher.terminal_gone("test: the terminal is gone")
    linux_driver.write("dropped")  # would assert: no writer thread exists (not started)


class Clickable(compat.TextualAppHooks, App):
    """A small app with smtptui's Textual hooks and one text to click."""

    def compose(self):
        yield Static("hello " * 20, id="text")

    def report_internal_error(self) -> None:
        self.exit(return_code=1)


async def test_a_click_on_a_widget_just_removed_is_ignored_not_a_crash():
    app = Clickable()
    async with app.run_test(size=(40, 10)) as pilot:
        text = app.query_one("#text")
        where = text.region
        await text.remove()  # the screen's map still shows it until the next refresh
        app.post_message(events.MouseDown(None, where.x + 1, where.y, 0, 0, 1, False, False, False))
        await pilot.pause()
        assert app.is_running and app.return_code is None, (
            "a click on a widget being removed ended the app (Textual's text selection "
            "start in Screen._forward_event)"
        )


async def test_a_second_dismissal_leaves_the_last_screen_alone():
    app = Clickable()
    async with app.run_test(size=(40, 10)) as pilot:
        app.pop_screen()  # Textual raises ScreenStackError here
        await pilot.pause()
        assert app.is_running and len(app.screen_stack) == 1


class Choices(App):
    def compose(self):
        from textual.widgets import OptionList

        yield OptionList("one", "two", "three", id="choices")


async def test_a_click_on_an_option_that_no_longer_exists_is_ignored():
    from rich.style import Style
    from textual.widgets import OptionList

    assert getattr(OptionList._on_click, "smtptui_guarded", False), (
        "OptionList._on_click is no longer compat's guarded version: Textual renamed or "
        "moved its click handler; adapt compat._guard_option_list_clicks"
    )
    app = Choices()
    async with app.run_test(size=(40, 10)) as pilot:
        choices = app.query_one("#choices", OptionList)
        choices.remove_option_at_index(2)  # the list shrinks under the pointer
        stale = Style(meta={"option": 2})  # what the cell said when it was drawn
        choices.post_message(events.Click(choices, 1, 2, 0, 0, 1, False, False, False, style=stale))
        await pilot.pause()
        assert app.is_running and app.return_code is None, (
            "a click on an option that was removed crashed the app (IndexError in OptionList)"
        )
        assert choices.option_count == 2


class NoChoices(App):
    def compose(self):
        from textual.widgets import OptionList

        yield OptionList(id="choices")


async def test_page_up_and_down_while_an_option_list_is_rebuilt_do_nothing():
    """As in the command palette while its matches are being replaced: the
    options are there, their lines not yet."""
    from textual.widgets import OptionList

    app = NoChoices()
    async with app.run_test(size=(40, 10)) as pilot:
        choices = app.query_one("#choices", OptionList)
        choices.add_options(["one", "two", "three"])
        choices.action_page_up()  # before the list has laid out its new lines
        choices.action_page_down()
        await pilot.pause()
        assert app.is_running and app.return_code is None


class Styled(compat.TextualAppHooks, App):
    CSS = ".-hot { color: red; } .-hidden { display: none; }"

    def compose(self):
        from textual.widgets import Button

        built = Button("early", id="early")
        built.add_class("-hot")  # classes given while it is built, before mounting
        built.disabled = True
        yield built
        yield Static("later", id="later")


async def test_classes_given_before_mounting_still_style_the_widget_and_later_ones_too():
    """The app skips restyling widgets not yet in the DOM (mounting styles
    them): what they were given before mounting must still show, and a class
    changed afterwards must restyle at once."""
    from textual.widgets import Button

    app = Styled()
    async with app.run_test(size=(40, 10)) as pilot:
        early = app.query_one("#early", Button)
        assert early.styles.color.rgb == (255, 0, 0)
        assert early.has_pseudo_class("disabled")
        later = app.query_one("#later", Static)
        assert later.display
        later.add_class("-hidden")
        await pilot.pause()
        assert not later.display
        assert not later.region  # laid out as hidden
        early.remove_class("-hot")
        assert early.styles.color.rgb != (255, 0, 0)


class Overlay(App):
    """A one-line overlay across the edge between two panes."""

    CSS = """
    Screen { layers: base over; }
    #left { width: 11; border: round red; }
    #right { width: 1fr; border: round blue; }
    #over { layer: over; offset: 2 1; width: 30; height: 1; }
    """

    def compose(self):
        from textual.containers import Horizontal

        with Horizontal():
            yield Static("x", id="left")
            yield Static("y", id="right")
        yield Static("对每个会话发送QUIT后退出", id="over")


async def test_an_overlay_across_a_pane_edge_keeps_its_wide_characters():
    from textual._compositor import Compositor

    assert getattr(Compositor._render_chops, "smtptui_guarded", False), (
        "smtptui.ui.compat no longer replaces Textual's Compositor._render_chops: "
        "wide characters under an overlay's pane edges turn into spaces again"
    )
    app = Overlay()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        assert lines[1].startswith("│x对每个会话发送QUIT后退出"), lines[1]
        # the panes behind it are drawn where it does not cover them
        assert lines[0] == "╭─────────╮╭" + "─" * 27 + "╮"
        assert lines[1].endswith("│") and len(lines[1]) == 40 - 10  # 10 wide characters
        # and a change behind it (a partial update) leaves it whole
        app.query_one("#left", Static).update("z")
        await pilot.pause()
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        assert lines[1].startswith("│z对每个会话发送QUIT后退出"), lines[1]


class Counted(Screen):
    """A screen that notes which widgets ask for another layout of the whole
    screen while it is being laid out (Textual's ``_layout_required``)."""

    def __init__(self) -> None:
        super().__init__()
        self.layouts = 0
        self.asked_again: set[str] = set()

    def _refresh_layout(self, size=None, scroll: bool = False) -> None:
        super()._refresh_layout(size, scroll)
        if not scroll:
            self.layouts += 1
            self.asked_again |= {
                f"{type(w).__name__}#{w.id}" for w in self.walk_children() if w._layout_required
            }

    def compose(self):
        with Horizontal():
            with Vertical():
                yield Static("profiles")
                yield Label("a label")
            with VerticalScroll(id="tall"):  # longer than the screen: a scrollbar
                for n in range(40):
                    yield Static(f"row {n}")
            with Vertical(id="right"):
                yield Followed(id="followed")


class Followed(ScrollView):
    """A line-drawn view anchored to its last line, as the transcript is
    (its scrollbar always shown, as the reference table's)."""

    DEFAULT_CSS = "Followed { overflow-y: scroll; }"

    def on_mount(self) -> None:
        self.virtual_size = Size(10, 100)
        self.anchor()

    def render_line(self, y: int) -> Strip:
        return Strip([Segment(f"line {int(self.scroll_y) + y}")])


class Layouts(App):
    def on_mount(self) -> None:
        self.push_screen(Counted())


async def test_a_screen_drawn_once_is_not_laid_out_again_for_nothing():
    from textual.scroll_view import ScrollView as TextualScrollView
    from textual.widget import Widget

    for cls in (Widget, TextualScrollView):
        assert getattr(cls.__dict__["_size_updated"], "smtptui_guarded", False), (
            f"smtptui.ui.compat no longer replaces Textual's {cls.__name__}._size_updated: "
            "every first drawing of the dashboard is laid out twice again"
        )
    app = Layouts()
    async with app.run_test(size=(60, 20)) as pilot:
        screen = app.screen
        assert isinstance(screen, Counted)
        await pilot.pause()
        for _ in range(4):  # a few frames of doing nothing
            await pilot.pause(0.05)
        # (the first layouts showed the scrollbars: those ask for one more)
        screen.asked_again.clear()
        before = screen.layouts
        await pilot.resize_terminal(70, 20)  # every widget gets a new width
        for _ in range(4):
            await pilot.pause(0.05)
        assert screen.layouts > before
        # and none asked for another layout because that one sized it anew
        # (Textual's own: every one did, laying the screen out again a frame later)
        assert not screen.asked_again, sorted(screen.asked_again)
        # what the second layout used to settle is settled by the first:
        tall = screen.query_one("#tall", VerticalScroll)
        assert tall.show_vertical_scrollbar and tall.max_scroll_y > 0  # its scrollbar shows
        # a box appears under the followed view (as the lesson's inbox does):
        # it is shorter now, and still shows its last line
        await screen.query_one("#right").mount(Static("box\n" * 5))
        for _ in range(4):
            await pilot.pause(0.05)
        followed = screen.query_one(Followed)
        assert followed.size.height < 20
        assert followed.max_scroll_y > 0
        assert followed.scroll_y == followed.max_scroll_y  # the last line is on screen
        lines = [strip.text for strip in screen._compositor.render_strips()]
        assert any("line 99" in line for line in lines), lines
