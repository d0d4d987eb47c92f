"""Fleet benchmarks (issue 6 §8): ``check --all`` on 50 slow servers, and the
load test against Postfix's ``smtp-sink``.

Run from the repository root (the venv active)::

    python benchmarks/fleet.py                  # both parts, median of 3 rounds (~2.5 min)
    python benchmarks/fleet.py --quick          # 1 round, 10-server swaks sample (~40 s)
    python benchmarks/fleet.py --part load --profile   # + where the client's time goes

**Part 1 — health checks.**  50 ``DemoServer`` s (STARTTLS, AUTH LOGIN, one
shared self-signed certificate that the profiles trust as their CA), each
delaying every reply by ``--delay`` (0.2 s), run in one process of their own,
so their CPU is not the checker's.  50 profiles (tag ``bench``) point at them.
Measured as a user would run it — wall time of the whole ``smtptui`` process:

- ``smtptui check bench-00 --quiet``: one profile's check;
- ``smtptui check --all --tag bench --quiet``: all 50 (default ``-j 64``), and
  again with ``-j 8`` (the engine's API default) for the record;
- ``swaks --server … --tls --auth LOGIN … --quit-after AUTH`` for each server,
  one after another (the swaks way to check a fleet), for the record.

Target: ``check --all`` ≤ 2 × one profile's check.

**Part 2 — load.**  ``smtp-sink`` (C) on loopback; ``smtptui load -n N -c 4``
against Postfix's own ``smtp-source -d -s 4 -m N -l SIZE``, both with a
``--size``-byte body, both measured the same way: msgs/s = N / the wall time
of the whole process, start-up included (issue 11 §3).  smtptui's own figure
(its ``--json`` summary, first connect to last close) is shown beside it.  On two or more CPUs the sink is pinned to one CPU and the
clients to another.  ``smtp-sink -c`` counts what it received: the benchmark
fails if that differs from what the clients reported.  Target: smtptui ≥ 0.5 ×
smtp-source (stretch 1×), 50,000 messages by default.

Exit status: 0 every target met, 1 a target missed, 2 the benchmark failed.
Helpers are local to this script on purpose (``common.py`` belongs to
``bulk_send.py`` and is still moving).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import pwd
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
REPO = HERE.parent.parent
LOOPBACK = "127.0.0.1"
SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
SMTP_SOURCE = shutil.which("smtp-source") or "/usr/sbin/smtp-source"
SWAKS = shutil.which("swaks") or "/usr/bin/swaks"
SMTPTUI = [sys.executable, "-m", "smtptui"]
FLEET_TARGET = 2.0
LOAD_TARGET = 0.5
PASSWORD = "demo"  # the demo server's public test password


# ------------------------------------------------------------------ helpers
def machine_facts() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = "?"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    import smtptui

    source = Path(smtptui.__file__).resolve().parent.parent
    return (
        f"{time.strftime('%Y-%m-%d %H:%M %Z')} | {cpu} | {len(usable_cpus())} usable CPU(s) | "
        f"{platform.python_implementation()} {platform.python_version()} | load {load} | "
        f"commit {commit} | smtptui from {source}"
    )


def usable_cpus() -> list[int]:
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def wait_for_greeting(port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            socket.create_connection((LOOPBACK, port), timeout=2) as sock,
        ):
            if sock.recv(512).startswith(b"220"):
                sock.sendall(b"QUIT\r\n")
                return True
        time.sleep(0.05)
    return False


def pinned(cpu: int | None):
    """A ``preexec_fn`` that pins the child to ``cpu`` (no-op when None)."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def timed(
    argv: list[str], *, env: dict[str, str], cpu: int | None = None, timeout: float = 300
) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(
        argv,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=pinned(cpu),
    )
    return time.perf_counter() - started, done


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]

    def fmt(cells: list[str]) -> str:
        return (
            "| "
            + " | ".join(
                str(c).rjust(w) if i and str(c)[:1].isdigit() else str(c).ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    return "\n".join(
        [fmt(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(fmt, rows)]
    )


# ------------------------------------------------------------------ part 1: the fleet
def _servers_main(
    conn: Any, stop: Any, count: int, delay: float, cpu: int | None
) -> None:  # pragma: no cover - child
    """Child process: ``count`` DemoServers sharing one certificate, each
    delaying every reply by ``delay``; report ports, then received counts."""
    import asyncio

    from smtptui.server import DemoServer, ServerConfig
    from smtptui.server.certs import generate_self_signed

    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})

    async def main() -> None:
        folder = Path(tempfile.mkdtemp(prefix="smtptui-fleet-bench-"))
        files = generate_self_signed(folder, "localhost")
        servers = [
            DemoServer(
                ServerConfig(
                    host=LOOPBACK,
                    port=0,
                    cert_file=files.cert,
                    key_file=files.key,
                    reply_delay=delay,
                    max_messages=10,
                )
            )
            for _ in range(count)
        ]
        await asyncio.gather(*(s.start() for s in servers))
        conn.send({"ports": [s.port for s in servers], "cert": str(files.cert)})
        await asyncio.get_running_loop().run_in_executor(None, stop.wait)
        received = sum(s.received_count for s in servers)
        await asyncio.gather(*(s.stop() for s in servers))
        shutil.rmtree(folder, ignore_errors=True)
        conn.send({"received": received})

    asyncio.run(main())


class SlowFleet:
    """``count`` slow DemoServers in a process of their own."""

    def __init__(self, count: int, delay: float, cpu: int | None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._parent, child = ctx.Pipe()
        self._stop = ctx.Event()
        self._proc = ctx.Process(
            target=_servers_main, args=(child, self._stop, count, delay, cpu), daemon=True
        )
        self.ports: list[int] = []
        self.cert = ""
        self.received: int | None = None

    def __enter__(self) -> SlowFleet:
        self._proc.start()
        if not self._parent.poll(60):
            self._proc.terminate()
            raise RuntimeError("the benchmark servers did not start within 60 s")
        info = self._parent.recv()
        self.ports, self.cert = info["ports"], info["cert"]
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._parent.poll(20):
            with contextlib.suppress(EOFError):
                self.received = int(self._parent.recv()["received"])
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)


def write_profiles(folder: Path, ports: list[int], cert: str) -> list[str]:
    names = []
    for i, port in enumerate(ports):
        name = f"bench-{i:02d}"
        (folder / f"{name}.toml").write_text(
            f'name = "{name}"\nhost = "{LOOPBACK}"\nport = {port}\nsecurity = "starttls"\n'
            f'helo = "bench.local"\ntags = ["bench"]\n\n'
            f'[auth]\nmechanism = "login"\nusername = "demo"\n'
            f'password = {{ source = "env", name = "BENCH_PW" }}\n\n'
            f'[tls]\nca_file = "{cert}"\n',
            encoding="utf-8",
        )
        names.append(name)
    return names


def part_fleet(args: argparse.Namespace, cpus: list[int]) -> tuple[str, bool]:
    client_cpu = cpus[-1] if len(cpus) >= 2 else None
    server_cpu = cpus[-2] if len(cpus) >= 2 else None
    with (
        tempfile.TemporaryDirectory(prefix="smtptui-fleet-") as tmp,
        SlowFleet(args.servers, args.delay, server_cpu) as fleet,
    ):
        profiles = Path(tmp, "profiles")
        profiles.mkdir()
        names = write_profiles(profiles, fleet.ports, fleet.cert)
        env = {
            **os.environ,
            "SMTPTUI_PROFILES_DIR": str(profiles),
            "XDG_DATA_HOME": str(Path(tmp, "data")),
            "BENCH_PW": PASSWORD,
        }
        for port in fleet.ports:
            if not wait_for_greeting(port):
                raise RuntimeError(f"benchmark server on port {port} does not greet")
        startup, _ = timed([*SMTPTUI, "--version"], env=env, cpu=client_cpu)
        single, fleet_all, fleet_j8 = [], [], []
        for round_no in range(args.repeat):
            runs = [
                ("single", [*SMTPTUI, "check", names[0], "--quiet"], single),
                ("all", [*SMTPTUI, "check", "--all", "--tag", "bench", "--quiet"], fleet_all),
                (
                    "all-j8",
                    [*SMTPTUI, "check", "--all", "--tag", "bench", "--quiet", "-j", "8"],
                    fleet_j8,
                ),
            ]
            for label, argv, bucket in runs[round_no % 3 :] + runs[: round_no % 3]:
                seconds, done = timed(argv, env=env, cpu=client_cpu)
                if done.returncode != 0:
                    raise RuntimeError(
                        f"{label} check failed ({done.returncode}): {done.stderr[-800:]}"
                    )
                bucket.append(seconds)
                print(f"  round {round_no + 1} {label:<7} {seconds:6.2f} s", file=sys.stderr)
        swaks_ports = fleet.ports[: args.swaks_sample]
        swaks_total = 0.0
        if os.access(SWAKS, os.X_OK):
            for port in swaks_ports:
                seconds, done = timed(
                    [
                        SWAKS,
                        "--server",
                        f"{LOOPBACK}:{port}",
                        "--tls",
                        "--helo",
                        "bench.local",
                        "--auth",
                        "LOGIN",
                        "--auth-user",
                        "demo",
                        "--auth-password",
                        PASSWORD,
                        "--quit-after",
                        "AUTH",
                    ],
                    env=env,
                    cpu=client_cpu,
                )
                if done.returncode != 0:
                    raise RuntimeError(f"swaks failed on port {port}: {done.stdout[-800:]}")
                swaks_total += seconds
        received = None
    received = fleet.received
    if received:
        raise RuntimeError(f"a health check sent mail: the servers received {received} messages")
    one, every, every8 = median(single), median(fleet_all), median(fleet_j8)
    swaks_all = swaks_total * len(fleet.ports) / len(swaks_ports) if swaks_total else None
    ratio = every / one
    rows = [
        ["smtptui check bench-00 (one profile)", f"{one:.2f}", "1.00"],
        [
            f"smtptui check --all ({args.servers} profiles, -j 64 default)",
            f"{every:.2f}",
            f"{ratio:.2f}",
        ],
        [
            f"smtptui check --all ({args.servers} profiles, -j 8)",
            f"{every8:.2f}",
            f"{every8 / one:.2f}",
        ],
    ]
    if swaks_all is not None:
        sampled = (
            "" if len(swaks_ports) == len(fleet.ports) else f", {len(swaks_ports)} run, scaled"
        )
        rows.append(
            [
                f"swaks one by one ({args.servers} servers{sampled})",
                f"{swaks_all:.2f}",
                f"{swaks_all / one:.2f}",
            ]
        )
    ok = ratio <= FLEET_TARGET
    text = (
        f"### Part 1: {args.servers} profiles, every reply delayed {args.delay:g} s "
        f"(median of {args.repeat}; process wall time; `smtptui --version` alone: {startup:.2f} s)\n\n"
        + table(["run", "seconds", "× one profile"], rows)
        + f"\n\n{'PASS' if ok else 'FAIL'}: check --all = {ratio:.2f} × one profile's check "
        f"(target ≤ {FLEET_TARGET:g}×)\n"
    )
    return text, ok


# ------------------------------------------------------------------ part 2: load
def _sink_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    for name in ("nobody", "postfix"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return ["-u", name]
    raise RuntimeError("smtp-sink refuses to run as root without -u USER")


class CountingSink:
    """``smtp-sink -c`` on a free loopback port, pinned to ``cpu``; after the
    block, ``received`` is its own count of messages."""

    def __init__(self, cpu: int | None) -> None:
        self.cpu = cpu
        self.port = free_port()
        self.received: int | None = None

    def __enter__(self) -> CountingSink:
        # The counter goes to a file: smtp-sink blocks when a pipe nobody reads is full.
        self._counter = tempfile.TemporaryFile("w+")  # closed in __exit__
        self._proc = subprocess.Popen(
            [SMTP_SINK, *_sink_user(), "-c", f"{LOOPBACK}:{self.port}", "256"],
            stdout=self._counter,
            stderr=subprocess.DEVNULL,
            preexec_fn=pinned(self.cpu),
        )
        if not wait_for_greeting(self.port):
            self.__exit__()
            raise RuntimeError("smtp-sink did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.3)  # let the last sessions end
        self._proc.terminate()
        self._proc.wait(10)
        self._counter.seek(0)
        counts = re.findall(r"mesg=(\d+)", self._counter.read())
        self._counter.close()
        self.received = int(counts[-1]) if counts else None


def load_round(
    label: str, argv: list[str], args: argparse.Namespace, env: dict[str, str], cpu: int | None
) -> tuple[float, str]:
    seconds, done = timed(argv, env=env, cpu=cpu)
    if done.returncode != 0:
        raise RuntimeError(
            f"{label} failed ({done.returncode}): {(done.stdout + done.stderr)[-800:]}"
        )
    if label == "smtp-source":
        return args.messages / seconds, f"{seconds:.2f} s"
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    if summary["accepted"] != args.messages:
        raise RuntimeError(f"smtptui load: only {summary['accepted']} accepted")
    p = summary["latency_ms"]
    return args.messages / seconds, (
        f"{seconds:.2f} s; engine alone {float(summary['msgs_per_s']):,.0f} msgs/s, "
        f"p50 {p['p50']} ms, p99 {p['p99']} ms"
    )


def part_load(args: argparse.Namespace, cpus: list[int]) -> tuple[str, bool]:
    if not (os.access(SMTP_SINK, os.X_OK) and os.access(SMTP_SOURCE, os.X_OK)):
        raise RuntimeError(
            f"Postfix's smtp-sink/smtp-source are needed ({SMTP_SINK}, {SMTP_SOURCE})"
        )
    placements: list[tuple[str, int | None, int | None]] = []
    for name in args.placement.split(","):
        if name == "split" and len(cpus) >= 2:
            placements.append(("split", cpus[-2], cpus[-1]))
        elif name == "shared" and cpus:
            placements.append(("shared", cpus[-1], cpus[-1]))
        elif name == "free":
            placements.append(("free", None, None))
    env = {**os.environ, "XDG_DATA_HOME": tempfile.mkdtemp(prefix="smtptui-load-")}
    n, size = str(args.messages), str(args.size)
    frm, to = "load@bench.example", "sink@bench.example"
    rows, verdicts, notes = [], [], []
    for name, sink_cpu, client_cpu in placements:
        ours: list[float] = []
        theirs: list[float] = []
        with CountingSink(sink_cpu) as sink:
            target = f"{LOOPBACK}:{sink.port}"
            mine = [
                *SMTPTUI,
                "load",
                target,
                "-n",
                n,
                "-c",
                "4",
                "--size",
                size,
                "--from",
                frm,
                "--to",
                to,
                "--helo",
                "bench.local",
                "--json",
                "--quiet",
                "--force",
            ]
            source = [
                SMTP_SOURCE,
                "-d",
                "-s",
                "4",
                "-m",
                n,
                "-l",
                size,
                "-f",
                frm,
                "-t",
                to,
                "-M",
                "bench.local",
                target,
            ]
            order = [("smtptui", mine, ours), ("smtp-source", source, theirs)]
            for round_no in range(args.repeat):
                for label, argv, bucket in order if round_no % 2 == 0 else order[::-1]:
                    rate, detail = load_round(label, argv, args, env, client_cpu)
                    bucket.append(rate)
                    print(
                        f"  {name} round {round_no + 1} {label:<11} {rate:8.0f} msgs/s  {detail}",
                        file=sys.stderr,
                    )
        sent = args.messages * args.repeat * 2
        if sink.received is not None and sink.received != sent:
            raise RuntimeError(
                f"smtp-sink counted {sink.received} messages, the clients reported {sent}"
            )
        a, b = median(ours), median(theirs)
        ratio = a / b
        verdicts.append(ratio >= LOAD_TARGET)
        where = {
            "split": f"sink on CPU {sink_cpu}, client on CPU {client_cpu}",
            "shared": f"sink and client on CPU {client_cpu}",
            "free": "not pinned",
        }[name]
        rows.append(
            [
                f"{name} ({where})",
                f"{a:,.0f}",
                f"{b:,.0f}",
                f"{ratio:.2f}",
                "PASS" if ratio >= LOAD_TARGET else "FAIL",
            ]
        )
        notes.append(f"{name}: smtp-sink counted {sink.received:,} = {sent:,} sent")
    text = (
        f"### Part 2: {args.messages:,} messages of {args.size:,} body bytes over 4 connections "
        f"to smtp-sink (median of {args.repeat} rounds per placement)\n\n"
        + table(
            [
                "placement",
                "smtptui load msgs/s (wall, start-up incl.)",
                "smtp-source msgs/s (wall)",
                "ratio",
                f"≥ {LOAD_TARGET:g}×",
            ],
            rows,
        )
        + "\n\n"
        + "; ".join(notes)
        + "\n\n"
        + ("PASS" if all(verdicts) else "FAIL")
        + f": smtptui load ≥ {LOAD_TARGET:g} × smtp-source in every placement measured\n"
    )
    if args.profile:
        text += "\n" + profile_load(args)
    return text, all(verdicts)


def profile_load(args: argparse.Namespace) -> str:
    """cProfile of the load engine against a fresh smtp-sink: where the time goes."""
    import asyncio
    import cProfile
    import io
    import pstats

    from smtptui.fleet import LoadPlan, run_load
    from smtptui.protocol.config import SessionConfig
    from smtptui.protocol.envelope import Envelope

    port = free_port()
    sink = subprocess.Popen(
        [SMTP_SINK, *_sink_user(), f"{LOOPBACK}:{port}", "256"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_greeting(port)
        body = b"x" * 76 + b"\r\n"
        message = (
            b"From: load@bench.example\r\nTo: sink@bench.example\r\nSubject: p\r\n\r\n"
            + body * (args.size // 78 + 1)
        )
        plan = LoadPlan(5000, 4, Envelope("load@bench.example", ("sink@bench.example",)), message)
        profiler = cProfile.Profile()
        profiler.enable()
        asyncio.run(run_load(SessionConfig(host=LOOPBACK, port=port, helo="bench.local"), plan))
        profiler.disable()
    finally:
        sink.terminate()
        sink.wait(10)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(18)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    return (
        "Hot spots (cProfile, 5,000 messages, sorted by own time):\n\n```text\n"
        + "\n".join(lines[-20:])
        + "\n```\n"
    )


# ------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("all", "fleet", "load"), default="all")
    parser.add_argument(
        "--servers", type=int, default=50, help="profiles/servers in part 1 (default 50)"
    )
    parser.add_argument(
        "--delay", type=float, default=0.2, help="reply delay of every server (default 0.2 s)"
    )
    parser.add_argument(
        "--messages", type=int, default=50000, help="messages per load run (default 50,000)"
    )
    parser.add_argument(
        "--size", type=int, default=1000, help="body bytes per load message (default 1,000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds; the median is reported (default 3)"
    )
    parser.add_argument(
        "--swaks-sample",
        type=int,
        default=None,
        help="run swaks on this many servers (default all)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 round, 10 swaks runs, 5,000 load messages"
    )
    parser.add_argument("--profile", action="store_true", help="also profile the load engine")
    parser.add_argument(
        "--placement",
        default="split,free",
        help="part 2 CPU placements: split (sink and client on two CPUs), shared (one CPU), "
        "free (not pinned); default split,free",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.messages = 1, 5000
        args.swaks_sample = args.swaks_sample or 10
    args.swaks_sample = args.swaks_sample or args.servers
    cpus = usable_cpus()
    print(f"# benchmarks/fleet.py\n\n{machine_facts()}\n")
    verdicts = []
    try:
        if args.part in ("all", "fleet"):
            text, ok = part_fleet(args, cpus)
            print(text)
            verdicts.append(ok)
        if args.part in ("all", "load"):
            text, ok = part_load(args, cpus)
            print(text)
            verdicts.append(ok)
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
