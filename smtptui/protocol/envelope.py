"""The SMTP envelope: who the message is from and to, as MAIL FROM and RCPT TO
say it — independent of the message's own headers (Bcc lives only here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Envelope:
    sender: str
    recipients: tuple[str, ...]

    @property
    def needs_smtputf8(self) -> bool:
        """An internationalised (non-ASCII) address needs the SMTPUTF8 extension."""
        return not all(a.isascii() for a in (self.sender, *self.recipients))
