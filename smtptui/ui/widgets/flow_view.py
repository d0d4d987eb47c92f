"""The flow diagram: client and server as two lanes, every command and reply an
arrow between them, the encrypted part of the conversation as a band.

It draws a :class:`~smtptui.flow.diagram.Flow` built from a session's events
(``sync(events)`` follows a live session: only new events are read), one row
per arrow, with the phase in the left margin, the reply code coloured by its
class and each reply's latency on the right.  Moving along it (↑/↓, the
mouse) posts :class:`FlowView.StepSelected` with the transcript line of that
step, so a host can move its transcript and reference to the same place;
:meth:`select_line` does the reverse.  Only the visible rows are rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from smtptui.flow.diagram import Arrow, Flow, FlowBuilder, Item, Mark
from smtptui.i18n import t
from smtptui.protocol import events as ev
from smtptui.units import format_ms

__all__ = ["FlowView"]

PHASE_WIDTH = 10
LATENCY_WIDTH = 9
LOCK = "🔒"


class FlowView(ScrollView, can_focus=True):
    """A live sequence diagram of one session (see the module docstring)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "flow--header",
        "flow--phase",
        "flow--lane",
        "flow--tls",
        "flow--client",
        "flow--2xx",
        "flow--3xx",
        "flow--4xx",
        "flow--5xx",
        "flow--annotation",
        "flow--mark",
        "flow--error",
        "flow--latency",
        "flow--cursor",
    }

    DEFAULT_CSS = """
    FlowView {
        background: $surface;
        overflow-x: hidden;
        & > .flow--header { text-style: bold; color: $text; background: $boost; }
        & > .flow--phase { color: $text-muted; }
        & > .flow--lane { color: $text-muted; }
        & > .flow--tls { background: $success 12%; }
        & > .flow--client { color: $text; }
        & > .flow--2xx { color: $text-success; }
        & > .flow--3xx { color: $text-accent; }
        & > .flow--4xx { color: $text-warning; }
        & > .flow--5xx { color: $text-error; text-style: bold; }
        & > .flow--annotation { color: $text-primary; text-style: italic; }
        & > .flow--mark { color: $text-muted; }
        & > .flow--error { color: $text-error; text-style: bold; }
        & > .flow--latency { color: $text-muted; }
        & > .flow--cursor { background: $primary 40%; text-style: bold; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False, id="flow.up"),
        Binding("down", "cursor(1)", "Down", show=False, id="flow.down"),
        Binding("pageup", "cursor_page(-1)", "Page up", show=False, id="flow.pageup"),
        Binding("pagedown", "cursor_page(1)", "Page down", show=False, id="flow.pagedown"),
        Binding("home", "cursor_home", "First step", show=False, id="flow.home"),
        Binding("end", "follow", "Follow", show=False, id="flow.follow"),
    ]

    cursor: reactive[int] = reactive(-1, always_update=True)
    """The selected item, or -1 to follow the newest."""

    class StepSelected(Message):
        """The cursor moved onto ``item`` (``index`` in the diagram); ``line``
        is its first transcript line, ``event`` its index in the events."""

        def __init__(self, view: FlowView, index: int, item: Item) -> None:
            super().__init__()
            self.view = view
            self.index = index
            self.item = item

        @property
        def line(self) -> int:
            return self.item.line

        @property
        def event(self) -> int:
            return self.item.event

        @property
        def control(self) -> FlowView:
            return self.view

    def __init__(
        self,
        events: Sequence[ev.Event] = (),
        *,
        lang: str = "en",
        redact: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.lang = lang
        self.redact = redact
        self._builder = FlowBuilder(redact=redact)
        self._source: int | None = None
        self._styles: dict[str, Style] = {}
        if events:
            self.sync(events)

    # ----------------------------------------------------------------- model
    @property
    def flow(self) -> Flow:
        return self._builder.flow

    @property
    def items(self) -> list[Item]:
        return self._builder.flow.items

    def sync(self, events: Sequence[ev.Event]) -> None:
        """Follow ``events`` (a session's growing list): read what is new, or
        start again when it is another list or shorter than before."""
        builder = self._builder
        if id(events) != self._source or len(events) < builder.events:
            builder = self._builder = FlowBuilder(redact=self.redact)
            self._source = id(events)
            self.cursor = -1
        for event in events[builder.events :]:
            builder.feed(event)
        self.virtual_size = Size(0, len(self.items) + 1)
        if self.cursor < 0 and self.is_mounted:
            # once the new size is laid out, so the end is the real end
            self.call_after_refresh(self._follow)
        self.refresh()

    def _follow(self) -> None:
        if self.cursor < 0:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def select_line(self, line: int) -> None:
        """Put the cursor on the step shown at transcript line ``line``."""
        index = self.flow.index_of_line(line)
        if index is not None and index != self.cursor:
            self.cursor = index

    @property
    def selected(self) -> Item | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    # ------------------------------------------------------------ rendering
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            if name in ("tls", "cursor", "header"):
                # a translucent background: blended with the widget's own
                full = self.get_component_rich_style(f"flow--{name}", partial=False)
                color = full.color if name == "header" else None
                style = Style(bgcolor=full.bgcolor, color=color, bold=full.bold)
            else:
                style = self.get_component_rich_style(f"flow--{name}", partial=True)
            self._styles[name] = style
        return style

    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self.items) + 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header(width, base)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.items):
            if index == 0:
                text = set_cell_size(" " + t("flow.view.empty", self.lang), width)
                return Strip([Segment(text, base + self._style("mark"))], width)
            return Strip.blank(width, base)
        item = self.items[index]
        segments = self._row(index, width)
        extra = self._style("cursor") if index == self.cursor else Style()
        if item.tls:
            extra = self._style("tls") + extra
        strip = Strip([Segment(text, base + style + extra) for text, style in segments])
        return strip.crop_extend(0, width, base + extra)

    def _header(self, width: int, base: Style) -> Strip:
        client = t("flow.client", self.lang)
        server = t("flow.server", self.lang, server=self.flow.server)
        left = " " * PHASE_WIDTH + client
        gap = max(1, width - cell_len(left) - cell_len(server) - LATENCY_WIDTH)
        text = set_cell_size(left + " " * gap + server, width)
        return Strip([Segment(text, base + self._style("header"))], width)

    def _lanes(self, width: int) -> tuple[int, int]:
        """Columns of the client lane and the server lane."""
        left = PHASE_WIDTH
        right = max(left + 12, width - LATENCY_WIDTH - 1)
        return left, right

    def _row(self, index: int, width: int) -> list[tuple[str, Style]]:
        item = self.items[index]
        left, right = self._lanes(width)
        span = right - left - 1  # cells between the two lanes
        lane = "║" if item.tls else "│"
        lane_style = self._style("lane")
        if isinstance(item, Mark):
            return self._mark_row(item, left, right, width)
        phase = " " + t(f"flow.phase.{item.phase}", self.lang) if self._opens_phase(index) else ""
        label = item.label(self.lang)
        room = max(1, span - 6)
        if cell_len(label) > room:
            label = set_cell_size(label, room - 1) + "…"
        style = self._arrow_style(item)
        fill = span - cell_len(label) - 4
        if item.from_client:
            body = [("─ ", style), (label, style), (" " + "─" * max(0, fill) + "▶", style)]
        else:
            body = [("◀" + "─" * max(0, fill) + " ", style), (label, style), (" ─", style)]
        if item.annotation and "«" in label:
            body = self._annotate(body, style)
        latency = ""
        if item.latency_ms is not None:
            latency = format_ms(item.latency_ms)
        return [
            (set_cell_size(phase, PHASE_WIDTH), self._style("phase")),
            (lane, lane_style),
            *body,
            (lane, lane_style),
            (" " + latency.rjust(LATENCY_WIDTH - 1), self._style("latency")),
        ]

    def _annotate(self, body: list[tuple[str, Style]], style: Style) -> list[tuple[str, Style]]:
        """The decoded part of an AUTH line in its own colour."""
        out = []
        for text, part_style in body:
            if "«" in text:
                head, _, tail = text.partition("«")
                out += [(head, part_style), ("«" + tail, self._style("annotation"))]
            else:
                out.append((text, part_style))
        return out

    def _opens_phase(self, index: int) -> bool:
        """The phase is named on the first arrow of each run of one phase."""
        item = self.items[index]
        for previous in reversed(self.items[max(0, index - 8) : index]):
            if isinstance(previous, Arrow):
                return previous.phase != item.phase
        return True

    def _arrow_style(self, item: Arrow) -> Style:
        klass = item.reply_class
        if klass in ("2xx", "3xx", "4xx", "5xx"):
            return self._style(klass)
        return self._style("client")

    def _mark_row(self, mark: Mark, left: int, right: int, width: int) -> list[tuple[str, Style]]:
        text = f" {LOCK} {mark.text} " if mark.kind == "tls" else f" {mark.text} "
        if mark.elapsed_ms is not None:
            text += f"({format_ms(mark.elapsed_ms)}) "
        line = "═" if mark.kind == "tls" else "─"
        span = width - left
        if cell_len(text) > span - 4:
            text = set_cell_size(text, max(1, span - 5)) + "… "
        rest = max(0, span - cell_len(text) - 2)
        style = self._style("error" if mark.kind == "error" else "mark")
        return [
            (" " * PHASE_WIDTH, Style()),
            (line * 2 + text + line * rest, style),
        ]

    # -------------------------------------------------------------- cursor
    def watch_cursor(self, old: int, new: int) -> None:
        if 0 <= new < len(self.items):
            self._reveal(new)
            self.post_message(self.StepSelected(self, new, self.items[new]))
        self.refresh()

    def _reveal(self, index: int) -> None:
        top = self.scroll_offset.y
        rows = max(1, self.scrollable_content_region.height - 1)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + rows:
            self.scroll_to(y=index - rows + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        if not self.items:
            return
        if self.cursor < 0:  # leaving "follow": start from the end, wherever the view was
            self._follow()
        start = self.cursor if self.cursor >= 0 else len(self.items)
        self.cursor = max(0, min(len(self.items) - 1, start + delta))

    def action_cursor_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 2))

    def action_cursor_home(self) -> None:
        if self.items:
            self.cursor = 0

    def action_follow(self) -> None:
        self.cursor = -1
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < len(self.items):
            self.focus()
            self.cursor = index
