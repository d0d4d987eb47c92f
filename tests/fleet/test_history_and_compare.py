"""Saved results and side-by-side comparisons."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import stat

from smtptui.fleet import CheckResult, ResultStore, compare_results
from smtptui.fleet.results import CapabilityFacts, PhaseLatencies, TlsFacts
from tests.fleet.servers import Servers, profile_for, server_config


def result(name: str = "qq", *, total: float = 50.0, size: int = 1000, **kw) -> CheckResult:
    base = CheckResult(
        profile=name,
        address="smtp.example.com:465",
        security="tls",
        ok=True,
        exit_code=0,
        started_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        latencies=PhaseLatencies(
            dns=1.0, connect=10.0, banner=5.0, ehlo=4.0, tls=20.0, total=total
        ),
        tls=TlsFacts(
            version="TLSv1.3",
            cipher="TLS_AES_256_GCM_SHA384",
            subject="CN=smtp.example.com",
            issuer="CN=Example CA",
            not_after=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
            verified=True,
        ),
        capabilities=CapabilityFacts(
            size=size, extensions=("PIPELINING",), auth=("LOGIN", "PLAIN")
        ),
    )
    return dataclasses.replace(base, **kw)


def test_saved_results_are_bounded_atomic_private_and_in_order(tmp_path):
    store = ResultStore(tmp_path / "checks", keep=5)
    for i in range(8):
        store.save(result(total=float(i)))
    path = store.path_for("qq")
    assert path.name == "qq.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [r.latencies.total for r in store.history("qq")] == [3.0, 4.0, 5.0, 6.0, 7.0]
    assert store.last("qq").latencies.total == 7.0
    assert store.latency_history("qq", "total") == [3.0, 4.0, 5.0, 6.0, 7.0]
    assert store.latency_history("qq", "auth") == [None] * 5
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_default_folder_is_the_user_data_dir(_isolated_user_dirs):
    store = ResultStore()
    assert str(store.folder).startswith(os.environ["XDG_DATA_HOME"])
    assert store.folder.parts[-2:] == ("smtptui", "checks")


def test_a_damaged_history_file_reads_as_empty_and_is_replaced(tmp_path):
    store = ResultStore(tmp_path)
    store.path_for("qq").write_text("{ not json")
    assert store.history("qq") == [] and store.last("qq") is None
    store.save(result())
    assert len(store.history("qq")) == 1
    data = json.loads(store.path_for("qq").read_text())
    data["results"].insert(0, {"profile": "qq"})  # a damaged entry is skipped
    store.path_for("qq").write_text(json.dumps(data))
    assert len(store.history("qq")) == 1


def test_profiles_with_the_same_slug_do_not_mix(tmp_path):
    store = ResultStore(tmp_path)
    store.save(result("QQ Mail"))
    assert store.last("qq mail") is not None
    assert store.last("qq-mail") is None  # same file, other name: not this profile's


def test_compare_marks_exactly_what_changed():
    before = result()
    after = result(
        total=400.0,
        size=2000,
        tls=dataclasses.replace(before.tls, not_after=dt.datetime(2028, 1, 1, tzinfo=dt.UTC)),
    )
    comparison = compare_results(before, after)
    changed = {(r.section, r.field) for r in comparison.differences}
    assert changed == {("capabilities", "SIZE"), ("tls", "expires"), ("latency", "total")}
    size = next(r for r in comparison.rows if r.field == "SIZE")
    assert (size.left, size.right) == ("1,000", "2,000")
    assert compare_results(before, before).differences == ()


def test_latency_jitter_is_not_a_difference():
    comparison = compare_results(result(total=3.0), result(total=9.0))  # 3x, but only 6 ms
    assert not comparison.differences
    assert compare_results(result(total=100.0), result(total=130.0)).differences == ()
    assert compare_results(result(total=100.0), result(total=160.0)).differences


def test_a_failed_check_against_a_good_one():
    failed = result(ok=False, exit_code=23, phase="tls", tls=None, capabilities=None)
    comparison = compare_results(result(), failed)
    fields = {r.field for r in comparison.differences}
    assert {"result", "exit code", "version", "SIZE"} <= fields
    assert next(r for r in comparison.rows if r.field == "SIZE").right == "—"
    assert json.loads(json.dumps(comparison.to_dict()))["differences"] == len(
        comparison.differences
    )


async def test_compare_two_real_servers_shows_their_real_difference(certs):
    valid = certs.valid()
    async with Servers([server_config(valid), server_config(valid, size_limit=1_000_000)]) as (
        a,
        b,
    ):
        from smtptui.fleet import check_many

        left, right = await check_many(
            [profile_for("a", a, ca_file=certs.ca_file), profile_for("b", b, ca_file=certs.ca_file)]
        )
    rows = {r.field: r for r in compare_results(left, right).differences if r.section != "latency"}
    assert set(rows) == {"SIZE"}
    assert (rows["SIZE"].left, rows["SIZE"].right) == ("10,485,760", "1,000,000")
