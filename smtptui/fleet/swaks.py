"""The swaks command line that does what a profile and a message draft do.

Swaks is what many admins already have in their runbooks, so smtptui can hand
over a test as one shell line.  The password is never in that line: it is an
environment-variable reference (``"$SMTP_PASSWORD"``, or the profile's own
variable when its password comes from one), and a comment says what to export.

Equivalence is for the conversation: server, port, TLS mode and verification,
AUTH mechanism and user, envelope, Subject/To/Cc/extra headers, body,
attachments (with the MIME type smtptui would use), PIPELINING, the stop
point.  Swaks writes its own Date, Message-Id and X-Mailer headers.
"""

from __future__ import annotations

import math
import mimetypes
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from smtptui.protocol.auth import AUTO_PREFERENCE
from smtptui.protocol.connect import host_label

if TYPE_CHECKING:
    from smtptui.protocol.config import SessionConfig

DEFAULT_PASSWORD_ENV = "SMTP_PASSWORD"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: smtptui's --quit-after names -> swaks' (``data`` is a whole send in both).
QUIT_AFTER = {
    "connect": "BANNER",
    "ehlo": "FIRST-HELO",
    "tls": "TLS",
    "auth": "AUTH",
    "mail": "MAIL",
    "rcpt": "RCPT",
}
_NO_BELOW = {
    "TLSv1.1": ("no_sslv2", "no_sslv3", "no_tlsv1"),
    "TLSv1.2": ("no_sslv2", "no_sslv3", "no_tlsv1", "no_tlsv1_1"),
    "TLSv1.3": ("no_sslv2", "no_sslv3", "no_tlsv1", "no_tlsv1_1", "no_tlsv1_2"),
}


