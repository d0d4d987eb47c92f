"""The installed smtptui in a real terminal always ends, and never spins.

Over SSH the terminal can go away at any moment: before connecting, while a
silent server keeps a session waiting, while closing sessions after ``q``,
with the CPU saturated.  Whatever the moment, the process must be gone within
3 s (checked in /proc, not on the screen), the demo server's temporary key
removed; SIGTERM ends it the same way.  After any burst of keys and clicks the
app goes idle.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import stat
import subprocess
import threading
import time

import pytest

from tests.terminal.fixtures import point_profiles_at
from tests.terminal.harness import (
    BROWSING_KEYS,
    SMTPTUI,
    busy_cpus,
    cpu_share,
    ended,
    storm,
    threads_of,
    wait_until_ended,
    write_profile,
)
from tests.terminal.servers import closed_port

pytestmark = pytest.mark.tmux

GONE_WITHIN = 3.0  # seconds after the terminal went away


def logged_in(screen: str) -> bool:
    """The demo session is through AUTH: its transcript (AUTH LOGIN's decoded
    prompt) or, at 80×24 where only the profiles show, its badge says so."""
    return "« Password: »" in screen or " 235 " in screen


def connect_demo(terminal) -> None:
    terminal.ready()
    terminal.keys("Enter")
    terminal.wait_for_screen(logged_in, "the demo session logged in")
    keys = terminal.demo_cached_keys()
    assert keys, "the demo server keeps its key in the user's cache folder"
    assert all(stat.S_IMODE(k.stat().st_mode) == 0o600 for k in keys)


def assert_gone_and_clean(terminal, what: str) -> None:
    took = terminal.assert_ends_within(GONE_WITHIN, what)
    assert not terminal.tmp_leftovers(), (
        f"files were left in TMPDIR after {what} (exit took {took:.1f} s)"
    )


@pytest.mark.slow
def test_16_profiles_demo_q_and_the_terminal_dropped_as_the_screen_clears(terminals):
    """The smoke check: 15 profiles on closed ports and the demo; connect the
    demo, q, and the terminal goes away the moment the dashboard is gone."""
    terminal = terminals(120, 40)
    for number in range(1, 16):
        write_profile(terminal.profiles, f"closed{number}", closed_port(), timeout=3)
    terminal.start("--profile", "demo")
    connect_demo(terminal)
    terminal.keys("q")
    terminal.wait_for_screen(lambda screen: "Composer" not in screen, "a cleared screen", 15)
    terminal.drop()
    assert_gone_and_clean(terminal, "q and a dropped terminal")


@pytest.mark.slow
@pytest.mark.parametrize("load", [False, True], ids=["idle-cpu", "busy-cpu"])
def test_terminal_dropped_while_sessions_say_quit(terminals, misbehaving, load):
    """q closes every session with QUIT; a server that never answers QUIT must
    not keep the process alive once its person has gone."""
    terminal = terminals(120, 40)
    point_profiles_at(terminal, misbehaving, timeout=20)
    terminal.start("--profile", "no-quit")
    terminal.ready()
    terminal.keys("Enter")
    terminal.wait_for("250 PIPELINING")  # EHLO answered: a live session
    with busy_cpus() if load else contextlib.nullcontext():
        terminal.keys("q")
        terminal.wait_for("QUIT", 10)
        terminal.drop("kill-session")
        terminal.assert_ends_within(GONE_WITHIN, "the terminal dropped during QUIT")


@pytest.mark.slow
def test_sigterm_ends_it_the_same_way_while_a_server_keeps_it_waiting(terminals, misbehaving):
    terminal = terminals(120, 40)
    point_profiles_at(terminal, misbehaving, timeout=30)
    terminal.start("--profile", "demo")
    connect_demo(terminal)
    terminal.keys("Down")  # the next profile: a silent or misbehaving one
    terminal.keys("Enter")
    os.kill(terminal.pid, signal.SIGTERM)
    assert_gone_and_clean(terminal, "SIGTERM")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("width", "height", "seed"), [(80, 24, 9), (120, 40, 24)], ids=["80x24", "120x40"]
)
def test_a_storm_of_keys_and_clicks_ends_idle_and_the_process_ends_with_its_terminal(
    terminals, misbehaving, width, height, seed
):
    terminal = terminals(width, height)
    point_profiles_at(terminal, misbehaving)
    terminal.start("--profile", "demo")
    connect_demo(terminal)
    if width >= 120:  # start sessions on the misbehaving servers too
        terminal.keys("Down", "Enter", "Down", "Enter", "Down", "Enter", "Down", "Enter")
    sent = storm(terminal, seed, events=120, seconds=20)
    assert not ended(terminal.pid), (
        f"smtptui ended during the storm; sent: {sent}; {terminal.last_words()}"
    )
    terminal.wait_until_idle(timeout=30)
    terminal.drop(random.Random(seed).choice(["kill-server", "kill-session"]))
    assert_gone_and_clean(terminal, "the terminal dropped after a storm")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 17])
def test_the_terminal_dropped_at_a_random_moment_of_a_storm_under_cpu_load(
    terminals, misbehaving, seed
):
    rng = random.Random(seed)
    width, height = rng.choice([(80, 24), (120, 40)])
    terminal = terminals(width, height)
    point_profiles_at(terminal, misbehaving)
    terminal.start("--profile", rng.choice(["demo", "silent", "slow", "mute"]))
    terminal.ready()
    terminal.keys("Enter")  # connecting, whatever the server does
    drop_at = rng.randrange(5, 60)
    dropped = threading.Event()

    def maybe_drop(index: int) -> None:
        if index == drop_at:
            terminal.drop(rng.choice(["kill-server", "kill-session"]))
            dropped.set()

    with busy_cpus():
        storm(terminal, seed, events=80, seconds=20, on_event=maybe_drop)
        if not dropped.is_set():
            terminal.drop()
        terminal.assert_ends_within(GONE_WITHIN, f"the terminal dropped at event {drop_at}")


def test_two_quick_clicks_on_the_pane_tabs_leave_it_idle_at_80x24(terminals):
    terminal = terminals(80, 24)
    terminal.start()
    screen = terminal.ready()
    row = next(
        (y, line)
        for y, line in enumerate(screen.splitlines())
        if "Session" in line and "Composer" in line
    )
    y, line = row
    terminal.click(line.index("Session") + 2, y)
    terminal.click(line.index("Composer") + 2, y)
    share = terminal.wait_until_idle(timeout=15)
    assert share < 0.05
    terminal.keys("q")
    terminal.assert_ends_within(10, "q")


def test_q_quits_after_a_burst_of_browsing(terminals, misbehaving):
    """Keys and clicks that browse (no form or input field opened; the main
    XX"""
    terminal = terminals(120, 40)
    point_profiles_at(terminal, misbehaving)
    terminal.start("--profile", "demo")
    connect_demo(terminal)
    sent = storm(terminal, 5, events=60, seconds=10, keys=BROWSING_KEYS, click_rows=range(3, 21))
    terminal.wait_until_idle()
    terminal.keys("Escape")  # a help panel or search the clicks opened
    terminal.wait_until_idle(share=0.2)
    terminal.click(60, 10)  # the transcript: no input field has focus
    terminal.wait_until_idle(share=0.2)
    terminal.keys("q")
    try:
        terminal.assert_ends_within(10, "q")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nsent: {sent}") from None


# ------------------------------------------------------- without tmux: a pty
@pytest.mark.slow
def test_end_of_input_without_sighup_ends_it_without_spinning(tmp_path):
    """A terminal can vanish without a SIGHUP reaching the app (it is not the
    terminal's session leader): reads then return end of file and writes fail
    with EIO.  Textual's input thread would spin on that for ever."""
    import pty

    master, slave = pty.openpty()
    os.set_blocking(master, True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "SMTPTUI_PROFILES_DIR": str(tmp_path / "profiles"),
        "TMPDIR": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "COLUMNS": "100",
        "LINES": "30",
    }
    process = subprocess.Popen(
        [SMTPTUI], stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = bytearray()

    def drain() -> None:  # a terminal reads what the app writes
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while b"demo" not in seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert b"demo" in seen, "the dashboard never drew its profiles list"
        os.close(master)  # the terminal goes away; no SIGHUP for a non-leader
        took = wait_until_ended(process.pid, GONE_WITHIN)
        if took is None:
            share = cpu_share(process.pid, 1.0)
            pytest.fail(
                f"smtptui still ran {GONE_WITHIN} s after its terminal went away, "
                f"using {share:.0%} of a CPU (threads: {', '.join(threads_of(process.pid))})"
            )
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
