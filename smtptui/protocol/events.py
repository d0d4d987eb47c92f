"""The events a :class:`~smtptui.protocol.session.Session` emits.

Every step of a conversation becomes one immutable event with a monotonic
timestamp (``at``, seconds from :func:`time.monotonic`) and, where a step has a
duration, its elapsed milliseconds.  The CLI and the TUI are renderers of these
events and nothing else; exports use the ``redacted`` forms.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtptui.protocol.errors import Phase
    from smtptui.protocol.reply import Reply
    from smtptui.protocol.tls import TlsInfo


def _now() -> float:
    return time.monotonic()


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    at: float = field(default_factory=_now)
    elapsed_ms: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Connecting(Event):
    host: str
    port: int
    security: str
    address: str | None = None  # the resolved IP being tried


@dataclass(frozen=True, slots=True, kw_only=True)
class Connected(Event):
    peer: tuple[str, int]
    local: tuple[str, int]
    dns_ms: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Sent(Event):
    """One command line (or, for ``kind == "data"``, a whole message block).

    ``text`` is what a screen may show (passwords masked); ``redacted`` is what an
    export may contain (user names masked too).  The wire bytes with secrets are
    never stored in an event.
    """

    text: str
    tls: bool = False
    annotation: str | None = None
    redacted: str | None = None
    redacted_annotation: str | None = None
    secret: bool = False
    kind: str = "command"  # command | auth | data (a line typed in raw DATA mode)

    def export_text(self) -> str:
        return self.text if self.redacted is None else self.redacted

    def export_annotation(self) -> str | None:
        return self.annotation if self.redacted is None else self.redacted_annotation


@dataclass(frozen=True, slots=True, kw_only=True)
class DataSent(Event):
    """The message content after ``354`` (or in BDAT chunks): exactly the wire
    bytes, dot-stuffed, with the final ``.`` line.  Decoded for display only on
    demand, so bulk sending pays nothing for a transcript nobody reads."""

    payload: bytes
    tls: bool = False
    kind: str = "data"  # data | bdat

    @property
    def nbytes(self) -> int:
        return len(self.payload)

    def lines(self, limit: int | None = None) -> list[str]:
        from smtptui.protocol.text import escape_bytes

        raw = (
            self.payload.split(b"\r\n") if limit is None else self.payload.split(b"\r\n", limit + 1)
        )
        if raw and raw[-1] == b"":
            raw.pop()
        if limit is not None:
            raw = raw[:limit]
        return [escape_bytes(line) for line in raw]

    @property
    def nlines(self) -> int:
        return self.payload.count(b"\n")


@dataclass(frozen=True, slots=True, kw_only=True)
class Received(Event):
    reply: Reply
    tls: bool = False
    annotation: str | None = None  # e.g. the decoded base64 of a 334 challenge
    unsolicited: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TlsEstablished(Event):
    info: TlsInfo


@dataclass(frozen=True, slots=True, kw_only=True)
class Note(Event):
    text: str
    level: str = "info"  # info | warning


@dataclass(frozen=True, slots=True, kw_only=True)
class Failed(Event):
    phase: Phase
    reason: str
    exit_code: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Closed(Event):
    reason: str = "closed"
