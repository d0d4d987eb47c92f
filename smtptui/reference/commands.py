"""SMTP commands: syntax, an example, what they do and which replies they get.

Reply lists follow RFC 5321 §4.3.2 ("Command-Reply Sequences"), RFC 4954 §4/§6
(AUTH), RFC 3207 §4 (STARTTLS) and RFC 3030 §2/§4 (BDAT). Every command can
also get 421 (service closing) and 500/501 (unrecognised / syntax), which the
lists leave out as RFC 5321 does. Texts live in the catalogue under
``cmd.<VERB>.*`` and ``mech.<NAME>.*``.
"""

from __future__ import annotations

from dataclasses import dataclass

from smtptui.i18n import t


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """Reference facts about one command verb.

    ``extension`` is the EHLO keyword that must be advertised before the
    command may be used (``None`` for the RFC 5321 core). ``template`` is what a
    raw-command completer inserts.
    """

    verb: str
    syntax: str
    example: str
    template: str
    rfc: tuple[str, ...]
    success: tuple[int, ...]
    failure: tuple[int, ...]
    intermediate: tuple[int, ...] = ()
    extension: str | None = None
    takes_argument: bool = False

    def summary(self, lang: str | None = None) -> str:
        return t(f"cmd.{self.verb}.summary", lang)

    def description(self, lang: str | None = None) -> str:
        return t(f"cmd.{self.verb}.text", lang)

    @property
    def replies(self) -> tuple[int, ...]:
        return self.success + self.intermediate + self.failure


@dataclass(frozen=True, slots=True)
class MechanismInfo:
    """An AUTH (SASL) mechanism and how its exchange looks on the wire."""

    name: str
    rfc: tuple[str, ...]
    exchange: tuple[str, ...]
    sends_password: bool

    def description(self, lang: str | None = None) -> str:
        return t(f"mech.{self.name}.text", lang)


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo(
        "EHLO", "EHLO <domain> | EHLO [<address-literal>]", "EHLO client.example.com",
        "EHLO ", ("RFC 5321 §4.1.1.1",), (250,), (504, 550, 502), takes_argument=True,
    ),
    CommandInfo(
        "HELO", "HELO <domain>", "HELO client.example.com",
        "HELO ", ("RFC 5321 §4.1.1.1",), (250,), (504, 550), takes_argument=True,
    ),
    CommandInfo(
        "STARTTLS", "STARTTLS", "STARTTLS",
        "STARTTLS", ("RFC 3207 §4",), (220,), (454, 501, 503), extension="STARTTLS",
    ),
    CommandInfo(
        "AUTH", "AUTH <mechanism> [<initial-response>]", "AUTH PLAIN AHVzZXIAcGFzc3dvcmQ=",
        "AUTH ", ("RFC 4954 §4", "RFC 4954 §6"), (235,),
        (432, 454, 500, 501, 503, 504, 530, 534, 535, 538), (334,), "AUTH", True,
    ),
    CommandInfo(
        "MAIL", "MAIL FROM:<reverse-path> [SP <mail-parameters>]",
        "MAIL FROM:<alice@example.com> SIZE=1024",
        "MAIL FROM:<", ("RFC 5321 §4.1.1.2",), (250,),
        (552, 451, 452, 550, 553, 503, 455, 555, 530), takes_argument=True,
    ),
    CommandInfo(
        "RCPT", "RCPT TO:<forward-path> [SP <rcpt-parameters>]", "RCPT TO:<bob@example.net>",
        "RCPT TO:<", ("RFC 5321 §4.1.1.3",), (250, 251),
        (550, 551, 552, 553, 450, 451, 452, 503, 455, 555, 530), takes_argument=True,
    ),
    CommandInfo(
        "DATA", "DATA", "DATA",
        "DATA", ("RFC 5321 §4.1.1.4",), (250,), (503, 554, 552, 451, 452, 450, 550), (354,),
    ),
    CommandInfo(
        "BDAT", "BDAT <chunk-size> [LAST]", "BDAT 86 LAST",
        "BDAT ", ("RFC 3030 §2", "RFC 3030 §4"), (250,), (503, 552, 554, 451, 452, 500, 501),
        extension="CHUNKING", takes_argument=True,
    ),
    CommandInfo("RSET", "RSET", "RSET", "RSET", ("RFC 5321 §4.1.1.5",), (250,), ()),
    CommandInfo(
        "VRFY", "VRFY <string>", "VRFY postmaster",
        "VRFY ", ("RFC 5321 §4.1.1.6", "RFC 5321 §3.5"), (250, 251, 252), (550, 551, 553, 502, 504),
        takes_argument=True,
    ),
    CommandInfo(
        "EXPN", "EXPN <string>", "EXPN staff",
        "EXPN ", ("RFC 5321 §4.1.1.7", "RFC 5321 §3.5"), (250, 252), (550, 500, 502, 504),
        takes_argument=True,
    ),
    CommandInfo("HELP", "HELP [<string>]", "HELP MAIL", "HELP", ("RFC 5321 §4.1.1.8",), (211, 214), (502, 504)),
    CommandInfo("NOOP", "NOOP [<string>]", "NOOP", "NOOP", ("RFC 5321 §4.1.1.9",), (250,), ()),
    CommandInfo("QUIT", "QUIT", "QUIT", "QUIT", ("RFC 5321 §4.1.1.10",), (221,), ()),
)  # fmt: skip

