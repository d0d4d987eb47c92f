"""The fleet dashboard: every profile's health at a glance, filling in live.

A full screen over the session view (``h`` opens it, ``h``/escape return).  One
row per profile -- all of them, or those the profiles pane's filter shows (name,
host, ``#tag``).  Rows appear at once as *queued*, turn *checking…* on their
check's first event and fill in as each result arrives.  The checks are the
fleet engine's (:func:`smtptui.fleet.stream_checks`); this screen only renders
its :class:`~smtptui.fleet.CheckResult` values, saves them to the
:class:`~smtptui.fleet.ResultStore` (for sparklines and "what changed") and
hands them to the compare, swaks and session views.

Every word is in the workspace's language (``fleet.*`` in the catalogue), and
``l`` here switches it like everywhere else, redrawing this screen too; the
summary's colours follow the counts, not its words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist
from textual.worker import Worker, WorkerState

from smtptui.i18n import t, tn
from smtptui.ui.footer import DashboardFooter
from smtptui.ui.header import DashboardHeader
from smtptui.ui.keys import BY_ID, bindings
from smtptui.ui.messages import OpenProfile, SwaksRequested
from smtptui.ui.widgets.fleet_cells import (
    AMBER,
    COLUMNS,
    PHASE_COLUMNS,
    FleetRow,
    column_title,
    detail_text,
    extension_flags,
    legend,
    row_cells,
    sparkline,
)

if TYPE_CHECKING:
    from smtptui.fleet import CheckResult
    from smtptui.profiles import Profile
    from smtptui.workspace.model import Workspace

__all__ = ["DashboardScreen", "FleetRow", "extension_flags", "sparkline"]

#: Checks at once (the CLI's default; the engine still limits 4 per server).
CONCURRENCY = 64
SORTS = ("profile", "result", "total", "cert")
#: Below this height the summary moves into the header and the legend hides.
SHORT_HEIGHT = 30
_PHASE_KEYS = {key: f"ph-{key}" for key in PHASE_COLUMNS}


def _language_binding() -> Binding:
    """The app's ``l`` row of the key table (so a keymap remaps both), bound
    here so that this screen redraws itself after switching."""
    key = BY_ID["app.language"]
    return Binding(
        key.keys,
        "toggle_language",
        key.label("en"),
        show=key.show,
        id=key.id,
        tooltip=key.help("en"),
    )


class DashboardScreen(Screen[None]):
    """The health matrix of many profiles (see the module docstring)."""

    DEFAULT_CSS = """
    DashboardScreen { layout: vertical; }
    DashboardScreen #fleet-summary { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    DashboardScreen #fleet-table { height: 1fr; min-height: 5; scrollbar-size-horizontal: 1; }
    DashboardScreen #fleet-detail-box {
        height: auto; max-height: 9; border-top: solid $panel-lighten-2; padding: 0 1;
    }
    DashboardScreen #fleet-legend { height: auto; max-height: 4; color: $text-muted; padding: 0 1; }
    DashboardScreen.-short #fleet-summary, DashboardScreen.-short #fleet-legend { display: none; }
    DashboardScreen.-short #fleet-detail-box { max-height: 6; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [*bindings("fleet"), _language_binding()]

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        profiles: Iterable[Profile] | None = None,
        query: str | None = None,
    ) -> None:
        super().__init__()
        from smtptui.ui.widgets.profile_list import matches

        self.workspace = workspace
        if profiles is None:
            profiles = workspace.profiles if workspace is not None else ()
        self.query_text = (query or "").strip()
        chosen = [p for p in profiles if matches(p, self.query_text)]
        self.rows: dict[str, FleetRow] = {p.name: FleetRow(p) for p in chosen}
        self._marked: list[str] = []  # in the order they were marked
        self.sort_column = "profile"
        self.sort_reverse = False
        self._runs = 0
        self._all_run = 0
        self._flush_pending = False
        self._started_at: float | None = None
        self._elapsed: float | None = None

    # ------------------------------------------------------------- layout
    def _t(self, key: str, **values: object) -> str:
        return t(f"fleet.{key}", self.lang, **values)

    def compose(self) -> ComposeResult:
        yield DashboardHeader(icon="✉", lang=self.lang)
        yield Static("", id="fleet-summary", markup=False)
        yield DataTable(id="fleet-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="fleet-detail-box"):
            yield Static("", id="fleet-detail", markup=False)
        yield Static(legend(self.lang), id="fleet-legend", markup=False)
        yield DashboardFooter(lang=self.lang)

    def on_mount(self) -> None:
        self.title = self._t("title")
        self.sub_title = self._t("subtitle")  # the counts are on the line below
        table = self.table
        table.fixed_columns = 2
        for key in COLUMNS:
            table.add_column(self._label(key), key=_PHASE_KEYS.get(key, key))
        for row in self.rows.values():
            table.add_row(*row_cells(row, self.lang), key=row.name)
        table.focus()
        self._show_detail()
        self.set_class(self.size.height < SHORT_HEIGHT, "-short")
        if self.rows:
            self.run_worker(
                self._load_history(),
                group="fleet-history",
                exit_on_error=False,
                description=self._t("worker.history"),
            )
            self._start(list(self.rows), exclusive=True)
        else:
            self._show_no_rows()

    def _show_no_rows(self) -> None:
        """The summary line when the filter leaves no profile (or there is none)."""
        key = "no_profiles_match" if self.query_text else "no_profiles"
        self.query_one("#fleet-summary", Static).update(self._t(key, query=self.query_text))

    async def action_toggle_language(self) -> None:
        await self.app.run_action("toggle_language")
        self._apply_language()

    def _apply_language(self) -> None:
        """Redraw every word of this screen in the workspace's language now."""
        self.title = self._t("title")
        self.sub_title = self._t("subtitle")
        for key in COLUMNS:
            self.table.columns[_column_key(key)].label = self._label(key)
        for row in self.rows.values():
            self._paint(row)
        if self.rows:
            self._update_summary()
        else:
            self._show_no_rows()
        self._show_detail()
        self.query_one("#fleet-legend", Static).update(legend(self.lang))
        for footer in self.query(DashboardFooter):
            footer.set_language(self.lang)
        for header in self.query(DashboardHeader):
            header.set_language(self.lang)
        self.table.refresh()

    def on_resize(self, event) -> None:
        self.set_class(event.size.height < SHORT_HEIGHT, "-short")

    @property
    def table(self) -> DataTable:
        return self.query_one("#fleet-table", DataTable)

    def _label(self, key: str) -> Text:
        label = column_title(key, self.lang)
        if key not in SORTS:
            return Text(label)
        arrow = (" ▼" if self.sort_reverse else " ▲") if key == self.sort_column else "  "
        return Text(label + arrow, style="bold" if key == self.sort_column else "")

    def _paint(self, row: FleetRow) -> None:
        if not self.is_attached:
            return
        table = self.table
        keys = [_PHASE_KEYS.get(k, k) for k in COLUMNS]
        try:
            for key, cell in zip(keys, row_cells(row, self.lang), strict=True):
                table.update_cell(row.name, key, cell, update_width=True)
        except (RowDoesNotExist, KeyError):
            return
        if self.highlighted is row:
            self._show_detail()
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if not self._flush_pending:
            self._flush_pending = True
            self.call_later(self._flush)

    def _flush(self) -> None:
        """Once per burst of results: re-sort and update the summary."""
        self._flush_pending = False
        if self.is_attached:
            self._apply_sort()
            self._update_summary()

    def _update_summary(self) -> None:
        rows = list(self.rows.values())
        done = [r for r in rows if r.result is not None and not r.busy]
        failed = sum(1 for r in done if not r.result.ok)
        busy = sum(1 for r in rows if r.busy)
        # (text, style): the colour follows the count it shows, never the words
        parts = [
            (tn("fleet.summary.profiles", len(rows), self.lang), ""),
            (self._t("summary.ok", n=len(done) - failed), "green"),
        ]
        if failed:
            parts.append((self._t("summary.failed", n=failed), "bold red"))
        if busy:
            parts.append((self._t("summary.checking", n=busy), AMBER))
        elif self._elapsed is not None:
            parts.append((self._t("summary.elapsed", s=f"{self._elapsed:.1f}"), ""))
        if self.query_text:
            parts.append((self._t("summary.filter", query=self.query_text), ""))
        if self._marked:
            parts.append((self._t("summary.marked", names=", ".join(self._marked)), ""))
        summary = Text(" · ").join(Text(text, style=style) for text, style in parts)
        # the line under the header, in colour (not the header's subtitle too)
        self.query_one("#fleet-summary", Static).update(summary)

    # ------------------------------------------------------------ sorting
    def _apply_sort(self) -> None:
        table = self.table
        keep = self.highlighted
        table.sort(
            "profile",
            key=lambda cell: self.rows[cell.plain].sort_value(self.sort_column),
            reverse=self.sort_reverse,
        )
        if keep is not None:
            table.move_cursor(row=table.get_row_index(keep.name), animate=False)

    def _set_sort(self, column: str, reverse: bool) -> None:
        self.sort_column, self.sort_reverse = column, reverse
        for key in COLUMNS:
            if key in SORTS:
                self.table.columns[_column_key(key)].label = self._label(key)
        self._apply_sort()
        self.table.refresh()
        order = self._t("descending" if reverse else "ascending")
        self.notify(
            self._t("sorted", column=column_title(column, self.lang), order=order), timeout=2
        )

    def action_cycle_sort(self) -> None:
        index = SORTS.index(self.sort_column)
        self._set_sort(SORTS[(index + 1) % len(SORTS)], False)

    def action_reverse_sort(self) -> None:
        self._set_sort(self.sort_column, not self.sort_reverse)

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        if key in SORTS:
            reverse = not self.sort_reverse if key == self.sort_column else False
            self._set_sort(key, reverse)

    # -------------------------------------------------------- highlighted
    @property
    def highlighted(self) -> FleetRow | None:
        table = self.table
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except (RowDoesNotExist, KeyError, IndexError):
            return None
        return self.rows.get(key.value or "")

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def _show_detail(self) -> None:
        row = self.highlighted
        detail = self.query_one("#fleet-detail", Static)
        if row is None:
            detail.update("")
        else:
            detail.update(detail_text(row, self.lang))

    # -------------------------------------------------------------- checks
    def _start(self, names: list[str], *, exclusive: bool = False, then=None) -> None:
        self._runs += 1
        run = self._runs
        for name in names:
            row = self.rows[name]
            row.state, row.run = "queued", run
            self._paint(row)
        if exclusive:
            self._all_run = run
            self._started_at = asyncio.get_running_loop().time()
            self._elapsed = None
        self._update_summary()
        self.run_worker(
            self._check(names, run, then),
            group="fleet",
            exclusive=exclusive,
            exit_on_error=False,
            description=self._t("worker.checking", n=len(names)),
        )

    async def _check(self, names: list[str], run: int, then) -> None:
        from smtptui.fleet import DEFAULT_TIMEOUT, ResultStore, stream_checks

        store = ResultStore()
        rows = [self.rows[n] for n in names]

        def on_event(name: str, _event: object) -> None:
            row = self.rows.get(name)
            if row is not None and row.run == run and row.state == "queued":
                row.state = "checking"
                self._paint(row)

        finished: list[CheckResult] = []
        try:
            async for result in stream_checks(
                [r.profile for r in rows],
                concurrency=CONCURRENCY,
                timeout=DEFAULT_TIMEOUT,
                on_event=on_event,
                builtin=self.workspace.builtin if self.workspace is not None else None,
                lang=self.lang,
                transport=True,  # the chain, DANE and MTA-STS columns
            ):
                finished.append(result)
                self._record(result, run)
        finally:
            for row in rows:
                if row.run == run and row.busy:
                    row.state = "cancelled"
                    self._paint(row)
            if run == self._all_run and self._started_at is not None:
                self._elapsed = asyncio.get_running_loop().time() - self._started_at
            if self.is_attached:
                self._update_summary()
            if finished:
                try:
                    await asyncio.to_thread(store.save_many, finished)
                except OSError as exc:
                    self.notify(self._t("not_saved", error=exc), severity="warning", timeout=6)
        if then is not None and len(finished) == len(rows):
            then({r.profile: r for r in finished})

    async def _load_history(self) -> None:
        """Saved results, for the sparklines and "compare with the last check";
        read while the first checks already run."""
        from smtptui.fleet import ResultStore

        store = ResultStore()
        names = list(self.rows)

        def read() -> dict[str, list[CheckResult]]:
            return {name: store.history(name) for name in names}

        try:
            saved = await asyncio.to_thread(read)
        except OSError:
            return
        for name, results in saved.items():
            row = self.rows[name]
            ours = {r.started_at for r in row.checked}  # saved already by this screen
            row.saved = [r for r in results if r.started_at not in ours]
            if row.saved and len(row.checked) <= 1:
                row.previous = row.saved[-1]
            if results:
                self._paint(row)

    def _record(self, result: CheckResult, run: int) -> None:
        row = self.rows.get(result.profile)
        if row is None or row.run != run:
            return
        if row.result is not None:
            row.previous = row.result
        row.result = result
        row.state = "done"
        row.checked.append(result)
        self._paint(row)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug in a check run is one sentence, not a silent stop."""
        worker = event.worker
        if event.state is WorkerState.ERROR and (worker.group or "").startswith("fleet"):
            error = worker.error
            self.notify(
                t(
                    "app.internal_error",
                    self.lang,
                    what=worker.description,
                    error=f"{type(error).__name__}: {error}",
                ),
                title=self._t("notify_title"),
                severity="error",
                timeout=10,
            )

    # ------------------------------------------------------------- actions
    def _fleet_workers(self) -> list:
        return [
            w
            for w in self.app.workers
            if w.node is self and w.group == "fleet" and not w.is_finished
        ]

    def action_back(self) -> None:
        if self._fleet_workers():
            self.workers.cancel_node(self)
            self.notify(self._t("cancelled"), timeout=3)
            return
        self.action_close()

    def action_close(self) -> None:
        self.workers.cancel_node(self)
        self.app.pop_screen()

    def action_recheck(self) -> None:
        row = self.highlighted
        if row is None:
            return
        if row.busy:
            self.notify(self._t("busy", name=row.name), timeout=2)
            return
        self._start([row.name])

    def action_recheck_all(self) -> None:
        if self.rows:
            self._start(list(self.rows), exclusive=True)

    def action_mark(self) -> None:
        row = self.highlighted
        if row is None:
            return
        row.marked = not row.marked
        if row.marked:
            self._marked.append(row.name)
        elif row.name in self._marked:
            self._marked.remove(row.name)
        self._paint(row)
        self.table.action_cursor_down()

    def action_compare(self) -> None:
        marked = [self.rows[name] for name in self._marked]
        if len(marked) > 2:
            self.notify(self._t("mark_two", n=len(marked)), severity="warning")
            return
        if len(marked) == 2:
            if any(r.busy for r in marked):
                self.notify(self._t("marked_busy"), timeout=3)
                return
            self.notify(self._t("checking_two", first=marked[0].name, second=marked[1].name))
            first, second = marked[0].name, marked[1].name
            self._start([first, second], then=lambda found: self._compare_two(found, first, second))
            return
        row = self.highlighted
        if row is None:
            return
        if row.result is None or row.busy:
            self.notify(self._t("not_checked", name=row.name))
            return
        if row.previous is None:
            self.notify(self._t("no_earlier", name=row.name), timeout=6)
            return
        from smtptui.ui.screens.compare import CompareScreen

        old, new = row.previous, row.result
        self.app.push_screen(
            CompareScreen(
                old,
                new,
                title=self._t("compare.title_saved", name=row.name),
                labels=(
                    f"{old.started_at.astimezone():%Y-%m-%d %H:%M:%S}",
                    self._t("compare.now"),
                ),
                lang=self.lang,
            )
        )

    def _compare_two(self, found: dict[str, CheckResult], first: str, second: str) -> None:
        from smtptui.ui.screens.compare import CompareScreen

        if not self.is_attached or first not in found or second not in found:
            return
        a, b = found[first], found[second]
        for name in self._marked:
            self.rows[name].marked = False
            self._paint(self.rows[name])
        self._marked.clear()
        self.app.push_screen(
            CompareScreen(
                a,
                b,
                title=self._t("compare.title_two", a=a.profile, b=b.profile),
                labels=(f"{a.profile} ({a.address})", f"{b.profile} ({b.address})"),
                lang=self.lang,
            )
        )

    @property
    def lang(self) -> str:
        return self.workspace.settings.lang if self.workspace is not None else "en"

    def action_open(self) -> None:
        """The profile's session, showing the check's conversation when no
        session of it is live (the app does it: this screen closes first)."""
        row = self.highlighted
        if row is None:
            return
        events = tuple(row.result.events) if row.result is not None else ()
        self.app.post_message(OpenProfile(row.name, events))
        self.action_close()

    def action_swaks(self) -> None:
        row = self.highlighted
        if row is not None:
            self.app.post_message(SwaksRequested(row.profile))


def _column_key(key: str):
    from textual.widgets.data_table import ColumnKey

    return ColumnKey(_PHASE_KEYS.get(key, key))
