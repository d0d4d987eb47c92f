"""A per-session deadline that costs almost nothing to arm.

``asyncio.timeout()`` allocates and cancels a timer for every wait; a bulk
sender waits twice per command, thousands of times a second.  :class:`Deadline`
keeps one timer per session: arming it is an attribute write, and the timer is
only re-created when a deadline moves earlier or when it fires too soon.
"""

from __future__ import annotations

import asyncio


class Deadline:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._handle_when = 0.0
        self._when = 0.0
        self._task: asyncio.Task | None = None
        self.expired = False

    def arm(self, seconds: float) -> None:
        """Cancel the current task if it is still waiting ``seconds`` from now."""
        loop = self._loop
        if loop is None:
            loop = self._loop = asyncio.get_running_loop()
        self._when = when = loop.time() + seconds
        self._task = asyncio.current_task()
        self.expired = False
        if self._handle is None or when < self._handle_when:
            if self._handle is not None:
                self._handle.cancel()
            self._handle = loop.call_at(when, self._fire)
            self._handle_when = when

    def disarm(self) -> None:
        self._task = None

    def _fire(self) -> None:
        self._handle = None
        task = self._task
        if task is None:
            return
        assert self._loop is not None
        if self._loop.time() < self._when:
            self._handle = self._loop.call_at(self._when, self._fire)
            self._handle_when = self._when
            return
        self.expired = True
        self._task = None
        task.cancel()

    def consume_expiry(self) -> bool:
        """After a ``CancelledError``: was it this deadline?  If so, undo the
        cancellation's bookkeeping so outer timeouts and task groups still work."""
        if not self.expired:
            return False
        self.expired = False
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        return True

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._task = None
