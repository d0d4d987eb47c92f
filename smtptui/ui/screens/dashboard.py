"""The fleet dashboard: every profile's health at a glance, filling in live.

A full screen over the session view (``h`` opens it, ``h``/escape return).  One
row per profile -- all of them, or those the profiles pane's filter shows (name,
host, ``#tag``).  Rows appear at once as *queued*, turn *checking…* on their
check's first event and fill in as each result arrives.  The checks are the
fleet engine's (:func:`smtptui.fleet.stream_checks`); this screen only renders
its :class:`~smtptui.fleet.CheckResult` values, saves them to the
:class:`~smtptui.fleet.ResultStore` (for sparklines and "what changed") and
hands them to the compare, swaks and session views.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.widgets.data_table import RowDoesNotExist
from textual.worker import Worker, WorkerState

from smtptui.fleet.results import EXPIRY_WARNING_DAYS

if TYPE_CHECKING:
    from smtptui.fleet import CapabilityFacts, CheckResult, TlsFacts
    from smtptui.profiles import Profile

#: Checks at once (the CLI's default; the engine still limits 4 per server).
CONCURRENCY = 64
HISTORY_POINTS = 12
SPARK = "▁▂▃▄▅▆▇█"
PHASE_COLUMNS = (
    ("dns", "DNS"),
    ("connect", "conn"),
    ("banner", "banner"),
    ("ehlo", "EHLO"),
    ("tls", "TLS"),
    ("auth", "AUTH"),
)
#: (flag, EHLO keyword, CapabilityFacts attribute) -- the "ext" column.
EXTENSION_FLAGS = (
    ("P", "PIPELINING", "pipelining"),
    ("C", "CHUNKING", "chunking"),
    ("U", "SMTPUTF8", "smtputf8"),
    ("8", "8BITMIME", "eightbitmime"),
    ("D", "DSN", "dsn"),
    ("R", "REQUIRETLS", "requiretls"),
)
SORTS = ("profile", "result", "total", "cert")
#: Below this height the summary moves into the header and the legend hides.
SHORT_HEIGHT = 30
#: (key, header); the facts people scan first come first, the address last.
_COLUMNS = (
    ("mark", " "),
    ("profile", "profile"),
    ("result", "result"),
    ("total", "total ms"),
    ("history", "history"),
    *PHASE_COLUMNS,
    ("tlsv", "TLS ver"),
    ("cert", "cert"),
    ("mechs", "AUTH mechanisms"),
    ("size", "SIZE"),
    ("ext", "ext"),
    ("address", "address"),
)
_PHASE_KEYS = {key: f"ph-{key}" for key, _ in PHASE_COLUMNS}
_AMBER = "dark_orange"
LEGEND = (
    "ms per phase: DNS, TCP conn, banner wait, EHLO, TLS, AUTH · ext: "
    + "  ".join(f"{flag} {name}" for flag, name, _ in EXTENSION_FLAGS)
    + f" · cert: amber ≤ {EXPIRY_WARNING_DAYS} days, red expired or untrusted"
)


# ------------------------------------------------------------------- cells


def sparkline(values: Iterable[float | None], width: int = HISTORY_POINTS) -> str:
    """The last ``width`` values as ``▁▂▃▄▅▆▇█`` from 0 to the largest shown
    (``·`` where a check never got that far), newest on the right."""
    points = list(values)[-width:]
    numbers = [v for v in points if v is not None]
    if not numbers:
        return ""
    high = max(numbers) or 1.0
    top = len(SPARK) - 1
    return "".join(
        "·" if v is None else SPARK[min(top, max(0, round(v / high * top)))] for v in points
    )


def extension_flags(caps: CapabilityFacts | None) -> str:
    """``PC·8D·``: one letter per extension offered (see :data:`LEGEND`)."""
    if caps is None:
        return "—"
    if not caps.esmtp:
        return "HELO"
    return "".join(flag if getattr(caps, attr) else "·" for flag, _, attr in EXTENSION_FLAGS)


def cert_cell(tls: TlsFacts | None) -> Text:
    """Days to expiry: green, amber within :data:`EXPIRY_WARNING_DAYS`, red when
    expired or when verification failed (the reason is in the detail line)."""
    if tls is None or tls.not_after is None:
        return Text("—", style="dim")
    days = tls.days_to_expiry()
    assert days is not None
    if days < 0:
        return Text("expired", style="bold red")
    if tls.verify_error or tls.verified is False:
        return Text(f"{days}d ✗", style="bold red")
    if days <= EXPIRY_WARNING_DAYS:
        return Text(f"{days}d", style=f"bold {_AMBER}")
    if tls.verified is None:
        return Text(f"{days}d ?", style=_AMBER)
    return Text(f"{days}d", style="green")


def ms_cell(value: float | None) -> Text:
    if value is None:
        return Text("—", style="dim", justify="right")
    return Text(f"{value:.1f}" if value < 10 else f"{value:.0f}", justify="right")


def size_text(size: int | None) -> str:
    if size is None:
        return "—"
    if size == 0:
        return "no limit"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MiB"
    return f"{size / 1024:.0f} KiB"


def result_cell(row: FleetRow) -> Text:
    """``✓ ok`` / ``✗ greeting 554`` / ``checking…`` / ``queued``."""
    if row.state == "queued":
        return Text("· queued", style="dim")
    if row.state == "checking":
        return Text("… checking", style=f"italic {_AMBER}")
    result = row.result
    if result is None:
        return Text("cancelled" if row.state == "cancelled" else "—", style="dim")
    if result.ok:
        note = " (AUTH skipped)" if result.auth == "skipped" else ""
        return Text(f"✓ ok{note}", style="green")
    return Text(f"✗ {result.status}", style="bold red")


def detail_text(row: FleetRow) -> Text:
    """The highlighted row in sentences: error, failing reply and what it means,
    TLS facts, warnings."""
    profile, result = row.profile, row.result
    text = Text.assemble((profile.name, "bold"), f"  {profile.address} {profile.security}")
    if row.state in ("queued", "checking"):
        text.append(f"  — {row.state}…", style="dim")
    if result is None:
        if row.state == "cancelled":
            text.append("\nthe check was cancelled; r checks this profile again", style="dim")
        return text
    text.append(f"  (checked {result.started_at.astimezone():%H:%M:%S})", style="dim")
    if result.error:
        text.append(f"\n✗ {result.error}", style="bold red")
    if result.reply is not None:
        text.append(
            "\n  " + (" / ".join(result.reply.lines) or str(result.reply.code)), style="red"
        )
    if result.explanation is not None:
        text.append(f"\n  {result.explanation.title}", style="bold")
        if result.explanation.hint:
            text.append(f" — {result.explanation.hint}", style="italic")
    if result.ok and result.greeting:
        text.append(f"\n{result.greeting}", style="dim")
    tls = result.tls
    if tls is not None:
        version = " ".join(x for x in (tls.version, tls.cipher) if x) or "TLS"
        text.append(f"\n🔒 {version}")
        if tls.subject:
            text.append(f" · subject {tls.subject}")
        if tls.issuer:
            text.append(f" · issuer {tls.issuer}")
        if tls.not_after is not None:
            days = tls.days_to_expiry()
            style = "bold red" if days is not None and days < 0 else ""
            if not style and days is not None and days <= EXPIRY_WARNING_DAYS:
                style = _AMBER
            text.append(f" · expires {tls.not_after:%Y-%m-%d} ({days} days)", style=style)
        if tls.verify_error and tls.verify_error != result.error:
            text.append(f"\n  certificate not trusted: {tls.verify_error}", style="bold red")
        elif tls.verified is None:
            text.append("\n  certificate not verified (verify = false)", style=_AMBER)
    if result.auth not in ("none", "ok") or result.auth_user:
        who = f" as {result.auth_user}" if result.auth_user else ""
        text.append(f"\nAUTH{who}: {result.auth}", style="dim")
    for warning in result.warnings:
        text.append(f"\n⚠ {warning}", style=_AMBER)
    return text


# -------------------------------------------------------------------- rows


@dataclass
class FleetRow:
    """One profile's row: its check state, latest result, and saved history."""

    profile: Profile
    state: str = "queued"  # queued | checking | done | cancelled
    result: CheckResult | None = None
    previous: CheckResult | None = None  # the saved check before ``result``
    saved: list[CheckResult] = field(default_factory=list)  # before this screen opened
    checked: list[CheckResult] = field(default_factory=list)  # since it opened
    marked: bool = False
    run: int = 0

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def history(self) -> list[float | None]:
        """Total milliseconds of every known check, oldest first (the sparkline)."""
        return [r.latencies.total for r in (*self.saved, *self.checked)]

    @property
    def busy(self) -> bool:
        return self.state in ("queued", "checking")

    def sort_value(self, column: str) -> tuple[Any, ...]:
        name = self.name.casefold()
        result = self.result
        if column == "result":
            rank = {"queued": 3, "checking": 2}.get(self.state, 4)
            if result is not None and not self.busy:
                rank = 1 if result.ok else 0
            return (rank, result.status if result else "", name)
        if column == "total":
            total = result.latencies.total if result else None
            return (total is None, total or 0.0, name)
        if column == "cert":
            days = result.tls.days_to_expiry() if result and result.tls else None
            return (days is None, days or 0, name)
        return (name,)


