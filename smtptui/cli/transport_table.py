"""The CHAIN, DANE and MTA-STS columns of ``check --all --inspect`` (and the
reasons under the table), from each result's
:class:`~smtptui.fleet.transport_facts.TransportFacts`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from smtptui.fleet.transport_facts import BAD
from smtptui.i18n import t

if TYPE_CHECKING:
    from smtptui.fleet.results import CheckResult
    from smtptui.fleet.transport_facts import TransportFacts

#: (TransportFacts attribute, table header: ``cli.check.col.chain`` or a protocol name)
TRANSPORT_COLUMNS = (("chain", "chain"), ("dane", "DANE"), ("mta_sts", "MTA-STS"))
_GREEN = {"fg": "green"}
_AMBER = {"fg": "yellow"}
_RED = {"fg": "red", "bold": True}
_STYLE = {
    "ok": _GREEN,
    "match": _GREEN,
    "enforce": _GREEN,
    "testing": _AMBER,
    "unusable": _AMBER,
    "failed": _RED,
    "mismatch": _RED,
    "inconsistent": _RED,
    "error": _RED,
}


def transport_cells(
    facts: TransportFacts | None, lang: str | None = "en"
) -> list[tuple[str, dict[str, Any]]]:
    """One (text, style) per column; ``—`` when the profile was not inspected."""
    if facts is None:
        return [("—", {}) for _ in TRANSPORT_COLUMNS]
    return [
        (facts.state_text(column, lang), _STYLE.get(facts.state(column), {}))
        for column, _header in TRANSPORT_COLUMNS
    ]


def transport_explanations(results: list[CheckResult], lang: str | None) -> list[str]:
    """Under the table: for each profile, each column that failed, and why
    (with what to change, for MTA-STS)."""
    out: list[str] = []
    for r in results:
        facts = r.transport
        if facts is None:
            continue
        for column, header in TRANSPORT_COLUMNS:
            state = facts.state(column)
            if state not in BAD[column]:
                continue
            where = f" {facts.mail_domain}" if column == "mta_sts" and facts.mail_domain else ""
            out.append("")
            title = t("cli.check.col.chain", lang) if column == "chain" else header
            out.append(
                click.style(
                    f"=== {r.profile} ({r.address}) {title}{where}: "
                    f"{facts.state_text(column, lang)}",
                    fg="red",
                )
            )
            for why, fix in facts.reasons(column):
                out.append(f"    {why.text(lang)}")
                if fix is not None:
                    out.append(f"      {fix.text(lang)}")
    return out
