"""The reference pane's table of reply codes, drawn one visible line at a time.

Three columns of Rich ``Text`` cells (code and kind glyph of fixed widths, the
title in the rest of the width, cut with an ellipsis), one line per row, a
cursor row and a hover row.  Only the rows on screen are ever rendered — and,
when the cells come from a function, only their cells are made: the ~180 rows
of the reference are set in one call that measures nothing, where a
``DataTable`` measured every cell of every row once it was idle and then laid
the screen out again (and was rebuilt when the pane's width changed).

It remembers when the *user* last moved its cursor (:attr:`touched_at`), so
the pane can tell a reader's move from its own following.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from time import monotonic
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from smtptui.ui.keys import bindings
from smtptui.ui.widgets.rows import row_cursor_css, row_state, row_style
from smtptui.ui.widgets.scrolling import scroll_line_into_view

Cells = tuple[Text, Text, Text]


class CodeTable(ScrollView, can_focus=True):
    """Rows of three fixed-width cells; the cursor row is highlighted."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "code-table--cursor",
        "code-table--cursor-blurred",
        "code-table--hover",
    }

    DEFAULT_CSS = row_cursor_css("CodeTable", "code-table")

    BINDINGS: ClassVar[list[BindingType]] = bindings("code_table")

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)
    """The highlighted row (0 when the table is empty)."""

    class RowHighlighted(Message):
        """The cursor moved to ``row`` (whose key is ``key``)."""

        def __init__(self, table: CodeTable, row: int, key: str) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.key = key

        @property
        def control(self) -> CodeTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: list[str] = []
        self._cells: list[Cells | None] = []
        self._make: Callable[[int], Cells] | None = None
        self._index: dict[str, int] = {}
        self._widths: tuple[int, int] = (0, 0)
        self._hover = -1
        self._cache: dict[tuple[int, str], Strip] = {}
        self.touched_at = 0.0

    # --------------------------------------------------------------- rows
    def set_rows(
        self,
        keys: list[str],
        cells: Sequence[Cells] | Callable[[int], Cells],
        widths: tuple[int, int],
    ) -> None:
        """Replace every row; ``widths`` are the code's and the kind's columns
        (the title has the rest).  ``cells`` are the rows' cells, or a function
        making row ``n``'s when it is first shown (a long table is set without
        making the cells of rows nobody scrolls to).  The cursor stays on its
        row number (clamped)."""
        self._keys = list(keys)
        if callable(cells):
            self._cells = [None] * len(self._keys)
            self._make = cells
        else:
            self._cells = list(cells)
            self._make = None
        self._index = {key: i for i, key in enumerate(self._keys)}
        self._widths = widths
        self._cache.clear()
        self._hover = -1
        self.virtual_size = Size(0, len(self._keys))
        self.set_reactive(CodeTable.cursor_row, max(0, min(self.cursor_row, len(self._keys) - 1)))
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._keys)

    def get_row_at(self, row: int) -> Cells:
        cells = self._cells[row]
        if cells is None:
            assert self._make is not None
            cells = self._cells[row] = self._make(row)
        return cells

    def row_of(self, key: str) -> int | None:
        """The row number of ``key`` (``None``: not in the table, e.g. filtered out)."""
        return self._index.get(key)

    def key_at(self, row: int) -> str | None:
        return self._keys[row] if 0 <= row < len(self._keys) else None

    @property
    def column_widths(self) -> tuple[int, int, int]:
        """The code's, the kind's and the title's columns at the present width
        (one blank column is left before the scrollbar)."""
        code, kind = self._widths
        width = self.scrollable_content_region.width
        return code, kind, max(8, width - code - kind - 1)

    # ------------------------------------------------------------- cursor
    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        """Put the cursor on ``row`` (a program's move: ``touched_at`` stays)."""
        if self._keys:
            self.cursor_row = max(0, min(row, len(self._keys) - 1))
            if scroll:
                scroll_line_into_view(self, self.cursor_row)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh()
        key = self.key_at(new)
        if key is not None and old != new:
            self.post_message(self.RowHighlighted(self, new, key))

    def touch(self) -> None:
        self.touched_at = monotonic()

    def _user_move(self, row: int) -> None:
        self.touch()
        self.move_cursor(row=row)

    def action_cursor(self, delta: int) -> None:
        self._user_move(self.cursor_row + delta)

    def action_cursor_page(self, direction: int) -> None:
        self._user_move(
            self.cursor_row + direction * max(1, self.scrollable_content_region.height - 1)
        )

    def action_cursor_home(self) -> None:
        self._user_move(0)

    def action_cursor_end(self) -> None:
        self._user_move(len(self._keys) - 1)

    # -------------------------------------------------------------- mouse
    def on_click(self, event: events.Click) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < len(self._keys):
            self.focus()
            self._user_move(row)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        row = self.scroll_offset.y + event.y
        row = row if 0 <= row < len(self._keys) else -1
        if row != self._hover:
            self._hover = row
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover != -1:
            self._hover = -1
            self.refresh()

    def on_mouse_scroll_down(self) -> None:
        self.touch()

    def on_mouse_scroll_up(self) -> None:
        self.touch()

    # ------------------------------------------------------------- drawing
    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self._cache.clear()  # the titles are cut to the width

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= row < len(self._keys):
            return Strip.blank(width, base)
        state = row_state(row, self.cursor_row, self._hover, self.has_focus)
        strip = self._cache.get((row, state))
        if strip is None:
            strip = self._render_row(row, base, state)
            self._cache[(row, state)] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _render_row(self, row: int, base: Style, state: str) -> Strip:
        over = row_style(self, "code-table", state)  # over the cells' own colours
        console = self.app.console
        segments: list[Segment] = []
        widths = self.column_widths
        for text, width in zip(self.get_row_at(row), widths, strict=True):
            cell = text.copy()
            cell.end = ""
            cell.truncate(width, overflow="ellipsis", pad=True)
            if cell.spans:
                parts = [(part.text, part.style) for part in cell.render(console)]
            else:  # Text.render leaves the text's own style to the console
                parts = [(cell.plain, console.get_style(cell.style) if cell.style else None)]
            for text_part, style in parts:
                style = base + style if style else base
                if over is not None:
                    style += over
                segments.append(Segment(text_part, style))
        rest = self.scrollable_content_region.width - sum(widths)
        if rest > 0:  # a highlighted row reaches the scrollbar
            segments.append(Segment(" " * rest, base + over if over is not None else base))
        return Strip(segments)
