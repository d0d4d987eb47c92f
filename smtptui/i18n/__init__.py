"""Language choice and the one message catalogue every text a person reads
goes through: the reference, the dashboard, the CLI, the lessons.

Why a catalogue of plain Python dicts (one package per language under
``smtptui/i18n/locales/``) rather than gettext: the texts are long,
structured (titles, explanations, lists of next steps) and keyed by facts
(``basic.535.title``, ``pane.profiles.title``), not by English source strings;
dicts import in milliseconds, need no build step, and a test can check every
key of every language.

The catalogue is split into *domains*, one module per domain and language
(``locales/en/codes.py``, ``locales/zh/codes.py`` …). A key's first segment
names its domain (:data:`DOMAIN_OF` maps the older prefixes that differ from
their module's name), and a domain is imported only when one of its keys is
first asked for: drawing the dashboard's labels does not load a thousand
reply-code explanations.

Adding a string: put the key in the English and the Chinese module of its
domain (a test fails if one language lacks it). Adding a domain: create
``locales/en/NAME.py`` and ``locales/zh/NAME.py`` with a ``MESSAGES`` dict
whose keys start with ``NAME.`` and list ``NAME`` in :data:`DOMAINS`. Adding a
language: copy ``locales/en/`` to ``locales/xx/``, translate the values, add
``"xx"`` to :data:`LANGUAGES`.

A value is either a string or a tuple of strings (lists such as next steps).
Strings may contain ``{name}`` placeholders filled by :func:`t`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from functools import cache

#: Supported languages, in the order a language picker shows them.
LANGUAGES: tuple[str, ...] = ("en", "zh")

#: Each language's own name, for pickers and ``--help``.
LANGUAGE_NAMES: Mapping[str, str] = {"en": "English", "zh": "简体中文"}

DEFAULT_LANGUAGE = "en"

Message = str | tuple[str, ...]


class _Defaults(dict[str, str]):
    """``format_map`` helper: an unknown placeholder stays visible as ``{name}``
    instead of raising — a missing argument must never crash an explanation."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def normalize_lang(value: str | None) -> str | None:
    """Map ``"zh_CN.UTF-8"``, ``"zh-Hans"``, ``"EN"`` … to a supported code, or ``None``."""
    if not value:
        return None
    code = value.strip().lower().replace("-", "_").split(".")[0].split("@")[0]
    base = code.split("_")[0]
    return base if base in LANGUAGES else None


def resolve_lang(explicit: str | None = None) -> str:
    """The language to use: ``explicit``, else ``SMTPTUI_LANG``, else the locale
    (the first non-empty of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as POSIX
    orders them), else English.

    An explicit value that names no supported language raises ``ValueError``
    (a caller's bug, or a user typo the CLI reports); an unsupported value in the
    environment is skipped, because the environment is not the user's request to us.
    """
    if explicit:
        lang = normalize_lang(explicit)
        if lang is None:
            supported = ", ".join(LANGUAGES)
            raise ValueError(f"unsupported language {explicit!r} (supported: {supported})")
        return lang
    lang = normalize_lang(os.environ.get("SMTPTUI_LANG"))
    if lang:
        return lang
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.strip().lower().startswith("zh") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


#: Every domain module of a language package (``locales/<lang>/<domain>.py``).
DOMAINS: tuple[str, ...] = (
    "codes",
    "enhanced",
    "vendors",
    "commands",
    "session",
    "ui",
    "defects",
    "keys",
    "app",
    "pane",
    "screen",
    "inspect",
    "ext",
    "cli",
    "flow",
    "lesson",
    "message",
    "form",
    "fleet",
    "profile",
)

#: Key prefixes whose module has another name (the reference's first keys).
DOMAIN_OF: Mapping[str, str] = {
    "basic": "codes",
    "digit": "codes",
    "kind": "codes",
    "enh": "enhanced",
    "mismatch": "enhanced",
    "vendor": "vendors",
    "cmd": "commands",
    "mech": "commands",
    "expect": "session",
    "hint": "session",
    "state": "session",
    "verdict": "session",
    "defect": "defects",
}


def domain_of(key: str) -> str:
    """The domain module that holds ``key`` (``"basic.535.title"`` → ``"codes"``)."""
    prefix = key.partition(".")[0]
    return DOMAIN_OF.get(prefix, prefix)


@cache
def _domain(lang: str, domain: str) -> Mapping[str, Message]:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    if domain not in DOMAINS:
        return {}
    module = importlib.import_module(f"smtptui.i18n.locales.{lang}.{domain}")
    return module.MESSAGES


@cache
def catalogue(lang: str) -> Mapping[str, Message]:
    """All messages of one language, every domain loaded (tests, tools)."""
    merged: dict[str, Message] = {}
    for domain in DOMAINS:
        merged.update(_domain(lang, domain))
    return merged


def has(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in _domain(lang, domain_of(key))


def _lookup(key: str, lang: str | None) -> Message:
    lang = resolve_lang(lang)
    domain = domain_of(key)
    messages = _domain(lang, domain)
    if key in messages:
        return messages[key]
    fallback = _domain(DEFAULT_LANGUAGE, domain)
    if key in fallback:
        return fallback[key]
    raise KeyError(f"no message {key!r} in the catalogue")


def t(key: str, lang: str | None = None, /, **values: object) -> str:
    """The message ``key`` in ``lang`` (English when that language lacks it),
    with ``{placeholders}`` filled from ``values``."""
    msg = _lookup(key, lang)
    if isinstance(msg, tuple):
        msg = "\n".join(msg)
    if not values:
        return msg
    return msg.format_map(_Defaults({k: str(v) for k, v in values.items()}))


def tn(key: str, n: int, lang: str | None = None, /, **values: object) -> str:
    """``t`` for a count: ``key.one`` when ``n`` is 1 and the language has that
    form (English does; Chinese needs none), else ``key``; ``{n}`` is filled."""
    one = f"{key}.one"
    if n == 1 and has(one, resolve_lang(lang)):
        return t(one, lang, n=n, **values)
    return t(key, lang, n=n, **values)


def tl(key: str, lang: str | None = None, /, **values: object) -> tuple[str, ...]:
    """A list message (e.g. next steps) as a tuple of filled strings; a plain
    string message becomes a one-item tuple, an empty string an empty tuple."""
    msg = _lookup(key, lang)
    items = (msg,) if isinstance(msg, str) else msg
    fill = _Defaults({k: str(v) for k, v in values.items()})
    return tuple(item.format_map(fill) if values else item for item in items if item)
