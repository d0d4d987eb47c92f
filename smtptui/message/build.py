"""Building correct RFC 5322 messages, and reading received ones back.

The builder exists so a test mail never arrives broken: no injected headers, no
raw 8-bit bytes where a server expects 7-bit, no missing Subject or body.  The
reader exists for the other side — the demo server — to show a learner what
arrived *and* what is wrong with it (no blank line after the headers, bare LFs,
8-bit bytes without MIME headers...).  Only the stdlib ``email`` package is used.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email import policy as email_policy
from email.header import Header
from email.headerregistry import Address, UnstructuredHeader
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

from smtptui.protocol.envelope import Envelope

__all__ = [
    "Attachment",
    "BuiltMessage",
    "Defect",
    "Envelope",
    "MessageDraft",
    "MessageError",
    "ReceivedSummary",
    "build_message",
    "is_internationalised",
    "parse_address_list",
    "parse_header_line",
    "parse_mailbox",
    "parse_received",
    "validate_address",
]

#: Policy for ASCII mail: RFC 2047 headers, CRLF, folded at 78, bodies QP/base64.
POLICY_7BIT = email_policy.SMTP.clone(cte_type="7bit")
#: Policy when an address needs SMTPUTF8 (RFC 6531/6532): raw UTF-8 headers.
POLICY_UTF8 = email_policy.SMTPUTF8

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FIELD_NAME_RE = re.compile(r"[\x21-\x39\x3b-\x7e]+")
_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
_DOT_ATOM_ASCII = re.compile(rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*")
_DOT_ATOM_UTF8 = re.compile(rf"(?:[{_ATEXT}]|[^\x00-\x7f])+(?:\.(?:[{_ATEXT}]|[^\x00-\x7f])+)*")
_QUOTED_LOCAL = re.compile(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|[^\x00-\x7f]|\\[\x20-\x7e])*"')
_LABEL_ASCII = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_LABEL_UTF8 = re.compile(r"[\w](?:[\w-]*[\w])?")
_PLAIN_NAME = re.compile(r"[\w !#$%&'*+/=?^`{|}~.-]*")
_BUILDER_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}
_REPLACEABLE = {"from", "to", "cc", "reply-to", "subject", "date", "message-id"}
DEFAULT_BODY = "This is a test message sent by smtptui.\n"


class MessageError(ValueError):
    """A draft that cannot become a correct message; ``str()`` is one sentence
    that starts with the field at fault (``Subject: ...``)."""


def _check_value(field_name: str, value: str) -> None:
    """Refuse line breaks (header injection) and other control characters."""
    if "\r" in value or "\n" in value:
        raise MessageError(
            f"{field_name}: contains a line break (CR/LF), which would let it inject headers"
        )
    if m := _CONTROL_RE.search(value):
        raise MessageError(
            f"{field_name}: contains the control character {m.group()!r}, "
            "which mail software would mangle"
        )


def is_internationalised(addr: str) -> bool:
    """True when ``addr`` has non-ASCII characters, so sending it needs SMTPUTF8."""
    return not addr.isascii()


def validate_address(addr: str, *, allow_utf8: bool = True, field_name: str = "Address") -> str:
    """Check that ``addr`` is an RFC 5321 mailbox (``local@domain``; angle
    brackets allowed) and return the bare addr-spec, or raise ``MessageError``.

    Non-ASCII addresses (RFC 6531) are accepted unless ``allow_utf8`` is false,
    because they only work with servers that offer SMTPUTF8.
    """
    _check_value(field_name, addr)
    spec = addr.strip()
    if spec.startswith("<") and spec.endswith(">"):
        spec = spec[1:-1].strip()
    example = "an address looks like name@example.com"
    if not spec:
        raise MessageError(f"{field_name}: is empty; {example}")
    local, at, domain = spec.rpartition("@")
    if not at:
        raise MessageError(f"{field_name}: {spec!r} has no @; {example}")
    if not local:
        raise MessageError(f"{field_name}: {spec!r} has nothing before the @; {example}")
    if not domain:
        raise MessageError(f"{field_name}: {spec!r} has no domain after the @; {example}")
    if not allow_utf8 and is_internationalised(spec):
        raise MessageError(
            f"{field_name}: {spec!r} contains non-ASCII characters, "
            "which needs a server that offers SMTPUTF8"
        )
    dot_atom = _DOT_ATOM_UTF8 if allow_utf8 else _DOT_ATOM_ASCII
    if not (dot_atom.fullmatch(local) or _QUOTED_LOCAL.fullmatch(local)):
        raise MessageError(
            f"{field_name}: the part before the @ in {spec!r} has characters that need quoting "
            "or dots in the wrong place"
        )
    if len(local.encode()) > 64 or len(spec.encode()) > 254:
        raise MessageError(f"{field_name}: {spec!r} is longer than SMTP allows (64/254 octets)")
    if not _valid_domain(domain):
        raise MessageError(f"{field_name}: {domain!r} is not a valid domain name or [IP] literal")
    return spec


def _valid_domain(domain: str) -> bool:
    if domain.startswith("[") and domain.endswith("]"):
        literal = domain[1:-1]
        if literal[:5].lower() == "ipv6:":
            literal = literal[5:]
        try:
            ipaddress.ip_address(literal)
        except ValueError:
            return False
        return True
    labels = domain.split(".")
    if len(domain.encode()) > 253:
        return False
    return all(
        (_LABEL_ASCII if label.isascii() else _LABEL_UTF8).fullmatch(label) for label in labels
    )


def parse_mailbox(
    text: str, *, allow_utf8: bool = True, field_name: str = "Address"
) -> tuple[str, str]:
    """Split ``Name <addr>`` (or a bare address) into ``(display name, addr-spec)``.

    The name may be quoted; it may contain any printable Unicode.
    """
    _check_value(field_name, text)
    m = re.fullmatch(r"\s*(.*?)\s*<([^<>]*)>\s*", text)
    if m is None:
        return "", validate_address(text, allow_utf8=allow_utf8, field_name=field_name)
    name = m.group(1)
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = re.sub(r"\\(.)", r"\1", name[1:-1])
    return name, validate_address(m.group(2), allow_utf8=allow_utf8, field_name=field_name)


def parse_address_list(
    text: str, *, allow_utf8: bool = True, field_name: str = "Address"
) -> list[tuple[str, str]]:
    """Parse ``a@x, "Doe, J" <j@y>`` into mailboxes; commas inside quotes or
    angle brackets do not split.  Empty items are skipped."""
    items: list[str] = []
    current, quoted, angle = [], False, False
    for i, ch in enumerate(text):
        if ch == '"' and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and ch in "<>":
            angle = ch == "<"
        elif ch == "," and not quoted and not angle:
            items.append("".join(current))
            current = []
            continue
        current.append(ch)
    items.append("".join(current))
    return [
        parse_mailbox(item, allow_utf8=allow_utf8, field_name=field_name)
        for item in items
        if item.strip()
    ]


def parse_header_line(line: str) -> tuple[str, str]:
    """Parse ``"X-Foo: bar"`` into ``("X-Foo", "bar")``, checking the field name
    (RFC 5322 ftext: printable ASCII except colon) and refusing CR/LF."""
    _check_value("Header", line)
    name, colon, value = line.partition(":")
    if not colon:
        raise MessageError(f"Header: {line!r} has no colon; write it as 'Name: value'")
    if not _FIELD_NAME_RE.fullmatch(name):
        raise MessageError(
            f"Header: the field name {name!r} may only contain printable ASCII "
            "without spaces or colons"
        )
    return name, value.strip()


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


def _as_items(value: str | Iterable[str] | None, field_name: str) -> list[tuple[str, str]]:
    values = [] if value is None else [value] if isinstance(value, str) else list(value)
    return [box for v in values for box in parse_address_list(v, field_name=field_name)]


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
    _check_value("Message-ID", draft.message_id)
    mid = draft.message_id.strip()
    if not mid.startswith("<"):
        mid = f"<{mid}>"
    if not re.fullmatch(r"<[^<>\s@]+@[^<>\s@]+>", mid) or not mid.isascii():
        raise MessageError(f"Message-ID: {mid!r} should look like <unique@domain>")
    return mid


def _guess_type(path: Path) -> tuple[str, str]:
    ctype, encoding = mimetypes.guess_type(path.name)
    if encoding is not None:
        ctype = {"gzip": "application/gzip", "bzip2": "application/x-bzip2",
                 "xz": "application/x-xz"}.get(encoding, "application/octet-stream")
    maintype, _, subtype = (ctype or "application/octet-stream").partition("/")
    return maintype, subtype


def _headers(
    draft: MessageDraft, boxes: dict[str, list[tuple[str, str]]], subject: str | None,
    date_text: str, message_id: str,
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
            raise MessageError("Bcc: is never written into the message; use the Bcc field")
        if key in _BUILDER_HEADERS:
            raise MessageError(f"{name}: is set by the builder from the body and attachments")
        if key in _REPLACEABLE:
            fields[key] = (name, value)
        else:
            extras.append((name, value))
    return [*fields.values(), *extras]


def _add_content(msg: EmailMessage, draft: MessageDraft, fill_defaults: bool) -> list[str]:
    """Body, optional HTML alternative and attachments; returns attachment names."""
    body = draft.body
    if body is not None:
        _check_body("Body", body)
    if fill_defaults and not (body and body.strip()):
        body = html_to_text(draft.html) if draft.html else DEFAULT_BODY
    msg.set_content(body or "")
    if draft.html is not None:
        _check_body("HTML", draft.html)
        msg.add_alternative(draft.html, subtype="html")
    names = []
    for item in draft.attachments:
        path = Path(item)
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise MessageError(f"Attachment: cannot read {path}: {exc.strerror}") from exc
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
        name: _as_items(value, name)
        for name, value in (("From", draft.from_), ("To", draft.to), ("Cc", draft.cc),
                            ("Bcc", draft.bcc), ("Reply-To", draft.reply_to))
    }
    if len(boxes["From"]) != 1:
        raise MessageError("From: give exactly one sender address")
    sender = boxes["From"][0][1]
    recipients: dict[str, str] = {}
    for _, addr in boxes["To"] + boxes["Cc"] + boxes["Bcc"]:
        local, _, domain = addr.rpartition("@")
        recipients.setdefault(f"{local}@{domain.lower()}", addr)
    if not recipients:
        raise MessageError("To: at least one recipient is needed (To, Cc or Bcc)")
    needs_utf8 = any(is_internationalised(a) for group in boxes.values() for _, a in group)
    msg = EmailMessage(policy=POLICY_UTF8 if needs_utf8 else POLICY_7BIT)

    when = draft.date or datetime.now()
    if when.tzinfo is None:  # naive means local time; keep an explicit zone as given
        when = when.astimezone()
    date_text = format_datetime(when)
    subject = draft.subject
    if subject is not None:
        _check_value("Subject", subject)
    if fill_defaults and not (subject and subject.strip()):
        subject = f"smtptui test {date_text}"
    message_id = _message_id(draft, sender)
    for name, value in _headers(draft, boxes, subject, date_text, message_id):
        if isinstance(value, str) and issubclass(msg.policy.header_factory[name],
                                                 UnstructuredHeader):
            _set_unstructured(msg, name, value)
        else:
            msg[name] = value
    names = _add_content(msg, draft, fill_defaults)
    try:
        data = msg.as_bytes()
    except (ValueError, UnicodeError, TypeError) as exc:
        raise MessageError(f"Message: cannot be encoded ({exc})") from exc
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


def _check_body(field_name: str, text: str) -> None:
    if "\x00" in text:
        raise MessageError(f"{field_name}: contains a NUL character, which SMTP cannot carry")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise MessageError(f"{field_name}: contains text that is not valid Unicode (a surrogate)")


# --- the received side ---------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    """A part of a received message that is a file, not body text."""

    filename: str | None
    content_type: str
    size: int


@dataclass(frozen=True)
class Defect:
    """Something wrong with a received message that a learner should see.

    ``code`` is stable (for translations and tests); ``text`` is one English sentence.
    """

    code: str
    text: str


@dataclass(frozen=True)
class ReceivedSummary:
    """What a received message says, decoded, and what is wrong with it."""

    subject: str | None
    from_: str | None
    to: str | None
    date: datetime | None
    message_id: str | None
    headers: tuple[tuple[str, str], ...]
    body: str
    attachments: tuple[Attachment, ...]
    defects: tuple[Defect, ...]

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (any case), decoded, or None."""
        key = name.lower()
        return next((v for n, v in self.headers if n.lower() == key), None)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML body: tags dropped, scripts and styles skipped."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = re.sub(r"[ \t]+", " ", "".join(extractor.parts))
    return re.sub(r"\n\s*\n+", "\n\n", text).strip() + "\n"


