"""The live transcript: a Line-API view over a session's display lines.

Only the visible rows are ever rendered, so 100,000 lines scroll as smoothly as
ten; appending is O(new lines) and bursts are coalesced into one repaint.  The
list it shows belongs to the session's controller (the full transcript stays in
the model); switching sessions just points the view at another list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.actions import SkipAction
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from smtptui.i18n import t
from smtptui.protocol.lazy import lazy_module
from smtptui.transcript import Line, format_ms
from smtptui.ui.compat import grow_virtual_height
from smtptui.ui.keys import bindings
from smtptui.ui.widgets.scrolling import scroll_line_into_view

if TYPE_CHECKING:
    from smtptui.protocol import events as ev
else:  # loaded with the first event shown
    ev = lazy_module("smtptui.protocol.events")

LOCK = "🔒"
_TIME_WIDTH = 10  # "  12.345s "
_CACHE_LIMIT = 4000


class TranscriptView(ScrollView, can_focus=True):
    """Every byte of the conversation, colour-coded, timed, selectable."""

    ALLOW_SELECT = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript--time",
        "transcript--server",
        "transcript--client",
        "transcript--note",
        "transcript--error",
        "transcript--warning",
        "transcript--annotation",
        "transcript--elapsed",
        "transcript--cursor",
        "transcript--match",
        "transcript--refused",
    }

    DEFAULT_CSS = """
    TranscriptView {
        background: $surface;
        & > .transcript--time { color: $text-muted; }
        & > .transcript--server { color: $accent; }
        & > .transcript--client { color: $success; }
        & > .transcript--note { color: $text-muted; }
        & > .transcript--error { color: $error; text-style: bold; }
        & > .transcript--warning { color: $warning; }
        & > .transcript--refused { color: $error; }
        & > .transcript--annotation { color: $text-primary; text-style: italic; }
        & > .transcript--elapsed { color: $text-muted; }
        & > .transcript--cursor { background: $primary-darken-2; text-style: bold; }
        & > .transcript--match { background: $warning 30%; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("transcript")

    cursor: reactive[int] = reactive(-1, always_update=True)
    """Selected line, or -1 to follow the newest line."""

    class ReplySelected(Message):
        """The cursor moved onto a server reply (the reference explains it)."""

        def __init__(self, view: TranscriptView, event: ev.Received) -> None:
            super().__init__()
            self.view = view
            self.event = event

        @property
        def control(self) -> TranscriptView:
            return self.view

    def __init__(
        self,
        *,
        lang: str = "en",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.lang = lang  # for its own notices; the transcript lines are the wire's
        self._lines: list[Line] = []
        self._width = 0
        self._measured = 0
        self._cache: dict[int, Strip] = {}
        self._styles: dict[str, Style] = {}
        self._flush_pending = False
        self.search_text = ""

    # ---------------------------------------------------------------- model
    @property
    def lines(self) -> list[Line]:
        return self._lines

    def on_mount(self) -> None:
        self.anchor()  # follow new lines until the reader moves away

    def show(self, lines: list[Line]) -> None:
        """Show another session's lines (switching profiles): instant, no copy."""
        self._lines = lines
        self._width = 0
        self._measured = 0
        self._cache.clear()
        self.cursor = -1
        self._measure()
        self.anchor()

    def lines_appended(self) -> None:
        """The model grew; repaint once per burst, not once per line."""
        if not self._flush_pending:
            self._flush_pending = True
            self.call_later(self._flush)

    def _flush(self) -> None:
        self._flush_pending = False
        self._measure()
        if self.is_anchored and self.cursor < 0:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def _measure(self) -> None:
        lines = self._lines
        width = self._width
        for line in lines[self._measured :]:
            w = self._line_width(line)
            if w > width:
                width = w
        self._measured = len(lines)
        self._width = width
        size = Size(width, len(lines))
        old = self.virtual_size
        if (
            size.width == old.width
            and size.height >= old.height
            and old.height > self.scrollable_content_region.height > 0
        ):
            grow_virtual_height(self, size)  # the common case: a flood of new lines
        else:
            self.virtual_size = size

    @staticmethod
    def _line_width(line: Line) -> int:
        w = _TIME_WIDTH + 3 + 4 + cell_len(line.text)
        if line.annotation:
            w += 6 + cell_len(line.annotation)
        if line.elapsed_ms is not None:
            w += 12
        return w

    # ------------------------------------------------------------ rendering
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._cache.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"transcript--{name}", partial=True)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        selection = self.text_selection
        strip = None if selection is not None else self._cache.get(index)
        if strip is None:
            strip = self._render(index, base, selection)
            if selection is None:
                if len(self._cache) > _CACHE_LIMIT:
                    self._cache.clear()
                self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)

    def _render(self, index: int, base: Style, selection: Selection | None) -> Strip:
        line = self._lines[index]
        text_style = self._style(line.direction)
        if line.kind == "warning":
            text_style = self._style("warning")
        elif line.direction == "server" and line.code is not None and line.code >= 400:
            text_style = self._style("refused")
        time_text = "" if line.continuation else f"{line.offset:8.3f}s"
        parts: list[tuple[str, Style]] = [
            (f"{time_text:>{_TIME_WIDTH - 1}} ", self._style("time")),
            ((LOCK if line.tls else "  ") + " ", text_style),
            (f"{line.marker} ", text_style),
            (line.text, text_style),
        ]
        if line.annotation:
            parts.append((f"  « {line.annotation} »", self._style("annotation")))
        if line.elapsed_ms is not None:
            parts.append((f"  +{format_ms(line.elapsed_ms)}", self._style("elapsed")))
        extra = Style()
        if index == self.cursor:
            extra = self._style("cursor")
        elif self.search_text and self.search_text in line.text.lower():
            extra = self._style("match")
        segments = [Segment(text, base + style + extra) for text, style in parts]
        if selection is not None and (span := selection.get_span(index)) is not None:
            segments = self._select(segments, span)
        return Strip(segments)

    def _select(self, segments: list[Segment], span: tuple[int, int]) -> list[Segment]:
        start, end = span
        sel = self.screen.get_component_rich_style("screen--selection")
        plain = "".join(s.text for s in segments)
        if end == -1:
            end = len(plain)
        out: list[Segment] = []
        pos = 0
        for seg in segments:
            text, style = seg.text, seg.style
            seg_end = pos + len(text)
            a, b = max(start, pos), min(end, seg_end)
            if a >= b:
                out.append(seg)
            else:
                if a > pos:
                    out.append(Segment(text[: a - pos], style))
                out.append(Segment(text[a - pos : b - pos], (style or Style()) + sel))
                if b < seg_end:
                    out.append(Segment(text[b - pos :], style))
            pos = seg_end
        return out

    # ------------------------------------------------------------ selection
    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        text = "\n".join(self._plain(line) for line in self._lines)
        return selection.extract(text), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._cache.clear()
        self.refresh()

    @staticmethod
    def _plain(line: Line) -> str:
        time_text = "" if line.continuation else f"{line.offset:8.3f}s"
        text = f"{time_text:>{_TIME_WIDTH - 1}} {(LOCK if line.tls else '  ')} {line.marker} {line.text}"
        if line.annotation:
            text += f"  « {line.annotation} »"
        if line.elapsed_ms is not None:
            text += f"  +{format_ms(line.elapsed_ms)}"
        return text

    # -------------------------------------------------------------- cursor
    def watch_cursor(self, old: int, new: int) -> None:
        self._cache.pop(old, None)
        self._cache.pop(new, None)
        if new >= 0:
            self.release_anchor()
            self.scroll_to_region_line(new)
            line = self._lines[new] if new < len(self._lines) else None
            if line is not None and isinstance(line.source, ev.Received):
                self.post_message(self.ReplySelected(self, line.source))
        self.refresh()

    def scroll_to_region_line(self, index: int) -> None:
        scroll_line_into_view(self, index)

    def action_cursor(self, delta: int) -> None:
        if not self._lines:
            return
        start = self.cursor if self.cursor >= 0 else len(self._lines)
        self.cursor = max(0, min(len(self._lines) - 1, start + delta))

    def action_cursor_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 1))

    def action_cursor_home(self) -> None:
        if self._lines:
            self.cursor = 0

    def action_follow(self) -> None:
        self.cursor = -1
        self.anchor()

    def select_last_reply(self) -> None:
        """Put the cursor on the newest server reply (e.g. after a failure)."""
        for i in range(len(self._lines) - 1, -1, -1):
            if isinstance(self._lines[i].source, ev.Received) and not self._lines[i].continuation:
                self.cursor = i
                return

    # -------------------------------------------------------------- search
    def search(self, text: str, direction: int = 1) -> bool:
        """Move the cursor to the next line containing ``text`` (any case)."""
        self.search_text = text.lower()
        self._cache.clear()
        if not self.search_text or not self._lines:
            self.refresh()
            return False
        n = len(self._lines)
        start = self.cursor if self.cursor >= 0 else (n - 1 if direction > 0 else n)
        for step in range(1, n + 1):
            i = (start + direction * step) % n
            line = self._lines[i]
            if self.search_text in line.text.lower() or (
                line.annotation and self.search_text in line.annotation.lower()
            ):
                self.cursor = i
                return True
        self.refresh()
        return False

    def action_next_match(self, direction: int) -> None:
        if not self.search_text:
            raise SkipAction  # no search yet: n and N are the app's (n: new profile)
        if not self.search(self.search_text, direction):
            self.notify(
                t("pane.transcript.no_match", self.lang, query=self.search_text),
                severity="warning",
            )
