"""The fleet dashboard's cells: one profile's check turned into table cells and
the detail line.

Plain functions of a :class:`FleetRow` (no screen, no widgets), so the
dashboard only lays them out and they can be tested on their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text

from smtptui.fleet.results import EXPIRY_WARNING_DAYS
from smtptui.units import format_size_limit

if TYPE_CHECKING:
    from smtptui.fleet import CapabilityFacts, CheckResult, TlsFacts
    from smtptui.profiles import Profile

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


def flagged_extensions():
    """The extensions with a letter in the ``ext`` column (the one table's)."""
    from smtptui.protocol.capabilities import EXTENSIONS

    return tuple(e for e in EXTENSIONS if e.flag)


#: (key, header); the facts people scan first come first, the address last.
COLUMNS = (
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
    ("scan", "TLS scan"),
    ("address", "address"),
)
AMBER = "dark_orange"


def legend() -> str:
    """The line under the fleet table: what the columns' numbers and letters mean."""
    return (
        "ms per phase: DNS, TCP conn, banner wait, EHLO, TLS, AUTH · ext: "
        + "  ".join(f"{e.flag} {e.keyword}" for e in flagged_extensions())
        + f" · cert: amber ≤ {EXPIRY_WARNING_DAYS} days, red expired or untrusted"
    )


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
    """``PC·8D·``: one letter per extension offered (see :func:`legend`)."""
    if caps is None:
        return "—"
    if not caps.esmtp:
        return "HELO"
    return "".join(e.flag if caps.offers(e.keyword) else "·" for e in flagged_extensions())


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
        return Text(f"{days}d", style=f"bold {AMBER}")
    if tls.verified is None:
        return Text(f"{days}d ?", style=AMBER)
    return Text(f"{days}d", style="green")


def scan_cell(row: FleetRow) -> Text:
    """The newest TLS scan known for the row (``check --all --scan`` saves
    it): the worst rating and what was found, coloured by the rating."""
    results = (row.result, *reversed(row.checked), *reversed(row.saved))
    scan = next((r.scan for r in results if r is not None and r.scan is not None), None)
    if scan is None:
        return Text("—", style="dim")
    style = {"critical": "bold red", "high": "bold red", "medium": AMBER, "low": AMBER}
    if scan.error:
        return Text(scan.cell, style="red")
    return Text(scan.cell, style=style.get(scan.worst or "", "green"))


def ms_cell(value: float | None) -> Text:
    if value is None:
        return Text("—", style="dim", justify="right")
    return Text(f"{value:.1f}" if value < 10 else f"{value:.0f}", justify="right")


def result_cell(row: FleetRow) -> Text:
    """``✓ ok`` / ``✗ greeting 554`` / ``checking…`` / ``queued``."""
    if row.state == "queued":
        return Text("· queued", style="dim")
    if row.state == "checking":
        return Text("… checking", style=f"italic {AMBER}")
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
    if result is not None and result.address:
        where = result.address  # where the check really went (the demo's port is chosen at start)
    else:
        where = "built-in" if profile.builtin_server else profile.address
    text = Text.assemble((profile.name, "bold"), f"  {where} {profile.security}")
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
                style = AMBER
            text.append(f" · expires {tls.not_after:%Y-%m-%d} ({days} days)", style=style)
        if tls.verify_error and tls.verify_error != result.error:
            text.append(f"\n  certificate not trusted: {tls.verify_error}", style="bold red")
        elif tls.verified is None:
            text.append("\n  certificate not verified (verify = false)", style=AMBER)
    if result.auth not in ("none", "ok") or result.auth_user:
        who = f" as {result.auth_user}" if result.auth_user else ""
        text.append(f"\nAUTH{who}: {result.auth}", style="dim")
    for warning in result.warnings:
        text.append(f"\n⚠ {warning}", style=AMBER)
    return text


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


def row_cells(row: FleetRow) -> list[Any]:
    """The row's cells in :data:`COLUMNS` order."""
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
        "size": Text(format_size_limit(caps.size) if caps else "—"),
        "ext": Text(extension_flags(caps)),
        "scan": scan_cell(row),
        "address": Text(result.address if result else row.profile.address, style="dim"),
    }
    return [cells[key] for key, _ in COLUMNS]
