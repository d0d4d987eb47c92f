"""One rule for turning a profile into AUTH credentials, for every caller.

The dashboard, the CLI and the fleet checks all log in with a profile's
``[auth]`` table; they differ only in whether somebody can be asked for a
password (the dashboard opens a dialog, the CLI prompts on its terminal, a
fleet check never asks).  :func:`resolve_credentials` applies the same rules
for all three and says, in one sentence, why AUTH cannot happen when it
cannot:

* the profile does not log in → :data:`NONE` (no sentence);
* no user name → skipped;
* a password typed earlier in this run and kept (the cache) is used first;
* ``source = "prompt"``: ask, else skipped;
* a password source that fails (an unset variable, a failing command, the
  keyring) → when somebody can be asked, they are asked instead (with the
  reason); otherwise the source's own sentence, as an error;
* a command or keyring source runs in a thread, bounded in time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtptui.profiles.errors import ProfileError

if TYPE_CHECKING:
    from smtptui.profiles.model import Profile
    from smtptui.profiles.passwords import PasswordCache
    from smtptui.protocol.secret import Secret
    from smtptui.protocol.transaction import Credentials


@dataclass(frozen=True, slots=True)
class PasswordAnswer:
    """What a person typed, and whether to keep it for the rest of this run."""

    secret: Secret
    remember: bool = False


#: ``ask(profile, reason)``: the person's answer, or ``None`` when they
#: cancelled.  ``reason`` says why they are asked when the profile's own
#: source failed (``None`` for a plain ``source = "prompt"``).
AskPassword = Callable[["Profile", "str | None"], Awaitable["PasswordAnswer | None"]]

NONE = "none"  # the profile does not log in
READY = "ready"  # credentials found
SKIPPED = "skipped"  # AUTH is configured but cannot happen now (reason says why)
FAILED = "failed"  # the password source failed and nobody can be asked (reason says why)


@dataclass(frozen=True, slots=True)
class CredentialsOutcome:
    """What :func:`resolve_credentials` found; ``reason`` is one sentence
    (without the profile's name) when ``state`` is ``skipped`` or ``failed``."""

    state: str
    credentials: Credentials | None = None
    reason: str | None = None
    remembered: bool = False  # a prompted password was kept in the cache


async def resolve_credentials(
    profile: Profile,
    *,
    ask: AskPassword | None = None,
    cache: PasswordCache | None = None,
    timeout: float = 10.0,
) -> CredentialsOutcome:
    """The profile's credentials, by the rules in this module's docstring."""
    from smtptui.protocol.transaction import Credentials

    settings = profile.auth
    if not settings.enabled:
        return CredentialsOutcome(NONE)
    if not settings.username:
        return CredentialsOutcome(SKIPPED, reason="AUTH skipped: the profile has no user name")
    source = settings.password
    mechanism = settings.mechanism if settings.mechanism not in ("none", "") else "auto"

    def ready(secret: Secret | None, remembered: bool = False) -> CredentialsOutcome:
        if secret is None:
            return CredentialsOutcome(NONE)
        return CredentialsOutcome(
            READY, Credentials(settings.username or "", secret, mechanism), remembered=remembered
        )

    cached = cache.get(profile) if cache is not None else None
    if cached is not None:  # typed earlier in this run (prompt, or instead of a failed source)
        return ready(cached)
    if source.needs_prompt:
        if ask is None:
            return CredentialsOutcome(
                SKIPPED,
                reason=(
                    'AUTH skipped: the password is asked at connect time (source = "prompt"); '
                    "use an env, command or keyring source to log in without a person"
                ),
            )
        return await _asked(profile, ask, None, cache, ready)
    try:
        if source.kind in ("command", "keyring"):
            async with asyncio.timeout(timeout + 1):
                secret = await asyncio.to_thread(profile.resolve_password, timeout=timeout)
        else:
            secret = profile.resolve_password()
    except TimeoutError:
        problem = "the password command took too long"
    except ProfileError as exc:
        problem = str(exc)
    else:
        return ready(secret)
    if ask is not None:
        return await _asked(profile, ask, problem, cache, ready)
    return CredentialsOutcome(FAILED, reason=problem)


async def _asked(
    profile: Profile,
    ask: AskPassword,
    reason: str | None,
    cache: PasswordCache | None,
    ready: Callable[[Secret | None, bool], CredentialsOutcome],
) -> CredentialsOutcome:
    answer = await ask(profile, reason)
    if answer is None:
        return CredentialsOutcome(SKIPPED, reason="password prompt cancelled: AUTH skipped")
    remembered = answer.remember and cache is not None
    if remembered:
        cache.remember(profile, answer.secret)
    return ready(answer.secret, remembered)


def given(credentials: Credentials | None) -> Callable[[], Awaitable[CredentialsOutcome]]:
    """A credentials source that answers with ``credentials`` (already known:
    typed on a command line, or a test's)."""

    async def source() -> CredentialsOutcome:
        if credentials is None:
            return CredentialsOutcome(NONE)
        return CredentialsOutcome(READY, credentials)

    return source