def _decode_header(name: str, raw: str) -> str:
    try:
        return str(email_policy.default.header_fetch_parse(name, raw))
    except Exception:  # malformed headers must not stop the summary
        return raw.encode("ascii", "surrogateescape").decode("utf-8", "replace")


def _part_text(part: EmailMessage) -> str:
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", "replace")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return text.replace("\r\n", "\n")


#: Defect code -> the sentence a learner sees.  Codes are stable for translations.
DEFECT_TEXT: dict[str, str] = {
    "missing-blank-line": "A line that is not a header came before the empty line that ends "
    "the headers, so the body started there; put an empty line between headers and body.",
    "headers-only": "No empty line separates the headers from the body, so every line was "
    "read as a header and the body is empty.",
    "bare-lf": "Some lines end in a bare LF instead of CRLF (RFC 5321 §2.3.8); many servers "
    "reject or rewrite such mail.",
    "8bit-without-mime": "The body has 8-bit bytes but no MIME headers (MIME-Version, "
    "Content-Type charset) say how to read them.",
    "8bit-header": "Headers contain raw 8-bit bytes but the sender did not use SMTPUTF8; "
    "they should be RFC 2047 encoded-words.",
    "invalid-date": "The Date header cannot be parsed.",
    "no-from": "There is no From header (RFC 5322 requires one).",
    "no-subject": "There is no Subject header; mail readers show '(no subject)'.",
    "empty-subject": "The Subject header is empty.",
    "no-date": "There is no Date header (RFC 5322 requires one).",
    "no-message-id": "There is no Message-ID header; replies and duplicate detection rely on it.",
    "empty-body": "The message body is empty.",
}


