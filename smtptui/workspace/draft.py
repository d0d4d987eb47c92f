"""The composer's fields as values, and the rules they are checked by.

What the learner typed (:class:`ComposerFields`) and what is wrong with it
(:class:`Problem` per field), found with the same :mod:`smtptui.message` rules
the builder applies.  No widgets here, so the values and checks need no
running app.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from smtptui.message import (
    MessageDraft,
    MessageError,
    build_message,
    parse_address_list,
    parse_header_line,
)
from smtptui.units import format_bytes

if TYPE_CHECKING:
    from smtptui.profiles import Profile

_ADDRESS_FIELDS = {"from": "From", "to": "To", "cc": "Cc", "bcc": "Bcc"}
_TRIAL_SENDER = "sender@example.com"
_TRIAL_RECIPIENT = "recipient@example.com"
EMPTY_SUBJECT = "empty: smtptui will use a test subject"
EMPTY_BODY = "empty: smtptui will send a short test text"


@dataclass(frozen=True)
class ComposerFields:
    """The composer's text, as typed (one profile's draft)."""

    sender: str = ""
    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    body: str = ""
    headers: str = ""
    attachments: str = ""

    @classmethod
    def from_profile(cls, profile: Profile) -> ComposerFields:
        m = profile.message
        return cls(
            sender=m.sender or "",
            to=", ".join(m.to),
            cc=", ".join(m.cc),
            subject=m.subject or "",
            body=m.body or "",
        )

    def header_lines(self) -> list[str]:
        return [line for line in self.headers.splitlines() if line.strip()]

    def attachment_paths(self) -> list[Path]:
        return [Path(p.strip()).expanduser() for p in self.attachments.split(";") if p.strip()]


@dataclass(frozen=True)
class Problem:
    """One sentence under a field; ``level`` "error" blocks Send, "note" does not."""

    text: str
    level: str = "error"


def check_attachment(path: Path) -> Problem:
    """Exists, is a file, is readable; otherwise one sentence saying which."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return Problem(f"Attachment: no file at {path}")
    except OSError as exc:
        return Problem(f"Attachment: cannot look at {path}: {exc.strerror}")
    if not path.is_file():
        return Problem(f"Attachment: {path} is not a regular file")
    if not os.access(path, os.R_OK):
        return Problem(f"Attachment: {path} is not readable (permission denied)")
    return Problem(f"{path.name} {format_bytes(info.st_size)}", "note")


def find_problems(values: ComposerFields) -> dict[str, list[Problem]]:
    """Every field's problems, keyed by field (``from``, ``to`` … ``attachments``,
    and ``message`` for what belongs to no single field)."""
    problems: dict[str, list[Problem]] = {}

    def add(key: str, problem: Problem) -> None:
        problems.setdefault(key, []).append(problem)

    valid: dict[str, str] = {}
    recipients = 0
    for key, label in _ADDRESS_FIELDS.items():
        text = getattr(values, "sender" if key == "from" else key)
        try:
            boxes = parse_address_list(text, field_name=label)
        except MessageError as exc:
            add(key, Problem(str(exc)))
            continue
        if key == "from" and len(boxes) != 1:
            add(key, Problem("From: give exactly one sender address, like you@example.com"))
            continue
        valid[key] = text
        recipients += len(boxes) if key != "from" else 0
    if recipients == 0 and not any(k in problems for k in ("to", "cc", "bcc")):
        add("to", Problem("To: at least one recipient is needed (To, Cc or Bcc)"))

    headers: list[tuple[str, str]] = []
    for line in values.header_lines():
        try:
            headers.append(parse_header_line(line))
        except MessageError as exc:
            add("headers", Problem(str(exc)))

    for path in values.attachment_paths():
        add("attachments", check_attachment(path))

    # Everything else the builder checks (control characters, header rules,
    # encoding) is found by building the message once, without attachments,
    # with stand-in addresses where the user's are still wrong.
    trial = MessageDraft(
        from_=valid.get("from", _TRIAL_SENDER),
        to=valid.get("to", ""),
        cc=valid.get("cc", ""),
        bcc=[valid.get("bcc", ""), _TRIAL_RECIPIENT],
        subject=values.subject,
        body=values.body,
        headers=headers,
        date=datetime(2000, 1, 1).astimezone(),
        message_id="<trial@smtptui.invalid>",
    )
    try:
        build_message(trial)
    except MessageError as exc:
        text = str(exc)
        field = text.partition(":")[0].strip().lower()
        if field in ("subject", "body"):
            add(field, Problem(text))
        elif values.header_lines():
            add("headers", Problem(text))
        else:
            add("message", Problem(text))
    if not values.subject.strip() and "subject" not in problems:
        add("subject", Problem(EMPTY_SUBJECT, "note"))
    if not values.body.strip() and "body" not in problems:
        add("body", Problem(EMPTY_BODY, "note"))
    return problems


def blocking(problems: dict[str, list[Problem]]) -> list[Problem]:
    return [p for group in problems.values() for p in group if p.level == "error"]


def message_draft(
    values: ComposerFields, *, date: datetime | None, message_id: str | None
) -> MessageDraft:
    """The draft the builder turns into the message; ``date`` and
    ``message_id`` are None for now and a fresh one."""
    return MessageDraft(
        from_=values.sender,
        to=values.to,
        cc=values.cc,
        bcc=values.bcc,
        subject=values.subject,
        body=values.body,
        headers=[parse_header_line(line) for line in values.header_lines()],
        attachments=list(values.attachment_paths()),
        date=date,
        message_id=message_id,
    )


def envelope_addresses(values: ComposerFields) -> tuple[str, list[str]]:
    """MAIL FROM and RCPT TO addresses as typed so far; what cannot be parsed
    yet is left out."""
    sender = ""
    try:
        boxes = parse_address_list(values.sender)
        sender = boxes[0][1] if boxes else ""
    except MessageError:
        sender = values.sender.strip()
    recipients: list[str] = []
    for key in ("to", "cc", "bcc"):
        try:
            boxes = parse_address_list(getattr(values, key))
        except MessageError:
            continue
        recipients.extend(addr for _, addr in boxes if addr not in recipients)
    return sender, recipients
