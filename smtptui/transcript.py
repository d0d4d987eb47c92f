"""Turning session events into transcript lines, and transcripts into exports.

Both renderers use this: the CLI prints :class:`Line` objects with swaks'
markers, the TUI colours them.  Exports (text, Markdown, JSON lines) are
redacted by default: passwords are never in an event at all, and with
``redact=True`` user names in AUTH exchanges are masked too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from smtptui.protocol.lazy import lazy_module
from smtptui.protocol.text import escape_text, host_label
from smtptui.units import format_ms

if TYPE_CHECKING:
    from smtptui.protocol import events as ev
else:  # an empty transcript (the dashboard's first drawing) needs no event class
    ev = lazy_module("smtptui.protocol.events")

#: swaks' markers: server, client, the same inside TLS, notes, errors.
MARKERS = {
    ("server", False): "<- ",
    ("server", True): "<~ ",
    ("client", False): " ->",
    ("client", True): " ~>",
    ("note", False): "===",
    ("note", True): "===",
    ("error", False): "***",
    ("error", True): "***",
}

DATA_PREVIEW_LINES = 100


@dataclass(frozen=True, slots=True)
class Line:
    """One display line of a transcript."""

    direction: str  # server | client | note | error
    text: str
    tls: bool = False
    offset: float = 0.0  # seconds since the session started
    elapsed_ms: float | None = None  # shown on the first line of a step
    annotation: str | None = None  # decoded base64 and the like
    code: int | None = None  # reply code, for server lines
    continuation: bool = False  # second and later lines of a multi-line reply
    kind: str = ""  # command | auth | data | tls | warning | unsolicited | ...
    source: ev.Event | None = field(default=None, compare=False, repr=False)  # the event shown

    @property
    def marker(self) -> str:
        return MARKERS[(self.direction, self.tls)]

    def plain(self, *, timestamps: bool = False, timings: bool = True) -> str:
        text = f"{self.marker} {self.text}"
        if self.annotation:
            text += f"  « {self.annotation} »"
        if timings and self.elapsed_ms is not None:
            text += f"  ({format_ms(self.elapsed_ms)})"
        if timestamps:
            text = f"[{self.offset:8.3f}s] {text}"
        return text


def event_lines(
    event: ev.Event,
    *,
    start: float,
    redact: bool = False,
    data_limit: int | None = DATA_PREVIEW_LINES,
) -> list[Line]:
    """The display lines of one event.  ``redact`` selects the export forms."""
    offset = max(0.0, event.at - start)
    if isinstance(event, ev.Received):
        shown = event.reply.display_lines()
        out = []
        for i, text in enumerate(shown):
            out.append(
                Line(
                    "server",
                    text,
                    tls=event.tls,
                    offset=offset,
                    elapsed_ms=event.elapsed_ms if i == 0 else None,
                    annotation=escape_text(event.annotation)
                    if event.annotation and i == len(shown) - 1
                    else None,
                    code=event.reply.code,
                    continuation=i > 0,
                    kind="unsolicited" if event.unsolicited else "reply",
                    source=event,
                )
            )
        return out
    if isinstance(event, ev.Sent):
        text = event.export_text() if redact else event.text
        note = event.export_annotation() if redact else event.annotation
        return [
            Line(
                "client",
                escape_text(text),
                tls=event.tls,
                offset=offset,
                annotation=note,
                kind=event.kind,
            )
        ]
    if isinstance(event, ev.DataSent):
        lines = event.lines(data_limit)
        out = [Line("client", text, tls=event.tls, offset=offset, kind="data") for text in lines]
        shown = len(lines)
        total = event.nlines
        if data_limit is not None and total > shown:
            out.append(
                Line(
                    "note",
                    f"… {total - shown:,} more message lines not shown ({event.nbytes:,} bytes in all)",
                    offset=offset,
                    kind="data",
                )
            )
        return out
    if isinstance(event, ev.Connecting):
        return [
            Line(
                "note",
                f"Trying {host_label(event.host, event.port)} ({event.security})…",
                offset=offset,
            )
        ]
    if isinstance(event, ev.Connected):
        dns = f", DNS {format_ms(event.dns_ms)}" if event.dns_ms is not None else ""
        return [
            Line(
                "note",
                f"Connected to {host_label(*event.peer)} from {host_label(*event.local)}{dns}",
                offset=offset,
                elapsed_ms=event.elapsed_ms,
                kind="connect",
            )
        ]
    if isinstance(event, ev.TlsEstablished):
        facts = event.info.fact_lines()
        return [
            Line(
                "note",
                text,
                tls=True,
                offset=offset,
                elapsed_ms=event.elapsed_ms if i == 0 else None,
                kind="tls",
            )
            for i, text in enumerate(facts)
        ]
    if isinstance(event, ev.Note):
        return [Line("note", escape_text(event.text), offset=offset, kind=event.level)]
    if isinstance(event, ev.Failed):
        return [Line("error", escape_text(event.reason), offset=offset, kind=str(event.phase))]
    if isinstance(event, ev.Closed):
        return [Line("note", f"Connection {event.reason}", offset=offset, kind="closed")]
    return []


class Transcript:
    """Every event of one session, in order; the model behind the screen."""

    def __init__(self) -> None:
        self.events: list[ev.Event] = []
        self.start: float | None = None

    def append(self, event: ev.Event) -> None:
        if self.start is None:
            self.start = event.at
        self.events.append(event)

    def clear(self) -> None:
        self.events.clear()
        self.start = None


def _plain(events: list[ev.Event], redact: bool) -> str:
    """Every line with its time, every message line included (no preview limit)."""
    start = events[0].at if events else 0.0
    return "".join(
        line.plain(timestamps=True) + "\n"
        for event in events
        for line in event_lines(event, start=start, redact=redact, data_limit=None)
    )


def export_text(events: Iterable[ev.Event], *, redact: bool = True) -> str:
    return _plain(list(events), redact)


def export_markdown(
    events: Iterable[ev.Event], *, redact: bool = True, title: str = "SMTP transcript"
) -> str:
    note = (
        "User names and passwords are masked."
        if redact
        else "Passwords are masked; user names are not."
    )
    return f"# {title}\n\n{note}\n\n```text\n{_plain(list(events), redact)}```\n"


def export_jsonl(events: Iterable[ev.Event], *, redact: bool = True) -> str:
    import json

    events = list(events)
    start = events[0].at if events else 0.0
    return "".join(
        json.dumps(event_json(e, start=start, redact=redact), ensure_ascii=False) + "\n"
        for e in events
    )


def event_json(event: ev.Event, *, start: float, redact: bool = True) -> dict[str, object]:
    """One event as a JSON-ready dict (the CLI's ``--json`` and JSONL exports)."""
    out: dict[str, object] = {
        "event": type(event).__name__.lower(),
        "t": round(max(0.0, event.at - start), 6),
    }
    if event.elapsed_ms is not None:
        out["elapsed_ms"] = round(event.elapsed_ms, 3)
    if isinstance(event, ev.Received):
        r = event.reply
        out.update(
            code=r.code,
            enhanced=str(r.enhanced) if r.enhanced else None,
            lines=[escape_text(x) for x in r.lines],
            tls=event.tls,
        )
        if event.annotation:
            out["decoded"] = event.annotation
        if event.unsolicited:
            out["unsolicited"] = True
    elif isinstance(event, ev.Sent):
        out.update(
            line=event.export_text() if redact else event.text,
            tls=event.tls,
            kind=event.kind,
        )
        note = event.export_annotation() if redact else event.annotation
        if note:
            out["decoded"] = note
    elif isinstance(event, ev.DataSent):
        out.update(bytes=event.nbytes, lines=event.nlines, tls=event.tls, kind=event.kind)
    elif isinstance(event, ev.Connecting):
        out.update(host=event.host, port=event.port, security=event.security)
    elif isinstance(event, ev.Connected):
        out.update(peer=list(event.peer), local=list(event.local), dns_ms=event.dns_ms)
    elif isinstance(event, ev.TlsEstablished):
        info = event.info
        cert = info.certificate
        out.update(
            version=info.version,
            cipher=info.cipher,
            bits=info.bits,
            verified=info.verified,
            server_name=info.server_name,
        )
        if cert:
            out["certificate"] = {
                "subject": cert.subject,
                "issuer": cert.issuer,
                "sans": list(cert.sans),
                "not_before": cert.not_before.isoformat(),
                "not_after": cert.not_after.isoformat(),
                "days_to_expiry": cert.days_to_expiry(),
                "sha256": cert.fingerprint_sha256,
            }
    elif isinstance(event, ev.Note):
        out.update(text=event.text, level=event.level)
    elif isinstance(event, ev.Failed):
        out.update(phase=str(event.phase), reason=event.reason, exit_code=event.exit_code)
    elif isinstance(event, ev.Closed):
        out.update(reason=event.reason)
    return out
