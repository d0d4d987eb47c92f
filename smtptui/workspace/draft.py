"""The composer's fields as values, and the rules they are checked by.

What the learner typed (:class:`ComposerFields`) and what is wrong with it
(:class:`Problem` per field), found with the same :mod:`smtptui.message` rules
the builder applies.  No widgets here, so the values and checks need no
running app.  A problem is a catalogue key and its values, not a sentence, so
the composer says it in the reader's language and places it by its field, never
by reading the words.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from smtptui.i18n import t
from smtptui.message.addresses import MessageError, parse_address_list, parse_header_line
from smtptui.units import format_bytes

if TYPE_CHECKING:
    from collections.abc import Callable

    from smtptui.message.build import MessageDraft
    from smtptui.profiles import Profile

_ADDRESS_FIELDS = ("from", "to", "cc", "bcc")
_TRIAL_SENDER = "sender@example.com"
_TRIAL_RECIPIENT = "recipient@example.com"
#: Catalogue keys of the notes under an empty subject or body.
EMPTY_SUBJECT = "message.note.empty_subject"
EMPTY_BODY = "message.note.empty_body"


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
    """One sentence under a field; ``level`` "error" blocks Send, "note" does
    not.  An error is the :class:`MessageError` the rules raised; a note is a
    catalogue key and its values."""

    key: str
    values: tuple[tuple[str, object], ...] = ()
    level: str = "error"
    error: MessageError | None = None

    @classmethod
    def of(cls, error: MessageError) -> Problem:
        return cls(error.key, level="error", error=error)

    @classmethod
    def note(cls, key: str, **values: object) -> Problem:
        return cls(key, tuple(values.items()), "note")

    def text(self, lang: str | None = "en") -> str:
        """The sentence in ``lang`` (an error starts with its field's name)."""
        if self.error is not None:
            return self.error.text(lang)
        return t(self.key, lang, **dict(self.values))


def _attachment_error(key: str, **values: object) -> Problem:
    return Problem.of(
        MessageError(f"message.error.attachment.{key}", field="attachments", **values)
    )


def check_attachment(path: Path) -> Problem:
    """Exists, is a file, is readable; otherwise one sentence saying which."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return _attachment_error("missing", path=path)
    except OSError as exc:
        return _attachment_error("unreachable", path=path, reason=exc.strerror or exc)
    if not path.is_file():
        return _attachment_error("not_file", path=path)
    if not os.access(path, os.R_OK):
        return _attachment_error("denied", path=path)
    return Problem.note("message.note.attachment", name=path.name, size=format_bytes(info.st_size))


def find_problems(values: ComposerFields, *, build: bool = True) -> dict[str, list[Problem]]:
    """Every field's problems, keyed by field (``from``, ``to`` … ``attachments``,
    and ``message`` for what belongs to no single field).

    ``build=False`` leaves out the one slow check, a trial build of the message
    (it loads the ``email`` package): the fields' own rules only, for a first
    drawing that is followed by the full check a moment later."""
    problems: dict[str, list[Problem]] = {}

    def add(key: str, problem: Problem) -> None:
        problems.setdefault(key, []).append(problem)

    valid: dict[str, str] = {}
    recipients = 0
    for key in _ADDRESS_FIELDS:
        text = getattr(values, "sender" if key == "from" else key)
        try:
            boxes = parse_address_list(text, field=key)
        except MessageError as exc:
            add(key, Problem.of(exc))
            continue
        if key == "from" and len(boxes) != 1:
            add(key, Problem.of(MessageError("message.error.one_sender_like", field="from")))
            continue
        valid[key] = text
        recipients += len(boxes) if key != "from" else 0
    if recipients == 0 and not any(k in problems for k in ("to", "cc", "bcc")):
        add("to", Problem.of(MessageError("message.error.no_recipient", field="to")))

    headers: list[tuple[str, str]] = []
    for line in values.header_lines():
        try:
            headers.append(parse_header_line(line))
        except MessageError as exc:
            add("headers", Problem.of(exc))

    for path in values.attachment_paths():
        add("attachments", check_attachment(path))

    if build:
        _trial_build(values, valid, headers, add)
    if not values.subject.strip() and "subject" not in problems:
        add("subject", Problem.note(EMPTY_SUBJECT))
    if not values.body.strip() and "body" not in problems:
        add("body", Problem.note(EMPTY_BODY))
    return problems


def _trial_build(
    values: ComposerFields,
    valid: dict[str, str],
    headers: list[tuple[str, str]],
    add: Callable[[str, Problem], None],
) -> None:
    """Everything else the builder checks (control characters, header rules,
    encoding) is found by building the message once, without attachments,
    with stand-in addresses where the user's are still wrong."""
    from smtptui.message.build import MessageDraft, build_message

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
        if exc.field in ("subject", "body"):
            add(exc.field, Problem.of(exc))
        elif values.header_lines():
            add("headers", Problem.of(exc))
        else:
            add("message", Problem.of(exc))


def blocking(problems: dict[str, list[Problem]]) -> list[Problem]:
    return [p for group in problems.values() for p in group if p.level == "error"]


def message_draft(
    values: ComposerFields, *, date: datetime | None, message_id: str | None
) -> MessageDraft:
    """The draft the builder turns into the message; ``date`` and
    ``message_id`` are None for now and a fresh one."""
    from smtptui.message.build import MessageDraft

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
