"""Where a profile's password comes from, and how it is fetched when needed.

A profile file should be safe to keep, copy and show, so the file normally says
*where* the password is (asked at connect, an environment variable, a command such
as ``pass show smtp/qq``, the system keyring) rather than holding it.  ``plain``
stores it in the file; that is allowed only because some users want it, so the app
warns, and refuses a user file that group or others can read.

Every resolved password is a :class:`~smtptui.protocol.secret.Secret`, and no
error message here ever includes a password or a command's output.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from smtptui.profiles.errors import ProfileError
from smtptui.protocol.secret import MASK, Secret

if TYPE_CHECKING:
    from smtptui.profiles.model import Profile

PASSWORD_KINDS = ("none", "prompt", "env", "command", "keyring", "plain")
DEFAULT_KEYRING_SERVICE = "smtptui"
PLAIN_WARNING = (
    "the password is stored in the profile file in plain text; anyone who can read the "
    'file can read it (prefer source = "prompt", "env", "command" or "keyring")'
)


@dataclass(frozen=True, slots=True)
class PasswordSource:
    """One of ``none | prompt | env | command | keyring | plain`` and its parameters.

    ``env`` is the variable name (TOML key ``name``), ``argv`` the command (run
    without a shell), ``service``/``account`` the keyring entry (``account``
    defaults to the profile's username), ``value`` the plain password.
    ``remember`` lets a prompted password be kept in a :class:`PasswordCache` for
    the rest of the session.
    """

    kind: str = "none"
    env: str | None = None
    argv: tuple[str, ...] = ()
    service: str | None = None
    account: str | None = None
    value: Secret | None = None
    remember: bool = False
    timeout: float | None = None

    @property
    def needs_prompt(self) -> bool:
        """True when the password must be asked from the user at connect time."""
        return self.kind == "prompt"

    @property
    def warning(self) -> str | None:
        """A sentence the caller shows whenever a ``plain`` password is used."""
        return PLAIN_WARNING if self.kind == "plain" else None

    def describe(self) -> str:
        """Where the password comes from, safe to print (never the value)."""
        if self.kind == "env":
            return f"env ${self.env}"
        if self.kind == "command":
            return f"command {shlex.join(self.argv)}"
        if self.kind == "keyring":
            return f"keyring {self.service or DEFAULT_KEYRING_SERVICE}"
        if self.kind == "plain":
            return f"plain {MASK}"
        return self.kind

    def resolve(
        self,
        *,
        prompt: Callable[[str], str | Secret] | None = None,
        timeout: float = 10,
        label: str = "Password",
        username: str | None = None,
    ) -> Secret | None:
        """Fetch the password now; ``None`` when the source is ``none``.

        Blocking (it may run a command or ask the keyring): async callers run it in
        a thread.  ``prompt`` is called with *label* for ``prompt`` sources; without
        one, a prompt source is an error, since there is nobody to ask.
        Raises :class:`ProfileError` with the fix when the password is unavailable.
        """
        if self.kind == "none":
            return None
        if self.kind == "prompt":
            if prompt is None:
                raise ProfileError(
                    'this profile asks for the password at connect time (source = "prompt") '
                    "but there is no terminal to ask on; use an env or command password source"
                )
            answer = prompt(label)
            return answer if isinstance(answer, Secret) else Secret(answer)
        if self.kind == "env":
            return _from_env(self.env or "")
        if self.kind == "command":
            return _from_command(self.argv, self.timeout or timeout)
        if self.kind == "keyring":
            return _from_keyring(self.service or DEFAULT_KEYRING_SERVICE, self.account or username)
        if self.kind == "plain":
            if self.value is None:
                raise ProfileError('auth.password has source = "plain" but no value')
            return self.value
        raise ProfileError(f"unknown password source {self.kind!r}")


def _from_env(name: str) -> Secret:
    value = os.environ.get(name)
    if value is None:
        raise ProfileError(
            f"environment variable {name} is not set; export {name}=... before running "
            "smtptui, or choose another password source"
        )
    if value == "":
        raise ProfileError(f"environment variable {name} is empty; set it to the password")
    return Secret(value)


def _from_command(argv: tuple[str, ...], timeout: float) -> Secret:
    if not argv:
        raise ProfileError('auth.password has source = "command" but no argv')
    import subprocess  # only when a password command runs

    program = argv[0]
    try:
        done = subprocess.run(
            list(argv), capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise ProfileError(
            f"password command {program!r} was not found; check auth.password.argv"
        ) from None
    except PermissionError:
        raise ProfileError(f"password command {program!r} is not executable") from None
    except subprocess.TimeoutExpired:
        raise ProfileError(
            f"password command {program!r} did not finish within {timeout:g} s"
        ) from None
    if done.returncode != 0:
        raise ProfileError(
            f"password command {program!r} failed with exit status {done.returncode}; "
            "run it yourself to see why"
        )
    first = done.stdout.decode("utf-8", "replace").splitlines()[:1]
    if not first or not first[0]:
        raise ProfileError(f"password command {program!r} printed nothing on its first line")
    return Secret(first[0])


def _from_keyring(service: str, account: str | None) -> Secret:
    try:
        import keyring  # optional extra
    except ImportError:
        raise ProfileError(
            "the keyring password source needs the keyring package: pip install 'smtptui[keyring]'"
        ) from None
    if not account:
        raise ProfileError(
            "the keyring password source needs a user name: set auth.username "
            "or auth.password.username"
        )
    try:
        value = keyring.get_password(service, account)
    except Exception as exc:  # keyring backends raise many types
        raise ProfileError(f"the system keyring failed ({type(exc).__name__})") from None
    if value is None:
        raise ProfileError(
            f"no password in the keyring for service {service!r}, user {account!r}; "
            f"store one with: keyring set {shlex.quote(service)} {shlex.quote(account)}"
        )
    return Secret(value)


def check_plain_permissions(path: Path) -> None:
    """Refuse a user file with a plain password that group or others can read.

    The fix is named exactly (``chmod 600 <path>``).  Bundled examples are not
    user files and are never checked; on Windows mode bits mean nothing.
    """
    if os.name == "nt":
        return
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ProfileError(
            f'{path.name}: auth.password is stored in the file (source = "plain") but the '
            f"file is readable by group or others; run: chmod 600 {shlex.quote(str(path))}",
            path=path,
            key="auth.password",
        )


class PasswordCache:
    """Passwords typed at a prompt, remembered for this process only.

    Keyed by profile name, host and user, so editing a profile's host or user
    forgets its password.  Never written anywhere and cannot be pickled.
    """

    __slots__ = ("_items",)

    def __init__(self) -> None:
        self._items: dict[tuple[str, str, str], Secret] = {}

    @staticmethod
    def _key(profile: Profile) -> tuple[str, str, str]:
        return (profile.name.casefold(), profile.host.casefold(), profile.auth.username or "")

    def get(self, profile: Profile) -> Secret | None:
        return self._items.get(self._key(profile))

    def remember(self, profile: Profile, secret: Secret) -> None:
        self._items[self._key(profile)] = secret

    def forget(self, profile: Profile) -> None:
        self._items.pop(self._key(profile), None)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, profile: object) -> bool:
        return hasattr(profile, "auth") and self._key(profile) in self._items  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"PasswordCache({len(self._items)} remembered)"

    def __reduce__(self):  # never pickled into caches or crash dumps
        raise TypeError("a PasswordCache cannot be pickled")
