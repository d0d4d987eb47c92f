"""Strict validation of profile TOML, and the way back to TOML.

Every profile made from user input passes through :func:`parse_profile`, so a
typo in a hand-written file, a bad ``--set`` on the command line and a bad field
in the TUI form all get the same one-sentence error naming the key and the fix.
Unknown keys are reported first (``unknown key 'hots' (did you mean 'host'?)``)
because a misspelt key otherwise shows up as a confusing "host is missing".

Nothing read from ``auth.password`` is ever put in a message.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from smtptui.profiles.errors import ProfileError, did_you_mean
from smtptui.profiles.model import (
    FAMILIES,
    MECHANISMS,
    AuthSettings,
    MessageDefaults,
    Profile,
    TlsSettings,
)
from smtptui.profiles.passwords import PASSWORD_KINDS, PasswordSource
from smtptui.protocol.config import SECURITY_MODES
from smtptui.protocol.secret import MASK, Secret

TOP_KEYS = (
    "name", "host", "port", "security", "helo", "tags", "timeout", "family",
    "local_address", "builtin_server", "notes", "mail_domain", "auth", "tls", "message",
)  # fmt: skip
AUTH_KEYS = ("mechanism", "username", "password", "allow_insecure")
TLS_KEYS = ("verify", "ca_file", "client_cert", "client_key", "min_version", "server_hostname")
MESSAGE_KEYS = ("from", "to", "cc", "subject", "body")
PASSWORD_KEYS: dict[str, tuple[str, ...]] = {
    "none": ("source",),
    "prompt": ("source", "remember"),
    "env": ("source", "name"),
    "command": ("source", "argv", "timeout"),
    "keyring": ("source", "service", "username"),
    "plain": ("source", "value"),
}
#: dotted keys whose value is text even when it looks like a TOML number or boolean
STRING_KEYS = frozenset(
    ["name", "host", "security", "helo", "family", "local_address", "notes", "mail_domain"]
    + [f"auth.{k}" for k in ("mechanism", "username")]
    + [f"auth.password.{k}" for k in ("source", "name", "service", "username", "value")]
    + [
        f"tls.{k}"
        for k in ("ca_file", "client_cert", "client_key", "min_version", "server_hostname")
    ]
    + [f"message.{k}" for k in ("from", "subject", "body")]
)
_TLS_VERSIONS = {"tlsv1.2": "TLSv1.2", "tls1.2": "TLSv1.2", "1.2": "TLSv1.2",
                 "tlsv1.3": "TLSv1.3", "tls1.3": "TLSv1.3", "1.3": "TLSv1.3"}  # fmt: skip
_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ADDRESS = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _fail(key: str, problem: str) -> ProfileError:
    return ProfileError(f"{key} {problem}", key=key)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date/time"


_SECTIONS = (("auth", AUTH_KEYS), ("tls", TLS_KEYS), ("message", MESSAGE_KEYS))


def _check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in table:
        if key in allowed:
            continue
        section = next((name for name, keys in _SECTIONS if key in keys), None)
        if not prefix and section is not None:
            hint = f" (it belongs in the [{section}] table)"
        else:
            hint = did_you_mean(key, allowed)
            if hint and prefix:
                hint = hint.replace("'", f"'{prefix}", 1)
        raise ProfileError(f"unknown key {prefix + key!r}{hint}", key=prefix + key)


def _table(data: Mapping[str, Any], key: str, prefix: str = "") -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _fail(
            prefix + key, f"must be a table (a [{prefix + key}] section), not {_kind(value)}"
        )
    return value


def _str(
    data: Mapping[str, Any], key: str, prefix: str = "", *, secret: bool = False
) -> str | None:
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, str):
        shown = "" if secret else f" ({value!r})"
        raise _fail(prefix + key, f"must be a string in quotes, not {_kind(value)}{shown}")
    if not secret and key not in ("body", "notes") and _CONTROL.search(value):
        raise _fail(prefix + key, "must not contain line breaks or control characters")
    return value


def _bool(data: Mapping[str, Any], key: str, default: bool, prefix: str = "") -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _fail(
            prefix + key, f"must be true or false (no quotes), not {_kind(value)} ({value!r})"
        )
    return value


def _seconds(data: Mapping[str, Any], key: str, prefix: str = "") -> float | None:
    if key not in data:
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 3600:
        raise _fail(
            prefix + key, f"must be a number of seconds from 0 to 3600 (no quotes), not {value!r}"
        )
    return float(value)


def _choice(
    data: Mapping[str, Any], key: str, choices: tuple[str, ...], prefix: str = ""
) -> str | None:
    value = _str(data, key, prefix)
    if value is None:
        return None
    if value.lower() in choices:
        return value.lower()
    hint = did_you_mean(value, choices)
    if key == "security" and value.lower() == "ssl":
        hint = ' (use "tls": implicit TLS, usually port 465)'
    raise _fail(prefix + key, f"must be one of {', '.join(choices)}, not {value!r}{hint}")


def normalize_host(text: str) -> str | None:
    """The host name or IP literal (brackets removed), or ``None`` if it is not one."""
    host = text.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    host = host.rstrip(".")
    if not host or len(host) > 253:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return host if all(_LABEL.fullmatch(label) for label in ascii_host.split(".")) else None


def _host(data: Mapping[str, Any], key: str, prefix: str = "") -> str | None:
    value = _str(data, key, prefix)
    if value is None:
        return None
    host = normalize_host(value)
    if host is None:
        name, _, port = value.rpartition(":")
        if port.isdigit() and normalize_host(name):
            raise _fail(
                prefix + key, f"must not include the port; write {key} = {name!r} and port = {port}"
            )
        raise _fail(prefix + key, f"is not a host name or IP address: {value!r}")
    return host


def _mail_domain(data: Mapping[str, Any]) -> str | None:
    value = _str(data, "mail_domain")
    if value is None:
        return None
    domain = normalize_host(value.strip().lstrip("@"))
    if domain is None or "." not in domain or _is_ip(domain):
        raise _fail("mail_domain", f"must be a mail domain such as example.com, not {value!r}")
    return domain.lower()


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _address(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise _fail(key, f"must be an email address in quotes, not {_kind(value)}")
    import email.utils  # only when an address is checked (keeps start-up light)

    _, addr = email.utils.parseaddr(value)
    if _CONTROL.search(value) or not _ADDRESS.fullmatch(addr):
        raise _fail(
            key,
            f'is not an email address: {value!r} (write user@example.com or "Name <user@example.com>")',
        )
    return value.strip()


def _addresses(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise _fail(
            f"message.{key}", f"must be an address or an array of addresses, not {_kind(value)}"
        )
    return tuple(_address(item, f"message.{key}") for item in items)


def parse_password(value: object, username: str | None) -> PasswordSource:
    """``auth.password``: a table ``{ source = ..., ... }`` or a bare source name."""
    key = "auth.password"
    if isinstance(value, str):
        if value.lower() in ("prompt", "keyring", "none"):
            return PasswordSource(kind=value.lower())
        if value.lower() in ("env", "command", "plain"):
            raise _fail(
                key,
                f'= "{value.lower()}" needs more settings; see the README, e.g. '
                'password = { source = "env", name = "SMTP_PASSWORD" }',
            )
        raise _fail(
            key,
            'must be a table such as { source = "prompt" } (this string is not a '
            "source name, and it is not shown in case it is the password)",
        )
    if not isinstance(value, dict):
        raise _fail(key, f'must be a table such as {{ source = "prompt" }}, not {_kind(value)}')
    source = value.get("source")
    if not isinstance(source, str) or source.lower() not in PASSWORD_KINDS:
        hint = did_you_mean(source, PASSWORD_KINDS) if isinstance(source, str) else ""
        raise _fail(f"{key}.source", f"must be one of {', '.join(PASSWORD_KINDS)}{hint}")
    kind = source.lower()
    for name in value:
        if name not in PASSWORD_KEYS[kind]:
            raise _fail(
                f"{key}.{name}",
                f'does not apply to source = "{kind}" (it takes {", ".join(PASSWORD_KEYS[kind])})',
            )
    p = f"{key}."
    if kind == "env":
        env = _str(value, "name", p)
        if not env or not _ENV_NAME.fullmatch(env):
            raise _fail(
                f"{key}.name", 'must be an environment variable name, e.g. name = "SMTP_PASSWORD"'
            )
        return PasswordSource(kind=kind, env=env)
    if kind == "command":
        argv = value.get("argv")
        if (
            not isinstance(argv, list)
            or not argv
            or not all(isinstance(a, str) and a for a in argv)
        ):
            raise _fail(
                f"{key}.argv",
                "must be a non-empty array of strings, run without a shell, "
                'e.g. argv = ["pass", "show", "smtp/example"]',
            )
        return PasswordSource(kind=kind, argv=tuple(argv), timeout=_seconds(value, "timeout", p))
    if kind == "keyring":
        return PasswordSource(
            kind=kind,
            service=_str(value, "service", p),
            account=_str(value, "username", p),
        )
    if kind == "plain":
        secret = value.get("value")
        if isinstance(secret, Secret):
            secret = secret.reveal()
        if not isinstance(secret, str) or not secret:
            raise _fail(f"{key}.value", "must be the password as a non-empty string in quotes")
        if secret == MASK:
            raise _fail(
                f"{key}.value",
                f"is the mask {MASK!r} from `profiles show`, not a password; "
                "put the real password back or use another source",
            )
        return PasswordSource(kind=kind, value=Secret(secret))
    if kind == "prompt":
        return PasswordSource(kind=kind, remember=_bool(value, "remember", False, p))
    return PasswordSource(kind=kind)


def _auth(data: Mapping[str, Any]) -> AuthSettings:
    table = _table(data, "auth")
    _check_keys(table, AUTH_KEYS, "auth.")
    username = _str(table, "username", "auth.")
    if username is not None and not username.strip():
        raise _fail("auth.username", "is empty; remove it or write the login name")
    mechanism = _choice(table, "mechanism", MECHANISMS, "auth.") or ("auto" if username else "none")
    if mechanism != "none" and not username:
        raise _fail(
            "auth.username",
            f"is missing: mechanism {mechanism!r} needs a login name "
            '(add username = "me@example.com" under [auth], or mechanism = "none")',
        )
    password = (
        parse_password(table["password"], username)
        if "password" in table
        else PasswordSource(kind="prompt" if mechanism != "none" else "none")
    )
    return AuthSettings(
        mechanism=mechanism,
        username=username,
        password=password,
        allow_insecure=_bool(table, "allow_insecure", False, "auth."),
    )


def _tls(data: Mapping[str, Any]) -> TlsSettings:
    table = _table(data, "tls")
    _check_keys(table, TLS_KEYS, "tls.")
    paths = {k: _str(table, k, "tls.") for k in ("ca_file", "client_cert", "client_key")}
    for k, v in paths.items():
        if v is not None and not v.strip():
            raise _fail(f"tls.{k}", "is empty; remove it or write a file path")
    if paths["client_key"] and not paths["client_cert"]:
        raise _fail(
            "tls.client_key", "needs tls.client_cert (the certificate that goes with the key)"
        )
    version = _str(table, "min_version", "tls.")
    if version is not None and version.lower() not in _TLS_VERSIONS:
        raise _fail("tls.min_version", f'must be "TLSv1.2" or "TLSv1.3", not {version!r}')
    return TlsSettings(
        verify=_bool(table, "verify", True, "tls."),
        **paths,
        min_version=_TLS_VERSIONS[version.lower()] if version else None,
        server_hostname=_host(table, "server_hostname", "tls."),
    )


def _message(data: Mapping[str, Any]) -> MessageDefaults:
    table = _table(data, "message")
    _check_keys(table, MESSAGE_KEYS, "message.")
    sender = table.get("from")
    return MessageDefaults(
        sender=None if sender is None else _address(sender, "message.from"),
        to=_addresses(table, "to"),
        cc=_addresses(table, "cc"),
        subject=_str(table, "subject", "message."),
        body=_str(table, "body", "message."),
    )


def parse_profile(data: Mapping[str, Any], path: Path | None = None) -> Profile:
    """Validate a TOML document and build the :class:`Profile`.

    The name defaults to the file's stem; the host may be left out only for the
    built-in server (the app fills it in).  Raises :class:`ProfileError`.
    """
    _check_keys(data, TOP_KEYS, "")
    name = _str(data, "name")
    if name is None and path is not None:
        name = path.stem
    if not name or not name.strip():
        raise _fail("name", 'is missing (add name = "My server")')
    if len(name) > 100:
        raise _fail("name", "is longer than 100 characters")
    builtin = _bool(data, "builtin_server", False)
    host = _host(data, "host")
    if host is None and not builtin:
        raise _fail("host", 'is missing (add host = "smtp.example.com")')
    port = data.get("port", 0)
    if isinstance(port, str) and port.strip().isdigit():
        raise _fail("port", f"must be a number without quotes: port = {port.strip()}")
    if (
        isinstance(port, bool)
        or not isinstance(port, int)
        or not (0 < port < 65536 or "port" not in data)
    ):
        raise _fail("port", f"must be a whole number from 1 to 65535, not {port!r}")
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise _fail("tags", 'must be an array of words, e.g. tags = ["cn", "personal"]')
    helo = _str(data, "helo")
    if helo is not None and (not helo or any(c.isspace() for c in helo)):
        raise _fail("helo", f"must be one host name without spaces, not {helo!r}")
    local = _str(data, "local_address")
    if local is not None:
        try:
            ipaddress.ip_address(local)
        except ValueError:
            raise _fail(
                "local_address", f"must be an IP address of this machine, not {local!r}"
            ) from None
    mail_domain = _mail_domain(data)
    return Profile(
        name=name.strip(),
        host=host or "127.0.0.1",
        port=port,
        security=_choice(data, "security", SECURITY_MODES) or "",
        helo=helo,
        tags=tuple(dict.fromkeys(t.strip() for t in tags)),
        timeout=_seconds(data, "timeout"),
        family=_choice(data, "family", FAMILIES) or "auto",
        local_address=local,
        builtin_server=builtin,
        notes=_str(data, "notes") or "",
        mail_domain=mail_domain,
        auth=_auth(data),
        tls=_tls(data),
        message=_message(data),
        source_path=path,
    )
