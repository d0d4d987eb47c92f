"""A transaction's commands in lockstep, driven from the callback that
receives each reply.

Written as coroutines, every reply costs asyncio two turns of its loop: one
to read the bytes, one to wake the task that waits for them, which then writes
the next command.  A non-pipelined transaction (MAIL, RCPT…, DATA, message)
pays that four times per message.  :func:`exchange` instead writes each next
step from the receiving callback itself, as soon as the reply that allows it
has arrived, and wakes the waiting task once, at the end.  Every step still
emits the same events, in the same order, with the same timings (a reply's
time is when its bytes arrived), and the task decides what a refusal means
exactly as before: the exchange only stops at the first step whose replies
say "do not go on".

Used for small messages without a progress callback; anything that needs
flow control (a large message) or user steps goes the coroutine way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtptui.protocol import events as ev
from smtptui.protocol.errors import Phase
from smtptui.protocol.reply import Reply
from smtptui.protocol.wire import phase_of

if TYPE_CHECKING:
    import asyncio

    from smtptui.protocol.wire import Wire


@dataclass(frozen=True, slots=True)
class Step:
    """One write and the replies it expects (one per entry of ``commands``).

    ``payload``: the write is a message (shown as ``DataSent``, answered as
    ``DATA``); otherwise ``commands`` are the lines written, shown as
    ``Sent``.  ``phases`` and ``timeouts`` (keys of the session's timeouts)
    are per reply.  ``proceed(replies so far)`` says whether the next step
    may be written; ``None``: always.
    """

    wire: bytes
    commands: tuple[str, ...]
    phases: tuple[Phase, ...]
    timeouts: tuple[str, ...]
    payload: bytes | None = None
    proceed: Callable[[list[Reply]], bool] | None = None

    @classmethod
    def lines(cls, lines: list[str], proceed: Callable[[list[Reply]], bool] | None = None) -> Step:
        """Commands written at once (one, or a pipelined group)."""
        phases = tuple(phase_of(line) for line in lines)
        return cls(
            "\r\n".join(lines).encode("utf-8") + b"\r\n",
            tuple(lines),
            phases,
            tuple("data_init" if p is Phase.DATA else "command" for p in phases),
            proceed=proceed,
        )

    @classmethod
    def message(cls, payload: bytes) -> Step:
        """A prepared message (dot-stuffed, with its final ``.``)."""
        return cls(payload, ("DATA",), (Phase.DATA,), ("data_end",), payload=payload)


async def exchange(wire: Wire, steps: list[Step]) -> list[Reply]:
    """Run ``steps`` (the caller holds the session); returns every reply
    received, which stop at the first step that may not go on.  A ``421``
    ends it too, closing the connection and raising like any command."""
    wire._refuse_in_data(steps[0].commands[0])
    if wire._unsolicited_pending():
        await wire._drain_unsolicited()
    first = steps[0]
    waiter = wire._reply_waiter(first.phases[0], first.commands[0])
    run = _Lockstep(wire, steps, waiter)
    stream = wire._stream
    assert stream is not None and wire._deadline is not None
    stream.on_reply = run.on_reply
    try:
        run.write(0)
        while not run.finished:
            await run.waiter
            if run.finished:
                break
            phase, command, timeout = run.waiting_for()
            if wire._deadline.expired:
                raise wire._silence(timeout, phase, command)
            # the stream ended or broke: raises why (or waits on after a stray wake-up)
            run.waiter = wire._reply_waiter(phase, command)
            wire._deadline.arm(timeout, run.waiter)
    finally:
        if stream.on_reply == run.on_reply:
            stream.on_reply = None
        if wire._deadline is not None:
            wire._deadline.disarm()
    if run.error is not None:
        raise run.error
    last = run.replies[-1]
    if last.code == 421:
        await wire._said_goodbye(last)
        raise wire.goodbye_error(last, run.answered)
    return run.replies


class _Lockstep:
    """The state of one exchange, advanced by the stream's reply callback."""

    __slots__ = (
        "answered",
        "error",
        "expect",
        "finished",
        "index",
        "replies",
        "started",
        "steps",
        "waiter",
        "wire",
    )

    def __init__(self, wire: Wire, steps: list[Step], waiter: asyncio.Future[None]) -> None:
        self.wire = wire
        self.steps = steps
        self.waiter = waiter
        self.replies: list[Reply] = []
        self.index = 0
        self.expect = 0
        self.started = 0.0
        self.finished = False
        self.error: BaseException | None = None
        self.answered = steps[0].phases[0]  # the phase of the last reply received

    def waiting_for(self) -> tuple[Phase, str, float]:
        """The phase, command and timeout of the reply awaited now (or last)."""
        step = self.steps[self.index]
        n = min(len(step.commands) - self.expect, len(step.commands) - 1)
        return step.phases[n], step.commands[n], self.wire.config.timeout_for(step.timeouts[n])

    def write(self, index: int) -> None:
        """Write step ``index`` and announce it (raises if the connection is gone)."""
        wire = self.wire
        step = self.steps[index]
        self.index = index
        self.expect = len(step.commands)
        self.started = started = time.monotonic()
        # At most WRITE_CHUNK bytes (see the module docstring): if the kernel
        # cannot take them at once the transport keeps them, and the reply's
        # deadline bounds the wait, so there is no drain here.
        wire._write_now(step.wire, step.phases[0])
        if wire._subscribers:
            if step.payload is not None:
                wire._emit(
                    ev.DataSent(
                        at=started,
                        payload=step.payload,
                        tls=wire.tls_active,
                        elapsed_ms=(time.monotonic() - started) * 1000,
                    )
                )
            else:
                for line in step.commands:
                    wire._sent(line, at=started)
        deadline = wire._deadline
        assert deadline is not None
        deadline.arm(wire.config.timeout_for(step.timeouts[0]), self.waiter)

    def on_reply(self, reply: Reply, arrived: float) -> None:
        """Called by the stream for each reply, in the callback that read it."""
        try:
            step = self.steps[self.index]
            self.answered = step.phases[len(step.commands) - self.expect]
            self.replies.append(reply)
            self.wire._announce(reply, arrived, self.started)
            self.expect -= 1
            if self.expect:
                if reply.code == 421:
                    self.finish()
                else:  # the next reply of the group has its own timeout
                    key = step.timeouts[len(step.commands) - self.expect]
                    deadline = self.wire._deadline
                    assert deadline is not None
                    deadline.arm(self.wire.config.timeout_for(key), self.waiter)
                return
            last = self.index + 1 >= len(self.steps)
            if (
                last
                or reply.code == 421
                or (step.proceed is not None and not step.proceed(self.replies))
            ):
                self.finish()
                return
            self.write(self.index + 1)
        except Exception as exc:  # the connection broke, or a subscriber failed:
            self.error = exc  # raised to the caller, as the step-by-step path would
            self.finish()

    def finish(self) -> None:
        self.finished = True
        stream = self.wire._stream
        if stream is not None and stream.on_reply == self.on_reply:
            stream.on_reply = None
        if not self.waiter.done():
            self.waiter.set_result(None)
