"""The profile model: one mail server the user talks to, as frozen values.

A :class:`Profile` is what a TOML file in the profiles folder describes (see the
README for the format).  It turns into a :class:`~smtptui.protocol.config.SessionConfig`
for the engine, back into TOML for saving, and it knows how to fetch its password.
Parsing and validation live in :mod:`smtptui.profiles.schema`, so every way of
making a profile from user input (file, CLI ``--set``, the TUI form) goes through
the same checks.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smtptui.profiles.errors import ProfileError
from smtptui.profiles.passwords import PasswordCache, PasswordSource, check_plain_permissions
from smtptui.protocol.config import DEFAULT_PORTS, SECURITY_MODES, SessionConfig, TlsConfig
from smtptui.protocol.secret import Secret

FAMILIES = ("auto", "ipv4", "ipv6")
MECHANISMS = ("auto", "none", "plain", "login", "cram-md5", "xoauth2")
SAVED_HEADER = (
    "# Saved by smtptui. Comments are not kept when a profile is saved from the app;\n"
    '# keep notes in the notes = "..." key instead.\n'
)


def security_for_port(port: int) -> str:
    """The usual security for a well-known port: 465 is TLS, 587 STARTTLS, else plain."""
    return {465: "tls", 587: "starttls"}.get(port, "plain")


@dataclass(frozen=True, slots=True)
class AuthSettings:
    """``[auth]``: how to log in.  ``mechanism = "none"`` means no AUTH at all."""

    mechanism: str = "none"
    username: str | None = None
    password: PasswordSource = field(default_factory=PasswordSource)
    allow_insecure: bool = False  # send credentials without TLS (local test servers)

    @property
    def enabled(self) -> bool:
        return self.mechanism != "none"


@dataclass(frozen=True, slots=True)
class TlsSettings:
    """``[tls]``: certificate checks and client certificates."""

    verify: bool = True
    ca_file: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    min_version: str | None = None  # "TLSv1.2" | "TLSv1.3"
    server_hostname: str | None = None

    def to_config(self) -> TlsConfig:
        def expand(p: str | None) -> str | None:
            return os.path.expanduser(p) if p else None

        return TlsConfig(
            verify=self.verify,
            ca_file=expand(self.ca_file),
            client_cert=expand(self.client_cert),
            client_key=expand(self.client_key),
            min_version=self.min_version,
            server_hostname=self.server_hostname,
        )


@dataclass(frozen=True, slots=True)
class MessageDefaults:
    """``[message]``: what the composer is pre-filled with (TOML key ``from`` is ``sender``)."""

    sender: str | None = None
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    subject: str | None = None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """One server profile.

    ``port = 0`` means "the default port for the security mode" (25 / 587 / 465)
    and ``security = ""`` means "the usual one for the port"; both are filled in
    on construction, so a constructed profile always has concrete values.
    ``builtin_server`` marks the demo: the app starts its own server in-process
    and points the profile at it.  ``source_path`` is the file it came from;
    ``bundled`` is true for the examples shipped inside smtptui.
    """

    name: str
    host: str = "127.0.0.1"
    port: int = 0
    security: str = ""
    helo: str | None = None
    tags: tuple[str, ...] = ()
    timeout: float | None = None
    family: str = "auto"
    local_address: str | None = None
    builtin_server: bool = False
    notes: str = ""
    #: The mail domain this server receives for (it is one of the domain's MX
    #: hosts): the fleet checks that domain's MTA-STS policy and TLS-RPT
    #: record against this server.  ``None``: not an MX, nothing to check.
    mail_domain: str | None = None
    auth: AuthSettings = field(default_factory=AuthSettings)
    tls: TlsSettings = field(default_factory=TlsSettings)
    message: MessageDefaults = field(default_factory=MessageDefaults)
    source_path: Path | None = field(default=None, compare=False)
    bundled: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.security and self.security not in SECURITY_MODES:
            raise ProfileError(
                f"security must be one of {', '.join(SECURITY_MODES)}, not {self.security!r}"
            )
        if not self.security:
            object.__setattr__(
                self, "security", security_for_port(self.port) if self.port else "plain"
            )
        if not self.port:
            object.__setattr__(self, "port", DEFAULT_PORTS[self.security])
        if self.family not in FAMILIES:
            raise ProfileError(f"family must be one of {', '.join(FAMILIES)}, not {self.family!r}")
        if not (0 < self.port < 65536):
            raise ProfileError(f"port must be from 1 to 65535, not {self.port}")

    # -- identity -------------------------------------------------------------

    @property
    def slug(self) -> str:
        """The safe file-name stem the store uses for this profile."""
        from smtptui.profiles.store import slugify

        return slugify(self.name)

    @property
    def address(self) -> str:
        """``host:port``, with IPv6 literals in brackets."""
        try:
            if ipaddress.ip_address(self.host).version == 6:
                return f"[{self.host}]:{self.port}"
        except ValueError:
            pass
        return f"{self.host}:{self.port}"

    @property
    def auth_summary(self) -> str:
        """``login as me@qq.com (prompt)`` or ``none``; never the password."""
        if not self.auth.enabled:
            return "none"
        user = f" as {self.auth.username}" if self.auth.username else ""
        return f"{self.auth.mechanism}{user} ({self.auth.password.describe()})"

    @property
    def warnings(self) -> list[str]:
        """Sentences the UI and CLI show when the profile is used."""
        out: list[str] = []
        if self.auth.password.kind == "plain" and not self.bundled:
            out.append(f"{self.name}: {self.auth.password.warning}")
        if not self.tls.verify:
            out.append(f"{self.name}: TLS certificates are not verified (tls.verify = false)")
        return out

    # -- conversions ----------------------------------------------------------

    def session_config(self, **overrides: Any) -> SessionConfig:
        """The engine's connection settings; command-line *overrides* win.

        Overrides are :class:`SessionConfig` field names; ``None`` means "not
        given on the command line" and keeps the profile's value.
        """
        config = SessionConfig(
            host=self.host,
            port=self.port,
            security=self.security,
            helo=self.helo,
            timeout=self.timeout,
            family=self.family,
            local_address=self.local_address,
            tls=self.tls.to_config(),
            allow_insecure_auth=self.auth.allow_insecure,
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        try:
            return dataclasses.replace(config, **given)
        except TypeError as exc:
            raise ProfileError(f"unknown connection setting: {exc}") from None

    def to_dict(self, *, reveal_secrets: bool = False) -> dict[str, Any]:
        """The TOML document as a dict, defaults left out.

        A plain password is written as ``********`` unless *reveal_secrets* is true;
        only the store (writing the user's own file) asks for the real value.
        """
        from smtptui.profiles.serialize import profile_to_dict

        return profile_to_dict(self, reveal_secrets=reveal_secrets)

    def to_toml(self, *, reveal_secrets: bool = False, header: str = "") -> str:
        """TOML text for this profile; masked by default (see :meth:`to_dict`)."""
        import tomli_w

        return header + tomli_w.dumps(self.to_dict(reveal_secrets=reveal_secrets))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> Profile:
        """Validate a TOML-shaped dict; errors name the file (when given) and key."""
        from smtptui.profiles.schema import parse_profile

        try:
            return parse_profile(data, path)
        except ProfileError as exc:
            raise exc.in_file(path) from None

    @classmethod
    def from_toml(cls, text: str, path: Path | None = None) -> Profile:
        """Parse and validate TOML text (the name defaults to the file's stem)."""
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _syntax_error(exc, path) from None
        return cls.from_dict(data, path)

    @classmethod
    def from_file(cls, path: Path, *, bundled: bool = False) -> Profile:
        """Read a profile file; a user file with a readable plain password is refused."""
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ProfileError(f"{path.name}: the file is not UTF-8 text", path=path) from None
        except OSError as exc:
            raise ProfileError(
                f"{path.name}: cannot read the file ({exc.strerror})", path=path
            ) from None
        profile = cls.from_toml(text, path)
        if profile.auth.password.kind == "plain" and not bundled:
            check_plain_permissions(path)
        return dataclasses.replace(profile, bundled=bundled)

    def replace(self, **changes: Any) -> Profile:
        """A copy with *changes* (field names), validated like a file would be."""
        changed = dataclasses.replace(self, **changes)
        return dataclasses.replace(
            Profile.from_dict(changed.to_dict(reveal_secrets=True)),
            source_path=changed.source_path,
            bundled=changed.bundled,
        )

    def with_settings(self, settings: Mapping[str, Any]) -> Profile:
        """A copy with dotted TOML keys set (``auth.username``, ``tls.verify``).

        ``None`` removes a key (back to its default).  Used by ``profiles edit --set``
        and the TUI form; the result is validated before anything is written.
        """
        from smtptui.profiles.serialize import apply_dotted

        data = apply_dotted(self.to_dict(reveal_secrets=True), settings)
        fresh = Profile.from_dict(data)
        return dataclasses.replace(fresh, source_path=self.source_path, bundled=self.bundled)

    # -- passwords ------------------------------------------------------------

    def resolve_password(
        self,
        *,
        prompt: Callable[[str], str | Secret] | None = None,
        timeout: float = 10,
        cache: PasswordCache | None = None,
    ) -> Secret | None:
        """The password for AUTH, or ``None`` when the profile does not log in.

        A prompted password is taken from / kept in *cache* when the profile says
        ``remember = true``.  A user file holding a plain password is re-checked
        for group/other read permission, since it may have changed since loading.
        """
        if not self.auth.enabled:
            return None
        source = self.auth.password
        if source.needs_prompt and cache is not None and (hit := cache.get(self)) is not None:
            return hit
        if source.kind == "plain" and not self.bundled and self.source_path is not None:
            check_plain_permissions(self.source_path)
        label = f"Password for {self.auth.username or 'AUTH'} at {self.address}"
        secret = source.resolve(
            prompt=prompt, timeout=timeout, label=label, username=self.auth.username
        )
        if secret is not None and source.needs_prompt and source.remember and cache is not None:
            cache.remember(self, secret)
        return secret


def _syntax_error(exc: Exception, path: Path | None) -> ProfileError:
    """``broken.toml: line 3: TOML syntax error: ...`` from a TOMLDecodeError."""
    import re

    text = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    line = int(match.group(1)) if match else None
    reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", text).rstrip(".")
    if match and path is None:
        where = f" at line {line}, column {match.group(2)}"
    else:
        where = f" at column {match.group(2)}" if match else ""
    err = ProfileError(
        f"TOML syntax error{where}: {reason} (fix the syntax there; text values need quotes)",
        line=line,
    )
    return err.in_file(path)
