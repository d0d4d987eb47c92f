"""The installed ``smtptui`` driven the way a person drives it: in tmux, with
keys, reading the screen.  A newcomer's first minute: connect the demo, send
with F5, find the message in the demo inbox."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.tmux


class Tmux:
    def __init__(self, binary: str, env: dict[str, str]) -> None:
        self.binary = binary
        self.socket = f"smtptui-test-{uuid.uuid4().hex[:8]}"
        self.env = env

    def run(self, *args: str) -> str:
        result = subprocess.run(
            [self.binary, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=20,
        )
        return result.stdout

    def start(self, command: str, width: int = 120, height: int = 40) -> None:
        self.run("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), command)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "main", *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "main")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on the screen; last screen:\n{screen}")

    def kill(self) -> None:
        self.run("kill-server")


@pytest.fixture
def tmux_app(tmux, tmp_path):
    smtptui = shutil.which("smtptui") or str(Path(sys.executable).parent / "smtptui")
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8"}
    session = Tmux(tmux, env)
    session.start(f"{smtptui} --profiles-dir {tmp_path / 'profiles'}")
    yield session
    session.kill()


def test_newcomer_connects_demo_sends_with_f5_and_finds_it_in_the_inbox(tmux_app):
    tmux_app.wait_for("demo")  # the profiles list is drawn first…
    tmux_app.wait_for("Composer")  # …the other panes right after
    tmux_app.keys("Enter")
    tmux_app.wait_for("« Password: »")
    tmux_app.keys("F5")
    screen = tmux_app.wait_for("250 2.0.0 OK")
    tmux_app.keys("i")
    screen = tmux_app.wait_for("Demo inbox")
    assert "Hello from smtptui" in screen
    tmux_app.keys("Escape")
    deadline = time.monotonic() + 10
    while "Demo inbox" in tmux_app.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    tmux_app.keys("q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and tmux_app.run("list-sessions"):
        time.sleep(0.2)
    assert not tmux_app.run("list-sessions"), "smtptui did not exit on q"


def test_80x24_layout_shows_tabs_and_one_pane(tmux, tmp_path):
    smtptui = shutil.which("smtptui") or str(Path(sys.executable).parent / "smtptui")
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    session = Tmux(tmux, env)
    session.start(f"{smtptui} --profiles-dir {tmp_path / 'profiles'}", 80, 24)
    try:
        screen = session.wait_for("Session")
        for tab in ("Profiles", "Transcript", "Reference", "Composer", "Session"):
            assert tab in screen
        session.keys("Enter")
        session.wait_for("Transcript")
    finally:
        session.kill()


def test_a_dropped_terminal_closes_sessions_and_leaves_only_the_private_demo_key(tmux, tmp_path):
    """An SSH drop is a SIGHUP: the app ends and nothing of the demo server stays
    behind in TMPDIR; its key lives only in the user's cache folder, private."""
    smtptui = shutil.which("smtptui") or str(Path(sys.executable).parent / "smtptui")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "smtptui" / "demo-tls"
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "TMPDIR": str(scratch)}
    session = Tmux(tmux, env)
    session.start(f"env TMPDIR={scratch} {smtptui} --profiles-dir {tmp_path / 'profiles'}")
    try:
        session.wait_for("Composer")
        session.keys("Enter")
        session.wait_for("« Password: »")
        keys = list(cache.glob("*/key.pem"))
        assert keys, "the demo server keeps its key in the user's cache folder"
        assert all(stat.S_IMODE(k.stat().st_mode) == 0o600 for k in keys)
        assert stat.S_IMODE(cache.stat().st_mode) == 0o700
        pane_pid = session.run("list-panes", "-F", "#{pane_pid}").strip()
    finally:
        session.kill()  # tmux sends SIGHUP to the app, as a dropped SSH connection does
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running(pane_pid):
        time.sleep(0.1)
    assert not _running(pane_pid), "smtptui did not end on SIGHUP"
    assert not list(scratch.iterdir()), "the demo server left files in TMPDIR"


def _running(pid: str) -> bool:
    """Alive and not a zombie (an orphan may wait a while to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