MECHANISMS: tuple[MechanismInfo, ...] = (
    MechanismInfo(
        "PLAIN", ("RFC 4616",),
        ("C: AUTH PLAIN AHVzZXIAcGFzc3dvcmQ=", "S: 235 2.7.0 Authentication successful"),
        True,
    ),
    MechanismInfo(
        "LOGIN", ("draft-murchison-sasl-login",),
        (
            "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: dXNlcg==",
            "S: 334 UGFzc3dvcmQ6", "C: cGFzc3dvcmQ=", "S: 235 2.7.0 Authentication successful",
        ),
        True,
    ),
    MechanismInfo(
        "CRAM-MD5", ("RFC 2195",),
        (  # RFC 2195's own example: user "tim", password "tanstaaftanstaaf"
            "C: AUTH CRAM-MD5",
            "S: 334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
            "C: dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw",
            "S: 235 2.7.0 Authentication successful",
        ),
        False,
    ),
    MechanismInfo(
        "XOAUTH2", ("Google / Microsoft XOAUTH2", "RFC 6749"),
        (
            "C: AUTH XOAUTH2 dXNlcj1hbGljZUBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5Li4uAQE=",
            "S: 235 2.7.0 Accepted",
        ),
        False,
    ),
)  # fmt: skip

_BY_VERB = {c.verb: c for c in COMMANDS}
_BY_MECH = {m.name: m for m in MECHANISMS}


def verb_of(command_line: str) -> str:
    """The upper-cased verb of a command line (``"mail from:<a>"`` → ``"MAIL"``)."""
    head = command_line.strip().split(None, 1)[0] if command_line.strip() else ""
    return head.split(":", 1)[0].upper()


def lookup_command(verb: str) -> CommandInfo | None:
    """Reference for a verb or a whole command line (``"RCPT TO:<x>"`` → RCPT)."""
    return _BY_VERB.get(verb_of(verb))


def lookup_mechanism(name: str) -> MechanismInfo | None:
    return _BY_MECH.get(name.strip().upper())


def command_names() -> tuple[str, ...]:
    """Every verb we document, in the order of a session (for raw-line completion)."""
    return tuple(c.verb for c in COMMANDS)


def completions() -> tuple[str, ...]:
    """Ready-to-type starts of command lines: ``MAIL FROM:<``, ``AUTH PLAIN`` …"""
    out: list[str] = []
    for c in COMMANDS:
        if c.verb == "AUTH":
            out.extend(f"AUTH {m.name}" for m in MECHANISMS)
        else:
            out.append(c.template)
    return tuple(out)
