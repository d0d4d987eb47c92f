"""Helpers shared by the benchmark scripts in this folder.

Nothing here is part of smtptui; the scripts import it as ``common`` (the
script's own folder is first on ``sys.path`` when run as
``python benchmarks/NAME.py``).

- :func:`machine_facts` — CPU, Python, load: what a reader needs to judge figures.
- :class:`DemoServerProcess` — smtptui's built-in server (``DemoServer``) in a
  process of its own, so its CPU time is never counted as the client's.
- :class:`SmtpSink` — Postfix's ``smtp-sink`` (a fast C SMTP sink) on loopback.
- :func:`free_port`, :func:`wait_for_greeting`, :func:`median`, :func:`table`.

Everything listens on 127.0.0.1 only, on free ports, and is stopped by its own
process id when the ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import platform
import pwd
import shutil
import socket
import statistics
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent
SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"


# ------------------------------------------------------------------ machine
def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine_facts() -> dict[str, Any]:
    """What the figures were measured on."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count() or 0
    try:
        from importlib.metadata import version

        smtptui_version = version("smtptui")
    except Exception:
        smtptui_version = "?"
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count() or 0,
        "cpus_usable": usable,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{platform.system()} {platform.release()}",
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "smtptui": smtptui_version,
        "source": smtptui_source(),
    }


def usable_cpus() -> list[int]:
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # not Linux: no pinning
        return []


def pin(cpus: set[int] | None) -> None:
    """Keep this process (and threads it starts later) on ``cpus`` (Linux)."""
    if cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, cpus)


def smtptui_source() -> str:
    """Which smtptui the benchmark imports: its folder, and its git commit with
    a note when that checkout has uncommitted changes under ``smtptui/``."""
    try:
        import smtptui
    except ImportError:
        return "smtptui is not importable"
    pkg = Path(smtptui.__file__).resolve().parent
    where = str(pkg)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        git = ["git", "-C", str(pkg.parent)]
        top = subprocess.run(
            [*git, "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        if Path(top).resolve() == pkg.parent:
            commit = subprocess.run(
                [*git, "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
            dirty = subprocess.run(
                [*git, "status", "--porcelain", "--", "smtptui"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
            where += f" (commit {commit}{', with uncommitted changes' if dirty else ''})"
    return where


# ------------------------------------------------------------------ sockets
def free_port(host: str = LOOPBACK) -> int:
    """A port nothing listens on right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_greeting(host: str, port: int, timeout: float = 10.0) -> bool:
    """True once something on ``host:port`` greets with ``220``; bounded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=2) as sock:
                sock.settimeout(2)
                if sock.recv(512).startswith(b"220"):
                    with contextlib.suppress(OSError):
                        sock.sendall(b"QUIT\r\n")
                        sock.recv(512)
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


# ------------------------------------------------------------------ servers
def _demo_server_main(conn: Any, stop: Any, cpus: set[int] | None) -> None:  # pragma: no cover
    """Child process: run smtptui's DemoServer on a free loopback port until
    ``stop`` is set; report the port first and the received count last."""
    import asyncio

    if cpus:
        pin(cpus)  # before any thread exists, so every thread inherits it

    from smtptui.server import DemoServer, ServerConfig

    async def main() -> None:
        server = DemoServer(ServerConfig(host=LOOPBACK, port=0))
        await server.start()
        conn.send({"port": server.port, "cert": str(server.cert_path)})
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, stop.wait)
        received = server.received_count
        await server.stop()
        conn.send({"received": received})

    asyncio.run(main())


class DemoServerProcess:
    """``smtptui.server.DemoServer(ServerConfig(port=0))`` in its own process.

    ``with DemoServerProcess() as srv: srv.port, srv.cert`` — after the block,
    ``srv.received`` is how many messages the server accepted (a cross-check
    that every message the client counted really arrived).
    """

    name = "smtptui DemoServer (aiosmtpd)"

    def __init__(self, cpus: set[int] | None = None, start_timeout: float = 30.0) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._cpus = cpus
        self._start_timeout = start_timeout
        self._proc: Any = None
        self._conn: Any = None
        self._stop: Any = None
        self.port = 0
        self.cert = ""
        self.received: int | None = None

    def __enter__(self) -> DemoServerProcess:
        parent, child = self._ctx.Pipe()
        self._stop = self._ctx.Event()
        self._proc = self._ctx.Process(
            target=_demo_server_main,
            args=(child, self._stop, self._cpus),
            daemon=True,
            name="demo-server",
        )
        self._proc.start()
        self._conn = parent
        if not parent.poll(self._start_timeout):
            self._kill()
            raise RuntimeError(
                f"the built-in server did not start within {self._start_timeout:g} s"
            )
        info = parent.recv()
        self.port, self.cert = int(info["port"]), info["cert"]
        if not wait_for_greeting(LOOPBACK, self.port):
            self._kill()
            raise RuntimeError(f"the built-in server on port {self.port} does not greet")
        return self

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _kill(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._conn.poll(15):
            with contextlib.suppress(EOFError):
                self.received = int(self._conn.recv()["received"])
        self._proc.join(10)
        self._kill()


class SmtpSink:
    """Postfix's ``smtp-sink`` on a free loopback port (PIPELINING advertised,
    as by default).  ``SmtpSink.available()`` says whether it is installed."""

    name = "Postfix smtp-sink (C)"

    def __init__(self, cpus: set[int] | None = None, backlog: int = 128) -> None:
        self.port = 0
        self._cpus = cpus
        self._backlog = backlog
        self._proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return os.access(SMTP_SINK, os.X_OK)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def __enter__(self) -> SmtpSink:
        argv = [SMTP_SINK]
        if os.geteuid() == 0:  # smtp-sink refuses to keep root privileges
            argv += ["-u", _unprivileged_user()]
        last_error = ""
        for _attempt in range(5):  # bounded: another process may grab the port
            self.port = free_port()
            self._proc = subprocess.Popen(
                [*argv, f"{LOOPBACK}:{self.port}", str(self._backlog)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            if self._cpus and hasattr(os, "sched_setaffinity"):
                os.sched_setaffinity(self._proc.pid, self._cpus)  # single-threaded C
            if wait_for_greeting(LOOPBACK, self.port, timeout=5):
                return self
            self._stop()
            last_error = (
                (self._proc.stderr.read() if self._proc.stderr else b"")
                .decode("utf-8", "replace")
                .strip()
            )
        raise RuntimeError(f"smtp-sink did not start: {last_error or 'no greeting'}")

    def _stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def __exit__(self, *exc: object) -> None:
        self._stop()
        if self._proc is not None and self._proc.stderr is not None:
            self._proc.stderr.close()


def _unprivileged_user() -> str:
    for name in ("nobody", "postfix"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError(
        "smtp-sink runs as root only with -u USER, and neither 'nobody' nor 'postfix' exists"
    )


# ------------------------------------------------------------------ figures
def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown pipe table (also readable in a terminal), numbers right-aligned."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]

    def fmt(cells: Sequence[str], header: bool = False) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            text = str(cell)
            numeric = not header and i > 0 and text[:1].isdigit()
            out.append(text.rjust(width) if numeric else text.ljust(width))
        return "| " + " | ".join(out) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(headers, header=True), sep, *(fmt(r) for r in rows)])
