"""Language choice and the one message catalogue all reference text goes through.

Why a catalogue of plain Python dicts (one package per language under
``smtptui/reference/locales/``) rather than gettext: the texts are long,
structured (titles, explanations, lists of next steps) and keyed by SMTP facts
(``basic.535.title``), not by English source strings; dicts import in
milliseconds, need no build step, and a test can check every key of every
language. Adding a language = copying ``locales/en/`` to ``locales/xx/``,
translating the values and adding ``"xx"`` to :data:`LANGUAGES`.

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


@cache
def catalogue(lang: str) -> Mapping[str, Message]:
    """All messages of one language (imported on first use, then cached)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    module = importlib.import_module(f"smtptui.reference.locales.{lang}")
    return module.MESSAGES


def has(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in catalogue(lang)


def _lookup(key: str, lang: str | None) -> Message:
    lang = resolve_lang(lang)
    messages = catalogue(lang)
    if key in messages:
        return messages[key]
    fallback = catalogue(DEFAULT_LANGUAGE)
    if key in fallback:
        return fallback[key]
    raise KeyError(f"no message {key!r} in the reference catalogue")


def t(key: str, lang: str | None = None, /, **values: object) -> str:
    """The message ``key`` in ``lang`` (English when that language lacks it),
    with ``{placeholders}`` filled from ``values``."""
    msg = _lookup(key, lang)
    if isinstance(msg, tuple):
        msg = "\n".join(msg)
    if not values:
        return msg
    return msg.format_map(_Defaults({k: str(v) for k, v in values.items()}))


def tl(key: str, lang: str | None = None, /, **values: object) -> tuple[str, ...]:
    """A list message (e.g. next steps) as a tuple of filled strings; a plain
    string message becomes a one-item tuple, an empty string an empty tuple."""
    msg = _lookup(key, lang)
    items = (msg,) if isinstance(msg, str) else msg
    fill = _Defaults({k: str(v) for k, v in values.items()})
    return tuple(item.format_map(fill) if values else item for item in items if item)
