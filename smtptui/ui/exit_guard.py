"""The dashboard always ends when its terminal goes away, or on SIGTERM.

smtptui runs over SSH.  When the connection drops, the terminal is gone: the
kernel sends SIGHUP (and SIGCONT), reads return end of file and writes fail
with EIO.  Whichever of these comes first, the process must be gone within
about two seconds, having said QUIT where the network allows it and removed
the demo server's temporary key.  SIGTERM ends the app the same way (the
terminal, if still there, is restored).

How:

* SIGHUP and SIGTERM handlers that only note the reason (they run even while
  the main thread is blocked, which a loop signal handler would not).
* A small daemon thread, the *guard*, that wakes four times a second: it polls
  the terminal (hang-up, end of input, a closed descriptor) and, once the app
  must end, stops Textual's input thread, asks the app to exit, and shortens
  every closing deadline (QUIT to each session, stopping the demo server) to
  ``CLOSE_AFTER_HANGUP`` seconds.
* The last resort: if the process still runs ``LAST_RESORT_AFTER`` seconds
  after that, the guard removes the demo server's temporary files and ends the
  process with ``os._exit`` (whatever blocks — the network, a thread, the
  terminal — is then moot).  Once the app has returned, Python's own ending
  gets ``AFTER_RETURN`` seconds (then the kernel's SIGALRM ends it).  An
  ordinary exit never gets there.

The driver side (output that drops writes to a dead terminal, no restart on
SIGCONT) is in ``smtptui.ui.compat``, with every other use of a Textual
private name.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import math
import os
import select
import signal
import stat
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.driver import Driver

#: seconds left to every closing step (QUIT, demo server stop) once the app must end
CLOSE_AFTER_HANGUP = 1.0
#: seconds after the app had to end when the guard ends the process itself
LAST_RESORT_AFTER = 2.0
#: seconds a process whose app has returned may take to finish its threads
AFTER_RETURN = 2.0
#: how often the guard looks at the terminal
PROBE_INTERVAL = 0.25

_current: ExitGuard | None = None


# ------------------------------------------------------------- the terminal
def _pending_bytes(fd: int) -> int | None:
    """Bytes waiting to be read on ``fd``, or ``None`` when it cannot say."""
    import fcntl
    import termios

    try:
        buffer = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    except OSError:
        return None
    return int.from_bytes(buffer, sys.byteorder)


def _poll(fd: int, events: int) -> int:
    poller = select.poll()
    poller.register(fd, events)
    try:
        ready = poller.poll(0)
    except OSError:
        return select.POLLNVAL
    return ready[0][1] if ready else 0


def _is_terminal(fd: int) -> bool | None:
    """True for a live terminal, False for something else, None for a
    terminal that hung up (its ioctls fail with EIO)."""
    import termios

    try:
        termios.tcgetattr(fd)
    except termios.error as exc:
        return None if exc.args and exc.args[0] == errno.EIO else False
    return True


def input_ended(fd: int) -> str | None:
    """Why no key can ever arrive on ``fd`` again, or ``None`` while one can.
    Never reads (the input thread owns the bytes)."""
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return "standard input is closed"
    ready = _poll(fd, select.POLLIN)
    if ready & select.POLLNVAL:
        return "standard input is closed"
    terminal = _is_terminal(fd)
    if terminal is None or (terminal and ready & (select.POLLHUP | select.POLLERR)):
        return "the terminal hung up"
    if terminal:
        return None
    if ready & (select.POLLHUP | select.POLLERR) and not _pending_bytes(fd):
        return "standard input reached its end"
    if ready & select.POLLIN and stat.S_ISCHR(mode) and not _pending_bytes(fd):
        return "standard input reached its end"  # /dev/null and the like
    if ready & select.POLLIN and stat.S_ISREG(mode) and not _pending_bytes(fd):
        return "standard input reached its end"
    return None


def output_gone(fd: int) -> str | None:
    """Why nothing written to ``fd`` can reach a person any more, or ``None``."""
    ready = _poll(fd, select.POLLOUT)
    if ready & select.POLLNVAL:
        return "the terminal output is closed"
    if ready & (select.POLLHUP | select.POLLERR) or _is_terminal(fd) is None:
        return "the terminal hung up"
    return None


# ---------------------------------------------------------------- the guard
class ExitGuard:
    """One per process (signals are): watches the terminal for the app."""

    def __init__(self, app: App, remove_temporary_files: Callable[[], None] | None = None) -> None:
        self.app = app
        self._remove_temporary_files = remove_temporary_files
        self.driver: Driver | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.reason = ""
        self.return_code = 0
        self._wake = threading.Event()
        self._output_gone = False
        self._leave_at: float | None = None  # time.monotonic() when the app had to end
        self._end_at: float | None = None  # when the guard ends the process itself
        self._asked = False  # the app was asked to exit
        self._deadlines: set[asyncio.Timeout] = set()
        self._thread = threading.Thread(target=self._watch, name="smtptui-exit-guard", daemon=True)

    # -- what the driver asks and tells (smtptui.ui.compat.TerminalWatcher)
    @property
    def output_gone(self) -> bool:
        return self._output_gone

    def terminal_gone(self, reason: str) -> None:
        """From any thread: the terminal is gone; end the app."""
        self._output_gone = True
        self.leave(reason, 128 + signal.SIGHUP)

    def may_start(self) -> bool:
        if self.driver is None:
            return True  # the first start; the guard looks at the terminal from then on
        if self._leave_at is not None or self._output_gone:
            return False
        fd = self._input_fd()
        return fd is None or input_ended(fd) is None

    def started(self, driver: Driver) -> None:
        self.driver = driver
        self.loop = asyncio.get_running_loop()
        self.handle_signals()
        if not self._thread.is_alive():
            self._thread.start()

    # -- signals
    def handle_signals(self) -> None:
        """SIGHUP and SIGTERM: note the reason; the guard thread does the rest."""
        signal.signal(signal.SIGHUP, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)

    def _on_signal(self, signum: int, _frame: object) -> None:
        if signum == signal.SIGHUP:
            self.terminal_gone("the terminal hung up (SIGHUP)")
        else:
            self.leave(f"{signal.Signals(signum).name} received", 128 + signum)

    # -- leaving
    def leave(self, reason: str, return_code: int) -> None:
        """From any thread or a signal handler: the app must end now.  Takes no
        lock (a signal handler may interrupt any code, this one included); the
        guard thread acts on it within ``PROBE_INTERVAL``."""
        if self._leave_at is None:
            now = time.monotonic()
            self.reason, self.return_code = reason, return_code
            self._end_at = now + LAST_RESORT_AFTER
            self._leave_at = now

    def returned(self, return_code: int = 0) -> None:
        """The app's run() returned ``return_code``: the process must end soon.  Python's own
        ending (joining threads, finalizing) is out of this guard thread's
        reach (daemon threads stop then), so the kernel's alarm clock is the
        backstop: SIGALRM's default action ends the process."""
        if self._leave_at is None:
            self.return_code = return_code
        limit = time.monotonic() + AFTER_RETURN
        if self._end_at is None or self._end_at > limit:
            self._end_at = limit
        self._stop_reading()
        self._wake.set()
        if hasattr(signal, "alarm"):
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.alarm(math.ceil(AFTER_RETURN) + 1)

    def _watch(self) -> None:
        while True:
            self._wake.wait(PROBE_INTERVAL)
            try:
                self._look()
            except Exception:  # the guard must outlive any surprise
                if self._leave_at is not None:
                    self._last_resort()

    def _look(self) -> None:
        if self._leave_at is None:
            reason = self._probe()
            if reason:
                self.terminal_gone(reason)
        if self._leave_at is not None and not self._asked:
            self._asked = True
            if self._output_gone:
                self._stop_reading()
            self._ask_app_to_exit()
        if self._end_at is not None and time.monotonic() >= self._end_at:
            self._last_resort()

    def _probe(self) -> str | None:
        fd = self._input_fd()
        reason = input_ended(fd) if fd is not None else None
        if reason is None and sys.__stderr__ is not None:
            with contextlib.suppress(OSError, ValueError):
                reason = output_gone(sys.__stderr__.fileno())
        return reason

    def _input_fd(self) -> int | None:
        from smtptui.ui.compat import input_fd

        if self.driver is not None:
            return input_fd(self.driver)
        return sys.__stdin__.fileno() if sys.__stdin__ is not None else None

    def _stop_reading(self) -> None:
        from smtptui.ui.compat import stop_reading

        if self.driver is not None:
            stop_reading(self.driver)

    def _ask_app_to_exit(self) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._exit_on_loop)

    def _exit_on_loop(self) -> None:
        for deadline in list(self._deadlines):
            self._shorten(deadline)
        self.app.exit(return_code=self.return_code)

    # -- deadlines of the closing steps
    def _shorten(self, deadline: asyncio.Timeout) -> None:
        if self._leave_at is None:
            return
        limit = asyncio.get_running_loop().time() + CLOSE_AFTER_HANGUP
        when = deadline.when()
        if when is None or when > limit:
            deadline.reschedule(limit)

    def _last_resort(self) -> None:
        """The app did not end in time: remove the demo server's temporary
        files and end the process, whatever still blocks it."""
        if self._remove_temporary_files is not None:
            with contextlib.suppress(Exception):
                self._remove_temporary_files()
        os._exit(self.return_code)


