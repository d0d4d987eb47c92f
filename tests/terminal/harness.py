"""Drive the installed ``smtptui`` in a real terminal, as a person does.

Each :class:`Terminal` is a private tmux server (``tmux -L <unique name>``,
started with ``-f /dev/null`` and a minimal environment), so nothing of the
developer's tmux, shell or home leaks in: the app gets its own HOME, XDG
folders, TMPDIR and SMTPTUI_PROFILES_DIR.  Keys go in with ``send-keys``,
mouse clicks as SGR mouse sequences (``send-keys -l``), the screen comes back
with ``capture-pane -p``, and the process is checked in ``/proc`` (alive, CPU
time), not only on the screen.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: the console script of the venv the tests run in: the installed smtptui
SMTPTUI = str(Path(sys.executable).parent / "smtptui")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ processes
@dataclass(frozen=True)
class ProcessState:
    state: str  # R, S, D, Z, ... ("" when the process is gone)
    cpu_seconds: float  # user + system time so far


def process_state(pid: int) -> ProcessState:
    """The process's state and CPU time from /proc (``""`` once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return ProcessState("", 0.0)
    fields = text[text.rindex(")") + 2 :].split()
    return ProcessState(fields[0], (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)


def ended(pid: int) -> bool:
    """Gone, or a zombie (it has ended; only its parent's wait is left, and
    when tmux is killed the parent is init, which reaps when it likes)."""
    return process_state(pid).state in ("", "Z")


def wait_until_ended(pid: int, timeout: float) -> float | None:
    """Seconds until ``pid`` ended, or ``None`` if it still runs after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if ended(pid):
            return time.monotonic() - start
        time.sleep(0.02)
    return None if not ended(pid) else time.monotonic() - start


def threads_of(pid: int) -> list[str]:
    """Names of the process's threads (for failure messages)."""
    with contextlib.suppress(OSError):
        return sorted(
            (task / "comm").read_text().strip() for task in Path(f"/proc/{pid}/task").iterdir()
        )
    return []


def cpu_share(pid: int, seconds: float) -> float:
    """The share of one CPU ``pid`` used over the next ``seconds`` (0.0-1.0+)."""
    before = process_state(pid).cpu_seconds
    start = time.monotonic()
    time.sleep(seconds)
    used = process_state(pid).cpu_seconds - before
    return used / (time.monotonic() - start)


def wait_until_idle(
    pid: int, *, share: float = 0.05, window: float = 1.0, timeout: float = 20.0
) -> float:
    """Wait until ``pid`` used less than ``share`` of a CPU over one ``window``;
    returns that share.  Raises AssertionError with the last share otherwise."""
    deadline = time.monotonic() + timeout
    last = 1.0
    while time.monotonic() < deadline:
        if ended(pid):
            raise AssertionError(f"smtptui (pid {pid}) ended while it should idle")
        last = cpu_share(pid, window)
        if last < share:
            return last
    raise AssertionError(
        f"smtptui (pid {pid}) never went idle: it still used {last:.0%} of a CPU "
        f"after {timeout:.0f} s (threads: {', '.join(threads_of(pid))})"
    )


@contextlib.contextmanager
def busy_cpus(count: int = 2, seconds: float = 90.0) -> Iterator[None]:
    """``count`` busy loops beside the test (each stops by itself after
    ``seconds``, should the test be killed)."""
    code = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass\n"
    loops = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(count)]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