class SwaksExportError(ValueError):
    """This profile or message cannot be expressed with swaks; ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class SwaksAuth:
    """``mechanism`` as smtptui names it (``auto``, ``plain``, ``login``,
    ``cram-md5``); ``password_env`` the variable the shell line references;
    ``env_is_set_up`` False adds a comment telling the user to export it."""

    mechanism: str
    username: str
    password_env: str = DEFAULT_PASSWORD_ENV
    env_is_set_up: bool = False


@dataclass(frozen=True, slots=True)
class SwaksMessage:
    """The message part, as the composer or ``smtptui send`` options give it."""

    sender: str | None = None
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: str | None = None
    subject: str | None = None
    body: str | None = None
    body_file: Path | None = None
    html: str | None = None
    html_file: Path | None = None
    headers: tuple[str, ...] = ()  # "Name: value"
    attachments: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class SwaksCommand:
    """``argv`` with the password argument as the literal ``$VAR`` reference;
    :meth:`shell` is what to print."""

    argv: tuple[str, ...]
    comments: tuple[str, ...] = ()
    password_env: str | None = None

    def command_line(self) -> str:
        """One line for a POSIX shell: every argument quoted, except the password
        reference, which is double-quoted so the shell expands it."""
        secret_ref = f"${self.password_env}" if self.password_env else None
        return " ".join(f'"{arg}"' if arg == secret_ref else shlex.quote(arg) for arg in self.argv)

    def shell(self) -> str:
        return "".join(f"# {c}\n" for c in self.comments) + self.command_line()


@dataclass(slots=True)
class _Builder:
    argv: list[str] = field(default_factory=lambda: ["swaks"])
    comments: list[str] = field(default_factory=list)

    def add(self, *args: str) -> None:
        self.argv.extend(args)


def swaks_command(
    config: SessionConfig,
    *,
    message: SwaksMessage | None = None,
    auth: SwaksAuth | None = None,
    quit_after: str | None = None,
    pipelining: bool | None = None,
    chunking: bool = False,
) -> SwaksCommand:
    """The swaks command for a session config (profile plus options) and message.
    Raises :class:`SwaksExportError` for what swaks cannot do (XOAUTH2, an
    invalid variable name)."""
    b = _Builder()
    b.add("--server", host_label(config.host, config.port))
    _connection(b, config)
    _tls(b, config)
    password_env = _auth(b, auth)
    if message is not None:
        _message(b, message)
    if quit_after in QUIT_AFTER:
        b.add("--quit-after", QUIT_AFTER[quit_after])
    if pipelining is None or pipelining:
        b.add("--pipeline")
    if chunking:
        b.comments.append("swaks has no CHUNKING (BDAT); it sends the message with DATA")
    return SwaksCommand(tuple(b.argv), tuple(b.comments), password_env)


def _connection(b: _Builder, config: SessionConfig) -> None:
    if config.helo:
        b.add("--helo", config.helo)
    if config.family == "ipv4":
        b.add("-4")
    elif config.family == "ipv6":
        b.add("-6")
    if config.local_address:
        b.add("--local-interface", config.local_address)
    if config.timeout is not None:
        b.add("--timeout", f"{max(1, math.ceil(config.timeout))}s")


def _tls(b: _Builder, config: SessionConfig) -> None:
    if config.security == "plain":
        return
    b.add("--tls-on-connect" if config.security == "tls" else "--tls")
    tls = config.tls
    if tls.verify:
        b.add("--tls-verify")
        if tls.ca_file:
            b.add("--tls-ca-path", tls.ca_file)
    if tls.server_hostname:
        b.add("--tls-sni", tls.server_hostname)
        if tls.verify:
            b.comments.append(
                f"smtptui verified the certificate for the name {tls.server_hostname}; "
                "this swaks version checks it against the --server name"
            )
    if tls.min_version in _NO_BELOW:
        b.add("--tls-protocol", ",".join(_NO_BELOW[tls.min_version]))
    if tls.client_cert:
        b.add("--tls-cert", tls.client_cert, "--tls-key", tls.client_key or tls.client_cert)


def _auth(b: _Builder, auth: SwaksAuth | None) -> str | None:
    if auth is None:
        return None
    mech = auth.mechanism.upper()
    if mech == "XOAUTH2":
        raise SwaksExportError("swaks cannot do AUTH XOAUTH2; export without --auth or use smtptui")
    if not _ENV_NAME.fullmatch(auth.password_env):
        raise SwaksExportError(
            f"{auth.password_env!r} is not a usable environment variable name for the password"
        )
    b.add("--auth", ",".join(AUTO_PREFERENCE) if mech == "AUTO" else mech)
    b.add("--auth-user", auth.username, "--auth-password", f"${auth.password_env}")
    if not auth.env_is_set_up:
        b.comments.append(
            f"export {auth.password_env}='...'   # the password for {auth.username}; "
            "smtptui never prints it"
        )
    return auth.password_env


def _message(b: _Builder, msg: SwaksMessage) -> None:
    if msg.sender:
        b.add("--from", msg.sender)
    recipients = tuple(dict.fromkeys((*msg.to, *msg.cc, *msg.bcc)))
    if recipients:
        b.add("--to", ",".join(recipients))
    if msg.cc or msg.bcc:
        # swaks' default To: header lists every envelope recipient, Bcc included.
        if msg.to:
            b.add("--header", "To: " + ", ".join(msg.to))
        if msg.cc:
            b.add("--header", "Cc: " + ", ".join(msg.cc))
    if msg.reply_to:
        b.add("--header", f"Reply-To: {msg.reply_to}")
    if msg.subject is not None:
        b.add("--header", f"Subject: {_encoded(msg.subject)}")
    for header in msg.headers:
        name, _, value = header.partition(":")
        b.add("--header", f"{name.strip()}: {_encoded(value.strip())}")
    html = f"@{msg.html_file}" if msg.html_file else msg.html
    body = f"@{msg.body_file}" if msg.body_file else msg.body
    if body is not None and not msg.body_file and (body == "-" or body.startswith("@")):
        b.comments.append("swaks reads a --body starting with @ (or a lone -) as a file name")
    if html is not None:
        b.add("--attach-type", "text/plain", "--attach-body", body or "")
        b.add("--attach-type", "text/html", "--attach-body", html)
    elif body is not None:
        if not body.isascii() and not msg.attachments:
            b.add("--add-header", "MIME-Version: 1.0")
            b.add("--add-header", "Content-Type: text/plain; charset=utf-8")
            b.add("--add-header", "Content-Transfer-Encoding: 8bit")
        b.add("--body", body)
    for path in msg.attachments:
        ctype, encoding = mimetypes.guess_type(path.name)
        if encoding is not None or ctype is None:
            ctype = "application/octet-stream"
        b.add("--attach-type", ctype, "--attach", f"@{path}")


def _encoded(value: str) -> str:
    """RFC 2047 for non-ASCII header text (swaks sends header bytes as given)."""
    if value.isascii():
        return value
    from email.header import Header

    return Header(value, "utf-8").encode(maxlinelen=998)