class DashboardScreen(Screen[None]):
    """The health matrix of many profiles (see the module docstring)."""

    DEFAULT_CSS = """
    DashboardScreen { layout: vertical; }
    DashboardScreen #fleet-summary { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    DashboardScreen #fleet-table { height: 1fr; min-height: 5; scrollbar-size-horizontal: 1; }
    DashboardScreen #fleet-detail-box {
        height: auto; max-height: 9; border-top: solid $panel-lighten-2; padding: 0 1;
    }
    DashboardScreen #fleet-legend { height: auto; max-height: 2; color: $text-muted; padding: 0 1; }
    DashboardScreen.-short #fleet-summary, DashboardScreen.-short #fleet-legend { display: none; }
    DashboardScreen.-short #fleet-detail-box { max-height: 6; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open",
            "Open",
            id="fleet.open",
            tooltip="Open this profile's session showing the check's transcript",
        ),
        Binding("r", "recheck", "Check", id="fleet.recheck", tooltip="Check this profile again"),
        Binding(
            "R", "recheck_all", "Check all", id="fleet.recheck_all", tooltip="Check every row again"
        ),
        Binding(
            "s",
            "cycle_sort",
            "Sort",
            id="fleet.sort",
            tooltip="Sort by the next column: profile, result, total, cert",
        ),
        Binding(
            "S", "reverse_sort", "Reverse", id="fleet.reverse", tooltip="Reverse the sort order"
        ),
        Binding(
            "c",
            "compare",
            "Compare",
            id="fleet.compare",
            tooltip="Compare with its last saved check, or the two marked profiles",
        ),
        Binding(
            "space",
            "mark",
            "Mark",
            id="fleet.mark",
            tooltip="Mark this row (c with two marked rows compares them)",
        ),
        Binding(
            "x",
            "swaks",
            "swaks",
            id="fleet.swaks",
            tooltip="The swaks command line for this profile",
        ),
        Binding("h", "close", "Sessions", id="fleet.close", tooltip="Back to the sessions"),
        Binding(
            "escape",
            "back",
            "Back",
            id="fleet.back",
            tooltip="Cancel running checks; when none run, back to the sessions",
        ),
    ]

    def __init__(
        self,
        app: Any = None,
        *,
        profiles: Iterable[Profile] | None = None,
        query: str | None = None,
    ) -> None:
        super().__init__()
        if profiles is None and app is not None:
            try:
                pane = app.query_one("ProfilesPane")
            except NoMatches:
                pane = None
            profiles = list(pane.profiles) if pane is not None else []
            query = pane.query_text if pane is not None and query is None else query
        from smtptui.ui.widgets.profile_list import matches

        self.query_text = (query or "").strip()
        chosen = [p for p in profiles or () if matches(p, self.query_text)]
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
    def compose(self) -> ComposeResult:
        yield Header(icon="✉")
        yield Static("", id="fleet-summary", markup=False)
        yield DataTable(id="fleet-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="fleet-detail-box"):
            yield Static("", id="fleet-detail", markup=False)
        yield Static(LEGEND, id="fleet-legend", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Fleet health"
        table = self.table
        table.fixed_columns = 2
        for key, label in _COLUMNS:
            table.add_column(self._label(key, label), key=_PHASE_KEYS.get(key, key))
        for row in self.rows.values():
            table.add_row(*self._cells(row), key=row.name)
        table.focus()
        self._show_detail()
        self.set_class(self.size.height < SHORT_HEIGHT, "-short")
        if self.rows:
            self.run_worker(
                self._load_history(),
                group="fleet-history",
                exit_on_error=False,
                description="reading the saved checks",
            )
            self._start(list(self.rows), exclusive=True)
        else:
            where = f" match {self.query_text!r}" if self.query_text else " exist"
            self.sub_title = f"No profiles{where}; clear the filter (/) or create one (n)"
            self.query_one("#fleet-summary", Static).update(self.sub_title)

    def on_resize(self, event) -> None:
        self.set_class(event.size.height < SHORT_HEIGHT, "-short")

    @property
    def table(self) -> DataTable:
        return self.query_one("#fleet-table", DataTable)

    def _label(self, key: str, label: str) -> Text:
        if key not in SORTS:
            return Text(label)
        arrow = (" ▼" if self.sort_reverse else " ▲") if key == self.sort_column else "  "
        return Text(label + arrow, style="bold" if key == self.sort_column else "")

    def _cells(self, row: FleetRow) -> list[Any]:
        """The row's cells in :data:`_COLUMNS` order."""
        result = row.result
        caps = result.capabilities if result else None
        lat = result.latencies if result else None
        tls = result.tls if result else None
        if tls is not None and tls.version:
            version = tls.version
        elif result is not None and result.security == "plain" and caps is not None:
            version = "none"
        else:
            version = "—"
        cells = {
            "mark": Text("◆" if row.marked else " ", style="bold magenta"),
            "profile": Text(row.name, style="bold"),
            "result": result_cell(row),
            "total": ms_cell(lat.total if lat else None),
            "history": Text(sparkline(row.history), style="cyan"),
            **{phase: ms_cell(lat.get(phase) if lat else None) for phase, _ in PHASE_COLUMNS},
            "tlsv": Text(version),
            "cert": cert_cell(tls),
            "mechs": Text(" ".join(caps.auth) if caps and caps.auth else "—"),
            "size": Text(size_text(caps.size) if caps else "—"),
            "ext": Text(extension_flags(caps)),
            "address": Text(result.address if result else row.profile.address, style="dim"),
        }
        return [cells[key] for key, _ in _COLUMNS]

    def _paint(self, row: FleetRow) -> None:
        if not self.is_attached:
            return
        table = self.table
        keys = [_PHASE_KEYS.get(k, k) for k, _ in _COLUMNS]
        try:
            for key, cell in zip(keys, self._cells(row), strict=True):
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
        parts = [f"{len(rows)} profiles", f"{len(done) - failed} ok"]
        if failed:
            parts.append(f"{failed} failed")
        if busy:
            parts.append(f"{busy} checking")
        elif self._elapsed is not None:
            parts.append(f"{self._elapsed:.1f} s")
        if self.query_text:
            parts.append(f"filter: {self.query_text}")
        if self._marked:
            parts.append("marked: " + ", ".join(self._marked))
        summary = Text(" · ").join(Text(p, style=_summary_style(p)) for p in parts)
        self.sub_title = summary.plain
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
        for key, label in _COLUMNS:
            if key in SORTS:
                self.table.columns[_column_key(key)].label = self._label(key, label)
        self._apply_sort()
        self.table.refresh()
        order = "descending" if reverse else "ascending"
        self.notify(f"sorted by {column}, {order}", timeout=2)

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
            detail.update(detail_text(row))

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
            description=f"checking {len(names)} profile(s)",
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
                builtin=getattr(self.app, "builtin", None),
                lang=getattr(self.app, "lang", None),
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
                    self.notify(f"results not saved: {exc}", severity="warning", timeout=6)
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
                f"internal error while {worker.description}: {type(error).__name__}: {error}",
                title="fleet",
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
            self.notify("checks cancelled (escape again goes back)", timeout=3)
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
            self.notify(f"{row.name} is being checked already", timeout=2)
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
            self.notify(
                f"mark exactly two rows to compare them ({len(marked)} are marked)",
                severity="warning",
            )
            return
        if len(marked) == 2:
            if any(r.busy for r in marked):
                self.notify("one of the marked profiles is being checked; a moment", timeout=3)
                return
            self.notify(f"checking {marked[0].name} and {marked[1].name} for the comparison…")
            first, second = marked[0].name, marked[1].name
            self._start([first, second], then=lambda found: self._compare_two(found, first, second))
            return
        row = self.highlighted
        if row is None:
            return
        if row.result is None or row.busy:
            self.notify(f"{row.name} is not checked yet; compare when its row is filled in")
            return
        if row.previous is None:
            self.notify(
                f"no earlier check of {row.name} is saved; after the next check (r) "
                "c compares the two — or mark two rows (space) to compare profiles",
                timeout=6,
            )
            return
        from smtptui.ui.screens.compare import CompareScreen

        old, new = row.previous, row.result
        self.app.push_screen(
            CompareScreen(
                old,
                new,
                title=f"{row.name}: the last saved check and now",
                labels=(f"{old.started_at.astimezone():%Y-%m-%d %H:%M:%S}", "now"),
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
                title=f"{a.profile} and {b.profile}, checked now",
                labels=(f"{a.profile} ({a.address})", f"{b.profile} ({b.address})"),
            )
        )

    def action_open(self) -> None:
        """The profile's session, showing the check's conversation when no
        session of it is live."""
        row = self.highlighted
        app = self.app
        if row is None or not hasattr(app, "switch_to"):
            return
        controller = app.controller(row.name)
        if controller is None:
            self.notify(f"{row.name} is no longer a profile (reloaded?)", severity="warning")
            return
        events = row.result.events if row.result is not None else ()
        if events and not controller.show_check(events):
            self.notify(
                f"{row.name} has a live session; it is shown instead of the check", timeout=4
            )
        self.action_close()
        app.switch_to(row.name)
        _highlight_in_profiles(app, row.name)
        if app.screen.has_class("-narrow") and hasattr(app, "show_pane"):
            app.show_pane("transcript")  # at 80x24 the panes are tabs

    def action_swaks(self) -> None:
        from smtptui.ui.screens.swaks import open_swaks

        row = self.highlighted
        if row is not None:
            open_swaks(self.app, row.profile)


def _summary_style(part: str) -> str:
    if part.endswith(" failed"):
        return "bold red"
    if part.endswith(" ok"):
        return "green"
    if part.endswith(" checking"):
        return _AMBER
    return ""


def _column_key(key: str):
    from textual.widgets.data_table import ColumnKey

    return ColumnKey(_PHASE_KEYS.get(key, key))


def _highlight_in_profiles(app: Any, name: str) -> None:
    """Move the profiles list's cursor to ``name`` (if the filter shows it)."""
    from textual.widgets.option_list import OptionDoesNotExist

    try:
        option_list = app.query_one("ProfilesPane").option_list
        option_list.highlighted = option_list.get_option_index(name)
    except (NoMatches, OptionDoesNotExist):
        pass
