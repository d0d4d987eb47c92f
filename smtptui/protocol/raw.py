"""What the transcript shows for a line the learner typed by hand (raw mode).

A hand-typed line may carry credentials the session did not produce itself, so
the session cannot mask them at the source as :mod:`smtptui.protocol.auth` does;
they are recognised here by their place in the conversation instead.
"""

from __future__ import annotations

from smtptui.protocol import auth as sasl
from smtptui.protocol import events as ev
from smtptui.protocol.secret import MASK


def raw_display(
    line: str, verb: str, arg: str, *, answer_due: bool, challenge: str | None, tls: bool
) -> ev.Sent:
    """The ``Sent`` event for a line typed in raw mode: answers to a ``334``
    and AUTH initial responses are credentials, so they are masked (a user
    name is shown decoded, only in the live view).  ``answer_due`` is set by
    *any* 334 — an empty one (AUTH PLAIN without initial response) or one
    that is not base64 still asks for a secret."""
    if answer_due:
        # An answer to a 334: base64 of a user name, a password or a digest.
        decoded = sasl.decode_challenge(line)
        prompt = (challenge or "").lower()
        if "user" in prompt and decoded:
            return ev.Sent(
                text=line,
                annotation=f"user name {decoded!r}",
                redacted=MASK,
                redacted_annotation="user name",
                secret=True,
                kind="auth",
                tls=tls,
            )
        return ev.Sent(
            text=MASK,
            annotation="answer to the challenge (masked)",
            redacted=MASK,
            redacted_annotation="answer to the challenge",
            secret=True,
            kind="auth",
            tls=tls,
        )
    if verb == "AUTH" and " " in arg.strip():
        mech = arg.split(" ", 1)[0]
        masked = f"AUTH {mech} {MASK}"
        return ev.Sent(
            text=masked,
            annotation="initial response (masked)",
            redacted=masked,
            redacted_annotation="initial response",
            secret=True,
            kind="auth",
            tls=tls,
        )
    return ev.Sent(text=line, tls=tls)
