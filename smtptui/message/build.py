"""Building correct RFC 5322 messages from what the user wants to send.

The builder exists so a test mail never arrives broken: no injected headers, no
raw 8-bit bytes where a server expects 7-bit, no missing Subject or body.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email import policy as email_policy
from email.header import Header
from email.headerregistry import Address, UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from smtptui.message.addresses import (
    MessageError,
    check_value,
    is_internationalised,
    parse_address_list,
    parse_header_line,
)
from smtptui.message.received import html_to_text
from smtptui.protocol.envelope import Envelope

#: Policy for ASCII mail: RFC 2047 headers, CRLF, folded at 78, bodies QP/base64.
POLICY_7BIT = email_policy.SMTP.clone(cte_type="7bit")
#: Policy when an address needs SMTPUTF8 (RFC 6531/6532): raw UTF-8 headers.
POLICY_UTF8 = email_policy.SMTPUTF8

_PLAIN_NAME = re.compile(r"[\w !#$%&'*+/=?^`{|}~.-]*")
_BUILDER_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}
_REPLACEABLE = {"from", "to", "cc", "reply-to", "subject", "date", "message-id"}
DEFAULT_BODY = "This is a test message sent by smtptui.\n"


AddressField = str | list[str] | None


@dataclass
class MessageDraft:
    """What the user wants to send.  Address fields take a string, a list of
    strings or None; each string may be ``Name <a@b>`` or a comma-separated list.  ``date`` and ``message_id`` are injectable so
    tests and screenshots are deterministic."""

    from_: str = ""
    to: AddressField = field(default_factory=list)
    cc: AddressField = field(default_factory=list)
    bcc: AddressField = field(default_factory=list)
    reply_to: AddressField = field(default_factory=list)
    subject: str | None = None
    body: str | None = None
    html: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[str | Path] = field(default_factory=list)
    date: datetime | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class BuiltMessage:
    """A message ready for DATA: CRLF line ends, not yet dot-stuffed.

    ``needs_smtputf8``: an address is internationalised (send ``SMTPUTF8``).
    ``eight_bit``: the bytes are not all ASCII (send ``BODY=8BITMIME``).
    """

    data: bytes
    envelope: Envelope
    needs_smtputf8: bool
    eight_bit: bool
    subject: str | None
    message_id: str
    date: str
    attachments: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.data)


def _as_items(value: str | Iterable[str] | None, field: str) -> list[tuple[str, str]]:
    values = [] if value is None else [value] if isinstance(value, str) else list(value)
    return [box for v in values for box in parse_address_list(v, field=field)]


def _format_mailboxes(boxes: list[tuple[str, str]]) -> str | list[Address]:
    """Header value for mailboxes: ``Address`` objects (the email package then
    RFC 2047-encodes names) unless a local part is non-ASCII, which ``Address``
    refuses; then a plain string for the SMTPUTF8 policy."""
    if all(addr.isascii() for _, addr in boxes):
        return [Address(display_name=name, addr_spec=addr) for name, addr in boxes]
    parts = []
    for name, addr in boxes:
        if not name:
            parts.append(addr)
            continue
        if not _PLAIN_NAME.fullmatch(name):
            name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(f"{name} <{addr}>")
    return ", ".join(parts)


def _set_unstructured(msg: EmailMessage, name: str, value: str) -> None:
    """Set a free-text header so that it decodes back to exactly ``value``.

    The stdlib folder can put the space between two RFC 2047 encoded-words
    outside them, where decoders must drop it (long CJK subjects lose spaces);
    when that would happen the value is encoded with ``email.header.Header``,
    which keeps every character inside the encoded-words.
    """
    if value.isascii() or msg.policy.utf8:
        msg[name] = value
        return
    folded = msg.policy.header_factory(name, value).fold(policy=msg.policy)
    raw = folded.split(":", 1)[1].strip()
    if str(email_policy.default.header_fetch_parse(name, raw)) == value:
        msg[name] = value
        return
    encoded = Header(value, "utf-8", header_name=name).encode(linesep="\r\n", maxlinelen=78)
    msg.set_raw(name, encoded)


def _message_id(draft: MessageDraft, sender: str) -> str:
    if draft.message_id is None:
        domain = sender.rpartition("@")[2]
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            domain = "smtptui.invalid"
        return make_msgid(domain=domain)
    check_value("message_id", draft.message_id)
    mid = draft.message_id.strip()
    if not mid.startswith("<"):
        mid = f"<{mid}>"
    if not re.fullmatch(r"<[^<>\s@]+@[^<>\s@]+>", mid) or not mid.isascii():
        raise MessageError("message.error.message_id", field="message_id", mid=mid)
    return mid


def _guess_type(path: Path) -> tuple[str, str]:
    ctype, encoding = mimetypes.guess_type(path.name)
    if encoding is not None:
        ctype = {
            "gzip": "application/gzip",
            "bzip2": "application/x-bzip2",
            "xz": "application/x-xz",
        }.get(encoding, "application/octet-stream")
    maintype, _, subtype = (ctype or "application/octet-stream").partition("/")
    return maintype, subtype


def _headers(
    draft: MessageDraft,
    boxes: dict[str, list[tuple[str, str]]],
    subject: str | None,
    date_text: str,
    message_id: str,
) -> list[tuple[str, object]]:
    """The message's header fields in order: generated ones, replaced or extended
    by the draft's extra headers (which may not smuggle in Bcc or MIME fields)."""
    fields: dict[str, tuple[str, object]] = {}
    for name in ("From", "To", "Cc", "Reply-To"):
        if boxes[name]:
            fields[name.lower()] = (name, _format_mailboxes(boxes[name]))
    if subject is not None:
        fields["subject"] = ("Subject", subject)
    fields["date"] = ("Date", date_text)
    fields["message-id"] = ("Message-ID", message_id)
    extras: list[tuple[str, object]] = []
    for name, value in draft.headers:
        name, value = parse_header_line(f"{name}: {value}")
        key = name.lower()
        if key == "bcc":
            raise MessageError("message.error.header.bcc", field="headers", name="Bcc")
        if key in _BUILDER_HEADERS:
            raise MessageError("message.error.header.builder", field="headers", name=name)
        if key in _REPLACEABLE:
            fields[key] = (name, value)
        else:
            extras.append((name, value))
    return [*fields.values(), *extras]


