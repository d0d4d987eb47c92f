"""Where the time went: a session's phases as bars on one time axis.

Rows, in conversation order: DNS, TCP connect, the banner (waiting for the
greeting), EHLO, the TLS handshake (STARTTLS and the handshake itself), AUTH,
MAIL, RCPT, DATA (the 354) and end of data (sending the message until the
final reply).  A row can have several segments (EHLO before and after TLS; one
RCPT per recipient) and pipelined commands overlap, as they do on the wire.

Time with nothing on the wire longer than :data:`IDLE_BREAK_MS` (a person
who connects, reads the greeting and sends a minute later) is taken out of
the axis and reported as an :class:`Idle` stretch, so the phases stay
readable; the total still counts it.

Built from a session's events (each reply's ``elapsed_ms`` ends at its
``at``), or from a fleet check result: with its events when it has them,
otherwise from the saved per-phase totals laid one after another.  The bar
arithmetic (milliseconds to terminal cells, in eighths of a cell) is here too,
so a widget and a text export draw the same bars.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtptui.flow.conversation import Conversation
from smtptui.protocol import events as ev

if TYPE_CHECKING:
    from smtptui.fleet.results import CheckResult

__all__ = [
    "IDLE_BREAK_MS",
    "ROWS",
    "Idle",
    "Segment",
    "Waterfall",
    "WaterfallRow",
    "bar",
    "from_check",
    "from_events",
    "nice_ticks",
]

ROWS = ("dns", "connect", "banner", "ehlo", "tls", "auth", "mail", "rcpt", "data", "data_end")
_ROW_OF_VERB = {
    "EHLO": "ehlo",
    "HELO": "ehlo",
    "STARTTLS": "tls",
    "AUTH": "auth",
    "MAIL": "mail",
    "RCPT": "rcpt",
    "DATA": "data",
}
#: Left-aligned eighths of a cell, for the end of a bar.
_EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"


@dataclass(frozen=True, slots=True)
class Segment:
    """``start_ms`` from the first event of the connection; ``ms`` long."""

    start_ms: float
    ms: float

    @property
    def end_ms(self) -> float:
        return self.start_ms + self.ms


@dataclass(frozen=True, slots=True)
class WaterfallRow:
    phase: str  # one of ROWS
    segments: tuple[Segment, ...]

    @property
    def ms(self) -> float:
        """Time spent in the phase (segments summed)."""
        return sum(s.ms for s in self.segments)

    @property
    def start_ms(self) -> float:
        return min(s.start_ms for s in self.segments)

    @property
    def end_ms(self) -> float:
        return max(s.end_ms for s in self.segments)


#: Longer than this with nothing on the wire, and the stretch is left out of the axis.
IDLE_BREAK_MS = 1000.0


@dataclass(frozen=True, slots=True)
class Idle:
    """``ms`` with nothing on the wire, taken out of the axis at ``at_ms``."""

    at_ms: float
    ms: float


@dataclass(frozen=True, slots=True)
class Waterfall:
    """The rows that happened (phases that did not are left out), and the
    time from the first to the last thing measured (``total_ms``, idle
    stretches included).  Segments are placed on an axis without the idle
    stretches (``idle``), ``axis_ms`` long.  ``sequential`` says the segments
    are saved totals laid end to end, not measured positions."""

    rows: tuple[WaterfallRow, ...]
    total_ms: float
    sequential: bool = False
    idle: tuple[Idle, ...] = ()

    def row(self, phase: str) -> WaterfallRow | None:
        return next((r for r in self.rows if r.phase == phase), None)

    @property
    def axis_ms(self) -> float:
        return self.total_ms - sum(i.ms for i in self.idle)


def _build(found: dict[str, list[Segment]], *, sequential: bool = False) -> Waterfall:
    # idle stretches: gaps between everything measured, longer than the break
    idle: list[Idle] = []
    shifts: list[tuple[float, float]] = []  # (from this start on, move left by)
    removed = 0.0
    covered = 0.0
    for seg in sorted((s for segs in found.values() for s in segs), key=lambda s: s.start_ms):
        if seg.start_ms - covered > IDLE_BREAK_MS:
            gap = seg.start_ms - covered
            idle.append(Idle(covered - removed, gap))
            removed += gap
            shifts.append((seg.start_ms, removed))
        covered = max(covered, seg.end_ms)

    def moved(seg: Segment) -> Segment:
        by = next((r for start, r in reversed(shifts) if seg.start_ms >= start), 0.0)
        return Segment(seg.start_ms - by, seg.ms) if by else seg

    rows = tuple(WaterfallRow(p, tuple(moved(s) for s in found[p])) for p in ROWS if found.get(p))
    axis = max((r.end_ms for r in rows), default=0.0)
    return Waterfall(rows, axis + removed, sequential, tuple(idle))


def from_events(events: Iterable[ev.Event]) -> Waterfall:
    """The waterfall of the last connection in ``events``."""
    events = list(events)
    starts = [i for i, e in enumerate(events) if isinstance(e, ev.Connecting)]
    if starts:
        events = events[starts[-1] :]
    if not events:
        return Waterfall((), 0.0)
    origin = events[0].at
    found: dict[str, list[Segment]] = {}

    def add(row: str, end: float, ms: float | None) -> None:
        if ms is None:
            return
        start = max(0.0, (end - origin) * 1000 - ms)
        found.setdefault(row, []).append(Segment(start, ms))

    conversation = Conversation(history=False)  # only each exchange as it completes
    for event in events:
        exchange = conversation.feed(event)
        if isinstance(event, ev.Connected):
            connect_end = event.at
            if event.dns_ms is not None:
                add("dns", connect_end - (event.elapsed_ms or 0.0) / 1000, event.dns_ms)
            add("connect", connect_end, event.elapsed_ms)
        elif isinstance(event, ev.TlsEstablished):
            add("tls", event.at, event.elapsed_ms)
        elif exchange is not None and not event_unsolicited(event):
            if exchange.command is None:
                row = "banner"
            elif exchange.line == "." or isinstance(exchange.command, ev.DataSent):
                row = "data_end"
            elif exchange.phase == "auth":
                row = "auth"
            else:
                row = _ROW_OF_VERB.get(exchange.verb or "")
                if exchange.verb == "BDAT":
                    row = "data_end"
            if row is not None:
                add(row, event.at, event.elapsed_ms)
    return _build(found)


def event_unsolicited(event: ev.Event) -> bool:
    return isinstance(event, ev.Received) and event.unsolicited


def from_check(result: CheckResult) -> Waterfall:
    """A fleet check's waterfall: from its events when it still has them (a
    check just run), else its saved per-phase totals laid end to end."""
    if result.events:
        return from_events(result.events)
    found: dict[str, list[Segment]] = {}
    at = 0.0
    for phase in ("dns", "connect", "banner", "ehlo", "tls", "auth"):
        ms = result.latencies.get(phase)
        if ms is not None:
            found[phase] = [Segment(at, ms)]
            at += ms
    return _build(found, sequential=True)


def bar(segments: Sequence[Segment], total_ms: float, width: int) -> str:
    """``width`` cells with each segment drawn at its place on a 0…``total_ms``
    axis: full blocks, the end in eighths of a cell; a segment too short to
    see still gets a sliver, so no phase that happened is invisible."""
    if width <= 0:
        return ""
    cells = [0] * width  # eighths filled, per cell (left-aligned)
    if total_ms <= 0:
        return " " * width
    scale = width * 8 / total_ms
    for seg in segments:
        start = min(width * 8 - 1, round(seg.start_ms * scale))
        start -= start % 8  # partial blocks are left-aligned: start on a cell edge
        end = min(width * 8, max(start + 1, round(seg.end_ms * scale)))
        for cell in range(start // 8, (end - 1) // 8 + 1):
            cells[cell] = max(cells[cell], min(8, end - cell * 8))
    return "".join(FULL if n >= 8 else _EIGHTHS[n] for n in cells)


def nice_ticks(total_ms: float, count: int = 4) -> list[float]:
    """Round tick values (1, 2, 5 × 10ⁿ ms) from 0 up to ``total_ms``."""
    if total_ms <= 0:
        return [0.0]
    raw = total_ms / max(1, count)
    magnitude = 10 ** int(f"{raw:e}".split("e")[1])
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [round(i * step, 9) for i in range(int(total_ms / step + 1e-9) + 1)]
