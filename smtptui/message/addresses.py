"""What a user types into address and header fields, checked before it goes
anywhere near a message or an envelope.

Every check raises :class:`MessageError`: the field at fault (``exc.field``,
the composer's key for it) and one catalogue sentence, so the composer, the
CLI and the builder all show the same words for the same mistake, in English
(``str(exc)``, for logs and scripts) or in the reader's language
(``exc.text(lang)``).
"""

from __future__ import annotations

import ipaddress
import re

from smtptui.i18n import t

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FIELD_NAME_RE = re.compile(r"[\x21-\x39\x3b-\x7e]+")
_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
_DOT_ATOM_ASCII = re.compile(rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*")
_DOT_ATOM_UTF8 = re.compile(rf"(?:[{_ATEXT}]|[^\x00-\x7f])+(?:\.(?:[{_ATEXT}]|[^\x00-\x7f])+)*")
_QUOTED_LOCAL = re.compile(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|[^\x00-\x7f]|\\[\x20-\x7e])*"')
_LABEL_ASCII = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_LABEL_UTF8 = re.compile(r"[\w](?:[\w-]*[\w])?")


#: The fields a problem can concern: the composer's keys for them (``from`` …
#: ``attachments``), and the ones only the builder or the CLI fill in.
FIELDS = (
    "from",
    "to",
    "cc",
    "bcc",
    "reply_to",
    "subject",
    "body",
    "html",
    "headers",
    "attachments",
    "message_id",
    "message",
    "address",
)


class MessageError(ValueError):
    """A draft that cannot become a correct message.

    ``field`` is the field at fault (one of :data:`FIELDS`), so a form shows
    the sentence under it without reading the words; ``key`` and ``values``
    are the catalogue sentence; ``name`` is a header's own name when the
    problem is an extra header (``Content-Type``).  ``str()`` is the English
    sentence, starting with the field (``Subject: contains a line break…``);
    :meth:`text` is the same in another language.
    """

    def __init__(
        self, key: str, /, *, field: str = "message", name: str | None = None, **values: object
    ) -> None:
        if field not in FIELDS:
            raise ValueError(f"unknown message field {field!r}")
        self.key = key
        self.field = field
        self.name = name
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: str | None = "en") -> str:
        """The sentence in ``lang``: the field's name, then what is wrong."""
        label = self.name if self.name is not None else t(f"message.field.{self.field}", lang)
        return t("message.error", lang, field=label, problem=t(self.key, lang, **self.values))


def check_value(field: str, value: str, *, name: str | None = None) -> None:
    """Refuse line breaks (header injection) and other control characters."""
    if "\r" in value or "\n" in value:
        raise MessageError("message.error.line_break", field=field, name=name)
    if m := _CONTROL_RE.search(value):
        raise MessageError("message.error.control", field=field, name=name, char=repr(m.group()))


def is_internationalised(addr: str) -> bool:
    """True when ``addr`` has non-ASCII characters, so sending it needs SMTPUTF8."""
    return not addr.isascii()


def validate_address(addr: str, *, allow_utf8: bool = True, field: str = "address") -> str:
    """Check that ``addr`` is an RFC 5321 mailbox (``local@domain``; angle
    brackets allowed) and return the bare addr-spec, or raise ``MessageError``.

    Non-ASCII addresses (RFC 6531) are accepted unless ``allow_utf8`` is false,
    because they only work with servers that offer SMTPUTF8.
    """
    check_value(field, addr)
    spec = addr.strip()
    if spec.startswith("<") and spec.endswith(">"):
        spec = spec[1:-1].strip()

    def refuse(key: str, **values: object) -> MessageError:
        return MessageError(f"message.error.address.{key}", field=field, **values)

    if not spec:
        raise refuse("empty")
    local, at, domain = spec.rpartition("@")
    if not at:
        raise refuse("no_at", spec=spec)
    if not local:
        raise refuse("no_local", spec=spec)
    if not domain:
        raise refuse("no_domain", spec=spec)
    if not allow_utf8 and is_internationalised(spec):
        raise refuse("not_ascii", spec=spec)
    dot_atom = _DOT_ATOM_UTF8 if allow_utf8 else _DOT_ATOM_ASCII
    if not (dot_atom.fullmatch(local) or _QUOTED_LOCAL.fullmatch(local)):
        raise refuse("local", spec=spec)
    if len(local.encode()) > 64 or len(spec.encode()) > 254:
        raise refuse("too_long", spec=spec)
    if not _valid_domain(domain):
        raise refuse("domain", domain=domain)
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


def parse_mailbox(text: str, *, allow_utf8: bool = True, field: str = "address") -> tuple[str, str]:
    """Split ``Name <addr>`` (or a bare address) into ``(display name, addr-spec)``.

    The name may be quoted; it may contain any printable Unicode.
    """
    check_value(field, text)
    m = re.fullmatch(r"\s*(.*?)\s*<([^<>]*)>\s*", text)
    if m is None:
        return "", validate_address(text, allow_utf8=allow_utf8, field=field)
    name = m.group(1)
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = re.sub(r"\\(.)", r"\1", name[1:-1])
    return name, validate_address(m.group(2), allow_utf8=allow_utf8, field=field)


def split_address_list(text: str) -> list[str]:
    """``a@x, "Doe, J" <j@y>`` → ``['a@x', ' "Doe, J" <j@y>']``: split at
    commas that are not inside quotes or angle brackets; blank items are
    dropped, the others kept as written (a stray CR must still be refused by
    the caller's checks).  Only splitting: the one splitter of the composer,
    the profile form and the message builder."""
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
    return [item for item in items if item.strip()]


def parse_address_list(
    text: str, *, allow_utf8: bool = True, field: str = "address"
) -> list[tuple[str, str]]:
    """Parse ``a@x, "Doe, J" <j@y>`` into mailboxes; commas inside quotes or
    angle brackets do not split.  Empty items are skipped."""
    return [
        parse_mailbox(item, allow_utf8=allow_utf8, field=field) for item in split_address_list(text)
    ]


def parse_header_line(line: str) -> tuple[str, str]:
    """Parse ``"X-Foo: bar"`` into ``("X-Foo", "bar")``, checking the field name
    (RFC 5322 ftext: printable ASCII except colon) and refusing CR/LF."""
    check_value("headers", line)
    name, colon, value = line.partition(":")
    if not colon:
        raise MessageError("message.error.header.no_colon", field="headers", line=line)
    if not _FIELD_NAME_RE.fullmatch(name):
        raise MessageError("message.error.header.name", field="headers", header=name)
    return name, value.strip()