def _defect(code: str) -> Defect:
    return Defect(code, DEFECT_TEXT[code])


def _wire_defects(data: bytes, msg: EmailMessage, smtputf8: bool | None) -> list[Defect]:
    """Defects visible only in the raw bytes or the parser's own findings."""
    found: list[Defect] = []
    sep = re.search(rb"(?:^|\r?\n)\r?\n", data)
    head, body = (data[: sep.start()], data[sep.end() :]) if sep else (data, b"")
    parser_defects = [d for part in msg.walk() for d in part.defects]
    missing_sep = [d for d in parser_defects if type(d).__name__ == "MissingHeaderBodySeparatorDefect"]
    if missing_sep:
        found.append(_defect("missing-blank-line"))
    elif sep is None and data.strip():
        found.append(_defect("headers-only"))
    if re.search(rb"(?<!\r)\n", data):
        found.append(_defect("bare-lf"))
    if not body.isascii() and ("MIME-Version" not in msg or not any(msg.get_charsets())):
        found.append(_defect("8bit-without-mime"))
    if smtputf8 is False and not head.isascii():
        found.append(_defect("8bit-header"))
    for d in parser_defects:
        if d not in missing_sep:
            doc = (type(d).__doc__ or type(d).__name__).strip().splitlines()[0]
            found.append(Defect("malformed", f"The mail parser found a problem: {doc}"))
    return found


