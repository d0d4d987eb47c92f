"""TLS scan benchmark (issue 13 §4): ``smtptui tls HOST:PORT --scan`` against
the loopback Postfix peer, as a user runs it (wall time of the whole process,
Python's start-up included).

Run from the repository root (the venv active, the Postfix peer started by
``tests/peers/postfix.sh``)::

    python benchmarks/tls_scan.py               # 5 rounds each (~20 s)
    python benchmarks/tls_scan.py --rounds 3 --port 2526

Rows, measured in the same run on the same server:

- ``smtptui tls --scan`` with its default parallelism (``-j 16``);
- the same scan one handshake at a time (``-j 1``): the baseline that shows
  what running the handshakes in parallel buys;
- ``testssl.sh --fast --starttls smtp`` when it is installed (it is not a
  Debian package; the issue's anchor, 47 s on this peer, is quoted otherwise).

Targets: the scan reports what testssl.sh reported on this peer (TLS 1.0 and
1.1 offered, obsolete CBC suites, no server cipher order) in ≤ 5 s, ten times
faster than testssl.sh's 47 s.  Exit 0 when met, 1 when missed, 2 when the
benchmark could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

from common import machine_facts, table

TARGET_SECONDS = 5.0
TESTSSL_ANCHOR = 47.0
EXPECTED = {"tls10", "tls11", "cat_cbc", "client_order"}


def run_scan(target: str, jobs: int) -> tuple[float, dict]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "smtptui", "tls", target, "--scan", "--json", "-j", str(jobs)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"smtptui tls --scan exited {proc.returncode}: {proc.stderr.strip()}")
    return elapsed, json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("SMTPTUI_POSTFIX_PORT", 2526))
    )
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    target = f"{args.host}:{args.port}"
    facts = machine_facts()
    print(f"# {facts['date']} · {facts['cpu']} · {facts['cpus_usable']} CPUs usable · "
          f"{facts['python']} · load {facts['loadavg']} · {facts['source']}")  # fmt: skip
    rows = []
    results: dict[str, list[float]] = {}
    last: dict = {}
    try:
        for label, jobs in (("smtptui tls --scan (-j 16)", 16), ("same, one at a time (-j 1)", 1)):
            times = []
            for _ in range(args.rounds):
                elapsed, last_report = run_scan(target, jobs)
                times.append(elapsed)
                if jobs == 16:
                    last = last_report
            results[label] = times
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    testssl = shutil.which("testssl.sh") or shutil.which("testssl")
    if testssl:
        started = time.monotonic()
        subprocess.run(
            [testssl, "--fast", "--starttls", "smtp", target], capture_output=True, check=False
        )
        results["testssl.sh --fast --starttls smtp"] = [time.monotonic() - started]
    base = statistics.median(results["same, one at a time (-j 1)"])
    for label, times in results.items():
        med = statistics.median(times)
        rows.append(
            [label, f"{med:.2f}", f"{min(times):.2f}–{max(times):.2f}", f"{base / med:.1f}×"]
        )
    if not testssl:
        rows.append(["testssl.sh --fast (the issue's anchor, not re-measured)", f"{TESTSSL_ANCHOR:.2f}", "—", f"{base / TESTSSL_ANCHOR:.2f}×"])  # fmt: skip
    print(table(["run", "wall s (median)", "range", "speed vs -j 1"], rows))
    found = {f["key"] for f in last.get("findings", [])}
    scan_s = statistics.median(results["smtptui tls --scan (-j 16)"])
    anchor = statistics.median(results.get("testssl.sh --fast --starttls smtp", [TESTSSL_ANCHOR]))
    verdicts = [
        ("same findings as testssl.sh (TLS 1.0/1.1, CBC, no server order)", found >= EXPECTED),
        (f"scan ≤ {TARGET_SECONDS:g} s ({scan_s:.2f} s)", scan_s <= TARGET_SECONDS),
        (f"≥ 10× faster than testssl.sh ({anchor / scan_s:.0f}×)", anchor / scan_s >= 10),
    ]
    print(f"probes per scan: {last.get('probes')}; scan's own time: {last.get('elapsed_ms')} ms")
    for text, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for _t, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
