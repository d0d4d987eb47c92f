"""Value types of the demo server: how it is configured and what it received.

Kept apart from the aiosmtpd code so the TUI can build a ``ServerConfig`` or
show a ``ReceivedMessage`` without importing aiosmtpd or cryptography.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from smtptui.message import Attachment, Defect, ReceivedSummary

__all__ = ["ReceivedMessage", "ServerConfig", "ServerStartError"]


class ServerStartError(Exception):
    """The server could not start (port in use, bad certificate...); ``str()`` is
    one sentence saying what to do."""


def _demo_users() -> dict[str, str]:
    return {"demo": "demo"}


@dataclass(frozen=True)
class ServerConfig:
    """How a ``DemoServer`` behaves.

    ``port``/``tls_port`` 0 pick a free port; ``tls_port`` None means no
    implicit-TLS listener.  No ``cert_file``/``key_file`` means a self-signed
    certificate is generated at start.  ``reply_delay`` delays every reply
    (greeting included) to imitate a slow server; ``refuse_greeting`` greets
    with ``554 5.3.2`` to imitate a server that turns clients away.
    ``require_auth`` answers MAIL with ``530 5.7.0`` until the client has
    authenticated (a submission server's policy).  ``mailboxes``, when given,
    are the only addresses of the local domains that exist: RCPT to another
    one is ``550 5.1.1`` (user unknown), as a real mail server answers.
    """

    host: str = "127.0.0.1"
    port: int = 2525
    tls_port: int | None = None
    cert_file: str | Path | None = None
    key_file: str | Path | None = None
    users: Mapping[str, str] = field(default_factory=_demo_users)
    allow_plain_auth: bool = False
    local_domains: tuple[str, ...] = ("demo.local",)
    hostname: str = "smtptui.demo"
    size_limit: int = 10 * 1024 * 1024
    max_messages: int = 1000
    maildir: str | Path | None = None
    reply_delay: float = 0.0
    refuse_greeting: bool = False
    timeout: float = 300.0
    require_auth: bool = False
    mailboxes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("cert_file and key_file must be given together")
        if self.max_messages < 1:
            raise ValueError("max_messages must be at least 1")
        if self.size_limit < 1:
            raise ValueError("size_limit must be positive")
        if self.reply_delay < 0:
            raise ValueError("reply_delay cannot be negative")
        object.__setattr__(
            self, "local_domains", tuple(d.lower().strip() for d in self.local_domains)
        )
        if self.mailboxes is not None:
            object.__setattr__(self, "mailboxes", tuple(m.lower().strip() for m in self.mailboxes))


@dataclass(frozen=True)
class ReceivedMessage:
    """One message the server accepted, exactly as the client sent it
    (``data`` is after dot-unstuffing, before any header is added), plus the
    decoded ``summary`` with the defects a learner should see."""

    peer: str
    helo: str | None
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    received_at: datetime
    authenticated_user: str | None
    tls: bool
    smtputf8: bool
    summary: ReceivedSummary
    queue_id: str
    stored_as: Path | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def subject(self) -> str | None:
        return self.summary.subject

    @property
    def body(self) -> str:
        return self.summary.body

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        return self.summary.attachments

    @property
    def defects(self) -> tuple[Defect, ...]:
        return self.summary.defects