# ------------------------------------------------------------------- tmux
class Terminal:
    """A private tmux server with one window running the installed smtptui."""

    def __init__(self, tmux: str, home: Path, width: int = 120, height: int = 40) -> None:
        self.tmux = tmux
        self.socket = f"smtptui-test-{uuid.uuid4().hex[:12]}"
        self.home = home
        self.width, self.height = width, height
        self.profiles = home / "profiles"
        self.scratch = home / "tmp"
        for folder in (self.profiles, self.scratch):
            folder.mkdir(parents=True, exist_ok=True)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "TMPDIR": str(self.scratch),
            "SMTPTUI_PROFILES_DIR": str(self.profiles),
            "SMTPTUI_LANG": "en",
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
        }
        self.pid = 0

    # -- tmux
    def run(self, *args: str, check: bool = False) -> str:
        result = subprocess.run(
            [self.tmux, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=20,
        )
        if check and result.returncode:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, *args: str) -> int:
        """Start ``smtptui ARGS`` in the window; returns its pid."""
        command = " ".join([SMTPTUI, *args])
        self.run(
            "new-session", "-d", "-s", "main", "-x", str(self.width), "-y", str(self.height),
            "-c", str(self.home),  # files it writes (an export) land in its own home
            f"exec {command}",
            check=True,
        )  # fmt: skip
        # Keep the window when smtptui ends, so its last words stay readable.
        self.run("set-option", "-t", "main", "remain-on-exit", "on")
        self.pid = int(self.run("list-panes", "-t", "main", "-F", "#{pane_pid}").strip())
        return self.pid

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "main", *keys)

    def text(self, text: str) -> None:
        """Literal text (no key names): also how mouse sequences go in."""
        self.run("send-keys", "-t", "main", "-l", text)

    def click(self, x: int, y: int, button: int = 0) -> None:
        """A mouse click at column ``x``, row ``y`` (0-based), as an SGR
        mouse-reporting terminal sends it: press, then release."""
        self.text(f"\x1b[<{button};{x + 1};{y + 1}M\x1b[<{button};{x + 1};{y + 1}m")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "main")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        return self.wait_for_screen(lambda screen: text in screen, f"{text!r}", timeout)

    def wait_for_screen(
        self, predicate: Callable[[str], bool], what: str, timeout: float = 20.0
    ) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            if self.pid and ended(self.pid):
                break
            time.sleep(0.05)
        raise AssertionError(f"{what} never appeared on the screen; last screen:\n{screen}")

    def drop(self, how: str = "kill-server") -> None:
        """The terminal goes away, as when an SSH connection drops."""
        self.run(how) if how == "kill-server" else self.run(how, "-t", "main")

    def close(self) -> None:
        self.run("kill-server")
        if self.pid and not ended(self.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)  # never leave one behind for other tests

    # -- the app
    def ready(self, timeout: float = 30.0) -> str:
        """Wait until the dashboard is drawn (its lazily built panes too)."""
        return self.wait_for_screen(
            lambda s: "Composer" in s or "Session" in s, "the dashboard", timeout
        )

    def wait_until_idle(self, *, share: float = 0.05, timeout: float = 30.0) -> float:
        try:
            return wait_until_idle(self.pid, share=share, timeout=timeout)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; {self.last_words()}") from None

    def assert_ends_within(self, seconds: float, what: str) -> float:
        took = wait_until_ended(self.pid, seconds)
        if took is None:
            state = process_state(self.pid)
            raise AssertionError(
                f"smtptui (pid {self.pid}) still ran {seconds} s after {what} "
                f"(state {state.state}, threads: {', '.join(threads_of(self.pid))}); "
                f"{self.last_words()}"
            )
        return took

    def last_words(self) -> str:
        """The screen and any crash report: for failure messages."""
        reports = sorted((self.home / ".local" / "state" / "smtptui" / "crashes").glob("*.txt"))
        tails = "".join(f"\n{r.name}:\n{r.read_text()[-1500:]}" for r in reports)
        return f"the screen:\n{self.screen()}{tails}"

    def demo_cached_keys(self) -> list[Path]:
        """The demo server's key, cached (private) in the user's cache folder."""
        return list((self.home / ".cache" / "smtptui" / "demo-tls").glob("*/key.pem"))

    def tmp_leftovers(self) -> list[Path]:
        """Whatever the app left in its TMPDIR (nothing, when it ended cleanly)."""
        return list(self.scratch.iterdir())


# ------------------------------------------------------------------ storms
#: keys a person presses on the dashboard; never the ones that end it (q),
#: suspend it (ctrl+z) or are the terminal's own
STORM_KEYS = [
    *"cdnelhitsyx/:?DX",
    *"abz0129 .@",
    "Enter", "Escape", "Tab", "BTab", "Up", "Down", "Left", "Right",
    "PageUp", "PageDown", "Home", "End", "BSpace", "Delete",
    "F1", "F4", "F5",
]  # fmt: skip
#: the same without the keys that open a form or an input field (n e D X / :
#: s x F4), after which ``q`` would be typed rather than quit
BROWSING_KEYS = [key for key in STORM_KEYS if key not in (*"neDX/:sx", "F4", "Tab", "BTab")]


def storm(
    terminal: Terminal,
    seed: int,
    *,
    events: int,
    seconds: float,
    on_event: Callable[[int], None] | None = None,
    keys: list[str] = STORM_KEYS,
    click_rows: range | None = None,
) -> list[str]:
    """A seeded random burst of ``keys`` and clicks (on ``click_rows``; bounded
    in count and time); returns what was sent, for the failure message."""
    rng = random.Random(seed)
    sent: list[str] = []
    deadline = time.monotonic() + seconds
    for index in range(events):
        if time.monotonic() > deadline or ended(terminal.pid):
            break
        if on_event is not None:
            on_event(index)
        if rng.random() < 0.4:
            rows = click_rows or range(terminal.height)
            x, y = rng.randrange(terminal.width), rng.choice(rows)
            if rng.random() < 0.3:
                y = rng.choice(rows[:3])  # the header and, at 80×24, the pane tabs
            terminal.click(x, y)
            if rng.random() < 0.25:
                terminal.click(rng.randrange(terminal.width), y)  # a quick second click
            sent.append(f"click({x},{y})")
        else:
            burst = [rng.choice(keys) for _ in range(rng.randint(1, 4))]
            terminal.keys(*burst)
            sent.append("+".join(burst))
    return sent


def write_profile(folder: Path, name: str, port: int, *, timeout: float = 3) -> None:
    (folder / f"{name}.toml").write_text(
        f'name = "{name}"\nhost = "127.0.0.1"\nport = {port}\nsecurity = "plain"\n'
        f"timeout = {timeout}\n",
        encoding="utf-8",
    )
