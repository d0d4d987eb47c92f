"""A loop of its own for the checks, so what they measure is true.

A latency is only as true as the moment its bytes are noticed.  The protocol
layer stamps a reply in the callback that receives it, but that callback runs
only when its event loop gets round to it — and a dashboard's loop may be busy
drawing for tens of milliseconds.  :func:`run_apart` runs a batch of checks on
an event loop in a thread of its own that does nothing else, and hands every
callback back to the caller's loop (in order), where the drawing happens.
Cancelling the caller cancels the batch and waits until its sockets are closed.

Threads share Python's interpreter lock: a thread that wants it while another
computes (the dashboard drawing) waits up to the switch interval, 5 ms by
default, each time.  While a batch runs, the interval is lowered to
:data:`SWITCH_INTERVAL`, so the loop that measures gets to a reply's bytes
within about a millisecond however busy the rest of the process is.  And
Python's cyclic garbage collector, which stops every thread (a dashboard's
full collection takes 100 ms and more), waits until the batch is over;
reference counting still frees everything else meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import sys
import threading
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: The interpreter's thread switch interval while a batch runs (seconds).
SWITCH_INTERVAL = 0.001
_quiet_lock = threading.Lock()
_quiet_users = 0
_saved_interval = 0.005
_saved_gc = True


@contextlib.contextmanager
def _quiet_process():
    """Short thread switches and no cyclic garbage collection, for as long as
    any batch runs (batches may overlap)."""
    global _quiet_users, _saved_interval, _saved_gc
    with _quiet_lock:
        if _quiet_users == 0:
            _saved_interval = sys.getswitchinterval()
            _saved_gc = gc.isenabled()
            sys.setswitchinterval(min(_saved_interval, SWITCH_INTERVAL))
            gc.disable()
        _quiet_users += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_users -= 1
            if _quiet_users == 0:
                sys.setswitchinterval(_saved_interval)
                if _saved_gc:
                    gc.enable()


class Relay:
    """Calls callbacks on the caller's loop, in the order they were made;
    remembers the first exception one raised and then stops the batch.

    Calls made in a burst (fifty checks answering at once) reach the caller's
    loop as one wake-up, not one each."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.error: BaseException | None = None
        self._pending: set[asyncio.Future[Any]] = set()
        self._stop: Callable[[], None] = lambda: None
        self._calls: deque[tuple[Callable[..., Any], Any, tuple[Any, ...]]] = deque()
        self._scheduled = False

    def wrap(
        self,
        callback: Callable[..., Any] | None,
        transform: Callable[..., tuple[Any, ...]] | None = None,
    ) -> Callable[..., None] | None:
        """``callback`` made safe to call from the batch's thread; ``transform``
        turns its arguments first (on the caller's loop)."""
        if callback is None:
            return None
        calls = self._calls

        def forward(*args: Any) -> None:
            calls.append((callback, transform, args))
            if not self._scheduled:
                self._scheduled = True
                with contextlib.suppress(RuntimeError):  # the caller's loop has closed
                    self.loop.call_soon_threadsafe(self._drain)

        return forward

    def _drain(self) -> None:
        self._scheduled = False  # before draining: a call added meanwhile is seen
        calls = self._calls
        while calls:
            callback, transform, args = calls.popleft()
            self._run(callback, transform, args)

    def _run(
        self,
        callback: Callable[..., Any],
        transform: Callable[..., tuple[Any, ...]] | None,
        args: tuple[Any, ...],
    ) -> None:
        if self.error is not None:
            return
        try:
            if transform is not None:
                args = transform(*args)
            outcome = callback(*args)
            if inspect.isawaitable(outcome):
                future = asyncio.ensure_future(outcome)
                self._pending.add(future)
                future.add_done_callback(self._finished)
        except BaseException as exc:  # the caller's own error, raised to the caller
            self._fail(exc)

    def _finished(self, future: asyncio.Future[Any]) -> None:
        self._pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            self._fail(future.exception())  # type: ignore[arg-type]

    def _fail(self, exc: BaseException) -> None:
        if self.error is None:
            self.error = exc
            self._stop()

    async def settle(self) -> None:
        """Wait for callbacks that returned a coroutine."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)


async def run_apart(make: Callable[[], Awaitable[T]], relay: Relay, name: str) -> T:
    """``await make()`` on a new event loop in a thread named ``name``; see the
    module docstring."""
    caller = relay.loop
    finished: asyncio.Future[tuple[str, Any]] = caller.create_future()
    started = threading.Event()
    held: dict[str, Any] = {}

    def deliver(outcome: tuple[str, Any]) -> None:
        relay._drain()  # every call the batch made runs before its end is seen
        if not finished.done():
            finished.set_result(outcome)

    def main() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            task = loop.create_task(_outcome(make))
            held["loop"], held["task"] = loop, task
            started.set()
            outcome = loop.run_until_complete(task)
            # as asyncio.run does: tasks left behind (the demo server's user
            # sentinel, say) are cancelled, so they can clean up
            left = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for other in left:
                other.cancel()
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        except BaseException as exc:  # the task itself never raises; this is a bug
            outcome = ("error", exc)
        finally:
            started.set()
            asyncio.set_event_loop(None)
            loop.close()
        with contextlib.suppress(RuntimeError):  # the caller's loop has closed
            caller.call_soon_threadsafe(deliver, outcome)

    with _quiet_process():
        return await _run(main, finished, started, held, relay, name)


async def _run(
    main: Callable[[], None],
    finished: asyncio.Future[tuple[str, Any]],
    started: threading.Event,
    held: dict[str, Any],
    relay: Relay,
    name: str,
) -> Any:
    thread = threading.Thread(target=main, name=name, daemon=True)
    thread.start()
    started.wait()

    def stop() -> None:
        loop, task = held.get("loop"), held.get("task")
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # already finished and closed
                loop.call_soon_threadsafe(task.cancel)

    relay._stop = stop
    if relay.error is not None:
        stop()
    try:
        kind, value = await asyncio.shield(finished)
    except asyncio.CancelledError:
        stop()
        with contextlib.suppress(BaseException):
            await finished  # every socket closed before the cancellation completes
        raise
    await relay.settle()
    if relay.error is not None:
        raise relay.error
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "cancelled":
        raise asyncio.CancelledError()
    raise value


async def _outcome(make: Callable[[], Awaitable[T]]) -> tuple[str, Any]:
    try:
        return ("ok", await make())
    except asyncio.CancelledError:
        return ("cancelled", None)
    except BaseException as exc:
        return ("error", exc)
