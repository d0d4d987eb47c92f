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

from smtptui.profiles.errors import ProfileError, Sentence, did_you_mean_sentence, sentence
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
#: a bare address, dot-atom@domain (no display name, comment, quotes or brackets)
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


def _fail(key: str, problem: str, **values: object) -> ProfileError:
    """``<key> <problem>``: ``problem`` is ``profile.problem.<problem>`` in the catalogue."""
    said = sentence(f"profile.problem.{problem}", **values)
    return ProfileError(sentence("profile.error", key=key, problem=said), key=key)


#: TOML value types by the name the catalogue gives them (``profile.kind.*``);
#: bool before int, since a bool is an int to Python.
_KINDS = ((bool, "bool"), (int, "int"), (float, "float"), (str, "str"), (list, "list"),
          (dict, "table"))  # fmt: skip


def _kind(value: object) -> Sentence:
    kind = next((name for cls, name in _KINDS if isinstance(value, cls)), "datetime")
    return sentence(f"profile.kind.{kind}")


_SECTIONS = (("auth", AUTH_KEYS), ("tls", TLS_KEYS), ("message", MESSAGE_KEYS))


def _check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in table:
        if key in allowed:
            continue
        section = next((name for name, keys in _SECTIONS if key in keys), None)
        hint: Sentence | str
        if not prefix and section is not None:
            hint = sentence("profile.hint.belongs", table=section)
        else:
            hint = did_you_mean_sentence(key, allowed, prefix=prefix)
        raise ProfileError(
            sentence("profile.unknown_key", name=prefix + key, hint=hint), key=prefix + key
        )


def _table(data: Mapping[str, Any], key: str, prefix: str = "") -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _fail(prefix + key, "table", table=prefix + key, kind=_kind(value))
    return value


def _str(
    data: Mapping[str, Any], key: str, prefix: str = "", *, secret: bool = False
) -> str | None:
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, str):
        shown = "" if secret else f" ({value!r})"
        raise _fail(prefix + key, "string", kind=_kind(value), shown=shown)
    if not secret and key not in ("body", "notes") and _CONTROL.search(value):
        raise _fail(prefix + key, "control")
    return value


def _bool(data: Mapping[str, Any], key: str, default: bool, prefix: str = "") -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _fail(prefix + key, "bool", kind=_kind(value), value=repr(value))
    return value


def _seconds(data: Mapping[str, Any], key: str, prefix: str = "") -> float | None:
    if key not in data:
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 3600:
        raise _fail(prefix + key, "seconds", value=repr(value))
    return float(value)


def _choice(
    data: Mapping[str, Any], key: str, choices: tuple[str, ...], prefix: str = ""
) -> str | None:
    value = _str(data, key, prefix)
    if value is None:
        return None
    if value.lower() in choices:
        return value.lower()
    hint = did_you_mean_sentence(value, choices)
    if key == "security" and value.lower() == "ssl":
        hint = sentence("profile.hint.ssl")
    raise _fail(prefix + key, "choice", choices=", ".join(choices), value=repr(value), hint=hint)


def normalize_host(text: str) -> str | None:
    """The host name or IP literal (brackets removed), or ``None`` if it is not one."""
    host = text.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if is_ip_address(host):
        return host
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
            raise _fail(prefix + key, "host_port", host=f"{key} = {name!r}", port=f"port = {port}")
        raise _fail(prefix + key, "host", value=repr(value))
    return host


def _mail_domain(data: Mapping[str, Any]) -> str | None:
    value = _str(data, "mail_domain")
    if value is None:
        return None
    domain = normalize_host(value.strip().lstrip("@"))
    if domain is None or "." not in domain or is_ip_address(domain):
        raise _fail("mail_domain", "mail_domain", value=repr(value))
    return domain.lower()


