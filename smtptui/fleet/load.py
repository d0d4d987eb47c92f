"""Load test: N messages over K connections to one server, measured.

Each of the K workers opens its own session (connect, EHLO, STARTTLS and AUTH
as configured), then takes the next message number until all N are taken, so
a slow connection simply sends fewer.  A message ends in exactly one of:
*accepted* (final 2xx), *refused* (a 4xx/5xx at MAIL, RCPT, DATA or after the
message; counted per reply code), or *error* (the connection broke or timed
out, so its fate is unknown).  Messages no connection could take are
*not sent*; the four always add up to N.

A broken connection is replaced (at most :data:`MAX_RECONNECTS` failed
attempts in a row per worker).  The engine talks only to the one host and port
in its :class:`SessionConfig`; it never looks anything up elsewhere.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from smtptui.fleet.health import close_session
from smtptui.protocol.connect import host_label
from smtptui.protocol.errors import ReplyError, SmtpError, exit_code_for
from smtptui.protocol.session import Session
from smtptui.protocol.transaction import (
    Credentials,
    Plan,
    TransactionResult,
    establish,
    send_stream,
    send_transaction,
)

if TYPE_CHECKING:
    from smtptui.protocol.config import SessionConfig
    from smtptui.protocol.envelope import Envelope

MAX_RECONNECTS = 3
PROGRESS_INTERVAL = 0.25


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """What to send: ``count`` copies of ``message`` over ``connections``
    sessions.  ``pipelining`` None: when the server offers it."""

    count: int
    connections: int
    envelope: Envelope
    message: bytes
    pipelining: bool | None = None
    credentials: Credentials | None = None

    def __post_init__(self) -> None:
        if self.count < 1 or self.connections < 1:
            raise ValueError("count and connections must be at least 1")


@dataclass(frozen=True, slots=True)
class LoadProgress:
    """A snapshot while the test runs (``rate``: accepted messages per second)."""

    total: int
    done: int
    accepted: int
    failed: int
    elapsed: float
    rate: float
    connections: int  # open right now


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list; ``None`` when empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


@dataclass(frozen=True, slots=True)
class LoadReport:
    target: str
    count: int
    connections: int
    accepted: int
    refused: int
    errors: int
    not_sent: int
    duration: float  # seconds, first connect to last socket closed
    latencies_ms: tuple[float, ...] = field(repr=False)  # per finished message, ascending
    codes: tuple[tuple[int, int], ...]  # (final reply code, messages), ascending by code
    error_sentences: tuple[tuple[str, int], ...]  # (sentence, times), most frequent first
    sessions_opened: int
    pipelined: bool
    first_error: SmtpError | None = field(default=None, compare=False, repr=False)

    @property
    def rate(self) -> float:
        """Accepted messages per second."""
        return self.accepted / self.duration if self.duration > 0 else 0.0

    def latency(self, p: float) -> float | None:
        return percentile(list(self.latencies_ms), p)

    @property
    def exit_code(self) -> int:
        """0 all accepted; the failing phase's code (20-28) when no session
        could be opened at all; 1 otherwise."""
        if self.accepted == self.count:
            return 0
        if self.sessions_opened == 0 and self.first_error is not None:
            return exit_code_for(self.first_error)
        return 1

    def to_dict(self) -> dict[str, Any]:
        def ms(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "target": self.target,
            "count": self.count,
            "connections": self.connections,
            "accepted": self.accepted,
            "refused": self.refused,
            "errors": self.errors,
            "not_sent": self.not_sent,
            "duration_s": round(self.duration, 4),
            "msgs_per_s": round(self.rate, 2),
            "latency_ms": {
                "p50": ms(self.latency(50)),
                "p95": ms(self.latency(95)),
                "p99": ms(self.latency(99)),
                "max": ms(self.latencies_ms[-1] if self.latencies_ms else None),
            },
            "codes": {str(code): n for code, n in self.codes},
            "error_sentences": [{"error": s, "count": n} for s, n in self.error_sentences],
            "sessions_opened": self.sessions_opened,
            "pipelined": self.pipelined,
            "exit_code": self.exit_code,
        }


class LoadTest:
    """One run of a :class:`LoadPlan` against one server; ``await run()``.
    ``on_progress`` is called at most every :data:`PROGRESS_INTERVAL` seconds
    and once at the end."""

    def __init__(
        self,
        config: SessionConfig,
        plan: LoadPlan,
        *,
        on_progress: Callable[[LoadProgress], Any] | None = None,
    ) -> None:
        self.config = config
        self.plan = plan
        self.on_progress = on_progress
        self._next = 0
        self._accepted = 0
        self._refused = 0
        self._errors = 0
        self._codes: Counter[int] = Counter()
        self._sentences: Counter[str] = Counter()
        self._latencies: list[float] = []
        self._opened = 0
        self._open_now = 0
        self._pipelined = False
        self._first_error: SmtpError | None = None
        self._started = 0.0
        self._last_progress = 0.0

    async def run(self) -> LoadReport:
        self._started = time.monotonic()
        workers = min(self.plan.connections, self.plan.count)
        async with asyncio.TaskGroup() as group:
            for n in range(workers):
                group.create_task(self._worker(), name=f"smtptui-load:{n}")
        duration = time.monotonic() - self._started
        self._report_progress(force=True)
        done = self._accepted + self._refused + self._errors
        return LoadReport(
            target=host_label(self.config.host, self.config.port),
            count=self.plan.count,
            connections=self.plan.connections,
            accepted=self._accepted,
            refused=self._refused,
            errors=self._errors,
            not_sent=self.plan.count - done,
            duration=duration,
            latencies_ms=tuple(sorted(self._latencies)),
            codes=tuple(sorted(self._codes.items())),
            error_sentences=tuple(self._sentences.most_common()),
            sessions_opened=self._opened,
            pipelined=self._pipelined,
            first_error=self._first_error,
        )

    async def _worker(self) -> None:
        failures = 0
        while self._next < self.plan.count and failures < MAX_RECONNECTS:
            session = Session(self.config)
            try:
                try:
                    await establish(session, Plan(credentials=self.plan.credentials))
                except SmtpError as exc:
                    failures += 1
                    self._note_error(exc)
                    continue
                failures = 0
                self._opened += 1
                self._open_now += 1
                try:
                    await self._send_all(session)
                finally:
                    self._open_now -= 1
            finally:
                await close_session(session)

    async def _send_all(self, session: Session) -> None:
        plan = self.plan
        latencies = self._latencies
        clock = time.perf_counter

        def claim() -> bool:
            if self._next >= plan.count or not session.connected:
                return False
            self._next += 1
            return True

        def record(result: TransactionResult | ReplyError, began: float) -> None:
            latencies.append((clock() - began) * 1000)
            if isinstance(result, ReplyError):
                assert result.reply is not None
                self._refused += 1
                self._codes[result.reply.code] += 1
            else:
                assert result.final is not None
                self._accepted += 1
                self._codes[result.final.code] += 1
                if result.pipelined:
                    self._pipelined = True
            self._report_progress()

        if plan.pipelining is False:
            # The caller asked for no PIPELINING at all: one transaction at a time.
            while claim():
                began = clock()
                try:
                    record(
                        await send_transaction(
                            session, plan.envelope, plan.message, pipelining=False
                        ),
                        began,
                    )
                except ReplyError as exc:
                    if exc.reply is None:
                        self._errors += 1
                        self._note_error(exc)
                    else:
                        record(exc, began)
                except SmtpError as exc:
                    self._errors += 1
                    self._note_error(exc)
                    return
            return
        try:
            await send_stream(
                session,
                plan.envelope,
                plan.message,
                plan.count,
                on_result=record,
                should_continue=claim,
            )
        except SmtpError as exc:
            self._errors += 1
            self._note_error(exc)

    def _note_error(self, exc: SmtpError) -> None:
        if self._first_error is None:
            self._first_error = exc
        self._sentences[exc.sentence] += 1

    def _report_progress(self, *, force: bool = False) -> None:
        if self.on_progress is None:
            return
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_INTERVAL:
            return
        self._last_progress = now
        elapsed = now - self._started
        self.on_progress(
            LoadProgress(
                total=self.plan.count,
                done=self._accepted + self._refused + self._errors,
                accepted=self._accepted,
                failed=self._refused + self._errors,
                elapsed=elapsed,
                rate=self._accepted / elapsed if elapsed > 0 else 0.0,
                connections=self._open_now,
            )
        )


async def run_load(
    config: SessionConfig,
    plan: LoadPlan,
    *,
    on_progress: Callable[[LoadProgress], Any] | None = None,
) -> LoadReport:
    """Run ``plan`` against the server of ``config``; see :class:`LoadTest`."""
    return await LoadTest(config, plan, on_progress=on_progress).run()
