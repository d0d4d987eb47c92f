"""The fleet view's chain, DANE and MTA-STS columns: filled in by the
dashboard's own checks against real loopback servers, the reasons in the
detail lines, and the newest saved facts when a check has none."""

from __future__ import annotations

import datetime as dt

from smtptui.fleet.results import CheckResult
from smtptui.fleet.transport_facts import TransportFacts
from smtptui.i18n.sentence import Sentence
from smtptui.profiles import Profile
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.widgets.fleet_cells import FleetRow, detail_text, transport_cell
from tests.ui.test_dashboard import (  # noqa: F401  (fleet is a fixture)
    SIZE,
    cell,
    detail,
    finished,
    fleet,
    highlight,
    open_dashboard,
)


async def test_the_dashboard_fills_the_chain_dane_and_mta_sts_columns(fleet):  # noqa: F811
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot)
        await finished(pilot, screen, timeout=15)
        assert cell(screen, "fast-00", "chain") == "ok"
        assert cell(screen, "expired", "chain") == "failed"
        assert "red" in str(screen.table.get_cell("expired", "chain").style)
        assert cell(screen, "plain", "chain") == "n/a"
        # loopback profiles name IP addresses: nothing to look up, never a failure
        assert {cell(screen, "fast-00", c) for c in ("dane", "mta_sts")} == {"n/a"}
        await highlight(pilot, screen, "expired")
        text = detail(screen)
        assert "chain: failed" in text and "has expired" in text
        assert "DANE: n/a" in text and "names an IP address" in text
        assert "MTA-STS: n/a" in text and "mail_domain" in text


def _result(transport: TransportFacts | None) -> CheckResult:
    return CheckResult(profile="mx1", address="mx1.example.test:25", security="starttls", ok=True,
                       exit_code=0, started_at=dt.datetime.now(dt.UTC), transport=transport)  # fmt: skip


def test_cells_show_the_newest_known_facts_and_explain_them():
    row = FleetRow(Profile(name="mx1", host="mx1.example.test", port=25))
    assert transport_cell(row, "mta_sts").plain == "—"
    problem = Sentence.of("inspect.sts.problem.mx_not_covered_enforce", host="mx1.example.test",
                          patterns="mx9.example.test")  # fmt: skip
    fix = Sentence.of("inspect.sts.fix.mx_not_covered_enforce", host="mx1.example.test")
    row.saved = [
        _result(
            TransportFacts(
                chain="ok",
                dane="match",
                mail_domain="example.test",
                mta_sts="inconsistent",
                mta_sts_why=((problem, fix),),
            )
        )
    ]
    row.result = _result(None)  # a check without --inspect: the saved facts show
    assert [transport_cell(row, c).plain for c in ("chain", "dane", "mta_sts")] == [
        "ok",
        "match",
        "inconsistent",
    ]
    assert "red" in str(transport_cell(row, "mta_sts").style)
    text = detail_text(row, "en").plain
    assert "MTA-STS example.test: inconsistent" in text
    assert (
        "MX host mx1.example.test does not match" in text and "Add 'mx: mx1.example.test'" in text
    )
    assert "不匹配" in detail_text(row, "zh").plain