def is_ip_address(text: str) -> bool:
    """``text`` is an IPv4 or IPv6 address (no brackets)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _address(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise _fail(key, "address_type", kind=_kind(value))
    if _PLAIN_ADDRESS.fullmatch(value.strip()):
        addr = value.strip()  # what parseaddr finds in a bare address (most profiles')
    else:
        import email.utils  # a display name, comment or quotes (keeps start-up light)

        _, addr = email.utils.parseaddr(value)
    if _CONTROL.search(value) or not _ADDRESS.fullmatch(addr):
        raise _fail(key, "address", value=repr(value))
    return value.strip()


def _addresses(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise _fail(f"message.{key}", "addresses", kind=_kind(value))
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
                "password_settings",
                kind=f'= "{value.lower()}"',
                example='password = { source = "env", name = "SMTP_PASSWORD" }',
            )
        raise _fail(key, "password_string", example='{ source = "prompt" }')
    if not isinstance(value, dict):
        raise _fail(key, "password_table", example='{ source = "prompt" }', kind=_kind(value))
    source = value.get("source")
    if not isinstance(source, str) or source.lower() not in PASSWORD_KINDS:
        hint = did_you_mean_sentence(source, PASSWORD_KINDS) if isinstance(source, str) else ""
        raise _fail(f"{key}.source", "one_of", choices=", ".join(PASSWORD_KINDS), hint=hint)
    kind = source.lower()
    for name in value:
        if name not in PASSWORD_KEYS[kind]:
            raise _fail(
                f"{key}.{name}",
                "not_for_source",
                source=f'source = "{kind}"',
                keys=", ".join(PASSWORD_KEYS[kind]),
            )
    p = f"{key}."
    if kind == "env":
        env = _str(value, "name", p)
        if not env or not _ENV_NAME.fullmatch(env):
            raise _fail(f"{key}.name", "env_name", example='name = "SMTP_PASSWORD"')
        return PasswordSource(kind=kind, env=env)
    if kind == "command":
        argv = value.get("argv")
        if (
            not isinstance(argv, list)
            or not argv
            or not all(isinstance(a, str) and a for a in argv)
        ):
            raise _fail(f"{key}.argv", "argv", example='argv = ["pass", "show", "smtp/example"]')
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
            raise _fail(f"{key}.value", "password_value")
        if secret == MASK:
            raise _fail(f"{key}.value", "password_mask", mask=repr(MASK))
        return PasswordSource(kind=kind, value=Secret(secret))
    if kind == "prompt":
        return PasswordSource(kind=kind, remember=_bool(value, "remember", False, p))
    return PasswordSource(kind=kind)


def _auth(data: Mapping[str, Any]) -> AuthSettings:
    table = _table(data, "auth")
    _check_keys(table, AUTH_KEYS, "auth.")
    username = _str(table, "username", "auth.")
    if username is not None and not username.strip():
        raise _fail("auth.username", "username_empty")
    mechanism = _choice(table, "mechanism", MECHANISMS, "auth.") or ("auto" if username else "none")
    if mechanism != "none" and not username:
        raise _fail(
            "auth.username",
            "username_missing",
            mechanism=repr(mechanism),
            example='username = "me@example.com"',
            none='mechanism = "none"',
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
            raise _fail(f"tls.{k}", "path_empty")
    if paths["client_key"] and not paths["client_cert"]:
        raise _fail("tls.client_key", "client_key")
    version = _str(table, "min_version", "tls.")
    if version is not None and version.lower() not in _TLS_VERSIONS:
        raise _fail("tls.min_version", "min_version", value=repr(version))
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
        raise _fail("name", "missing", example='name = "My server"')
    if len(name) > 100:
        raise _fail("name", "too_long")
    builtin = _bool(data, "builtin_server", False)
    host = _host(data, "host")
    if host is None and not builtin:
        raise _fail("host", "missing", example='host = "smtp.example.com"')
    port = data.get("port", 0)
    if isinstance(port, str) and port.strip().isdigit():
        raise _fail("port", "port_quoted", example=f"port = {port.strip()}")
    if (
        isinstance(port, bool)
        or not isinstance(port, int)
        or not (0 < port < 65536 or "port" not in data)
    ):
        raise _fail("port", "port", value=repr(port))
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise _fail("tags", "tags", example='tags = ["cn", "personal"]')
    helo = _str(data, "helo")
    if helo is not None and (not helo or any(c.isspace() for c in helo)):
        raise _fail("helo", "helo", value=repr(helo))
    local = _str(data, "local_address")
    if local is not None:
        try:
            ipaddress.ip_address(local)
        except ValueError:
            raise _fail("local_address", "local_address", value=repr(local)) from None
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
