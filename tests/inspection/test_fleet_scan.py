"""``check --all --scan``: every TLS profile scanned at once, a column in the
table and the JSON, findings explained under the table, saved with the check."""

from __future__ import annotations

import json

from click.testing import CliRunner

from smtptui.cli import main
from smtptui.fleet import ResultStore
from smtptui.fleet.results import CheckResult, ScanFacts


def test_check_all_scan_adds_a_column_json_and_history(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    env = {"SMTPTUI_PROFILES_DIR": str(folder)}
    result = CliRunner().invoke(main, ["check", "--all", "--scan"], env=env)
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert header.endswith("TLS SCAN")
    demo_row = next(line for line in result.stdout.splitlines() if line.startswith("demo"))
    # the built-in server: TLS 1.2+ only, with Python's default suites (some CBC)
    assert "low: CBC" in demo_row
    assert (
        "=== demo (" in result.stdout and "obsolete CBC cipher suites are offered" in result.stdout
    )
    lines = (
        CliRunner()
        .invoke(main, ["check", "--all", "--scan", "--json"], env=env)
        .stdout.splitlines()
    )
    data = json.loads(lines[0])
    assert data["scan"]["worst"] == "low" and data["scan"]["versions"] == ["TLSv1.2", "TLSv1.3"]
    saved = ResultStore().history("demo")
    assert saved and saved[-1].scan is not None and saved[-1].scan.worst == "low"


def test_scan_without_all_is_refused_with_the_right_command():
    result = CliRunner().invoke(main, ["check", "demo", "--scan"])
    assert result.exit_code == 2 and "smtptui tls TARGET --scan" in result.output


def test_scan_facts_survive_a_round_trip_and_render_short():
    facts = ScanFacts(
        worst="medium",
        findings=(
            ("tls10", "medium", ()),
            ("cat_cbc", "low", (("count", "3"), ("versions", "TLSv1"))),
        ),
        versions=("TLSv1", "TLSv1.2"),
    )
    assert facts.cell == "medium: TLS1.0 CBC"
    assert ScanFacts.from_dict(facts.to_dict()) == facts
    assert ScanFacts(error="no handshake answered").cell == "failed"
    assert (
        CheckResult.from_dict(
            {"profile": "x", "ok": True, "exit_code": 0, "started_at": "2026-01-01T00:00:00+00:00"}
        ).scan
        is None
    )


def test_the_fleet_view_shows_the_newest_saved_scan():
    import datetime as dt

    from smtptui.profiles import Profile
    from smtptui.ui.widgets.fleet_cells import FleetRow, scan_cell

    def result(scan):
        return CheckResult(profile="p", address="h:25", security="starttls", ok=True, exit_code=0,
                           started_at=dt.datetime.now(dt.UTC), scan=scan)  # fmt: skip

    row = FleetRow(Profile(name="p", host="mx.example.test"))
    assert scan_cell(row).plain == "—"
    row.saved = [result(ScanFacts(worst="high", findings=(("cat_rc4", "high", ()),)))]
    row.result = result(None)  # the dashboard's own check has no scan: the saved one shows
    cell = scan_cell(row)
    assert cell.plain == "high: RC4" and "red" in str(cell.style)
