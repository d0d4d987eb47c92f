"""Every use of a Textual private (underscore) name, in one place.

smtptui leans on a few Textual internals that have no public API yet.  Each is
named here, once, with why it is needed; tests/ui/test_compat.py checks each
one against the installed Textual and fails with a sentence saying what
changed, so an upgrade that breaks one is caught by the test suite, not by a
user whose terminal hung.

It also holds workarounds for Textual behaviour that would crash or hang the
dashboard: ``pop_screen`` on the last screen, a click on a widget that was
just removed, ``OptionList._on_click`` on an option that no longer exists and
page up/down in an empty OptionList (both patched when this module is
imported).  And one for a drawing defect, patched the same way:
``Compositor._render_chops`` turned a wide (Chinese) character under an
overlay into two spaces where a pane's edge fell beneath it (textual#6357).
And one for speed: ``Widget._size_updated`` no longer asks for a second
layout of the whole screen after every full layout (``_lay_out_once``).

The uses:

* ``App._fatal_error`` — Textual's handler for an unhandled exception prints a
  traceback *with local variables* (which may hold a password); smtptui's
  replacement writes a private crash report instead (``smtptui.ui.crash``).
* ``App._exit_renderables`` and ``App._close_messages_no_wait`` — end the app
  at once and print one sentence after the terminal is restored.
* ``LinuxDriver._file`` and ``LinuxDriver._writer_thread`` (and its
  ``_queue``) — Textual writes to the terminal from a thread through a queue
  of 30 items; when the terminal is gone a write fails (EIO), the thread dies,
  and the 31st write blocks whoever writes for ever (upstream textual#6692).
  The driver here writes through a guard that turns that failure into "the
  terminal is gone" and drops further output.
* ``LinuxDriver.exit_event`` — the input thread's stop flag: Textual's input
  thread busy-loops once stdin reaches end of file (upstream PR textual#6690),
  so smtptui stops it itself when the terminal has gone away.
"""

from __future__ import annotations

import contextlib
import queue
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from textual.geometry import Size
from textual.widget import Widget

__all__ = [
    "GuardedOutput",
    "TextualAppHooks",
    "exit_now_with_message",
    "grow_virtual_height",
    "guarded_driver_class",
    "input_fd",
    "stop_reading",
]

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual import events
    from textual.app import App
    from textual.await_complete import AwaitComplete
    from textual.dom import DOMNode
    from textual.driver import Driver


class TextualAppHooks:
    """Mixed into the App before ``App``: Textual's private hooks, forwarded to
    smtptui's own public methods."""

    def _fatal_error(self: Any) -> None:
        # Textual calls this from its exception handler (sys.exc_info() is set).
        self.report_internal_error()

    async def on_event(self: Any, event: events.Event) -> None:
        """Textual's, except that a click on a widget that was just removed
        (the screen's map still shows it until the next refresh) is dropped:
        Textual would start a text selection in it and crash on its missing
        parent (AttributeError in Screen._forward_event)."""
        from textual import events

        if isinstance(event, events.MouseDown) and _clicks_a_removed_widget(self, event):
            return
        await super().on_event(event)  # type: ignore[misc]

    def update_styles(self: Any, node: DOMNode, animate: bool = True) -> None:
        """Textual's, except for a node not yet in the DOM.  Textual restyles a
        widget on every class change, even while it is still being built (a
        Button does so twice in its constructor): wasted work, since mounting computes the styles
        again from the classes the widget then has.  Building the dashboard
        restyled about 75 such widgets (15-20 ms of the time to a full
        dashboard, benchmarks/tui.py)."""
        if node is not self and not node.is_attached:
            return
        super().update_styles(node, animate)  # type: ignore[misc]

    def pop_screen(self: Any) -> AwaitComplete:
        """Textual's, except that popping the last screen does nothing instead
        of raising.  A double click queues two dismissals of a dialog (the
        command palette, a fleet row that opens its session): the second one
        used to pop the dashboard itself and end the app with
        ScreenStackError."""
        if len(self.screen_stack) <= 1:
            from textual.await_complete import AwaitComplete

            async def nothing_to_pop() -> None:
                return None

            return AwaitComplete(nothing_to_pop()).call_next(self)
        return super().pop_screen()  # type: ignore[misc]


