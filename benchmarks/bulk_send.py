"""Bulk send: smtptui's protocol engine against stdlib ``smtplib``.

Run from the repository root (the venv active)::

    python benchmarks/bulk_send.py                 # 1,000 messages, median of 5 rounds
    python benchmarks/bulk_send.py --quick         # 200 messages, 3 rounds, no STARTTLS rows
    python benchmarks/bulk_send.py --messages 5000 --repeat 7 --json out.json

What is measured: N messages sent over **one connection** — timed after the
greeting, EHLO (for STARTTLS rows: the handshake and the second EHLO) and a
short untimed warm-up on the same connection — by

- ``smtplib``: ``smtplib.SMTP.sendmail`` (never pipelines) — the baseline;
- ``smtptui``: ``smtptui.protocol.session.Session`` +
  ``smtptui.protocol.transaction.send_transaction(..., pipelining=False)``;
- ``smtptui+pipe``: the same with ``pipelining=True`` (RFC 2920: MAIL, RCPT and
  DATA in one write, then the message).

Each measurement runs the client in a fresh Python process of its own, which
reports its own CPU time (``time.process_time()``: user + system, every
thread; the user share from ``getrusage``) and the wall time of the timed loop.
The servers run in other processes, so their CPU is never counted.  The
clients take turns in every round (rotated order), so drift on the machine
hits them alike; tables show the median of the rounds, and verdicts the ratio
of medians with the range of the per-round ratios.

Servers (loopback, free ports): smtptui's built-in server
``DemoServer(ServerConfig(port=0))`` (aiosmtpd, Python) in a process of its
own — plain, and STARTTLS rows; and Postfix's ``smtp-sink`` (C) when
installed (skipped with a message when not).

CPU placement (Linux, ≥ 2 CPUs) — it changes the figures a lot on small VMs,
so it is fixed, not left to the scheduler:

- ``split``: client and server pinned to two different CPUs, as if on two
  machines: every round trip is a real cross-CPU wake-up;
- ``shared``: both pinned to the same CPU: round trips are cheap, so the
  client's own per-message work dominates;
- ``free``: no pinning (what the scheduler does; least repeatable).

Both clients put the same bytes on the wire: one CRLF message (``--size``
bytes of body, a line that needs dot-stuffing included), the same envelope,
``SIZE=`` when offered.

Targets (issue 11, §4): client CPU per message ≤ smtplib's with PIPELINING
and ≤ 1.2 × smtplib's without (every engine row, against smtplib on the same
server, security and placement); with PIPELINING, throughput ≥ 1.3 ×
smtplib's against smtp-sink.  Exit status: 0 every target met, 1 a target
missed (or smtp-sink missing), 2 the benchmark itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shlex
import smtplib
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path
from typing import Any

from common import (
    SMTP_SINK,
    DemoServerProcess,
    SmtpSink,
    machine_facts,
    median,
    pin,
    table,
    usable_cpus,
)

HERE = Path(__file__).resolve()
SENDER = "bench@demo.local"
HELO = "bench.local"
BASELINE = "smtplib"
CLIENTS = ("smtplib", "smtptui", "smtptui+pipe")
PLACEMENTS = ("split", "shared", "free")
PIPELINE_TARGET = 1.3  # throughput with PIPELINING vs smtplib, against smtp-sink
#: client CPU per message vs smtplib's: with PIPELINING, and without
CPU_TARGET = {"smtptui+pipe": 1.0, "smtptui": 1.2}


# =================================================================== message
def make_message(body_bytes: int, recipients: tuple[str, ...]) -> bytes:
    """One deterministic CRLF message of about ``body_bytes`` of ASCII body, with
    a line that needs dot-stuffing; identical for every client."""
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = f"Bulk Bench <{SENDER}>"
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = "smtptui bulk-send benchmark"
    msg["Date"] = "Mon, 01 Jan 2024 00:00:00 +0000"
    msg["Message-ID"] = "<bulk-send-benchmark@bench.local>"
    words = "the quick brown fox jumps over the lazy dog while the mail queue drains "
    lines: list[str] = []
    size = 0
    i = 0
    while size < body_bytes:
        line = f"{i:04d} {words}".strip()[:72]
        if i == 3:
            line = "." + line  # a line the client must dot-stuff
        lines.append(line)
        size += len(line) + 2
        i += 1
    msg.set_content("\n".join(lines) + "\n", cte="7bit")
    data = msg.as_bytes()
    if b"\n" in data.replace(b"\r\n", b""):
        raise AssertionError("the benchmark message must have CRLF line ends only")
    return data


def recipients_for(count: int) -> tuple[str, ...]:
    return tuple(f"inbox{i}@demo.local" for i in range(count))


# ==================================================================== worker
# One measurement, in a process of its own.  Prints one JSON object.


class _Clock:
    """CPU (total and user) and wall time of a stretch of code in this process."""

    def __enter__(self) -> _Clock:
        self._ru = resource.getrusage(resource.RUSAGE_SELF)
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu = time.process_time() - self._cpu
        self.wall = time.perf_counter() - self._wall
        ru = resource.getrusage(resource.RUSAGE_SELF)
        self.user = ru.ru_utime - self._ru.ru_utime
        self.sys = ru.ru_stime - self._ru.ru_stime
        self.switches = (ru.ru_nvcsw - self._ru.ru_nvcsw) + (ru.ru_nivcsw - self._ru.ru_nivcsw)

    def figures(self) -> dict[str, float]:
        return {
            "cpu": self.cpu,
            "user": self.user,
            "sys": self.sys,
            "wall": self.wall,
            "switches": self.switches,
        }


def _work_smtplib(args: argparse.Namespace, message: bytes, rcpts: tuple[str, ...]) -> dict:
    client = smtplib.SMTP(args.host, args.port, local_hostname=HELO, timeout=30)
    try:
        client.ehlo()
        cipher = None
        if args.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            client.starttls(context=ctx)
            client.ehlo()
            cipher = _cipher(client.sock)
        for _ in range(args.warmup):
            client.sendmail(SENDER, list(rcpts), message)
        refused = 0
        with _Clock() as clock:
            for _ in range(args.messages):
                refused += len(client.sendmail(SENDER, list(rcpts), message))
    finally:
        try:
            client.quit()
        except smtplib.SMTPException:
            client.close()
    return {**clock.figures(), "refused_rcpts": refused, "pipelined": False, "cipher": cipher}


async def _work_smtptui(args: argparse.Namespace, message: bytes, rcpts: tuple[str, ...]) -> dict:
    from smtptui.protocol.config import SessionConfig, TlsConfig
    from smtptui.protocol.envelope import Envelope
    from smtptui.protocol.session import Session
    from smtptui.protocol.transaction import send_transaction

    pipelining = args.worker == "smtptui+pipe"
    config = SessionConfig(
        host=args.host,
        port=args.port,
        security="starttls" if args.tls else "plain",
        helo=HELO,
        timeout=30,
        tls=TlsConfig(verify=False),
    )
    session = Session(config)
    envelope = Envelope(SENDER, rcpts)
    try:
        await session.connect()
        await session.ehlo()
        cipher = None
        if args.tls:
            await session.starttls()  # and EHLO again
            info = session.tls_info
            cipher = f"{info.version} {info.cipher}" if info is not None else None
        for _ in range(args.warmup):
            await send_transaction(session, envelope, message, pipelining=pipelining)
        refused = 0
        modes = set()
        with _Clock() as clock:
            for _ in range(args.messages):
                result = await send_transaction(session, envelope, message, pipelining=pipelining)
                refused += len(result.refused)
                modes.add(result.pipelined)
        if result.final is None or result.final.code != 250:
            raise RuntimeError(f"the last message was not accepted: {result.final}")
    finally:
        await session.aclose()
    return {
        **clock.figures(),
        "refused_rcpts": refused,
        "pipelined": modes == {True},
        "cipher": cipher,
    }


def _cipher(sock: Any) -> str | None:
    if sock is None or not hasattr(sock, "cipher"):
        return None
    name, version, _bits = sock.cipher()
    return f"{version} {name}"


def worker_main(args: argparse.Namespace) -> int:
    if args.cpu is not None:
        pin({args.cpu})
    rcpts = recipients_for(args.recipients)
    message = make_message(args.size, rcpts)
    if args.worker == BASELINE:
        result = _work_smtplib(args, message, rcpts)
    else:
        result = asyncio.run(_work_smtptui(args, message, rcpts))
    result["sent"] = args.messages
    result["message_bytes"] = len(message)
    print(json.dumps(result))
    return 0


# ================================================================ orchestrator
@dataclass(frozen=True)
class Variant:
    client: str  # one of CLIENTS
    tls: bool = False

    @property
    def label(self) -> str:
        name = {
            "smtplib": "smtplib.sendmail (baseline)",
            "smtptui": "smtptui, no PIPELINING",
            "smtptui+pipe": "smtptui, PIPELINING",
        }[self.client]
        return name + (" + STARTTLS" if self.tls else "")


@dataclass
class Runs:
    variant: Variant
    results: list[dict] = field(default_factory=list)

    def per_msg(self, key: str) -> list[float]:
        return [r[key] / r["sent"] for r in self.results]

    def med(self, key: str) -> float:
        """Median seconds per message."""
        return median(self.per_msg(key))


@dataclass
class Section:
    server: str
    placement: str
    runs: list[Runs]
    note: str = ""


@dataclass(frozen=True)
class Placement:
    name: str
    client_cpu: int | None
    server_cpus: set[int] | None

    def describe(self) -> str:
        if self.client_cpu is None:
            return "free (not pinned)"
        return f"{self.name}: client on CPU {self.client_cpu}, server on CPU " + ",".join(
            str(c) for c in sorted(self.server_cpus or ())
        )


def placements_for(names: list[str]) -> list[Placement]:
    cpus = usable_cpus()
    out = []
    for name in names:
        if name == "free" or not cpus:
            out.append(Placement("free", None, None))
        elif name == "shared":
            out.append(Placement("shared", cpus[-1], {cpus[-1]}))
        elif len(cpus) >= 2:
            out.append(Placement("split", cpus[-1], {cpus[-2]}))
        else:
            print("only one usable CPU: 'split' placement skipped", file=sys.stderr)
    unique: dict[str, Placement] = {}
    for place in out:
        unique.setdefault(place.name, place)
    return list(unique.values())


def run_worker(variant: Variant, port: int, where: Placement, args: argparse.Namespace) -> dict:
    argv = [
        sys.executable,
        str(HERE),
        "--worker",
        variant.client,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--messages",
        str(args.messages),
        "--warmup",
        str(args.warmup),
        "--size",
        str(args.size),
        "--recipients",
        str(args.recipients),
    ]
    if variant.tls:
        argv.append("--tls")
    if where.client_cpu is not None:
        argv += ["--cpu", str(where.client_cpu)]
    budget = 60 + args.messages * 0.1  # bounded: a stuck client is a failed run
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=budget, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{variant.label} failed (exit {proc.returncode}):\n{proc.stderr.strip()[-2000:]}"
        )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["refused_rcpts"]:
        raise RuntimeError(
            f"{variant.label}: the server refused {result['refused_rcpts']} recipients"
        )
    if variant.client == "smtptui+pipe" and not result["pipelined"]:
        raise RuntimeError(f"{variant.label}: the server did not offer PIPELINING")
    return result


def measure(
    port: int, variants: list[Variant], where: Placement, args: argparse.Namespace, log: Any
) -> list[Runs]:
    runs = [Runs(v) for v in variants]
    for rnd in range(args.repeat):
        shift = rnd % len(runs)
        for r in runs[shift:] + runs[:shift]:  # rotate who goes first
            res = run_worker(r.variant, port, where, args)
            r.results.append(res)
            n = res["sent"] / 1e6
            log(
                f"  round {rnd + 1}/{args.repeat}  {r.variant.label:<42} "
                f"CPU {res['cpu'] / n:4.0f} µs/msg (user {res['user'] / n:4.0f})  "
                f"wall {res['wall'] / n:5.0f} µs/msg"
            )
    return runs


def _ratio_range(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}×" if len(values) > 1 else f"{values[0]:.2f}×"


def report(sections: list[Section]) -> tuple[str, list[str], bool]:
    """The results table, the verdict lines, and whether every target was met."""
    headers = [
        "placement",
        "server",
        "client",
        "CPU s/1000",
        "user s/1000",
        "wall s/1000",
        "msg/s",
        "CPU vs smtplib",
        "throughput vs smtplib",
    ]
    rows: list[list[str]] = []
    verdicts: list[str] = []
    all_ok = True
    for sec in sections:
        base_of = {r.variant.tls: r for r in sec.runs if r.variant.client == BASELINE}
        for r in sec.runs:
            base = base_of[r.variant.tls]
            cpu, user, wall = r.med("cpu"), r.med("user"), r.med("wall")
            cpu_ratio = cpu / base.med("cpu")
            tput_ratio = base.med("wall") / wall
            is_base = r.variant.client == BASELINE
            rows.append(
                [
                    sec.placement,
                    sec.server,
                    r.variant.label,
                    f"{cpu * 1000:.3f}",
                    f"{user * 1000:.3f}",
                    f"{wall * 1000:.3f}",
                    f"{1 / wall:,.0f}",
                    "1 (baseline)" if is_base else f"{cpu_ratio:.2f}×",
                    "1 (baseline)" if is_base else f"{tput_ratio:.2f}×",
                ]
            )
            if is_base:
                continue
            paired_cpu = [a / b for a, b in zip(r.per_msg("cpu"), base.per_msg("cpu"), strict=True)]
            paired_tput = [
                b / a for a, b in zip(r.per_msg("wall"), base.per_msg("wall"), strict=True)
            ]
            where = f"{sec.placement}, {sec.server}, {r.variant.label}"
            limit = CPU_TARGET[r.variant.client]
            ok = cpu_ratio <= limit
            all_ok &= ok
            verdicts.append(
                f"{'PASS' if ok else 'FAIL'}  CPU/msg ≤ {limit:g}× smtplib's  [{where}]: "
                f"{cpu_ratio:.2f}× ({cpu * 1e6:.0f} vs {base.med('cpu') * 1e6:.0f} µs/msg; "
                f"rounds {_ratio_range(paired_cpu)})"
            )
            if sec.server == "smtp-sink" and r.variant.client == "smtptui+pipe":
                ok = tput_ratio >= PIPELINE_TARGET
                all_ok &= ok
                verdicts.append(
                    f"{'PASS' if ok else 'FAIL'}  throughput ≥ {PIPELINE_TARGET}× smtplib's "
                    f"[{where}]: {tput_ratio:.2f}× ({1 / wall:,.0f} vs "
                    f"{1 / base.med('wall'):,.0f} msg/s; rounds {_ratio_range(paired_tput)})"
                )
    if not any(sec.server == "smtp-sink" for sec in sections):
        verdicts.append(
            f"SKIP  throughput ≥ {PIPELINE_TARGET}× smtplib's against smtp-sink: "
            "smtp-sink was not measured"
        )
        all_ok = False
    return table(headers, rows), verdicts, all_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Client CPU and wall time per 1,000 messages over one connection: "
        "smtptui's engine (with and without PIPELINING) against smtplib.sendmail, "
        "on the built-in server and Postfix's smtp-sink (loopback).",
    )
    parser.add_argument(
        "--messages",
        type=int,
        default=None,
        help="timed messages per run (default 1000; 200 with --quick)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="rounds; tables show the median (default 5; 3 with --quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="200 messages, 3 rounds, no STARTTLS rows"
    )
    parser.add_argument("--no-tls", action="store_true", help="skip the STARTTLS rows")
    parser.add_argument(
        "--servers",
        default="demo,sink",
        help="comma-separated: demo (built-in server), sink (smtp-sink); default both",
    )
    parser.add_argument(
        "--placement",
        default="split,shared",
        help="comma-separated CPU placements: split, shared, free (default split,shared)",
    )
    parser.add_argument("--size", type=int, default=2048, help="message body bytes (default 2048)")
    parser.add_argument("--recipients", type=int, default=1, help="RCPTs per message (default 1)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="untimed messages first, on the same connection (default 20)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write every run's raw figures here")
    # internal: one measurement in this process
    parser.add_argument("--worker", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--tls", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cpu", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.messages is None:
        args.messages = 200 if args.quick else 1000
    if args.repeat is None:
        args.repeat = 3 if args.quick else 5
    if args.messages < 1 or args.repeat < 1 or args.recipients < 1 or args.warmup < 0:
        parser.error("--messages, --repeat and --recipients must be ≥ 1, --warmup ≥ 0")
    if args.worker:
        return worker_main(args)

    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    names = [p.strip() for p in args.placement.split(",") if p.strip()]
    if unknown := [s for s in servers if s not in ("demo", "sink")]:
        parser.error(f"unknown server(s): {', '.join(unknown)} (use demo, sink)")
    if unknown := [p for p in names if p not in PLACEMENTS]:
        parser.error(f"unknown placement(s): {', '.join(unknown)} (use {', '.join(PLACEMENTS)})")

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    tls_rows = not (args.quick or args.no_tls)
    facts = machine_facts()
    command = "python benchmarks/bulk_send.py" + "".join(
        f" {shlex.quote(a)}" for a in (sys.argv[1:] if argv is None else argv)
    )
    message = make_message(args.size, recipients_for(args.recipients))
    load = " ".join(f"{x:.2f}" for x in facts["loadavg"] or ())
    header = [
        f"bulk_send: {args.messages} timed messages over one connection per run, median of "
        f"{args.repeat} rounds, {args.warmup} untimed warm-up messages first",
        f"message: {len(message):,} bytes, {args.recipients} recipient(s); loopback 127.0.0.1",
        f"machine: {facts['cpu']}; {facts['cpus']} CPUs ({facts['cpus_usable']} usable); "
        f"{facts['python']}; {facts['os']}",
        f"smtptui {facts['smtptui']} from {facts['source']}",
        f"date: {facts['date']}; load average at start {load}",
        f"command: {command}",
        "CPU = the client process's CPU time (user + system); the servers run in other processes.",
    ]
    for line in header:
        log(line)

    places = placements_for(names)
    sections: list[Section] = []
    try:
        for where in places:
            log(f"placement {where.describe()}")
            if "demo" in servers:
                variants = [Variant(c) for c in CLIENTS]
                if tls_rows:
                    variants += [Variant(c, tls=True) for c in CLIENTS]
                with DemoServerProcess(cpus=where.server_cpus) as demo:
                    log(f" {demo.name} on 127.0.0.1:{demo.port} (pid {demo.pid})")
                    runs = measure(demo.port, variants, where, args, log)
                expected = sum(len(r.results) for r in runs) * (args.messages + args.warmup)
                if demo.received is not None and demo.received != expected:
                    raise RuntimeError(
                        f"the built-in server received {demo.received} messages, "
                        f"expected {expected}"
                    )
                log(f"  the built-in server accepted {demo.received} messages, as expected")
                sections.append(Section("built-in", where.name, runs))
            if "sink" in servers:
                if not SmtpSink.available():
                    log(
                        f" smtp-sink is not installed ({SMTP_SINK}; Debian: apt-get install "
                        "postfix): the smtp-sink rows are skipped"
                    )
                    continue
                with SmtpSink(cpus=where.server_cpus) as sink:
                    log(f" {sink.name} on 127.0.0.1:{sink.port} (pid {sink.pid})")
                    runs = measure(sink.port, [Variant(c) for c in CLIENTS], where, args, log)
                sections.append(Section("smtp-sink", where.name, runs))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        log(f"*** the benchmark failed: {exc}")
        return 2

    text, verdicts, all_ok = report(sections)
    end_load = " ".join(f"{x:.2f}" for x in (os.getloadavg() if hasattr(os, "getloadavg") else ()))
    print("\n".join(header))
    for where in places:
        print(f"placement {where.describe()}")
    ciphers = sorted(
        {
            r.results[0]["cipher"]
            for s in sections
            for r in s.runs
            if r.variant.tls and r.results[0].get("cipher")
        }
    )
    if ciphers:
        print(f"STARTTLS rows: {'; '.join(ciphers)} (certificate verification off in both clients)")
    print(f"load average at end {end_load}")
    print()
    print(text)
    print()
    print("\n".join(verdicts))
    if args.json:
        raw = {
            "facts": facts,
            "args": vars(args),
            "sections": [
                {
                    "server": s.server,
                    "placement": s.placement,
                    "runs": [
                        {"client": r.variant.client, "tls": r.variant.tls, "results": r.results}
                        for r in s.runs
                    ],
                }
                for s in sections
            ],
        }
        Path(args.json).write_text(json.dumps(raw, indent=1) + "\n")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
