"""One received message as a learner should see it: subject, sender,
recipients (the envelope's and the headers'), the body, and what is wrong
with it — the demo inbox in a card, so two can stand side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from smtptui.i18n import has, t
from smtptui.protocol.text import escape_text

if TYPE_CHECKING:
    from smtptui.server import ReceivedMessage

__all__ = ["FIELDS", "MessageCard", "card_text"]

BODY_LINES = 4


FIELDS = ("subject", "from", "to", "envelope", "body", "problems")


def card_text(
    message: ReceivedMessage,
    lang: str = "en",
    *,
    title: str = "",
    fields: tuple[str, ...] = FIELDS,
) -> Text:
    """The card's text (see the module docstring); ``fields`` chooses what it
    shows, in its own order."""

    def label(key: str) -> str:
        return t(f"lesson.ui.inbox.{key}", lang)

    out = Text()
    if title:
        out.append(title + "\n", "bold")
    summary = message.summary
    if "subject" in fields:
        out.append(f"{label('subject')}: ", "dim")
        if summary.subject:
            out.append(escape_text(summary.subject) + "\n", "bold")
        else:
            out.append(label("no_subject") + "\n", "bold red")
    if "from" in fields:
        out.append(f"{label('from')}: ", "dim")
        out.append(escape_text(summary.from_ or label("none")) + "\n")
    if "to" in fields:
        out.append(f"{label('to')}: ", "dim")
        out.append(escape_text(summary.to or label("none")) + "\n")
    if "envelope" in fields:
        out.append(f"{label('envelope')}: ", "dim")
        cc = summary.header("cc")
        named = f"{summary.to or ''} {cc or ''}".lower()
        for i, rcpt in enumerate(message.rcpt_tos):
            if i:
                out.append(", ")
            hidden = bool(summary.to or cc) and rcpt.lower() not in named
            out.append(rcpt, "bold yellow" if hidden else "")
            if hidden:
                out.append(f" ({label('hidden')})", "yellow")
        out.append("\n")
    if "body" in fields:
        out.append(f"{label('body')}:\n", "dim")
        body = [escape_text(line) for line in summary.body.splitlines()] or [label("empty_body")]
        for line in body[:BODY_LINES]:
            out.append("  " + line + "\n")
        if len(body) > BODY_LINES:
            out.append("  …\n", "dim")
    problems = [d for d in summary.defects if d.code in _SHOWN]
    if "problems" in fields and problems:
        out.append(f"{label('problems')}:\n", "bold red")
        for defect in problems:
            key = f"defect.{defect.code}"
            out.append("  • " + (t(key, lang) if has(key) else defect.text) + "\n", "red")
    out.rstrip()
    return out


#: The defects a lesson is about (Date and Message-ID are the client's job,
#: and would drown the point).
_SHOWN = {
    "missing-blank-line",
    "headers-only",
    "no-subject",
    "empty-subject",
    "empty-body",
    "no-from",
}


class MessageCard(Static):
    """A :class:`~smtptui.server.ReceivedMessage` as a card."""

    DEFAULT_CSS = """
    MessageCard {
        height: auto;
        border: round $panel-lighten-2;
        padding: 0 1;
    }
    """

    def __init__(
        self,
        message: ReceivedMessage,
        *,
        lang: str = "en",
        title: str = "",
        fields: tuple[str, ...] = FIELDS,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            card_text(message, lang, title=title, fields=fields), id=id, classes=classes
        )
        self.message = message
