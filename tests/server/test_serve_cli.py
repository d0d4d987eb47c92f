"""``smtptui serve`` as a user runs it: a real subprocess on a free port."""

from __future__ import annotations

import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from queue import Empty, Queue

import pytest
from click.testing import CliRunner

from smtptui.cli.serve_cmd import format_received, parse_size, serve
from smtptui.message import parse_received
from smtptui.server import ReceivedMessage
from tests.server.helpers import trusting


class ServeProcess:
    """``python -m smtptui serve`` with its stdout read line by line in a thread."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "smtptui", "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.lines: Queue[str] = Queue()
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def read_until(self, pattern: str, timeout: float = 10) -> tuple[list[str], re.Match[str]]:
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except Empty:
                raise AssertionError(f"no line matching {pattern!r}; saw {seen!r}") from None
            seen.append(line)
            if m := re.search(pattern, line):
                return seen, m

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(5)
        self._pump_thread.join(5)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(10)
        assert self.proc.stderr is not None
        return code, self.proc.stderr.read()


@pytest.fixture
def serve_process() -> Iterator[type[ServeProcess]]:
    started: list[ServeProcess] = []

    def start(*args: str) -> ServeProcess:
        process = ServeProcess(*args)
        started.append(process)
        return process

    yield start  # type: ignore[misc]
    for process in started:
        process.close()


def test_serve_prints_how_to_use_it_and_one_line_per_message(serve_process) -> None:
    server = serve_process("--port", "0")
    banner, m = server.read_until(r"listening on 127\.0\.0\.1:(\d+)")
    port = int(m.group(1))
    rest, _ = server.read_until(r"Ctrl-C")
    text = "\n".join(banner + rest)
    cert = Path(re.search(r"--ca-file (\S+)", text).group(1))
    assert cert.is_file()
    assert "demo / demo" in text
    assert f"smtptui send 127.0.0.1:{port} --security starttls" in text

    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        smtp.starttls(context=trusting(cert))
        smtp.login("demo", "demo")
        data = b"Subject: =?utf-8?b?SGkg5L2g5aW9?=\r\n\r\nhello\r\n"
        smtp.sendmail("a@demo.local", ["b@demo.local"], data)
        smtp.sendmail(
            "a@demo.local", ["b@demo.local"], b"Subject: =?utf-8?q?evil=1B[2J?=\r\n\r\nx\r\n"
        )
        smtp.docmd("XYZZY")  # aiosmtpd logs these; nothing may reach the terminal
    _, m = server.read_until(r"a@demo\.local -> b@demo\.local")
    line = m.string
    assert "'Hi 你好'" in line and f"{len(data)} B" in line and "TLS AUTH=demo" in line
    _, m = server.read_until(r"evil")
    assert "\x1b" not in m.string and "\\x1b[2J" in m.string

    code, err = server.stop()
    assert code == 0
    assert err == "", "nothing on stderr: no log lines, no traceback"
    assert not cert.exists()


def test_serve_stops_cleanly_on_sigterm(serve_process) -> None:
    server = serve_process("--port", "0", "--quiet")
    server.read_until(r"listening on")
    assert server.stop(signal.SIGTERM) == (0, "")


def test_port_in_use_is_one_line_and_exit_2(serve_process) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = serve_process("--port", str(port))
        code = server.proc.wait(10)
        assert server.proc.stderr is not None
        err = server.proc.stderr.read()
    assert code == 2
    assert err.strip().splitlines() == [
        f"smtptui serve: 127.0.0.1:{port} is already in use by another program; choose another port"
    ]


def test_listening_beyond_this_machine_warns() -> None:
    # 192.0.2.1 (TEST-NET-1) is not ours, so nothing actually listens.
    result = CliRunner().invoke(serve, ["--host", "192.0.2.1", "--port", "0"])
    assert result.exit_code == 2
    assert "reachable from other machines" in result.output
    assert "192.0.2.1 is not an address of this machine" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "alice"], "--user and --password-env VAR go together"),
        (["--user", "alice", "--password-env", "SMTPTUI_TEST_UNSET"], "SMTPTUI_TEST_UNSET"),
        (["--cert", "x.pem"], "--cert and --key must be given together"),
        (["--size-limit", "lots"], "--size-limit"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(serve, ["--port", "0", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_sizes_accept_binary_suffixes() -> None:
    assert parse_size("1048576") == 1048576
    assert parse_size("512K") == 512 * 1024
    assert parse_size("10M") == 10 * 1024 * 1024
    assert parse_size("1g") == 1024**3


def test_received_line_escapes_control_characters() -> None:
    data = b"Subject: =?utf-8?q?a=07b?=\r\n\r\nx\r\n"
    message = ReceivedMessage(
        peer="127.0.0.1:1",
        helo="x",
        mail_from="a@demo.local",
        rcpt_tos=("b\x1b@demo.local",),
        data=data,
        received_at=datetime(2024, 1, 2, 3, 4, 5),
        authenticated_user=None,
        tls=False,
        smtputf8=False,
        summary=parse_received(data),
        queue_id="000001",
    )
    line = format_received(message)
    assert line.startswith("03:04:05  a@demo.local -> b\\x1b@demo.local")
    assert "\x07" not in line and "\x1b" not in line
