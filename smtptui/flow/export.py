"""The flow diagram as text to paste elsewhere: a Mermaid ``sequenceDiagram``
(GitHub and GitLab render it in Markdown) and a plain-text two-lane listing.

Both are redacted by default exactly like the transcript export
(:func:`smtptui.transcript.export_text`): passwords are never in an event, and
user names in AUTH exchanges are masked too.

Mermaid reads some characters in a message as syntax — ``;`` ends a
statement, ``#`` starts a comment, ``%%`` a directive, ``<``/``>``/``&`` are
HTML — so they are written as its entity codes (``#59;``, ``#35;`` …), which it
decodes when drawing.  Two more of its habits are defused: a message starting
with ``wrap:``/``nowrap:`` would lose that prefix, and a line containing
``style``/``classDef`` before an entity would lose the entity's ``;``.  An empty
message is not allowed, so an empty line (an XOAUTH2 acknowledgement) is
written as ``""``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from smtptui.flow.diagram import Arrow, Flow, Mark, build_flow
from smtptui.i18n import t
from smtptui.protocol import events as ev
from smtptui.units import format_ms

__all__ = ["export_mermaid", "export_plain", "mermaid", "mermaid_text", "plain_text"]

#: Characters Mermaid would read as syntax inside a message, as its entity codes.
_ENTITIES = {c: f"#{ord(c)};" for c in "#;%<>&{}"}
_WRAP = re.compile(r"^\s*(?:no)?wrap:", re.IGNORECASE)
#: Mermaid strips the last ";" of a line matching /style.*:\S*#.*;/ (and classDef).
_TRAPS = {"style": "st#121;le", "classDef": "class#68;ef"}
#: Background of the TLS band (a light green that reads on light and dark themes).
TLS_BAND = "rgba(46, 160, 67, 0.14)"
CLIENT_ID, SERVER_ID = "C", "S"


def mermaid_text(text: str) -> str:
    """``text`` made safe as a Mermaid message or note."""
    text = " ".join(text.split())  # one line; Mermaid trims the ends anyway
    if not text:
        return '""'
    out = "".join(_ENTITIES.get(c, c) for c in text)
    for word, safe in _TRAPS.items():
        out = out.replace(word, safe)
    if _WRAP.match(out):
        out = f"#{ord(out.lstrip()[0])};{out.lstrip()[1:]}"
    return out


def _arrow_text(arrow: Arrow, lang: str | None) -> str:
    text = arrow.label(lang, more=False)
    if arrow.more and arrow.kind != "message":
        text += "  [" + " | ".join(arrow.more) + "]"
    if arrow.latency_ms is not None:
        text += f"  ({format_ms(arrow.latency_ms)})"
    return text


def _mark_text(mark: Mark) -> str:
    if mark.elapsed_ms is not None:
        return f"{mark.text} ({format_ms(mark.elapsed_ms)})"
    return mark.text


def mermaid(flow: Flow, *, lang: str | None = None) -> str:
    """A Mermaid ``sequenceDiagram``: one message per arrow, a note per mark,
    the encrypted part of the conversation on a green background."""
    out = [
        "sequenceDiagram",
        f"    participant {CLIENT_ID} as {mermaid_text(t('flow.client', lang))}",
        f"    participant {SERVER_ID} as "
        + mermaid_text(t("flow.server", lang, server=flow.server)),
    ]
    band = False
    for item in flow.items:
        if item.tls != band:
            out.append(f"    rect {TLS_BAND}" if item.tls else "    end")
            band = item.tls
        pad = "        " if band else "    "
        if isinstance(item, Mark):
            out.append(f"{pad}Note over {CLIENT_ID},{SERVER_ID}: {mermaid_text(_mark_text(item))}")
        elif item.from_client:
            out.append(f"{pad}{CLIENT_ID}->>{SERVER_ID}: {mermaid_text(_arrow_text(item, lang))}")
        else:
            failed = item.code is not None and item.code >= 400
            arrow = "--x" if failed else "-->>"
            out.append(
                f"{pad}{SERVER_ID}{arrow}{CLIENT_ID}: {mermaid_text(_arrow_text(item, lang))}"
            )
    if band:
        out.append("    end")
    return "\n".join(out) + "\n"


_MARKER = {
    (True, False): "C --> S",
    (True, True): "C ~~> S",
    (False, False): "C <-- S",
    (False, True): "C <~~ S",
}


def _cells(text: str) -> int:
    """Terminal cells of ``text`` (CJK characters take two), for aligning columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def plain_text(flow: Flow, *, lang: str | None = None, redacted: bool = True) -> str:
    """Two lanes as text: the phase, the direction (``~~`` inside TLS), the line."""
    head = [
        t("flow.export.title", lang, server=flow.server),
        t("flow.export.redacted" if redacted else "flow.export.unredacted", lang),
        "",
    ]
    width = max((_cells(t(f"flow.phase.{a.phase}", lang)) for a in flow.arrows), default=8)
    rows = []
    for item in flow.items:
        if isinstance(item, Mark):
            rows.append(f"{'':{width}}  ======= {_mark_text(item)}")
            continue
        phase = t(f"flow.phase.{item.phase}", lang)
        phase += " " * (width - _cells(phase))
        marker = _MARKER[(item.from_client, item.tls)]
        rows.append(f"{phase}  {marker}  {_arrow_text(item, lang)}")
    return "\n".join(head + rows) + "\n"


def export_mermaid(
    events: Iterable[ev.Event], *, redact: bool = True, lang: str | None = None
) -> str:
    """:func:`mermaid` of a session's events (redacted like the transcript export)."""
    return mermaid(build_flow(events, redact=redact), lang=lang)


def export_plain(
    events: Iterable[ev.Event], *, redact: bool = True, lang: str | None = None
) -> str:
    """:func:`plain_text` of a session's events (redacted like the transcript export)."""
    return plain_text(build_flow(events, redact=redact), lang=lang, redacted=redact)
