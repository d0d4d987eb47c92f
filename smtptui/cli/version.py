"""``smtptui --version``: one line with smtptui's version and those of what it runs on.

A bug report needs more than ``0.1.0``: TLS problems depend on OpenSSL, the
dashboard on Textual, the built-in server on aiosmtpd. The versions come from
the installed packages' metadata, so asking does not import (and pay for) the
packages themselves; OpenSSL's is the one Python's ``ssl`` module is linked
with, which is what smtptui's STARTTLS and implicit TLS use.
"""

from __future__ import annotations

import platform
from importlib import metadata

#: (name shown, distribution name) of the libraries reported, in order
LIBRARIES: tuple[tuple[str, str], ...] = (
    ("Textual", "textual"),
    ("aiosmtpd", "aiosmtpd"),
    ("cryptography", "cryptography"),
    ("dnspython", "dnspython"),
    ("httpx", "httpx"),
)


def _distribution_version(name: str, lang: str | None) -> str:
    from smtptui.i18n import t

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return t("cli.version.missing", lang)


def _openssl() -> str:
    import ssl

    # "OpenSSL 3.0.15 3 Sep 2024" -> "OpenSSL 3.0.15" (LibreSSL says its own name)
    return " ".join(ssl.OPENSSL_VERSION.split()[:2])


def _python() -> str:
    name = platform.python_implementation()
    version = platform.python_version()
    return f"Python {version}" if name == "CPython" else f"Python {version} ({name})"


def version_report(lang: str | None = None) -> str:
    """``smtptui 0.1.0 (Python 3.11.2, Textual 8.2.8, …, OpenSSL 3.0.15)``."""
    from smtptui import __version__

    parts = [_python()]
    parts += [f"{shown} {_distribution_version(dist, lang)}" for shown, dist in LIBRARIES]
    parts.append(_openssl())
    return f"smtptui {__version__} ({', '.join(parts)})"
