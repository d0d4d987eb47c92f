"""What a server said it can do in its EHLO reply (RFC 5321 §4.1.1.1), and
the one table of the extensions smtptui knows (:data:`EXTENSIONS`).

Every view that lists extensions — the fleet table and its legend, ``check``,
``compare``, the saved history, the learner's parameter checks — reads
:data:`EXTENSIONS`; adding an extension is one row here plus its name in the
catalogue (``ext.<KEYWORD>`` in English and Chinese).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from smtptui.protocol.text import escape_text

if TYPE_CHECKING:
    from smtptui.protocol.reply import Reply


@dataclass(frozen=True, slots=True)
class Extension:
    """One EHLO keyword smtptui knows.

    ``flag``: its letter in compact views (the fleet table's ``ext`` column);
    ``fact``: shown as a yes/no fact of a server (``check``, fleet, compare,
    JSON) — SIZE, STARTTLS, AUTH and LIMITS are shown with their values
    instead; ``parameters``: the MAIL/RCPT parameters that need it offered."""

    keyword: str
    rfc: str
    flag: str = ""
    fact: bool = True
    parameters: tuple[str, ...] = ()

    @property
    def json_key(self) -> str:
        """Its key in JSON output and the saved history (``"8bitmime"``)."""
        return self.keyword.lower()


EXTENSIONS: tuple[Extension, ...] = (
    Extension("PIPELINING", "RFC 2920", "P"),
    Extension("CHUNKING", "RFC 3030", "C"),
    Extension("SMTPUTF8", "RFC 6531", "U", parameters=("SMTPUTF8",)),
    Extension("8BITMIME", "RFC 6152", "8", parameters=("BODY",)),
    Extension("DSN", "RFC 3461", "D", parameters=("RET", "ENVID", "NOTIFY", "ORCPT")),
    Extension("REQUIRETLS", "RFC 8689", "R", parameters=("REQUIRETLS",)),
    Extension("ENHANCEDSTATUSCODES", "RFC 2034"),
    Extension("SIZE", "RFC 1870", fact=False, parameters=("SIZE",)),
    Extension("STARTTLS", "RFC 3207", fact=False),
    Extension("AUTH", "RFC 4954", fact=False, parameters=("AUTH",)),
    Extension("LIMITS", "RFC 9422", fact=False),
    Extension("MT-PRIORITY", "RFC 6710", fact=False, parameters=("MT-PRIORITY",)),
    Extension("FUTURERELEASE", "RFC 4865", fact=False, parameters=("HOLDFOR", "HOLDUNTIL")),
    Extension("DELIVERBY", "RFC 2852", fact=False, parameters=("BY",)),
    Extension("RRVS", "RFC 7293", fact=False, parameters=("RRVS",)),
)


def fact_extensions() -> tuple[Extension, ...]:
    """The extensions shown as yes/no facts of a server, in table order."""
    return tuple(e for e in EXTENSIONS if e.fact)


def known_keywords() -> frozenset[str]:
    return frozenset(e.keyword for e in EXTENSIONS)


def extension_for_parameter(name: str) -> str:
    """The EHLO keyword a MAIL/RCPT parameter needs (unknown ones: itself)."""
    for ext in EXTENSIONS:
        if name in ext.parameters:
            return ext.keyword
    return name


@dataclass(frozen=True, slots=True)
class Capabilities:
    """Parsed EHLO keywords.

    ``keywords`` maps each upper-cased keyword to its parameters, so extensions
    we do not model (``XCLIENT``, ``LIMITS``, ``MT-PRIORITY`` …) are kept too.
    ``esmtp`` is false after a HELO fallback (no extensions at all).
    """

    domain: str = ""
    greeting: str = ""
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    esmtp: bool = True

    @classmethod
    def from_ehlo(cls, reply: Reply) -> Capabilities:
        lines = list(reply.lines)
        first = escape_text(lines[0]) if lines else ""
        domain, _, greeting = first.partition(" ")
        keywords: dict[str, tuple[str, ...]] = {}
        for line in lines[1:]:
            # Keywords end up in tables and summaries: control characters from
            # the server are escaped here, once, so no renderer can forget.
            parts = escape_text(line).strip().split()
            if not parts:
                continue
            key = parts[0].upper()
            params = tuple(parts[1:])
            # Old servers advertise "AUTH=LOGIN PLAIN" alongside "AUTH LOGIN PLAIN".
            if key.startswith("AUTH="):
                params = (key[5:], *params)
                key = "AUTH"
            if key in keywords and key == "AUTH":
                params = tuple(dict.fromkeys(keywords[key] + params))
            keywords[key] = params
        return cls(domain=domain, greeting=greeting, keywords=keywords, esmtp=True)

    @classmethod
    def from_helo(cls, reply: Reply) -> Capabilities:
        first = escape_text(reply.lines[0]) if reply.lines else ""
        domain, _, greeting = first.partition(" ")
        return cls(domain=domain, greeting=greeting, keywords={}, esmtp=False)

    def has(self, keyword: str) -> bool:
        return keyword.upper() in self.keywords

    def offered_facts(self) -> tuple[str, ...]:
        """The yes/no extensions (:func:`fact_extensions`) this server offers."""
        return tuple(e.keyword for e in fact_extensions() if e.keyword in self.keywords)

    def params(self, keyword: str) -> tuple[str, ...]:
        return self.keywords.get(keyword.upper(), ())

    @property
    def size(self) -> int | None:
        """The SIZE limit in bytes; ``None`` if not advertised, 0 if unlimited."""
        if "SIZE" not in self.keywords:
            return None
        params = self.keywords["SIZE"]
        if params and params[0].isdigit():
            return int(params[0])
        return 0

    @property
    def pipelining(self) -> bool:
        return "PIPELINING" in self.keywords

    @property
    def eightbitmime(self) -> bool:
        return "8BITMIME" in self.keywords

    @property
    def smtputf8(self) -> bool:
        return "SMTPUTF8" in self.keywords

    @property
    def dsn(self) -> bool:
        return "DSN" in self.keywords

    @property
    def chunking(self) -> bool:
        return "CHUNKING" in self.keywords

    @property
    def starttls(self) -> bool:
        return "STARTTLS" in self.keywords

    @property
    def enhancedstatuscodes(self) -> bool:
        return "ENHANCEDSTATUSCODES" in self.keywords

    @property
    def requiretls(self) -> bool:
        return "REQUIRETLS" in self.keywords

    @property
    def auth_mechanisms(self) -> tuple[str, ...]:
        return tuple(m.upper() for m in self.keywords.get("AUTH", ()))

    @property
    def limits(self) -> dict[str, str]:
        """RFC 9422 LIMITS, e.g. ``{"RCPTMAX": "100"}``."""
        out = {}
        for item in self.keywords.get("LIMITS", ()):
            name, _, value = item.partition("=")
            out[name.upper()] = value
        return out

    def summary(self) -> list[str]:
        """Keywords with parameters, in the order the server sent them."""
        return [" ".join((k, *v)) for k, v in self.keywords.items()]
