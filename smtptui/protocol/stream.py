"""The socket under a session: an asyncio protocol that turns the server's
bytes into replies the moment they arrive, and stamps each with that moment.

Why a protocol of our own rather than asyncio's ``StreamReader``:

* **True timings.**  A reply's time is taken in the callback that receives its
  bytes, not when the coroutine waiting for it next gets to run — on a busy
  loop (a dashboard drawing, fifty checks at once) that can be many
  milliseconds later, and every latency shown would include it.
* **Less work per reply.**  The bytes land in one reused buffer
  (``recv_into``; no 256 KiB allocation per read), go straight into the
  parser, and the waiting task is woken once per complete reply.
* **No private attributes.**  "Did anything arrive while nobody asked?" is a
  question this class answers itself.

Only :class:`~smtptui.protocol.wire.Wire` uses it.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

from smtptui.protocol.errors import ProtocolError
from smtptui.protocol.reply import Reply, ReplyParser

READ_CHUNK = 64 * 1024


class ReplyStream(asyncio.BufferedProtocol):
    """One connection's receiving end and its write flow control.

    ``replies`` holds ``(reply, arrived)`` pairs (``arrived``: the
    :func:`time.monotonic` time its last byte was received), oldest first.
    ``failure`` is set when the bytes cannot be parsed (a
    :class:`ProtocolError`) or the connection broke; ``eof`` when the server
    closed its side.  :meth:`waiter` gives a future that is done as soon as
    any of the three changes.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop, parser: ReplyParser, replies: deque
    ) -> None:
        self.loop = loop
        self.parser = parser
        self.replies: deque[tuple[Reply, float]] = replies
        self.transport: asyncio.Transport | None = None
        self.failure: BaseException | None = None
        self.eof = False
        self.paused = False  # the kernel's send buffer and ours are full
        self.tls = False  # set once STARTTLS or implicit TLS wraps the transport
        self.lost: asyncio.Future[None] = loop.create_future()
        self._buffer = bytearray(READ_CHUNK)
        self._view = memoryview(self._buffer)
        self._waiter: asyncio.Future[None] | None = None
        self._drain: asyncio.Future[None] | None = None
        # set during a lockstep exchange: replies go to it, not to ``replies``
        self.on_reply: Callable[[Reply, float], None] | None = None

    # ------------------------------------------------------ asyncio's side
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        try:
            replies = self.parser.feed(bytes(self._view[:nbytes]))
        except ProtocolError as exc:
            if self.failure is None:
                self.failure = exc
            self._wake()
            return
        if replies:
            append = self.replies.append
            for reply in replies:
                # one reading per reply, not per read: a reply's time does not
                # depend on how the bytes happened to be split on the way
                arrived = time.monotonic()
                hook = self.on_reply
                if hook is None:
                    append((reply, arrived))
                else:
                    hook(reply, arrived)
            if self.replies:
                self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        # Plain TCP: keep our half open (a QUIT may still be written); TLS
        # cannot be half-closed.
        return not self.tls

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        if exc is not None and self.failure is None:
            self.failure = exc
        self._wake()
        self.paused = False
        drain = self._drain
        if drain is not None and not drain.done():
            drain.set_result(None)
        if not self.lost.done():
            self.lost.set_result(None)

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        drain = self._drain
        if drain is not None and not drain.done():
            drain.set_result(None)

    # ------------------------------------------------------- the Wire's side
    def waiter(self) -> asyncio.Future[None]:
        """A future done when a reply, EOF or a failure arrives."""
        self._waiter = waiter = self.loop.create_future()
        return waiter

    def drain_waiter(self) -> asyncio.Future[None]:
        """A future done when writing may go on (or the connection is gone)."""
        self._drain = drain = self.loop.create_future()
        if not self.paused:
            drain.set_result(None)
        return drain

    @property
    def news(self) -> bool:
        """Anything arrived (or ended) that nobody has asked for yet."""
        return (
            bool(self.replies) or self.eof or self.failure is not None or bool(self.parser.pending)
        )

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
