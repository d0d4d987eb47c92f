"""Where the time went: one or more waterfalls of SMTP phases as horizontal
bars on a common time axis, with the milliseconds of each phase.

Give it ``(title, Waterfall)`` pairs — one for the current session, two one
above the other to compare servers (the fleet view's ``compare``); every
waterfall is drawn on the same axis, so the longer one is visibly longer.
The models come from :mod:`smtptui.flow.waterfall` (``from_events`` for a
session, ``from_check`` for a fleet row).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from smtptui.flow.waterfall import Waterfall, bar, nice_ticks
from smtptui.i18n import t
from smtptui.units import format_ms

__all__ = ["WaterfallView"]

NUMBER_WIDTH = 10
#: One colour per phase, cycling: neighbouring rows are told apart.
PALETTE = ("dns", "connect", "banner", "ehlo", "tls", "auth", "mail", "rcpt", "data", "data_end")


def marks(at: list[float], total_ms: float, width: int, char: str = "⋯") -> str:
    """``width`` cells with ``char`` at each of the ``at`` places on the axis."""
    cells = [" "] * width
    for ms in at:
        col = min(width - 1, round(ms / total_ms * (width - 1))) if total_ms else 0
        cells[col] = char
    return "".join(cells)


def label_width(lang: str | None) -> int:
    """The label column: the longest phase name in ``lang``, a space either
    side (a label never touches its bar)."""
    names = (t(f"flow.wf.{phase}", lang) for phase in (*PALETTE, "idle", "total"))
    return max(cell_len(name) for name in names) + 2


class WaterfallView(Widget):
    """Phase bars of one or more sessions on one time axis."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "waterfall--title",
        "waterfall--label",
        "waterfall--number",
        "waterfall--axis",
        "waterfall--note",
        "waterfall--bar-a",
        "waterfall--bar-b",
        "waterfall--bar-c",
    }

    DEFAULT_CSS = """
    WaterfallView {
        height: auto;
        padding: 0 1;
        & > .waterfall--title { text-style: bold; color: $text; }
        & > .waterfall--label { color: $text; }
        & > .waterfall--number { color: $text-muted; }
        & > .waterfall--axis { color: $text-muted; }
        & > .waterfall--note { color: $text-muted; text-style: italic; }
        & > .waterfall--bar-a { color: $accent; }
        & > .waterfall--bar-b { color: $success; }
        & > .waterfall--bar-c { color: $warning; }
    }
    """

    def __init__(
        self,
        waterfalls: Sequence[tuple[str, Waterfall]] = (),
        *,
        lang: str = "en",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.lang = lang
        self.waterfalls: list[tuple[str, Waterfall]] = list(waterfalls)

    def show(self, waterfalls: Sequence[tuple[str, Waterfall]]) -> None:
        """Draw these instead (a session moved on; another pair to compare)."""
        self.waterfalls = list(waterfalls)
        self.refresh(layout=True)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"waterfall--{name}", partial=True)

    @property
    def axis_ms(self) -> float:
        """The common axis: the longest waterfall, idle stretches left out."""
        return max((w.axis_ms for _, w in self.waterfalls), default=0.0)

    def render(self) -> Text:
        lang = self.lang
        out = Text(no_wrap=True, overflow="crop")
        if not any(w.rows for _, w in self.waterfalls):
            out.append(t("flow.wf.empty", lang), self._style("note"))
            return out
        label_cells = label_width(lang)
        width = max(10, self.content_region.width - label_cells - NUMBER_WIDTH)
        total = self.axis_ms
        for n, (title, waterfall) in enumerate(self.waterfalls):
            if n:
                out.append("\n")
            heading = title
            if waterfall.sequential:
                heading += f"  ({t('flow.wf.sequential', lang)})"
            out.append(heading + "\n", self._style("title"))
            for row in waterfall.rows:
                label = set_cell_size(" " + t(f"flow.wf.{row.phase}", lang), label_cells)
                out.append(label, self._style("label"))
                colour = "abc"[PALETTE.index(row.phase) % 3] if row.phase in PALETTE else "a"
                out.append(bar(row.segments, total, width), self._style(f"bar-{colour}"))
                out.append(format_ms(row.ms).rjust(NUMBER_WIDTH) + "\n", self._style("number"))
            if waterfall.idle:  # where the quiet time was taken out, and how long it was
                label = set_cell_size(" " + t("flow.wf.idle", lang), label_cells)
                out.append(label, self._style("label"))
                out.append(
                    marks([i.at_ms for i in waterfall.idle], total, width), self._style("axis")
                )
                idle_ms = sum(i.ms for i in waterfall.idle)
                out.append(format_ms(idle_ms).rjust(NUMBER_WIDTH) + "\n", self._style("number"))
            label = set_cell_size(" " + t("flow.wf.total", lang), label_cells)
            out.append(label, self._style("label"))
            out.append(
                " " * width + format_ms(waterfall.total_ms).rjust(NUMBER_WIDTH) + "\n",
                self._style("number"),
            )
        out.append(" " * label_cells + self._axis(total, width), self._style("axis"))
        if any(w.idle for _, w in self.waterfalls):
            out.append("\n" + " " * label_cells + t("flow.wf.idle_note", lang), self._style("note"))
        return out

    @staticmethod
    def _axis(total: float, width: int) -> str:
        """Tick labels at their places on the axis (a label that would run into
        the previous one is left out)."""
        cells = [" "] * (width + NUMBER_WIDTH)
        end = -1
        for tick in nice_ticks(total):
            col = round(tick / total * (width - 1)) if total else 0
            text = "┊" + format_ms(tick) if tick else "0"
            if col <= end or col + cell_len(text) > len(cells):
                continue
            for i, char in enumerate(text):
                cells[col + i] = char
            end = col + len(text)
        return "".join(cells).rstrip()

    def get_content_height(self, container, viewport, width: int) -> int:
        if not any(w.rows for _, w in self.waterfalls):
            return 1
        idle = sum(1 for _, w in self.waterfalls if w.idle)
        note = 1 if idle else 0
        return sum(len(w.rows) + 2 for _, w in self.waterfalls) + len(self.waterfalls) + idle + note
