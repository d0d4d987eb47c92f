"""Timing truth (issue 11 §2): are the latencies smtptui shows true, with the
built-in demo server in the batch and a dashboard drawing beside the checks?

Run from the repository root (the venv active)::

    python benchmarks/timing_truth.py             # 50 servers, CLI + dashboard + compare (~40 s)
    python benchmarks/timing_truth.py --part cli  # --part cli|dashboard|compare, --servers, --json …

**Servers of known delay.**  ``--servers`` (50) minimal SMTP servers (an
asyncio protocol with timers; plain, PIPELINING and 8BITMIME offered), all in
a process of their own (pinned to another CPU than the client's when there
are two), each waiting ``--banner-delay`` (0.2 s) before its greeting and
``--reply-delay`` (0.05 s) before every other reply.  So the truth of every
check is known: connect under a millisecond (loopback), banner 200 ms, EHLO
50 ms, total ≈ 250 ms.  A profile per server (tag ``bench``), plus a profile
of the built-in demo server with the same tag, so **the demo starts inside
the measuring process, in the same batch**.

**Runs.**

- ``cli``: ``smtptui check --all --tag bench --json`` (51 profiles at once,
  the default ``-j 64``): latencies from its JSON lines.
- ``dashboard``: the real TUI (``SmtpTuiApp``, headless, 120×40), ``h`` opens
  the fleet view, which checks all 51 profiles while it draws each row as it
  changes; latencies read from the results the view shows.
- ``compare``: ``smtptui compare bench-00 bench-01 --json``, two identical
  servers: no latency row may be marked as different.
- ``cli-no-demo`` and ``dashboard-no-demo``: the same 50 without the demo, in
  the same run — the baseline that shows what the demo (and the machine) adds.

**Verdict.**  For every bench profile, every phase (connect, banner, EHLO,
total) within ``--tolerance`` (±15 ms) of the truth; the demo's own check
succeeds; ``compare`` marks no latency row.  Exit status 0 PASS, 1 FAIL, 2 the
benchmark itself failed.  Saved results go to a temporary ``XDG_DATA_HOME``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

from common import LOOPBACK, machine_facts, pin, table, usable_cpus, wait_for_greeting

HERE = Path(__file__).resolve()
SMTPTUI = [sys.executable, "-m", "smtptui"]
PHASES = ("connect", "banner", "ehlo", "total")


# ------------------------------------------------------------------ servers
class _Paced:
    """A minimal SMTP server protocol of exactly known timing: greeting
    ``banner`` seconds after the connection, every reply ``reply`` seconds
    after its command.  (aiosmtpd is not used here: fifty connections at once
    would make its own start-up the delay.)"""

    #: how late each server was (ms) per port: accepting the connection plus
    #: its greeting timer ("banner"), its EHLO reply timer ("ehlo"); summed
    #: over the run, and added to that server's truth
    late: ClassVar[dict[str, dict[int, float]]] = {"banner": {}, "ehlo": {}}

    def __init__(self, banner: float, reply: float) -> None:
        self.banner, self.reply = banner, reply
        self.transport: Any = None
        self.buffer = b""

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.port = transport.get_extra_info("sockname")[1]
        # how long ago the kernel finished the handshake (ms; Linux): a busy
        # server accepts late, and its greeting is then late by as much
        sock = transport.get_extra_info("socket")
        with contextlib.suppress(OSError, AttributeError, struct.error):
            info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
            (since_ack,) = struct.unpack_from("=I", info, 56)  # tcpi_last_ack_recv
            self.late["banner"][self.port] = self.late["banner"].get(self.port, 0.0) + since_ack
        self._later(self.banner, b"220 paced.bench ESMTP ready\r\n", kind="banner")

    def _later(self, delay: float, data: bytes, close: bool = False, kind: str = "reply") -> None:
        loop = asyncio.get_running_loop()
        due = loop.time() + delay

        def send() -> None:
            if kind in self.late:
                late = self.late[kind]
                late[self.port] = late.get(self.port, 0.0) + (loop.time() - due) * 1000
            if not self.transport.is_closing():
                self.transport.write(data)
                if close:
                    self.transport.close()

        loop.call_at(due, send)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\n" in self.buffer:
            line, _, self.buffer = self.buffer.partition(b"\n")
            verb = line.strip().split(b" ", 1)[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self._later(
                    self.reply,
                    b"250-paced.bench\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
                    kind="ehlo",
                )
            elif verb == b"QUIT":
                self._later(self.reply, b"221 bye\r\n", close=True)
            else:
                self._later(self.reply, b"250 ok\r\n")

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        pass


def _servers_main(
    conn: Any, count: int, banner: float, reply: float, cpus: set[int] | None
) -> None:  # pragma: no cover - child process
    if cpus:
        pin(cpus)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        servers = [
            await loop.create_server(lambda: _Paced(banner, reply), LOOPBACK, 0, backlog=256)
            for _ in range(count)
        ]
        conn.send([s.sockets[0].getsockname()[1] for s in servers])
        while (await loop.run_in_executor(None, conn.recv)) == "lateness":
            conn.send({k: dict(v) for k, v in _Paced.late.items()})
            for values in _Paced.late.values():
                values.clear()
        for server in servers:
            server.close()

    asyncio.run(main())


class PacedServers:
    """``count`` DemoServers of known delay in a process of their own."""

    def __init__(self, count: int, banner: float, reply: float, cpus: set[int] | None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._parent, child = ctx.Pipe()
        self._proc = ctx.Process(
            target=_servers_main, args=(child, count, banner, reply, cpus), daemon=True
        )
        self.ports: list[int] = []

    def __enter__(self) -> PacedServers:
        self._proc.start()
        if not self._parent.poll(60):
            self._proc.terminate()
            raise RuntimeError("the paced servers did not start within 60 s")
        self.ports = self._parent.recv()
        for port in self.ports:
            if not wait_for_greeting(LOOPBACK, port):
                raise RuntimeError(f"paced server on port {port} does not greet")
        return self

    def lateness(self) -> dict[str, dict[int, float]]:
        """How late each server's timers fired since the last call (ms by port)."""
        self._parent.send("lateness")
        return self._parent.recv()

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._parent.send("stop")
        self._proc.join(15)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)