def parse_received(data: bytes, *, smtputf8: bool | None = None) -> ReceivedSummary:
    """Decode a received message for display and list its defects.

    Never raises on malformed input: whatever is wrong becomes a ``Defect``.
    ``smtputf8`` says whether the sender used SMTPUTF8 (None: unknown); when it
    is false, raw 8-bit headers are reported too.
    """
    msg = BytesParser(policy=email_policy.default).parsebytes(data)
    assert isinstance(msg, EmailMessage)
    header_list = tuple((n, _decode_header(n, v)) for n, v in msg.raw_items())
    first: dict[str, str] = {}
    for name, value in header_list:
        first.setdefault(name.lower(), value)
    body, html, attachments = None, None, []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if part.is_attachment() or part.get_filename() or part.get_content_maintype() != "text":
            payload = part.get_payload(decode=True) or b""
            attachments.append(Attachment(part.get_filename(), ctype, len(payload)))
        elif ctype == "text/plain" and body is None:
            body = _part_text(part)
        elif ctype == "text/html" and html is None:
            html = _part_text(part)
    text = body if body is not None else html_to_text(html) if html is not None else ""
    defects = _wire_defects(data, msg, smtputf8)
    date = None
    if "date" in first:
        try:
            date = parsedate_to_datetime(first["date"])
        except (TypeError, ValueError):
            defects.append(_defect("invalid-date"))
    for key in ("from", "subject", "date", "message-id"):
        if key not in first:
            defects.append(_defect(f"no-{key}"))
    if "subject" in first and not first["subject"].strip():
        defects.append(_defect("empty-subject"))
    if not text.strip() and not attachments:
        defects.append(_defect("empty-body"))
    return ReceivedSummary(
        subject=first.get("subject"),
        from_=first.get("from"),
        to=first.get("to"),
        date=date,
        message_id=first.get("message-id"),
        headers=header_list,
        body=text,
        attachments=tuple(attachments),
        defects=tuple(defects),
    )
