"""One row of the composer: its fields, and their labels drawn by the row.

A row holds one or two fields (``From … To …``).  The labels are not widgets
of their own: the row leaves room before each field (a left margin) and draws
the label there itself, in the muted colour, or in the error colour while the
field has a problem.  Eight labels fewer to build, style and lay out each
time the dashboard starts.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.containers import Horizontal
from textual.widget import Widget

LABEL_WIDTH = 9
"""Columns before a row's first field (its label starts one column in)."""


class FieldRow(Horizontal):
    """Fields in a row, each after its label."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"field-row--label", "field-row--bad"}

    DEFAULT_CSS = """
    FieldRow {
        height: 1;
        & > .field-row--label { color: $text-muted; }
        & > .field-row--bad { color: $text-error; text-style: bold; }
    }
    """

    def __init__(
        self, *fields: tuple[str, str, Widget], id: str | None = None, classes: str | None = None
    ) -> None:
        """``fields``: ``(key, label, widget)`` in order, left to right."""
        super().__init__(*(widget for _, _, widget in fields), id=id, classes=classes)
        self._keys = tuple(key for key, _, _ in fields)
        self._widgets = {key: widget for key, _, widget in fields}
        self._labels = {key: label for key, label, _ in fields}
        self._bad: set[str] = set()
        self._place_fields()

    # ----------------------------------------------------------- interface
    def label(self, key: str) -> str:
        return self._labels[key]

    def set_label(self, key: str, text: str) -> None:
        if self._labels[key] != text:
            self._labels[key] = text
            self._place_fields()
            self.refresh()

    def is_bad(self, key: str) -> bool:
        """Is ``key``'s label drawn in the error colour?"""
        return key in self._bad

    def set_bad(self, key: str, bad: bool) -> None:
        if (key in self._bad) != bad:
            self._bad.symmetric_difference_update({key})
            self.refresh()

    # -------------------------------------------------------------- layout
    def _room(self, index: int) -> int:
        """Columns left before field ``index`` for its label."""
        if index == 0:
            return LABEL_WIDTH
        return max(5, cell_len(self._labels[self._keys[index]]) + 2)

    def _place_fields(self) -> None:
        for index, key in enumerate(self._keys):
            room = self._room(index)
            widget = self._widgets[key]
            if widget.styles.margin.left != room:
                widget.styles.margin = (0, 0, 0, room)

    def render(self) -> Text:
        """The labels, each in the room before its field (the fields cover the rest)."""
        line = Text(no_wrap=True, overflow="crop", end="")
        for index, key in enumerate(self._keys):
            # one column into the room before the field (before the first
            # layout the fields have no place yet: then at the row's start)
            field_x = self._widgets[key].region.x - self.content_region.x
            start = max(1, field_x - self._room(index) + 1)
            if start > line.cell_len:
                line.append(" " * (start - line.cell_len))
            style = self._style("bad" if key in self._bad else "label")
            line.append(self._labels[key], style=style)
        return line

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"field-row--{name}")  # alpha blended