def _guard_option_list_clicks() -> None:
    """``OptionList._on_click`` indexes its options with the option number the
    pointer's screen cell carried when it was drawn; when the list shrank in
    between (a filter typed, profiles reloaded, a dialog's choices rebuilt),
    that number is past the end and the app crashed with IndexError.  Such a
    click is now dropped (every OptionList: the profiles list, the command
    palette, a Select's overlay)."""
    from textual.widgets import OptionList

    original = OptionList._on_click
    if getattr(original, "smtptui_guarded", False):
        return

    async def _on_click(self: OptionList, event: events.Click) -> None:
        option = event.style.meta.get("option")
        if isinstance(option, int) and not 0 <= option < self.option_count:
            return  # the list changed under the pointer
        await original(self, event)

    _on_click.smtptui_guarded = True  # type: ignore[attr-defined]
    OptionList._on_click = _on_click  # type: ignore[method-assign]

    # Page up/down on a list with no options (an empty command palette) or one
    # whose lines are being rebuilt looked up a line that is not there (KeyError).
    for name in ("action_page_up", "action_page_down"):
        paging = getattr(OptionList, name)

        def guarded(self: OptionList, _paging: Any = paging) -> None:
            with contextlib.suppress(KeyError):
                _paging(self)

        guarded.smtptui_guarded = True  # type: ignore[attr-defined]
        setattr(OptionList, name, guarded)


_guard_option_list_clicks()


def _keep_wide_characters_whole() -> None:
    """``Compositor._render_chops`` cuts every line of every widget at the
    edges of all the widgets on the screen, front to back, and a double-width
    character that straddles such an edge becomes two spaces.  Under an
    overlay (a tooltip, a notification, a dropdown) the edges are those of the
    panes beneath it, so Chinese tooltips and notifications lost characters
    ("对每个会话发送 QUIT 后退出" drawn as "对每个会话发   QUIT 后  出";
    upstream textual#6357).  Here a line is divided only where another widget
    owns the cells on one side: across the edges of cells it draws on both
    sides of, its line stays whole (the buckets it spans hold an empty strip,
    so nothing behind claims them).  A partial update of the screen that
    starts inside such a run leaves the run as the terminal shows it: the
    widget in front did not change there (when it changes, it is redrawn from
    its own first cell)."""
    from textual._compositor import Compositor
    from textual.geometry import Region
    from textual.strip import Strip

    if getattr(Compositor._render_chops, "smtptui_guarded", False):
        return
    spanned = Strip([])  # a cut whose cells the strip before it already draws

    def _render_chops(self: Compositor, crop: Region, is_rendered_line: Any) -> Any:
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        for region, clip, strips in self._get_renders(crop):
            render_region = Region.intersection(region, clip)
            render_x = render_region.x
            first_cut, last_cut = render_region.column_span
            for y, strip in zip(render_region.line_range, strips, strict=False):
                if not is_rendered_line(y):
                    continue
                line = chops[y]
                final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                buckets = final_cuts[:-1]  # the cells between two edges; the last edge ends it
                if len(buckets) <= 1:  # most lines of most widgets: nothing to keep whole
                    if buckets and line.get(buckets[0]) is None:
                        line[buckets[0]] = strip.divide([final_cuts[1] - render_x])[0]
                    continue
                free = [line.get(cut) is None for cut in buckets]  # front to back: ours
                # divide where the owner changes; keep whole across cells we draw
                last = len(buckets) - 1
                keep = [
                    i for i in range(len(buckets)) if i == last or not (free[i] and free[i + 1])
                ]
                pieces = strip.divide([final_cuts[i + 1] - render_x for i in keep])
                start = 0
                for piece, end in zip(pieces, keep, strict=False):
                    if free[start]:
                        line[buckets[start]] = piece
                        for i in range(start + 1, end + 1):
                            line[buckets[i]] = spanned
                    start = end + 1
        return chops

    _render_chops.smtptui_guarded = True  # type: ignore[attr-defined]
    Compositor._render_chops = _render_chops  # type: ignore[method-assign]


_keep_wide_characters_whole()


def _lay_out_once() -> None:
    """After a full layout Textual stores each widget's new virtual size
    through the ``virtual_size`` reactive, and that reactive asks for another
    layout: every widget sized for the first time (all of them, the first time
    the dashboard is drawn) lays the whole screen out a second time, one frame
    later, finding the same geometry.  Its own partial layouts store the size
    without asking (``layout=False``); here full layouts do the same.

    What that second layout did besides: a new virtual size can change whether
    a scrollbar shows, and that still asks for a layout itself
    (``show_vertical_scrollbar`` and ``show_horizontal_scrollbar`` are layout
    reactives, set by ``_scroll_update``); and an anchored widget (a
    transcript following its last line) was scrolled to its end with the size
    it had *before* the layout, and set right by the second one.  Here it is
    scrolled to its end as soon as its new size is known, before anything is
    drawn.  ``ScrollView`` has its own ``_size_updated`` (it never asked for a
    layout); it is anchored the same way."""
    from textual.scroll_view import ScrollView
    from textual.widget import Widget

    for cls in (Widget, ScrollView):
        original = cls.__dict__["_size_updated"]
        if getattr(original, "smtptui_guarded", False):
            continue

        def _size_updated(
            self: Widget,
            size: Size,
            virtual_size: Size,
            container_size: Size,
            layout: bool = True,
            *,
            _original: Any = original,
        ) -> bool:
            changed = _original(self, size, virtual_size, container_size, False)
            if changed and self._anchored and not self._anchor_released:
                self.scroll_end(animate=False, immediate=True, x_axis=False)
            return changed

        _size_updated.smtptui_guarded = True  # type: ignore[attr-defined]
        cls._size_updated = _size_updated  # type: ignore[method-assign]


