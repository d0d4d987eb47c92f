"""Reading a received message back, for the demo server to show a learner.

It shows what arrived *and* what is wrong with it (no blank line after the
headers, bare LFs, 8-bit bytes without MIME headers...) instead of refusing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser


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
    missing_sep = [
        d for d in parser_defects if type(d).__name__ == "MissingHeaderBodySeparatorDefect"
    ]
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
