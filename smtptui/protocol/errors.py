"""Typed errors of an SMTP conversation.

Each error knows the :class:`Phase` it happened in, carries one clear sentence
for the user (what happened, at which step, what to try) and, when the server
refused something, the :class:`~smtptui.protocol.reply.Reply` it refused with.
The CLI turns the phase into an exit code; the TUI shows the sentence.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtptui.protocol.reply import Reply


class Phase(enum.StrEnum):
    """The steps of an SMTP conversation, in order (swaks' ``--quit-after`` names)."""

    CONNECT = "connect"
    GREETING = "greeting"
    EHLO = "ehlo"
    TLS = "tls"
    AUTH = "auth"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"
    QUIT = "quit"
    COMMAND = "command"


class SmtpError(Exception):
    """Base of every error the engine raises on purpose."""

    phase: Phase = Phase.COMMAND

    def __init__(
        self,
        message: str,
        *,
        phase: Phase | None = None,
        reply: Reply | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        if phase is not None:
            self.phase = phase
        self.reply = reply
        self.hint = hint
        self.announced = False  # a Failed event has been emitted for it

    @property
    def sentence(self) -> str:
        """The one-line message for the user, with the hint when there is one."""
        text = str(self)
        if self.hint:
            text = f"{text.rstrip('.')}. {self.hint}"
        return text


class ConnectError(SmtpError):
    """The TCP connection could not be made (refused, unreachable, DNS)."""

    phase = Phase.CONNECT


class SmtpTimeout(SmtpError):
    """The server did not answer in time."""


class ReplyError(SmtpError):
    """The server refused a step with a 4xx/5xx reply."""


class TlsError(SmtpError):
    """STARTTLS not offered, the handshake failed, or the certificate did not verify
    (then ``verify_error`` holds OpenSSL's reason, e.g. "certificate has expired")."""

    phase = Phase.TLS
    verify_error: str | None = None


class AuthError(SmtpError):
    """Authentication could not be done or was refused."""

    phase = Phase.AUTH


class ProtocolError(SmtpError):
    """The server broke the protocol: malformed, oversized or unexpected data,
    or it disconnected in the middle of a conversation."""


class UsageError(SmtpError):
    """The caller asked for something impossible (e.g. a CR in a raw command)."""


EXIT_CODES: dict[Phase, int] = {
    Phase.CONNECT: 20,
    Phase.GREETING: 21,
    Phase.EHLO: 22,
    Phase.TLS: 23,
    Phase.AUTH: 24,
    Phase.MAIL: 25,
    Phase.RCPT: 26,
    Phase.DATA: 27,
}


def exit_code_for(exc: BaseException) -> int:
    """The documented CLI exit code for an error (README table)."""
    if isinstance(exc, UsageError):
        return 2
    if isinstance(exc, (ConnectError, SmtpTimeout)):
        return 20
    if isinstance(exc, ProtocolError):
        return 28
    if isinstance(exc, TlsError):
        return 23
    if isinstance(exc, AuthError):
        return 24
    if isinstance(exc, SmtpError):
        return EXIT_CODES.get(exc.phase, 28)
    return 1
