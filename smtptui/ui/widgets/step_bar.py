"""The step buttons of the session panel, drawn as one widget.

Twelve commands (CONNECT … QUIT) in a grid of equal cells, each one a button:
clicked, or reached with the arrow keys and pressed with enter or space while
the bar has focus (one tab stop, not twelve).  Each step has a kind, and the
cell is coloured like a compact Textual button of that kind:

``legal``
    the state machine allows it now (a primary button);
``dim``
    out of sequence (pressing it first explains what will happen);
``armed``
    pressed once while out of sequence: the next press sends it;
``hidden``
    not shown at all (CONNECT while connected); the others close up.

Hovering a cell shows its tooltip (the line it would send and what the server
will likely answer).  One widget draws what used to be twelve ``Button``s and
a ``Grid``: the dashboard is that much quicker to build and lay out.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from smtptui.ui.keys import bindings

KINDS = ("legal", "default", "dim", "armed", "hidden")
"""What a step can be; see the module docstring."""

_NOT_ITALIC = Style(italic=False)

CELL_COLUMNS = 11
"""Columns per cell (with its gutter) when choosing how many cells fit a row."""


class StepBar(Widget, can_focus=True):
    """A grid of step buttons in one widget."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "step-bar--default",
        "step-bar--legal",
        "step-bar--dim",
        "step-bar--armed",
        "step-bar--hover",
        "step-bar--cursor",
    }

    DEFAULT_CSS = """
    StepBar {
        height: auto;
        pointer: pointer;
        & > .step-bar--default { background: $surface; color: $button-foreground; text-style: bold; }
        & > .step-bar--dim { background: $surface; color: $text-muted; }
        & > .step-bar--legal { background: $primary; color: $button-color-foreground; text-style: bold; }
        & > .step-bar--armed { background: $warning; color: $button-color-foreground; text-style: bold; }
        & > .step-bar--hover { text-style: bold underline; }
        & > .step-bar--cursor { text-style: bold reverse; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("steps")

    class Pressed(Message):
        """A step was clicked, or pressed from the keyboard."""

        def __init__(self, bar: StepBar, verb: str) -> None:
            super().__init__()
            self.bar = bar
            self.verb = verb

        @property
        def control(self) -> StepBar:
            return self.bar

    def __init__(
        self,
        verbs: tuple[str, ...],
        *,
        min_columns: int = 3,
        max_columns: int = 6,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.verbs = verbs
        self.min_columns = min_columns
        self.max_columns = max_columns
        self._kinds: dict[str, str] = dict.fromkeys(verbs, "default")
        self._tooltips: dict[str, str] = {}
        self._cursor = 0  # index into the shown steps (while focused)
        self._hover: str | None = None
        self._grid: tuple[int, tuple[tuple[str, int, int], ...]] | None = None

    # ------------------------------------------------------------ the steps
    def kind(self, verb: str) -> str:
        """``legal``, ``default``, ``dim``, ``armed`` or ``hidden``."""
        return self._kinds[verb]

    def set_kind(self, verb: str, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown step kind {kind!r}")
        if self._kinds[verb] != kind:
            hidden_changed = "hidden" in (kind, self._kinds[verb])
            self._kinds[verb] = kind
            if hidden_changed:
                self._grid = None
                self.refresh(layout=True)
            else:
                self.refresh()

    def set_tooltip(self, verb: str, text: str) -> None:
        self._tooltips[verb] = text
        if self._hover == verb:
            self.tooltip = text

    def tooltip_of(self, verb: str) -> str | None:
        return self._tooltips.get(verb)

    @property
    def shown(self) -> tuple[str, ...]:
        """The steps on screen, in order."""
        return tuple(v for v in self.verbs if self._kinds[v] != "hidden")

    @property
    def cursor_verb(self) -> str | None:
        shown = self.shown
        return shown[min(self._cursor, len(shown) - 1)] if shown else None

    def region_of(self, verb: str) -> Region | None:
        """Where ``verb``'s cell is, relative to the bar (``None``: hidden)."""
        for row, cells in enumerate(self._rows()):
            for cell_verb, x, width in cells:
                if cell_verb == verb:
                    return Region(x, row * 2, width, 1)
        return None

    # ------------------------------------------------------------ geometry
    def _columns(self, width: int) -> int:
        return max(self.min_columns, min(self.max_columns, (width + 2) // CELL_COLUMNS))

    def _layout(self, width: int) -> tuple[tuple[tuple[str, int, int], ...], ...]:
        """Rows of ``(verb, x, width)``: equal cells one column apart (like a
        grid of ``1fr`` columns with a gutter of 1)."""
        if self._grid is not None and self._grid[0] == width:
            return self._grid[1]
        shown = self.shown
        columns = self._columns(width)
        room = max(0, width - (columns - 1))
        edges = [round(i * room / columns) for i in range(columns + 1)]
        rows = tuple(
            tuple(
                (verb, edges[i] + i, edges[i + 1] - edges[i])
                for i, verb in enumerate(shown[start : start + columns])
            )
            for start in range(0, len(shown), columns)
        )
        self._grid = (width, rows)
        return rows

    def _rows(self) -> tuple[tuple[tuple[str, int, int], ...], ...]:
        return self._layout(self.content_region.width or self.size.width)

    def _verb_at(self, x: int, y: int) -> str | None:
        if y % 2:
            return None  # the gap between rows
        rows = self._rows()
        if not 0 <= y // 2 < len(rows):
            return None
        for verb, left, width in rows[y // 2]:
            if left <= x < left + width:
                return verb
        return None

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        rows = len(self._layout(width))
        return max(1, rows * 2 - 1)

    # ------------------------------------------------------------- drawing
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        rows = self._rows()
        if y % 2 or y // 2 >= len(rows):
            return Strip.blank(width, base)
        focused = self.has_focus
        cursor = self.cursor_verb if focused else None
        segments: list[Segment] = []
        at = 0
        for verb, x, cell in rows[y // 2]:
            if x > at:
                segments.append(Segment(" " * (x - at), base))
            style = self._cell_style(verb, hover=verb == self._hover, cursor=verb == cursor)
            label = verb[:cell]
            left = (cell - len(label)) // 2
            # the blanks are runs of their own (their style differs, invisibly):
            # an SVG screenshot places a run by its first cell, so a label that
            # began with blanks was drawn at the left edge of its button
            blank = style + _NOT_ITALIC
            segments.append(Segment(" " * left, blank))
            segments.append(Segment(label, style))
            segments.append(Segment(" " * (cell - left - len(label)), blank))
            at = x + cell
        if width > at:
            segments.append(Segment(" " * (width - at), base))
        return Strip(segments, width)

    def _cell_style(self, verb: str, *, hover: bool, cursor: bool) -> Style:
        style = self.get_component_rich_style(f"step-bar--{self._kinds[verb]}")
        if hover:
            style += self.get_component_rich_style("step-bar--hover", partial=True)
        if cursor:
            style += self.get_component_rich_style("step-bar--cursor", partial=True)
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    # ----------------------------------------------------------- the mouse
    def on_mouse_move(self, event: events.MouseMove) -> None:
        verb = self._verb_at(event.x, event.y)
        if verb != self._hover:
            self._hover = verb
            self.tooltip = self._tooltips.get(verb) if verb is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        verb = self._verb_at(event.x, event.y)
        if verb is not None:
            event.stop()
            shown = self.shown
            self._cursor = shown.index(verb)
            self.post_message(self.Pressed(self, verb))
            self.refresh()

    # -------------------------------------------------------- the keyboard
    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, step: int) -> None:
        shown = self.shown
        if shown:
            self._cursor = (min(self._cursor, len(shown) - 1) + step) % len(shown)
            self.refresh()

    def action_move_row(self, step: int) -> None:
        """Up or down a row, staying in the same column where there is one."""
        columns = len(self._rows()[0]) if self._rows() else 1
        target = min(self._cursor, len(self.shown) - 1) + step * columns
        if 0 <= target < len(self.shown):
            self._cursor = target
            self.refresh()

    def action_press(self) -> None:
        if (verb := self.cursor_verb) is not None:
            self.post_message(self.Pressed(self, verb))
