"""A row (or grid) of buttons drawn as one widget.

The dashboard's buttons — the session panel's twelve step buttons, the
composer's Preview and Send, the AUTH helper — are each a ``ButtonBar``: one
widget that draws its buttons, not one ``Button`` widget apiece (the dashboard
is that much quicker to build, style and lay out).  Each button is clicked, or
reached with the arrow keys and pressed with enter or space while the bar has
focus (one tab stop per bar).  A button has a kind, and is coloured like a
compact Textual button of that kind:

``primary``
    the one to press (a step the state machine allows now; Send);
``default``
    an ordinary button;
``dim``
    drawn dimmed but still pressed (an out-of-sequence step explains first);
``warning``
    a step pressed once out of sequence: the next press sends it;
``disabled``
    dimmed, and a press does nothing (Send while the message has a problem);
``hidden``
    not shown at all (CONNECT while connected); the others close up.

Two layouts: a grid of equal cells one column apart, rows one line apart, as
many columns as fit (the steps); or ``fit``: one line, each button as wide as
its label (Preview and Send).  Hovering a button shows its tooltip.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from smtptui.ui.keys import bindings

KINDS = ("primary", "default", "dim", "warning", "disabled", "hidden")
"""What a button can be; see the module docstring."""

_NOT_ITALIC = Style(italic=False)

CELL_COLUMNS = 11
"""Columns per cell (with its gutter) when choosing how many cells fit a row."""

Cell = tuple[str, int, int]
"""``(key, x, width)`` of a button in its row."""


class ButtonBar(Widget, can_focus=True):
    """Buttons in one widget."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "button-bar--default",
        "button-bar--primary",
        "button-bar--dim",
        "button-bar--warning",
        "button-bar--hover",
        "button-bar--cursor",
    }

    DEFAULT_CSS = """
    ButtonBar {
        height: auto;
        pointer: pointer;
        &.-fit { width: auto; height: 1; }
        & > .button-bar--default { background: $surface; color: $button-foreground; text-style: bold; }
        & > .button-bar--dim { background: $surface; color: $text-muted; }
        & > .button-bar--primary { background: $primary; color: $button-color-foreground; text-style: bold; }
        & > .button-bar--warning { background: $warning; color: $button-color-foreground; text-style: bold; }
        & > .button-bar--hover { text-style: bold underline; }
        & > .button-bar--cursor { text-style: bold reverse; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("buttons")

    class Pressed(Message):
        """A button was clicked, or pressed from the keyboard."""

        def __init__(self, bar: ButtonBar, key: str) -> None:
            super().__init__()
            self.bar = bar
            self.key = key

        @property
        def control(self) -> ButtonBar:
            return self.bar

    def __init__(
        self,
        buttons: tuple[str, ...],
        *,
        labels: dict[str, str] | None = None,
        kinds: dict[str, str] | None = None,
        fit: bool = False,
        min_columns: int = 3,
        max_columns: int = 6,
        id: str | None = None,
    ) -> None:
        """``buttons`` are keys, in order; ``labels`` the words shown (the
        key itself when not given); ``fit``: one line, buttons as wide as
        their labels, instead of a grid of equal cells."""
        super().__init__(id=id, classes="-fit" if fit else None)
        self.keys = buttons
        self.fit = fit
        self.min_columns = min_columns
        self.max_columns = max_columns
        self._labels = {key: (labels or {}).get(key, key) for key in buttons}
        self._kinds: dict[str, str] = {key: (kinds or {}).get(key, "default") for key in buttons}
        self._tooltips: dict[str, str] = {}
        self._cursor_at: str | None = None  # the highlighted button (while focused)
        self._hover: str | None = None
        self._grid: tuple[int, tuple[tuple[Cell, ...], ...]] | None = None

    # ---------------------------------------------------------- the buttons
    def kind(self, key: str) -> str:
        """One of :data:`KINDS`."""
        return self._kinds[key]

    def set_kind(self, key: str, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown button kind {kind!r}")
        if self._kinds[key] != kind:
            hidden_changed = "hidden" in (kind, self._kinds[key])
            self._kinds[key] = kind
            if hidden_changed:
                self._relayout()
            else:
                self.refresh()

    def label(self, key: str) -> str:
        return self._labels[key]

    def set_label(self, key: str, text: str) -> None:
        if self._labels[key] != text:
            self._labels[key] = text
            if self.fit:
                self._relayout()
            else:
                self.refresh()

    def set_tooltip(self, key: str, text: str | None) -> None:
        if text is None:
            self._tooltips.pop(key, None)
        else:
            self._tooltips[key] = text
        if self._hover == key:
            self.tooltip = text

    def tooltip_of(self, key: str) -> str | None:
        return self._tooltips.get(key)

    @property
    def shown(self) -> tuple[str, ...]:
        """The buttons on screen, in order."""
        return tuple(k for k in self.keys if self._kinds[k] != "hidden")

    @property
    def cursor_key(self) -> str | None:
        shown = self.shown
        if not shown:
            return None
        # the same button when others appear or leave (CONNECT), else the first
        return self._cursor_at if self._cursor_at in shown else shown[0]

    def region_of(self, key: str) -> Region | None:
        """Where ``key``'s button is, relative to the bar (``None``: hidden)."""
        for row, cells in enumerate(self._rows()):
            for cell_key, x, width in cells:
                if cell_key == key:
                    return Region(x, row * 2, width, 1)
        return None

    # ------------------------------------------------------------ geometry
    def _relayout(self) -> None:
        self._grid = None
        self.refresh(layout=True)

    def _columns(self, width: int) -> int:
        return max(self.min_columns, min(self.max_columns, (width + 2) // CELL_COLUMNS))

    def _layout(self, width: int) -> tuple[tuple[Cell, ...], ...]:
        """Rows of ``(key, x, width)``."""
        if self._grid is not None and self._grid[0] == width:
            return self._grid[1]
        shown = self.shown
        if self.fit:
            cells: list[Cell] = []
            x = 0
            for key in shown:
                cell = cell_len(self._labels[key]) + 2
                cells.append((key, x, cell))
                x += cell + 1
            rows: tuple[tuple[Cell, ...], ...] = (tuple(cells),) if cells else ()
        else:  # equal cells one column apart, like a grid of 1fr columns with a gutter
            columns = self._columns(width)
            room = max(0, width - (columns - 1))
            edges = [round(i * room / columns) for i in range(columns + 1)]
            rows = tuple(
                tuple(
                    (key, edges[i] + i, edges[i + 1] - edges[i])
                    for i, key in enumerate(shown[start : start + columns])
                )
                for start in range(0, len(shown), columns)
            )
        self._grid = (width, rows)
        return rows

    def _rows(self) -> tuple[tuple[Cell, ...], ...]:
        return self._layout(self.content_region.width or self.size.width)

    def _key_at(self, x: int, y: int) -> str | None:
        if y % 2:
            return None  # the gap between rows
        rows = self._rows()
        if not 0 <= y // 2 < len(rows):
            return None
        for key, left, width in rows[y // 2]:
            if left <= x < left + width:
                return key
        return None

    def get_content_width(self, container: Size, viewport: Size) -> int:
        if not self.fit:
            return container.width
        rows = self._layout(container.width)  # a fit row does not depend on the width
        return rows[0][-1][1] + rows[0][-1][2] if rows else 0

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
        cursor = self.cursor_key if self.has_focus else None
        segments: list[Segment] = []
        at = 0
        for key, x, cell in rows[y // 2]:
            if x > at:
                segments.append(Segment(" " * (x - at), base))
            style = self._cell_style(key, hover=key == self._hover, cursor=key == cursor)
            label = self._labels[key]
            if cell_len(label) > cell:  # cut by cells: a Chinese character is two
                label = set_cell_size(label, cell)
            left = (cell - cell_len(label)) // 2
            # the blanks are runs of their own (their style differs, invisibly):
            # an SVG screenshot places a run by its first cell, so a label that
            # began with blanks was drawn at the left edge of its button
            blank = style + _NOT_ITALIC
            segments.append(Segment(" " * left, blank))
            segments.append(Segment(label, style))
            segments.append(Segment(" " * (cell - left - cell_len(label)), blank))
            at = x + cell
        if width > at:
            segments.append(Segment(" " * (width - at), base))
        return Strip(segments, width)

    def _cell_style(self, key: str, *, hover: bool, cursor: bool) -> Style:
        kind = self._kinds[key]
        style = self.get_component_rich_style(
            "button-bar--dim" if kind == "disabled" else f"button-bar--{kind}"
        )
        if hover and kind != "disabled":
            style += self.get_component_rich_style("button-bar--hover", partial=True)
        if cursor:
            style += self.get_component_rich_style("button-bar--cursor", partial=True)
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    # ----------------------------------------------------------- the mouse
    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x, event.y)
        if key != self._hover:
            self._hover = key
            self.tooltip = self._tooltips.get(key) if key is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        key = self._key_at(event.x, event.y)
        if key is not None:
            event.stop()
            self._cursor_at = key
            self._press(key)
            self.refresh()

    def _press(self, key: str) -> None:
        if self._kinds[key] != "disabled":
            self.post_message(self.Pressed(self, key))

    # -------------------------------------------------------- the keyboard
    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, step: int) -> None:
        shown = self.shown
        if shown:
            self._cursor_at = shown[(shown.index(self.cursor_key) + step) % len(shown)]
            self.refresh()

    def action_move_row(self, step: int) -> None:
        """Up or down a row, staying in the same column where there is one."""
        rows = self._rows()
        columns = len(rows[0]) if rows else 1
        shown = self.shown
        if not shown:
            return
        target = shown.index(self.cursor_key) + step * columns
        if 0 <= target < len(shown):
            self._cursor_at = shown[target]
            self.refresh()

    def action_press(self) -> None:
        if (key := self.cursor_key) is not None:
            self._press(key)