_lay_out_once()


def _clicks_a_removed_widget(app: Any, event: Any) -> bool:
    from textual.screen import Screen

    try:
        widget, offset = app.screen.get_widget_and_offset_at(event.x, event.y)
    except Exception:  # no screen, or nothing there: let Textual decide
        return False
    return (
        widget is not None
        and offset is not None
        and not isinstance(widget, Screen)
        and widget.parent is None
    )


def exit_now_with_message(app: App, message: RenderableType) -> None:
    """End ``app`` now, without waiting for queued messages, and print
    ``message`` once the terminal is restored."""
    app._exit_renderables.append(message)
    app._close_messages_no_wait()


# ------------------------------------------------------------------ the driver


class TerminalWatcher(Protocol):
    """What the driver tells and asks (smtptui.ui.exit_guard.ExitGuard)."""

    @property
    def output_gone(self) -> bool: ...

    def terminal_gone(self, reason: str) -> None: ...

    def may_start(self) -> bool: ...

    def started(self, driver: Driver) -> None: ...


class GuardedOutput:
    """The file Textual's writer thread writes to: a write or flush that fails
    (EIO once the terminal hung up, EPIPE, a closed file) reports the terminal
    gone, and from then on everything is dropped, so the writer thread never
    dies and never blocks."""

    def __init__(self, file: Any, on_gone: Callable[[str], None]) -> None:
        self._file = file
        self._on_gone = on_gone
        self.gone = False

    def _failed(self, exc: BaseException) -> None:
        if not self.gone:
            self.gone = True
            self._on_gone(f"writing to the terminal failed ({exc})")

    def write(self, text: str) -> int:
        if self.gone:
            return len(text)
        try:
            return self._file.write(text)
        except (OSError, ValueError) as exc:
            self._failed(exc)
            return len(text)

    def flush(self) -> None:
        if self.gone:
            return
        try:
            self._file.flush()
        except (OSError, ValueError) as exc:
            self._failed(exc)

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()


def guarded_driver_class(watcher: TerminalWatcher) -> type[Driver] | None:
    """A LinuxDriver that ends cleanly when its terminal goes away, or ``None``
    where Textual would not use LinuxDriver (Windows, TEXTUAL_DRIVER set)."""
    import os

    if sys.platform == "win32" or os.environ.get("TEXTUAL_DRIVER"):
        return None
    from textual.drivers.linux_driver import LinuxDriver

    class GuardedLinuxDriver(LinuxDriver):
        """LinuxDriver, robust to a terminal that is gone: output is dropped,
        input stops, and it never restarts on the SIGCONT a hangup brings."""

        def __init__(self, app: App, **kwargs: Any) -> None:
            super().__init__(app, **kwargs)
            self._file = GuardedOutput(self._file, watcher.terminal_gone)

        def write(self, data: str) -> None:
            if watcher.output_gone:
                return
            super().write(data)

        def start_application_mode(self) -> None:
            # Also called from Textual's SIGCONT handler, which a hangup sends
            # right after SIGHUP: restarting then would start a second input
            # thread reading the dead terminal.
            if not watcher.may_start():
                return
            super().start_application_mode()
            watcher.started(self)

        def close(self) -> None:
            writer = self._writer_thread
            if writer is not None and (watcher.output_gone or not writer.is_alive()):
                # Nothing more can reach the terminal: tell the writer to stop,
                # but never wait on a full queue or a thread that is stuck.
                with contextlib.suppress(queue.Full):
                    writer._queue.put_nowait(None)
                return
            super().close()

        def stop_reading(self) -> None:
            """Stop the input thread (it would spin on a terminal at EOF)."""
            self.exit_event.set()

    return GuardedLinuxDriver


def stop_reading(driver: Driver) -> None:
    """Stop ``driver``'s input thread, if it is ours."""
    stop = getattr(driver, "stop_reading", None)
    if stop is not None:
        stop()


def input_fd(driver: Driver) -> int | None:
    """The file descriptor ``driver`` reads keys from."""
    fd = getattr(driver, "fileno", None)
    return fd if isinstance(fd, int) else None


def grow_virtual_height(view: Widget, size: Size) -> None:
    """Give a scroll view more lines without laying the whole screen out again.

    Setting ``virtual_size`` is a layout change in Textual: every widget of
    the screen is arranged again — tens of milliseconds on a full dashboard,
    once per burst of a flooding server.  When only the height grows and the
    scrollbars stay as they are, the scrollbar's window is all that changes:
    set the value without the layout (``set_reactive``) and update the
    scrollbars (``Widget._scroll_update``, private)."""
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)
    view.refresh()
