"""smtptui.ui.exit_guard: how it tells that a terminal is gone, how it cuts the
closing steps short, and its last resort when the app cannot end by itself."""

from __future__ import annotations

import asyncio
import os
import pty
import signal
import subprocess
import sys
import textwrap

import pytest

from smtptui.ui import exit_guard
from smtptui.ui.exit_guard import ExitGuard, closing_deadline, input_ended, output_gone


def test_a_live_terminal_is_neither_ended_nor_gone():
    master, slave = pty.openpty()
    try:
        assert input_ended(slave) is None
        assert output_gone(slave) is None
        os.write(master, b"q")  # a key waiting to be read is no end either
        assert input_ended(slave) is None
    finally:
        os.close(master)
        os.close(slave)


def test_a_terminal_that_hung_up_is_seen_on_input_and_output():
    master, slave = pty.openpty()
    os.close(master)  # what tmux kill-session or an SSH drop does
    try:
        assert input_ended(slave) == "the terminal hung up"
        assert output_gone(slave) == "the terminal hung up"
    finally:
        os.close(slave)


def test_input_at_its_end_is_seen_without_reading_it():
    read_end, write_end = os.pipe()
    os.write(write_end, b"abc")
    os.close(write_end)
    try:
        assert input_ended(read_end) is None, "bytes still to read: not the end yet"
        assert os.read(read_end, 10) == b"abc"
        assert input_ended(read_end) == "standard input reached its end"
    finally:
        os.close(read_end)
    with open(os.devnull, "rb") as null:
        assert input_ended(null.fileno()) == "standard input reached its end"


def test_an_open_pipe_with_nothing_in_it_is_not_the_end():
    read_end, write_end = os.pipe()
    try:
        assert input_ended(read_end) is None
    finally:
        os.close(read_end)
        os.close(write_end)


class App:
    """Stands in for the dashboard: the guard only calls exit() on it."""

    def __init__(self) -> None:
        self.exits: list[int] = []

    def exit(self, return_code: int = 0) -> None:
        self.exits.append(return_code)


@pytest.fixture
def guard(monkeypatch):
    guard = ExitGuard(App())
    monkeypatch.setattr(exit_guard, "_current", guard)
    return guard


async def test_closing_deadlines_are_untouched_while_the_terminal_is_there(guard):
    loop = asyncio.get_running_loop()
    async with closing_deadline(6) as deadline:
        assert deadline.when() - loop.time() > 5


async def test_once_the_terminal_is_gone_closing_steps_get_one_second(guard):
    loop = asyncio.get_running_loop()
    async with closing_deadline(6) as waiting_for_quit:
        guard.terminal_gone("the terminal hung up (SIGHUP)")
        guard._exit_on_loop()  # what the guard thread schedules on the loop
        assert waiting_for_quit.when() - loop.time() <= exit_guard.CLOSE_AFTER_HANGUP
        async with closing_deadline(3) as stopping_demo:
            assert stopping_demo.when() - loop.time() <= exit_guard.CLOSE_AFTER_HANGUP
    assert guard.app.exits == [128 + signal.SIGHUP]
    assert (guard.output_gone and not guard.may_start()) or guard.driver is None


async def test_without_a_guard_a_closing_deadline_is_a_plain_timeout():
    assert exit_guard._current is None
    with pytest.raises(TimeoutError):
        async with closing_deadline(0.01):
            await asyncio.Event().wait()


LAST_RESORT = textwrap.dedent(
    """
    import asyncio, os, signal, sys, time
    from smtptui.builtin import BuiltinServer
    from smtptui.ui.exit_guard import ExitGuard

    class App:
        def exit(self, return_code=0):
            pass  # an app that cannot end: its loop is blocked below

    async def main():
        builtin = BuiltinServer()
        server = await builtin.ensure_started()
        print(server.cert_path.parent, flush=True)
        guard = ExitGuard(App(), builtin.remove_temporary_files)
        guard.started(None)
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(3600)  # blocked, as when a write to a dead terminal blocks

    asyncio.run(main())
    """
)


def test_the_last_resort_ends_a_blocked_process_and_leaves_no_temporary_file(tmp_path):
    """The app's loop is blocked and SIGHUP arrives: the guard ends the
    process by itself, leaving nothing in TMPDIR (the demo server's key is
    cached, private, in the user's cache folder)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", LAST_RESORT],
        stdin=subprocess.PIPE,  # open: the input has not ended
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        key_folder = process.stdout.readline().strip()
        assert key_folder, process.stderr.read()
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdin.close()
    assert code == 128 + signal.SIGHUP, process.stderr.read()
    assert not list(scratch.iterdir()), "the last resort left files in TMPDIR"
    assert not key_folder.startswith(str(scratch))  # the key is the cached one, not temporary


STUCK_AFTER_RETURN = textwrap.dedent(
    """
    import asyncio, atexit, time
    from smtptui.ui.exit_guard import ExitGuard

    class App:
        def exit(self, return_code=0):
            pass

    async def main():
        guard = ExitGuard(App())
        guard.started(None)
        return guard

    guard = asyncio.run(main())
    atexit.register(time.sleep, 3600)  # Python's own ending never finishes
    guard.returned(7)  # what the console script calls after app.run() returned 7
    """
)


@pytest.mark.slow
def test_a_process_stuck_after_the_app_returned_still_ends():
    process = subprocess.Popen(
        [sys.executable, "-c", STUCK_AFTER_RETURN], stdin=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdin.close()
    # the guard thread's os._exit (with the app's code) or, once Python has
    # stopped its threads, the kernel's SIGALRM
    assert code in (7, -signal.SIGALRM), process.stderr.read()
