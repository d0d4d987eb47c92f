"""The fleet dashboard's cells: one profile's check turned into table cells and
the detail line.

Plain functions of a :class:`FleetRow` and a language (no screen, no
widgets), so the dashboard only lays them out and they can be tested on their
own.  Words come from the catalogue (``fleet.*``); SMTP verbs, extension
keywords, reply codes and what the server or the certificate said are shown as
they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text

from smtptui.fleet.compare import auth_state_text
from smtptui.fleet.results import EXPIRY_WARNING_DAYS
from smtptui.fleet.transport_facts import BAD
from smtptui.i18n import t
from smtptui.units import format_size_limit

if TYPE_CHECKING:
    from smtptui.fleet import CapabilityFacts, CheckResult, TlsFacts
    from smtptui.fleet.transport_facts import TransportFacts
    from smtptui.profiles import Profile

HISTORY_POINTS = 12
SPARK = "▁▂▃▄▅▆▇█"
PHASE_COLUMNS = ("dns", "connect", "banner", "ehlo", "tls", "auth")


def flagged_extensions():
    """The extensions with a letter in the ``ext`` column (the one table's)."""
    from smtptui.protocol.capabilities import EXTENSIONS

    return tuple(e for e in EXTENSIONS if e.flag)


#: The columns' keys; the facts people scan first come first, the address last.
COLUMNS = (
    "mark",
    "profile",
    "result",
    "total",
    "history",
    *PHASE_COLUMNS,
    "tlsv",
    "cert",
    "mechs",
    "size",
    "ext",
    "scan",
    "chain",
    "dane",
    "mta_sts",
    "address",
)
#: Column headers that are protocol names, the same in every language.
_TOKEN_HEADERS = {
    "mark": " ",
    "dns": "DNS",
    "ehlo": "EHLO",
    "tls": "TLS",
    "auth": "AUTH",
    "size": "SIZE",
    "dane": "DANE",
    "mta_sts": "MTA-STS",
}
AMBER = "dark_orange"
#: The transport-security columns (TransportFacts attribute = column key).
TRANSPORT_KEYS = ("chain", "dane", "mta_sts")
_TRANSPORT_STYLE = {
    "ok": "green",
    "match": "green",
    "enforce": "green",
    "testing": AMBER,
    "unusable": AMBER,
    "failed": "bold red",
    "mismatch": "bold red",
    "inconsistent": "bold red",
    "error": "red",
}
#: A TLS scan's worst rating -> its cell's colour (none found: green).
_SCAN_STYLE = {"critical": "bold red", "high": "bold red", "medium": AMBER, "low": AMBER}


def column_title(key: str, lang: str = "en") -> str:
    """A column's header: a protocol name, or ``fleet.col.<key>`` in ``lang``."""
    return _TOKEN_HEADERS.get(key) or t(f"fleet.col.{key}", lang)


def legend(lang: str = "en") -> str:
    """The line under the fleet table: what the columns' numbers and letters mean."""
    flags = "  ".join(f"{e.flag} {e.keyword}" for e in flagged_extensions())
    return t("fleet.legend", lang, flags=flags, days=EXPIRY_WARNING_DAYS)


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


def cert_cell(tls: TlsFacts | None, lang: str = "en") -> Text:
    """Days to expiry: green, amber within :data:`EXPIRY_WARNING_DAYS`, red when
    expired or when verification failed (the reason is in the detail line)."""
    if tls is None or tls.not_after is None:
        return Text("—", style="dim")
    days = tls.days_to_expiry()
    assert days is not None
    if days < 0:
        return Text(t("fleet.cert.expired", lang), style="bold red")
    left = t("fleet.cert.days", lang, days=days)
    if tls.verify_error or tls.verified is False:
        return Text(f"{left} ✗", style="bold red")
    if days <= EXPIRY_WARNING_DAYS:
        return Text(left, style=f"bold {AMBER}")
    if tls.verified is None:
        return Text(f"{left} ?", style=AMBER)
    return Text(left, style="green")


def scan_cell(row: FleetRow, lang: str = "en") -> Text:
    """The newest TLS scan known for the row (``check --all --scan`` saves
    it): the worst rating and what was found, coloured by the rating."""
    scan = next((r.scan for r in row.newest_first if r.scan is not None), None)
    if scan is None:
        return Text("—", style="dim")
    if scan.error:
        return Text(scan.cell_text(lang), style="red")
    return Text(scan.cell_text(lang), style=_SCAN_STYLE.get(scan.worst or "", "green"))


def newest_transport(row: FleetRow) -> TransportFacts | None:
    """The newest chain/DANE/MTA-STS facts known for the row."""
    return next((r.transport for r in row.newest_first if r.transport), None)


def transport_cell(row: FleetRow, column: str, lang: str = "en") -> Text:
    """``ok``/``failed``, ``match``/``mismatch``/``none``, ``enforce``/``testing``/
    ``none``/``inconsistent``, ``n/a``; the reasons are in the detail lines."""
    facts = newest_transport(row)
    if facts is None:
        return Text("—", style="dim")
    state = facts.state(column)
    return Text(facts.state_text(column, lang), style=_TRANSPORT_STYLE.get(state, "dim"))


def transport_detail(facts: TransportFacts, lang: str | None = None) -> Text:
    """The chain, DANE and MTA-STS verdicts in sentences, reasons indented."""
    text = Text()
    for column in TRANSPORT_KEYS:
        state = facts.state(column)
        label = column_title(column, lang or "en")
        if column == "mta_sts" and facts.mail_domain:
            label += f" {facts.mail_domain}"
        text.append(f"\n{label}: ", style="bold")
        text.append(facts.state_text(column, lang), style=_TRANSPORT_STYLE.get(state, "dim"))
        for why, fix in facts.reasons(column):
            style = "red" if state in BAD[column] else "dim"
            text.append(f"\n  {why.text(lang)}", style=style)
            if fix is not None:
                text.append(f"\n    {fix.text(lang)}", style="italic")
    return text


def ms_cell(value: float | None) -> Text:
    if value is None:
        return Text("—", style="dim", justify="right")
    return Text(f"{value:.1f}" if value < 10 else f"{value:.0f}", justify="right")


def result_cell(row: FleetRow, lang: str = "en") -> Text:
    """``✓ ok`` / ``✗ greeting 554`` / ``checking…`` / ``queued``."""
    if row.state == "queued":
        return Text(t("fleet.cell.queued", lang), style="dim")
    if row.state == "checking":
        return Text(t("fleet.cell.checking", lang), style=f"italic {AMBER}")
    result = row.result
    if result is None:
        cancelled = row.state == "cancelled"
        return Text(t("fleet.cell.cancelled", lang) if cancelled else "—", style="dim")
    if result.ok:
        key = "fleet.cell.ok_auth_skipped" if result.auth == "skipped" else "fleet.cell.ok"
        return Text(t(key, lang), style="green")
    return Text(f"✗ {result.status_text(lang)}", style="bold red")


def detail_text(row: FleetRow, lang: str = "en") -> Text:
    """The highlighted row in sentences: error, failing reply and what it means,
    TLS facts, chain/DANE/MTA-STS, warnings."""
    profile, result = row.profile, row.result
    if result is not None and result.address:
        where = result.address  # where the check really went (the demo's port is chosen at start)
    elif profile.builtin_server:
        where = t("fleet.detail.builtin", lang)
    else:
        where = profile.address
    security = profile.security
    if security == "plain":  # the other modes are protocol names
        security = t("form.option.security.plain", lang)
    text = Text.assemble((profile.name, "bold"), f"  {where} {security}")
    if row.state in ("queued", "checking"):
        text.append(t(f"fleet.detail.{row.state}", lang), style="dim")
    if result is None:
        if row.state == "cancelled":
            text.append("\n" + t("fleet.detail.cancelled", lang), style="dim")
        return text
    when = f"{result.started_at.astimezone():%H:%M:%S}"
    text.append(t("fleet.detail.checked", lang, time=when), style="dim")
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
            text.append(t("fleet.detail.subject", lang, subject=tls.subject))
        if tls.issuer:
            text.append(t("fleet.detail.issuer", lang, issuer=tls.issuer))
        if tls.not_after is not None:
            days = tls.days_to_expiry()
            style = "bold red" if days is not None and days < 0 else ""
            if not style and days is not None and days <= EXPIRY_WARNING_DAYS:
                style = AMBER
            date = f"{tls.not_after:%Y-%m-%d}"
            text.append(t("fleet.detail.expires", lang, date=date, days=days), style=style)
        if tls.verify_error and tls.verify_error != result.error:
            untrusted = t("fleet.detail.untrusted", lang, error=tls.verify_error)
            text.append(f"\n  {untrusted}", style="bold red")
        elif tls.verified is None:
            text.append("\n  " + t("fleet.detail.unverified", lang), style=AMBER)
    if result.auth not in ("none", "ok") or result.auth_user:
        state = auth_state_text(result.auth, lang)
        if result.auth_user:
            line = t("fleet.detail.auth_as", lang, user=result.auth_user, state=state)
        else:
            line = t("fleet.detail.auth", lang, state=state)
        text.append(f"\n{line}", style="dim")
    facts = newest_transport(row)
    if facts is not None:
        text.append_text(transport_detail(facts, lang))
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
    def newest_first(self) -> list[CheckResult]:
        """Every check known for the row, newest first: the current one, those
        since the screen opened, then the saved ones (the scan and transport
        cells show the newest that has them)."""
        results = (self.result, *reversed(self.checked), *reversed(self.saved))
        return [r for r in results if r is not None]

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


def row_cells(row: FleetRow, lang: str = "en") -> list[Any]:
    """The row's cells in :data:`COLUMNS` order."""
    result = row.result
    caps = result.capabilities if result else None
    lat = result.latencies if result else None
    tls = result.tls if result else None
    if tls is not None and tls.version:
        version = tls.version
    elif result is not None and result.security == "plain" and caps is not None:
        version = t("fleet.tls.none", lang)
    else:
        version = "—"
    if caps is None:
        size = "—"
    elif caps.size == 0:
        size = t("fleet.size.no_limit", lang)
    else:
        size = format_size_limit(caps.size)
    cells = {
        "mark": Text("◆" if row.marked else " ", style="bold magenta"),
        "profile": Text(row.name, style="bold"),
        "result": result_cell(row, lang),
        "total": ms_cell(lat.total if lat else None),
        "history": Text(sparkline(row.history), style="cyan"),
        **{phase: ms_cell(lat.get(phase) if lat else None) for phase in PHASE_COLUMNS},
        "tlsv": Text(version),
        "cert": cert_cell(tls, lang),
        "mechs": Text(" ".join(caps.auth) if caps and caps.auth else "—"),
        "size": Text(size),
        "ext": Text(extension_flags(caps)),
        "scan": scan_cell(row, lang),
        **{key: transport_cell(row, key, lang) for key in TRANSPORT_KEYS},
        "address": Text(result.address if result else row.profile.address, style="dim"),
    }
    return [cells[key] for key in COLUMNS]