def _add_content(msg: EmailMessage, draft: MessageDraft, fill_defaults: bool) -> list[str]:
    """Body, optional HTML alternative and attachments; returns attachment names."""
    body = draft.body
    if body is not None:
        _check_body("body", body)
    if fill_defaults and not (body and body.strip()):
        body = html_to_text(draft.html) if draft.html else DEFAULT_BODY
    msg.set_content(body or "")
    if draft.html is not None:
        _check_body("html", draft.html)
        msg.add_alternative(draft.html, subtype="html")
    names = []
    for item in draft.attachments:
        path = Path(item)
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise MessageError(
                "message.error.attachment.unreadable",
                field="attachments",
                path=path,
                reason=exc.strerror or exc,
            ) from exc
        maintype, subtype = _guess_type(path)
        msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=path.name)
        names.append(path.name)
    for part in msg.iter_parts():
        del part["MIME-Version"]  # the email package repeats it in every part
    return names


def build_message(draft: MessageDraft, *, fill_defaults: bool = True) -> BuiltMessage:
    """Turn ``draft`` into wire-ready bytes and its envelope, or raise
    ``MessageError`` naming the field.

    With ``fill_defaults`` a missing subject becomes ``smtptui test <date>`` and
    a missing body a short test text, as swaks does, so a test mail never
    arrives blank.  Bcc recipients go into the envelope only.
    """
    boxes = {
        name: _as_items(value, field)
        for name, field, value in (
            ("From", "from", draft.from_),
            ("To", "to", draft.to),
            ("Cc", "cc", draft.cc),
            ("Bcc", "bcc", draft.bcc),
            ("Reply-To", "reply_to", draft.reply_to),
        )
    }
    if len(boxes["From"]) != 1:
        raise MessageError("message.error.one_sender", field="from")
    sender = boxes["From"][0][1]
    recipients: dict[str, str] = {}
    for _, addr in boxes["To"] + boxes["Cc"] + boxes["Bcc"]:
        local, _, domain = addr.rpartition("@")
        recipients.setdefault(f"{local}@{domain.lower()}", addr)
    if not recipients:
        raise MessageError("message.error.no_recipient", field="to")
    needs_utf8 = any(is_internationalised(a) for group in boxes.values() for _, a in group)
    msg = EmailMessage(policy=POLICY_UTF8 if needs_utf8 else POLICY_7BIT)

    when = draft.date or datetime.now()
    if when.tzinfo is None:  # naive means local time; keep an explicit zone as given
        when = when.astimezone()
    date_text = format_datetime(when)
    subject = draft.subject
    if subject is not None:
        check_value("subject", subject)
    if fill_defaults and not (subject and subject.strip()):
        subject = f"smtptui test {date_text}"
    message_id = _message_id(draft, sender)
    for name, value in _headers(draft, boxes, subject, date_text, message_id):
        if isinstance(value, str) and issubclass(
            msg.policy.header_factory[name], UnstructuredHeader
        ):
            _set_unstructured(msg, name, value)
        else:
            msg[name] = value
    names = _add_content(msg, draft, fill_defaults)
    try:
        data = msg.as_bytes()
    except (ValueError, UnicodeError, TypeError) as exc:
        raise MessageError("message.error.encode", error=exc) from exc
    return BuiltMessage(
        data=data,
        envelope=Envelope(sender=sender, recipients=tuple(recipients.values())),
        needs_smtputf8=needs_utf8,
        eight_bit=not data.isascii(),
        subject=None if msg["Subject"] is None else str(msg["Subject"]),
        message_id=message_id,
        date=date_text,
        attachments=tuple(names),
    )


def _check_body(field: str, text: str) -> None:
    if "\x00" in text:
        raise MessageError("message.error.nul", field=field)
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise MessageError("message.error.surrogate", field=field)
