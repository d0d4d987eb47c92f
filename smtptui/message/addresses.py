"""What a user types into address and header fields, checked before it goes
anywhere near a message or an envelope.

Every check raises :class:`MessageError` with one sentence that starts with the
field at fault, so the composer, the CLI and the builder all show the same
words for the same mistake.
"""

from __future__ import annotations

import ipaddress
import re

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FIELD_NAME_RE = re.compile(r"[\x21-\x39\x3b-\x7e]+")
_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
_DOT_ATOM_ASCII = re.compile(rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*")
_DOT_ATOM_UTF8 = re.compile(rf"(?:[{_ATEXT}]|[^\x00-\x7f])+(?:\.(?:[{_ATEXT}]|[^\x00-\x7f])+)*")
_QUOTED_LOCAL = re.compile(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|[^\x00-\x7f]|\\[\x20-\x7e])*"')
_LABEL_ASCII = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_LABEL_UTF8 = re.compile(r"[\w](?:[\w-]*[\w])?")


class MessageError(ValueError):
    """A draft that cannot become a correct message; ``str()`` is one sentence
    that starts with the field at fault (``Subject: ...``)."""


def check_value(field_name: str, value: str) -> None:
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
    check_value(field_name, addr)
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
    check_value(field_name, text)
    m = re.fullmatch(r"\s*(.*?)\s*<([^<>]*)>\s*", text)
    if m is None:
        return "", validate_address(text, allow_utf8=allow_utf8, field_name=field_name)
    name = m.group(1)
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = re.sub(r"\\(.)", r"\1", name[1:-1])
    return name, validate_address(m.group(2), allow_utf8=allow_utf8, field_name=field_name)


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
    text: str, *, allow_utf8: bool = True, field_name: str = "Address"
) -> list[tuple[str, str]]:
    """Parse ``a@x, "Doe, J" <j@y>`` into mailboxes; commas inside quotes or
    angle brackets do not split.  Empty items are skipped."""
    return [
        parse_mailbox(item, allow_utf8=allow_utf8, field_name=field_name)
        for item in split_address_list(text)
    ]


def parse_header_line(line: str) -> tuple[str, str]:
    """Parse ``"X-Foo: bar"`` into ``("X-Foo", "bar")``, checking the field name
    (RFC 5322 ftext: printable ASCII except colon) and refusing CR/LF."""
    check_value("Header", line)
    name, colon, value = line.partition(":")
    if not colon:
        raise MessageError(f"Header: {line!r} has no colon; write it as 'Name: value'")
    if not _FIELD_NAME_RE.fullmatch(name):
        raise MessageError(
            f"Header: the field name {name!r} may only contain printable ASCII "
            "without spaces or colons"
        )
    return name, value.strip()
