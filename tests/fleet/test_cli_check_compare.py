"""`smtptui check --all` and `smtptui compare` as a script runs them, against
20+ real loopback servers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from smtptui.cli import main
from smtptui.fleet import ResultStore
from tests.fleet.conftest import mixed_fleet
from tests.fleet.servers import ThreadedServers, profile_for, server_config, write_profiles


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def fleet(certs, tmp_path):
    spec = mixed_fleet(certs, delay=0.2)
    with ThreadedServers(spec.configs) as servers:
        profiles = spec.profiles(servers)
        folder = write_profiles(tmp_path / "profiles", profiles)
        yield folder, profiles, spec.expected


def test_check_all_prints_the_matrix_explains_failures_and_saves(fleet):
    folder, profiles, expected = fleet
    result = run("check", "--all", "--profiles-dir", str(folder), "-j", "32", "--timeout", "8")
    assert result.exit_code == 1, result.output  # some profiles fail
    out = result.output
    header, *rows = out.splitlines()
    assert header.split()[:4] == ["PROFILE", "ADDRESS", "RESULT", "TOTAL"]
    for profile in profiles:
        line = next(r for r in rows if r.startswith(profile.name + " "))
        word = "ok" if expected[profile.name] == "ok" else expected[profile.name]
        assert f" {word}" in line, line
    assert next(r for r in rows if r.startswith("expired ")).split()[4:7] == [
        "ms",
        "TLSv1.3",
        "expired",
    ]
    assert "untrusted" in next(r for r in rows if r.startswith("untrusted "))
    assert "*** refusing-0 (127.0.0.1:" in out and "554 5.3.2:" in out
    assert "*** expired (" in out and "expired" in out
    assert "demo " in out  # the bundled demo profile is part of every fleet
    assert f"{len(profiles) + 1} profiles: " in out and "Traceback" not in out
    store = ResultStore()
    assert store.last("starttls-00").ok and store.last("expired").exit_code == 23


def test_check_all_json_is_one_object_per_profile_and_tag_filters(fleet):
    folder, profiles, expected = fleet
    result = run("check", "--all", "--json", "--profiles-dir", str(folder), "-j", "32")
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert sorted(o["profile"] for o in objects) == sorted([p.name for p in profiles] + ["demo"])
    by = {o["profile"]: o for o in objects}
    assert by["refusing-1"]["exit_code"] == 21 and by["refusing-1"]["reply"]["code"] == 554
    assert by["starttls-02"]["auth"] == "ok" and by["starttls-02"]["tls"]["verified"] is True
    assert by["slow-0"]["latency_ms"]["banner"] >= 150
    assert result.exit_code == 1

    good = run("check", "--all", "--tag", "good", "--profiles-dir", str(folder), "-j", "32")
    assert good.exit_code == 0, good.output
    assert "refusing" not in good.output and "starttls-09" in good.output
    quiet = run("check", "--all", "--tag", "bad", "--quiet", "--profiles-dir", str(folder))
    assert quiet.exit_code == 1
    assert quiet.stdout == "" and "expired:" in quiet.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--all", "demo"], "either a TARGET or --all"),
        (["check", "--all", "--port", "25"], "--port names one server"),
        (["check", "--all", "--user", "x"], "--user names one server"),
        (["check", "--all", "--tag", "nope"], "no profiles tagged nope"),
        (["check"], "name a TARGET"),
    ],
)
def test_check_all_usage_errors_are_exit_2(args, message, tmp_path):
    result = CliRunner().invoke(main, [*args, "--profiles-dir", str(tmp_path)])
    assert result.exit_code == 2 and message in result.output


def test_compare_two_profiles_marks_the_real_difference(certs, tmp_path):
    valid = certs.valid()
    with ThreadedServers([server_config(valid), server_config(valid, size_limit=1_000_000)]) as (
        a,
        b,
    ):
        folder = write_profiles(
            tmp_path,
            [
                profile_for("big", a, ca_file=certs.ca_file),
                profile_for("small", b, ca_file=certs.ca_file),
            ],
        )
        result = run("compare", "big", "small", "--profiles-dir", str(folder))
        as_json = run("compare", "big", "small", "--json", "--profiles-dir", str(folder))
        same = run("compare", "big", "big", "--diff-only", "--profiles-dir", str(folder))
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if "SIZE" in x)
    assert line.startswith("* SIZE") and "10,485,760" in line and "1,000,000" in line
    assert next(x for x in result.output.splitlines() if "PIPELINING" in x).startswith("  ")
    data = json.loads(as_json.output)
    assert {r["field"] for r in data["rows"] if r["differs"] and r["section"] != "latency"} == {
        "SIZE"
    }
    assert data["left"]["profile"] == "big" and data["right"]["profile"] == "small"
    assert "SIZE" not in same.output and "PIPELINING" not in same.output  # --diff-only


def test_compare_last_says_what_changed_since_the_saved_check(certs, tmp_path):
    valid = certs.valid()
    with ThreadedServers([server_config(valid), server_config(valid, size_limit=2_000_000)]) as (
        a,
        b,
    ):
        write_profiles(tmp_path, [profile_for("relay", a, ca_file=certs.ca_file)])
        first = run("compare", "relay", "--last", "--profiles-dir", str(tmp_path))
        assert first.exit_code == 2 and "no saved check of 'relay'" in first.output
        unchanged = run(
            "compare", "relay", "--last", "--diff-only", "--profiles-dir", str(tmp_path)
        )
        write_profiles(tmp_path, [profile_for("relay", b, ca_file=certs.ca_file)])  # "upgraded"
        changed = run("compare", "relay", "--last", "--profiles-dir", str(tmp_path))
    assert unchanged.exit_code in (0, 1)  # loopback latency may wobble; nothing else differs
    assert "SIZE" not in unchanged.output
    assert changed.exit_code == 1
    line = next(x for x in changed.output.splitlines() if "SIZE" in x)
    assert line.startswith("* SIZE") and "2,000,000" in line
    assert "relay (now)" in changed.output
    assert len(ResultStore().history("relay")) == 3


def test_compare_needs_two_targets_or_last(tmp_path):
    result = CliRunner().invoke(main, ["compare", "demo", "--profiles-dir", str(tmp_path)])
    assert result.exit_code == 2 and "compare A --last" in result.output
