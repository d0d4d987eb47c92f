"""Making server text safe to show: control characters never reach a terminal raw."""

from __future__ import annotations

import re

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def escape_text(text: str) -> str:
    """Escape control and bidi-override characters (tab kept) so that a server
    cannot move the cursor, change colours or reorder text on our screen."""
    if not _CONTROL_RE.search(text):
        return text
    return _CONTROL_RE.sub(_escape_char, text)


def escape_bytes(data: bytes) -> str:
    """Decode server bytes for display: UTF-8 where valid, ``\\xNN`` elsewhere,
    control characters escaped."""
    return escape_text(data.decode("utf-8", "backslashreplace"))


def host_label(host: str, port: int) -> str:
    """``host:port``, with an IPv6 address in brackets (``[::1]:25``)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