def write_profiles(folder: Path, ports: list[int]) -> list[str]:
    names = []
    for i, port in enumerate(ports):
        name = f"bench-{i:02d}"
        (folder / f"{name}.toml").write_text(
            f'name = "{name}"\nhost = "{LOOPBACK}"\nport = {port}\nsecurity = "plain"\n'
            f'helo = "bench.local"\ntags = ["bench", "paced"]\n',
            encoding="utf-8",
        )
        names.append(name)
    # the built-in demo server, in the same batch (it starts in the checking process)
    (folder / "demo-in-batch.toml").write_text(
        'name = "demo-in-batch"\nbuiltin_server = true\nsecurity = "starttls"\n'
        'tags = ["bench"]\n\n[auth]\nmechanism = "login"\nusername = "demo"\n'
        'password = { source = "env", name = "BENCH_DEMO_PW" }\n',
        encoding="utf-8",
    )
    return names


# ------------------------------------------------------------------ runs
def _smtptui(
    label: str, args: list[str], env: dict[str, str], cpu: int | None, timeout: float
) -> str:
    """The output of ``smtptui ARGS`` (pinned to ``cpu`` when given); exit 1
    only says a check failed, which the verdicts judge."""
    done = subprocess.run(
        [*SMTPTUI, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=(lambda: pin({cpu})) if cpu is not None else None,
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{label} failed ({done.returncode}): {done.stderr[-800:]}")
    return done.stdout


def run_cli(env: dict[str, str], cpu: int | None, tag: str) -> dict[str, dict[str, Any]]:
    out = _smtptui("check --all", ["check", "--all", "--tag", tag, "--json"], env, cpu, 300)
    found = {}
    for line in out.splitlines():
        data = json.loads(line)
        found[data["profile"]] = {"ok": data["ok"], "latencies": data["latency_ms"]}
    return found


async def _dashboard(profiles_dir: str, count: int) -> dict[str, dict[str, Any]]:
    from smtptui.ui.app import SmtpTuiApp
    from smtptui.ui.screens.dashboard import DashboardScreen

    app = SmtpTuiApp(profiles_dir=profiles_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("h")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while True:
            screen = app.screen
            if isinstance(screen, DashboardScreen):
                rows = [r for r in screen.rows.values() if r.name.startswith(("bench-", "demo-"))]
                if len(rows) == count and all(r.result is not None for r in rows):
                    break
            if loop.time() > deadline:
                raise RuntimeError("the fleet view did not finish within 120 s")
            await pilot.pause(0.05)
        found = {}
        for row in rows:
            result = row.result
            assert result is not None
            found[row.name] = {"ok": result.ok, "latencies": result.latencies.to_dict()}
        await pilot.press("escape")
    return found


def dashboard_worker(args: argparse.Namespace) -> int:
    if args.cpu is not None:
        pin({args.cpu})
    found = asyncio.run(_dashboard(args.profiles, args.servers + (not args.no_demo)))
    print(json.dumps(found))
    return 0


def run_dashboard(
    env: dict[str, str], profiles: Path, servers: int, cpu: int | None, demo: bool
) -> dict[str, dict[str, Any]]:
    argv = [sys.executable, str(HERE), "--worker", "dashboard", "--profiles", str(profiles)]
    argv += ["--servers", str(servers)] + (["--cpu", str(cpu)] if cpu is not None else [])
    argv += [] if demo else ["--no-demo"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the dashboard run failed: {done.stderr[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_compare(env: dict[str, str], cpu: int | None) -> dict[str, Any]:
    out = _smtptui("compare", ["compare", "bench-00", "bench-01", "--json"], env, cpu, 120)
    return json.loads(out.strip().splitlines()[-1])


# ------------------------------------------------------------------ verdicts
def judge(
    label: str,
    found: dict[str, dict[str, Any]],
    truth: dict[str, float],
    tolerance: float,
    late: dict[str, dict[int, float]],
    ports: dict[str, int],
) -> tuple[list[str], bool, list[str]]:
    """One table row for ``label``, whether it passed, and what failed.  The
    truth of each server is its delays plus how late its own timers fired."""
    bench = {k: v for k, v in found.items() if k.startswith("bench-")}
    problems: list[str] = []
    demo = found.get("demo-in-batch")
    if not label.endswith("no-demo") and (demo is None or not demo["ok"]):
        problems.append(f"{label}: the demo server's check did not succeed")
    worst: dict[str, float] = {}
    medians: dict[str, float] = {}
    for phase in PHASES:
        values = []
        for name, data in sorted(bench.items()):
            value = data["latencies"].get(phase)
            if not data["ok"] or value is None:
                problems.append(f"{label}: {name} has no {phase} figure (ok={data['ok']})")
                continue
            port = ports[name]
            own = {
                "connect": 0.0,
                "banner": late["banner"].get(port, 0.0),
                "ehlo": late["ehlo"].get(port, 0.0),
            }
            own["total"] = own["banner"] + own["ehlo"]
            real = truth[phase] + own[phase]
            off = value - real
            values.append(off)
            if abs(off) > tolerance:
                problems.append(
                    f"{label}: {name} {phase} {value:.1f} ms (truth {real:.1f}, off {off:+.1f})"
                )
        if values:
            medians[phase] = statistics.median(values)
            worst[phase] = max(values, key=abs)
    cells = [label, str(len(bench))]
    for phase in PHASES:
        cells.append(f"{medians[phase]:.1f} / {worst[phase]:+.1f}" if phase in medians else "—")
    cells.append("PASS" if not problems else "FAIL")
    return cells, not problems, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("all", "cli", "dashboard", "compare"), default="all")
    parser.add_argument("--servers", type=int, default=50)
    parser.add_argument("--banner-delay", type=float, default=0.2)
    parser.add_argument("--reply-delay", type=float, default=0.05)
    parser.add_argument("--tolerance", type=float, default=15.0, help="ms (default 15)")
    parser.add_argument("--json", metavar="FILE", help="also write the raw figures here")
    parser.add_argument(
        "--pin-client",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="pin smtptui to its own CPU, away from the servers' (default); --no-pin-client "
        "lets the system place it, as on a user's machine",
    )
    parser.add_argument("--worker", choices=("dashboard",), help=argparse.SUPPRESS)
    parser.add_argument("--profiles", help=argparse.SUPPRESS)
    parser.add_argument("--cpu", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-demo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "dashboard":
        return dashboard_worker(args)

    cpus = usable_cpus()
    client_cpu = cpus[-1] if len(cpus) >= 2 and args.pin_client else None
    server_cpus = {cpus[-2]} if len(cpus) >= 2 else None
    facts = machine_facts()
    print(f"# benchmarks/timing_truth.py\n\n{json.dumps(facts)}\n")
    truth = {
        "connect": 0.0,
        "banner": args.banner_delay * 1000,
        "ehlo": args.reply_delay * 1000,
        "total": (args.banner_delay + args.reply_delay) * 1000,
    }
    rows, verdicts, problems, raw = [], [], [], {}
    try:
        with (
            tempfile.TemporaryDirectory(prefix="smtptui-truth-") as tmp,
            PacedServers(args.servers, args.banner_delay, args.reply_delay, server_cpus) as fleet,
        ):
            profiles = Path(tmp, "profiles")
            profiles.mkdir()
            write_profiles(profiles, fleet.ports)
            alone = Path(tmp, "profiles-without-demo")
            alone.mkdir()
            write_profiles(alone, fleet.ports)
            (alone / "demo-in-batch.toml").unlink()
            env = {
                **os.environ,
                "SMTPTUI_PROFILES_DIR": str(profiles),
                "XDG_DATA_HOME": str(Path(tmp, "data")),
                "XDG_CACHE_HOME": str(Path(tmp, "cache")),
                "BENCH_DEMO_PW": "demo",
            }
            parts = {
                "all": ["cli", "cli-no-demo", "dashboard", "dashboard-no-demo", "compare"],
                "cli": ["cli", "cli-no-demo"],
                "dashboard": ["dashboard", "dashboard-no-demo"],
                "compare": ["compare"],
            }[args.part]
            fleet.lateness()  # forget the greeting checks
            server_notes = []
            for part in parts:
                started = time.monotonic()
                if part == "cli":
                    found = run_cli(env, client_cpu, "bench")
                elif part == "cli-no-demo":
                    found = run_cli(env, client_cpu, "paced")
                elif part == "dashboard":
                    found = run_dashboard(env, profiles, args.servers, client_cpu, True)
                elif part == "dashboard-no-demo":
                    found = run_dashboard(env, alone, args.servers, client_cpu, False)
                else:
                    comparison = run_compare(env, client_cpu)
                    raw["compare"] = comparison
                    latency = [r for r in comparison["rows"] if r["section"] == "latency"]
                    marked = [r["field"] for r in latency if r["differs"]]
                    shown = ", ".join(f"{r['field']} {r['left']} vs {r['right']}" for r in latency)
                    ok = not marked
                    verdicts.append(ok)
                    if not ok:
                        problems.append(f"compare marked latency rows as different: {marked}")
                    print(f"compare bench-00 bench-01: {shown}\n", file=sys.stderr)
                    rows.append(
                        [
                            "compare (2 identical servers)",
                            "2",
                            *(["see below"] * 4),
                            "PASS" if ok else "FAIL",
                        ]
                    )
                    raw["compare_rows"] = shown
                    continue
                raw[part] = found
                late = fleet.lateness()
                server_notes.append(
                    f"{part}: the servers themselves were late by up to "
                    f"{max(late['banner'].values(), default=0):.1f} ms (greetings) and "
                    f"{max(late['ehlo'].values(), default=0):.1f} ms (EHLO replies); "
                    "that is added to each server's truth"
                )
                ports = {f"bench-{i:02d}": port for i, port in enumerate(fleet.ports)}
                cells, ok, why = judge(part, found, truth, args.tolerance, late, ports)
                rows.append(cells)
                verdicts.append(ok)
                problems.extend(why)
                print(f"  {part}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    except (RuntimeError, OSError, subprocess.SubprocessError, json.JSONDecodeError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    load = os.getloadavg()
    print(
        f"{args.servers} plain servers (greeting after {truth['banner']:.0f} ms, every other "
        f"reply after {truth['ehlo']:.0f} ms) + the built-in demo, one batch; truth: connect "
        f"< 1, banner {truth['banner']:.0f}, EHLO {truth['ehlo']:.0f}, total {truth['total']:.0f} "
        f"ms, plus how late each server's own timers fired; cells: median / worst deviation "
        f"from that truth (ms); load at end "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n"
    )
    print(table(["run", "servers", *PHASES, f"±{args.tolerance:g} ms"], rows))
    if "compare_rows" in raw:
        print(f"\ncompare latency rows: {raw['compare_rows']}")
    for note in server_notes:
        print(f"\n{note}")
    for line in problems[:20]:
        print(f"  {line}")
    if len(problems) > 20:
        print(f"  … and {len(problems) - 20} more")
    ok = all(verdicts)
    print(f"\n{'PASS' if ok else 'FAIL'}: every phase within ±{args.tolerance:g} ms of the truth")
    if args.json:
        Path(args.json).write_text(json.dumps({"facts": facts, "raw": raw}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