# ------------------------------------------------------------------- hooks
def install(app: App, remove_temporary_files: Callable[[], None] | None = None) -> None:
    """From the console script, before ``app.run()``: run ``app`` on a driver
    that reports a terminal that is gone, and watch it; the last resort calls
    ``remove_temporary_files`` (the demo server's key) before it ends the process."""
    global _current
    from smtptui.ui.compat import guarded_driver_class

    guard = ExitGuard(app, remove_temporary_files)
    driver_class = guarded_driver_class(guard)
    if driver_class is None:
        return
    app.driver_class = driver_class
    _current = guard


def returned(return_code: int = 0) -> None:
    """From the console script, after ``app.run()`` returned ``return_code``."""
    if _current is not None:
        _current.returned(return_code)


def exit_on_signals(app: App) -> None:
    """From the app's mount: SIGHUP and SIGTERM end the app.  With the guard
    (a real terminal) they go through it; otherwise (tests, other drivers) the
    event loop calls ``app.exit``."""
    if _current is not None and _current.app is app:
        _current.handle_signals()
        return
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGHUP, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, app.exit)


@contextlib.asynccontextmanager
async def closing_deadline(seconds: float) -> AsyncIterator[asyncio.Timeout]:
    """``asyncio.timeout(seconds)`` for a step of closing the app (QUIT, the
    demo server), cut to ``CLOSE_AFTER_HANGUP`` once the terminal is gone."""
    guard = _current
    async with asyncio.timeout(seconds) as deadline:
        if guard is None:
            yield deadline
            return
        guard._deadlines.add(deadline)
        guard._shorten(deadline)
        try:
            yield deadline
        finally:
            guard._deadlines.discard(deadline)
