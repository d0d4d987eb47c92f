"""Two health checks side by side: outcome, TLS facts, capabilities, phase
latencies, each differing row marked ``*`` and coloured.

Which rows differ is decided by :func:`smtptui.fleet.compare_results` (it knows
that a millisecond of loopback jitter is no change); this screen only lays the
rows out, grouped by section, and can hide the equal ones (``d``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from smtptui.fleet.compare import compare_results, field_label, section_title
from smtptui.i18n import t, tn
from smtptui.ui.keys import bindings

if TYPE_CHECKING:
    from smtptui.fleet import CheckResult, Comparison

_DIFF_STYLE = "bold dark_orange"


def summary_text(comparison: Comparison, lang: str = "en") -> Text:
    count = len(comparison.differences)
    if not count:
        return Text(t("fleet.compare.none", lang), style="bold green")
    return Text(tn("fleet.compare.differences", count, lang), style=_DIFF_STYLE)


class CompareScreen(ModalScreen[None]):
    """``a`` on the left, ``b`` on the right (see the module docstring)."""

    DEFAULT_CSS = """
    CompareScreen { align: center middle; }
    CompareScreen > #compare-frame {
        width: 90%; height: 90%; min-width: 60; max-width: 140;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    CompareScreen #compare-title { text-style: bold; width: 1fr; padding: 0 1; background: $boost; }
    CompareScreen #compare-summary { height: 1; padding: 0 1; }
    CompareScreen #compare-table { height: 1fr; }
    CompareScreen #compare-keys { color: $text-muted; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("compare")

    def __init__(
        self,
        a: CheckResult,
        b: CheckResult,
        *,
        title: str,
        labels: tuple[str, str] | None = None,
        lang: str = "en",
    ) -> None:
        super().__init__()
        self.lang = lang
        self.comparison = compare_results(a, b, lang)
        self.heading = title
        self.labels = labels or (f"{a.profile} ({a.address})", f"{b.profile} ({b.address})")
        self.diff_only = False

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-frame"):
            yield Label(self.heading, id="compare-title", markup=False)
            yield Static(summary_text(self.comparison, self.lang), id="compare-summary")
            yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=False)
            yield Label(t("fleet.compare.keys", self.lang), id="compare-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._fill()
        self.call_after_refresh(self._fill)  # again, at the laid-out width

    def on_resize(self, event) -> None:
        self.call_after_refresh(self._fill)

    @property
    def shown_rows(self):
        """The comparison rows on screen now (all, or the differing ones)."""
        return [r for r in self.comparison.rows if r.differs or not self.diff_only]

    def _fill(self) -> None:
        """(Re)build the table: two value columns of equal width that fit the
        frame; long values (certificate subjects) wrap instead of running off."""
        table = self.query_one(DataTable)
        labels = {r.field: field_label(r.field, self.lang) for r in self.comparison.rows}
        field_w = max(cell_len(label) for label in labels.values())
        room = (table.size.width or 76) - 2 - 4 * 2 * table.cell_padding - 1 - field_w
        value_w = max(12, room // 2)
        table.clear(columns=True)
        table.add_column(" ", key="mark", width=1)
        table.add_column("", key="field", width=field_w)
        for key, label in zip(("left", "right"), self.labels, strict=True):
            table.add_column(Text(label, style="bold"), key=key, width=value_w)
        section = None
        for index, row in enumerate(self.shown_rows):
            if row.section != section:
                section = row.section
                title = section_title(section, self.lang)
                table.add_row("", Text(title, style="bold underline"), "", "", key=f"s-{section}")
            style = _DIFF_STYLE if row.differs else ""
            table.add_row(
                Text("*" if row.differs else " ", style=style),
                Text(labels[row.field], style=style),
                Text(row.left, style=style),
                Text(row.right, style=style),
                key=f"r-{index}-{row.section}-{row.field}",
                height=None,
            )
        if not table.row_count:
            none = Text(t("fleet.compare.none", self.lang), style="green")
            table.add_row("", none, "", "", key="none")

    def action_toggle_diff_only(self) -> None:
        self.diff_only = not self.diff_only
        self._fill()
        what = "fleet.compare.diff_only" if self.diff_only else "fleet.compare.every_row"
        self.notify(t(what, self.lang), timeout=2)

    def action_close(self) -> None:
        self.dismiss(None)
