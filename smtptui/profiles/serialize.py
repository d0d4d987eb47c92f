"""Profiles back to TOML-shaped dicts, and dotted-key edits of such dicts.

Kept apart from parsing so that :mod:`smtptui.profiles.schema` reads as the list of
rules a file must follow.  Defaults are left out of the output, so a profile saved
from the app stays as short as one written by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smtptui.profiles.errors import ProfileError
from smtptui.profiles.model import AuthSettings, MessageDefaults, Profile, TlsSettings
from smtptui.profiles.passwords import PasswordSource
from smtptui.protocol.secret import MASK


def _password_dict(source: PasswordSource, reveal: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"source": source.kind}
    if source.kind == "env":
        out["name"] = source.env
    elif source.kind == "command":
        out["argv"] = list(source.argv)
        if source.timeout is not None:
            out["timeout"] = source.timeout
    elif source.kind == "keyring":
        out |= {k: v for k, v in (("service", source.service), ("username", source.account)) if v}
    elif source.kind == "plain" and source.value is not None:
        out["value"] = source.value.reveal() if reveal else MASK
    elif source.kind == "prompt" and source.remember:
        out["remember"] = True
    return out


def profile_to_dict(profile: Profile, *, reveal_secrets: bool = False) -> dict[str, Any]:
    """The TOML document for *profile*, leaving out values that are defaults."""
    out: dict[str, Any] = {"name": profile.name}
    if profile.builtin_server:
        out["builtin_server"] = True
    out |= {"host": profile.host, "port": profile.port, "security": profile.security}
    optional = {
        "helo": profile.helo,
        "tags": list(profile.tags),
        "timeout": profile.timeout,
        "local_address": profile.local_address,
        "notes": profile.notes,
        "mail_domain": profile.mail_domain,
        "family": None if profile.family == "auto" else profile.family,
    }
    out |= {k: v for k, v in optional.items() if v}
    auth = profile.auth
    if auth != AuthSettings():
        table: dict[str, Any] = {"mechanism": auth.mechanism}
        if auth.username:
            table["username"] = auth.username
        if auth.password.kind != "none":
            table["password"] = _password_dict(auth.password, reveal_secrets)
        if auth.allow_insecure:
            table["allow_insecure"] = True
        out["auth"] = table
    tls = profile.tls
    if tls != TlsSettings():
        fields = {
            "ca_file": tls.ca_file,
            "client_cert": tls.client_cert,
            "client_key": tls.client_key,
            "min_version": tls.min_version,
            "server_hostname": tls.server_hostname,
        }
        out["tls"] = {"verify": tls.verify} | {k: v for k, v in fields.items() if v}
    msg = profile.message
    if msg != MessageDefaults():
        fields = {
            "from": msg.sender,
            "to": list(msg.to),
            "cc": list(msg.cc),
            "subject": msg.subject,
            "body": msg.body,
        }
        out["message"] = {k: v for k, v in fields.items() if v}
    return out


def apply_dotted(data: dict[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Set dotted keys (``tls.verify``) in a TOML-shaped dict; ``None`` removes a key.

    Changing ``auth.password.source`` drops the old source's settings (a switch from
    ``plain`` to ``env`` must not keep the old password in the file).
    """
    for dotted, value in settings.items():
        parts = dotted.split(".")
        if not all(parts):
            raise ProfileError(f"{dotted!r} is not a key; use names like host or auth.username")
        if dotted == "auth.password.source" or (dotted == "auth.password" and value is not None):
            auth = data.setdefault("auth", {})
            if isinstance(auth, dict):
                auth.pop("password", None)
        node = data
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if value is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return data
