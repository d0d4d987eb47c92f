"""The conversation as a sequence diagram: client and server as two lanes,
each command and each reply one arrow between them.

A :class:`FlowBuilder` is fed a session's events as they happen and keeps a
list of items — :class:`Arrow` for what crossed the wire, :class:`Mark` for
what happened to the connection (connected, the TLS handshake, an error, the
close).  Every item knows the index of its first line in the transcript the
dashboard shows (the lines :func:`smtptui.transcript.event_lines` makes, one
event after another), so moving along the diagram can move the transcript
and the reference to the same line, and back.

What an arrow says is what the transcript says: secrets are masked at the
source, and with ``redact=True`` the export forms are used (user names in AUTH
masked too), exactly as :func:`smtptui.transcript.export_text` does.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from operator import attrgetter

from smtptui.flow.conversation import Conversation, Exchange, Phase, phase_of
from smtptui.i18n import t
from smtptui.protocol import events as ev
from smtptui.protocol.connect import host_label
from smtptui.protocol.text import escape_text
from smtptui.transcript import event_lines

__all__ = ["Arrow", "Flow", "FlowBuilder", "Mark", "build_flow", "message_label", "reply_class"]

CLIENT = "client"
SERVER = "server"


def reply_class(code: int | None) -> str | None:
    """``"2xx"`` … ``"5xx"`` (the colour of a reply), ``None`` for a command."""
    if code is None:
        return None
    return f"{code // 100}xx" if 2 <= code // 100 <= 5 else "other"


@dataclass(frozen=True, slots=True)
class Arrow:
    """One thing that crossed the wire.

    ``sender`` is ``"client"`` or ``"server"``; ``text`` the line as shown
    (a multi-line reply's first line, the rest in ``more``); ``annotation`` the
    decoded meaning of an AUTH line; ``latency_ms`` the time from the command
    to this reply; ``kind`` is ``command``, ``auth``, ``message`` (the content
    after 354, one arrow however many lines), ``reply`` or ``unsolicited``.
    """

    sender: str
    text: str
    phase: Phase
    tls: bool
    line: int
    event: int
    kind: str
    annotation: str | None = None
    code: int | None = None
    latency_ms: float | None = None
    more: tuple[str, ...] = ()
    out_of_sequence: bool = False
    exchange: int | None = None  # the Exchange index a reply completed
    count: int = 0  # a message: its lines (without the final ".")
    nbytes: int | None = None  # a message sent whole: its size as SIZE= counts it
    ended: bool = False  # a message: the final "." was sent

    @property
    def reply_class(self) -> str | None:
        return reply_class(self.code)

    @property
    def from_client(self) -> bool:
        return self.sender == CLIENT

    def label(self, lang: str | None = None, *, more: bool = True) -> str:
        """One line: the text, the decoded meaning, and how many lines follow
        (a message: how many lines and bytes, in ``lang``)."""
        if self.kind == "message":
            return message_label(self, lang)
        text = self.text or '""'
        if self.annotation:
            text += f"  « {self.annotation} »"
        if more and self.more:
            text += f"  (+{len(self.more)})"
        return text


@dataclass(frozen=True, slots=True)
class Mark:
    """Something that happened to the connection rather than on it:
    ``connect``, ``tls`` (the handshake: everything after it is encrypted),
    ``error``, ``closed``, ``note``."""

    kind: str
    text: str
    tls: bool
    line: int
    event: int
    elapsed_ms: float | None = None


Item = Arrow | Mark


@dataclass(slots=True)
class Flow:
    """The diagram so far: ``items`` in order; the participants' names."""

    items: list[Item] = field(default_factory=list)
    client: str = "client"
    server: str = "server"

    @property
    def arrows(self) -> list[Arrow]:
        return [item for item in self.items if isinstance(item, Arrow)]

    def index_of_line(self, line: int) -> int | None:
        """The item shown for transcript line ``line`` (the last item starting
        at or before it), or ``None`` before the first item."""
        i = bisect.bisect_right(self.items, line, key=attrgetter("line")) - 1
        return i if i >= 0 else None


class FlowBuilder:
    """Builds a :class:`Flow` incrementally; ``feed`` each event once."""

    def __init__(self, *, redact: bool = False, notes: bool = False) -> None:
        self.redact = redact
        self.notes = notes  # include Note events as marks (the exports leave them out)
        self.flow = Flow()
        self.conversation = Conversation()
        self.lines = 0  # transcript lines so far
        self._message: int | None = None  # item index of a message being typed

    @property
    def events(self) -> int:
        return self.conversation.events

    def feed(self, event: ev.Event) -> None:
        index = self.conversation.events
        line = self.lines
        self.lines += len(event_lines(event, start=event.at, redact=self.redact))
        exchange = self.conversation.feed(event)
        items = self.flow.items
        if isinstance(event, ev.Connecting):
            self.flow.server = host_label(event.host, event.port)
            self._message = None
        elif isinstance(event, ev.Connected):
            self.flow.server = host_label(*event.peer)
            items.append(Mark("connect", _first(event), False, line, index, event.elapsed_ms))
        elif isinstance(event, ev.Sent):
            self._sent(event, line, index)
        elif isinstance(event, ev.DataSent):
            items.append(_message_arrow(event, line, index))
        elif isinstance(event, ev.Received):
            assert exchange is not None
            items.append(self._reply(event, exchange, line, index))
        elif isinstance(event, ev.TlsEstablished):
            items.append(Mark("tls", _first(event), True, line, index, event.elapsed_ms))
        elif isinstance(event, ev.Failed):
            items.append(Mark("error", escape_text(event.reason), False, line, index))
        elif isinstance(event, ev.Closed):
            items.append(Mark("closed", _first(event), False, line, index))
            self._message = None
        elif isinstance(event, ev.Note) and self.notes:
            items.append(Mark("note", escape_text(event.text), False, line, index))

    def _sent(self, event: ev.Sent, line: int, index: int) -> None:
        items = self.flow.items
        if event.kind == "data":
            # A message typed by hand: one arrow, however many lines, up to the ".".
            if self._message is None:
                self._message = len(items)
                items.append(Arrow(CLIENT, "", Phase.DATA, event.tls, line, index, "message"))
            current = items[self._message]
            assert isinstance(current, Arrow)
            ended = event.text == "."
            typed = (*current.more, escape_text(event.text))
            items[self._message] = replace(
                current, more=typed, count=current.count + (0 if ended else 1), ended=ended
            )
            if ended:
                self._message = None
            return
        text = event.export_text() if self.redact else event.text
        note = event.export_annotation() if self.redact else event.annotation
        items.append(
            Arrow(
                CLIENT,
                escape_text(text),
                phase_of(event),
                event.tls,
                line,
                index,
                event.kind if event.kind == "auth" else "command",
                annotation=note,
            )
        )

    def _reply(self, event: ev.Received, exchange: Exchange, line: int, index: int) -> Arrow:
        shown = event.reply.display_lines()
        return Arrow(
            SERVER,
            shown[0] if shown else str(event.reply.code),
            exchange.phase,
            event.tls,
            line,
            index,
            "unsolicited" if event.unsolicited else "reply",
            annotation=escape_text(event.annotation) if event.annotation else None,
            code=event.reply.code,
            latency_ms=event.elapsed_ms,
            more=tuple(shown[1:]),
            out_of_sequence=exchange.out_of_sequence,
            exchange=exchange.index,
        )


def _first(event: ev.Event) -> str:
    lines = event_lines(event, start=event.at)
    return lines[0].text.strip() if lines else type(event).__name__


def message_label(arrow: Arrow, lang: str | None = None) -> str:
    """``[message: 3 lines + "."]`` / ``[邮件内容：3 行 + “.”]`` and the like."""
    key = "flow.message.sent" if arrow.nbytes is not None else "flow.message.typed"
    text = t(key, lang, lines=f"{arrow.count:,}", bytes=f"{arrow.nbytes or 0:,}")
    if arrow.ended:
        text += t("flow.message.end", lang)
    return f"[{text}]"


def message_size(event: ev.DataSent) -> int:
    """The message's size as RFC 1870 counts it — the number ``SIZE=`` in
    MAIL FROM declares: the wire bytes less the final ``.`` line and the dots
    doubled at the start of lines (BDAT sends the message as it is)."""
    payload = event.payload
    if event.kind == "bdat":
        return len(payload)
    body = payload[:-3] if payload.endswith(b"\r\n.\r\n") else payload
    stuffed = body.startswith(b".") + body.count(b"\r\n.")
    return len(body) - stuffed


def _message_arrow(event: ev.DataSent, line: int, index: int) -> Arrow:
    bdat = event.kind == "bdat"
    return Arrow(
        CLIENT,
        "",
        Phase.DATA,
        event.tls,
        line,
        index,
        "message",
        count=max(0, event.nlines - (0 if bdat else 1)),
        nbytes=message_size(event),
        ended=not bdat,
    )


def build_flow(events: Iterable[ev.Event], *, redact: bool = False, notes: bool = False) -> Flow:
    """The whole diagram of ``events`` at once."""
    builder = FlowBuilder(redact=redact, notes=notes)
    for event in events:
        builder.feed(event)
    return builder.flow
