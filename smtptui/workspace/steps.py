"""Step mode's commands, and the exact line each step button sends.

Kept apart from the session controller (which loads the SMTP engine) so the
session panel can draw its buttons in the dashboard's first frames without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtptui.profiles import Profile
    from smtptui.workspace.draft import ComposerFields

#: The step buttons, in the order of a session (CONNECT shows only when not connected).
STEP_VERBS = (
    "CONNECT",
    "EHLO",
    "STARTTLS",
    "AUTH",
    "MAIL",
    "RCPT",
    "DATA",
    "RSET",
    "NOOP",
    "VRFY",
    "HELP",
    "QUIT",
)

#: Commands that carry the envelope or the message: on a profile that requires
#: TLS they never go out before it, unless typed by hand on the raw line.
ENVELOPE_VERBS = frozenset({"MAIL", "RCPT", "DATA", "BDAT"})


def step_lines(
    verb: str,
    draft: ComposerFields | None,
    *,
    helo: str,
    auth_mechanism: str,
    profile: Profile,
) -> list[str]:
    """The line(s) a step button sends: the composer draft's addresses for
    MAIL and RCPT (one RCPT per recipient, Bcc included), the session's HELO
    name, the AUTH mechanism the engine would choose."""
    from smtptui.workspace.draft import envelope_addresses

    sender, recipients = envelope_addresses(draft) if draft is not None else ("", [])
    if verb == "EHLO":
        return [f"EHLO {helo}"]
    if verb == "AUTH":
        return [f"AUTH {auth_mechanism}"]
    if verb == "MAIL":
        return [f"MAIL FROM:<{sender}>"]
    if verb == "RCPT":
        return [f"RCPT TO:<{r}>" for r in recipients] or ["RCPT TO:<>"]
    if verb == "VRFY":
        who = recipients[0] if recipients else profile.auth.username or "postmaster"
        return [f"VRFY {who}"]
    return [verb]
