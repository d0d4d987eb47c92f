"""A per-session deadline that costs almost nothing to arm.

``asyncio.timeout()`` allocates and cancels a timer for every wait, and asks
which task is running (a system call on Linux); a bulk sender waits once per
reply, thousands of times a second.  :class:`Deadline` keeps one timer per
session: arming it is two attribute writes, and the timer is only re-created
when a deadline moves earlier or when it fires too soon.  It ends a wait by
completing the future being waited for and setting :attr:`Deadline.expired`,
never by cancelling a task, so a cancellation from outside is never mistaken
for a timeout.
"""

from __future__ import annotations

import asyncio


class Deadline:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._handle: asyncio.TimerHandle | None = None
        self._handle_when = 0.0
        self._when = 0.0
        self._waiter: asyncio.Future[None] | None = None
        self.expired = False

    def arm(self, seconds: float, waiter: asyncio.Future[None]) -> None:
        """Complete ``waiter`` (and set :attr:`expired`) if it is still
        pending ``seconds`` from now."""
        loop = self._loop
        self._when = when = loop.time() + seconds
        self._waiter = waiter
        self.expired = False
        if self._handle is None or when < self._handle_when:
            if self._handle is not None:
                self._handle.cancel()
            self._handle = loop.call_at(when, self._fire)
            self._handle_when = when

    def disarm(self) -> None:
        self._waiter = None

    def _fire(self) -> None:
        self._handle = None
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        if self._loop.time() < self._when:
            self._handle = self._loop.call_at(self._when, self._fire)
            self._handle_when = self._when
            return
        self.expired = True
        self._waiter = None
        waiter.set_result(None)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._waiter = None
