"""Preparing message bytes for DATA and BDAT (RFC 5321 §4.5.2, RFC 3030)."""

from __future__ import annotations

import re

_LINE_END_RE = re.compile(rb"\r\n|\r|\n")


def normalise_line_ends(message: bytes) -> bytes:
    """Every line ending becomes CRLF (lone CR and lone LF included); the result
    always ends with CRLF, because the end-of-data marker must start a line."""
    cr = message.count(b"\r")
    lf = message.count(b"\n")
    if cr == 0 and lf:
        message = message.replace(b"\n", b"\r\n")  # the common case, without a regex
    elif cr != lf or message.count(b"\r\n") != cr:
        message = _LINE_END_RE.sub(b"\r\n", message)
    if message and not message.endswith(b"\r\n"):
        message += b"\r\n"
    return message


def dot_stuff(message: bytes) -> bytes:
    """Transparency (RFC 5321 §4.5.2): a line starting with ``.`` gets one more.
    Expects CRLF line ends (see :func:`normalise_line_ends`)."""
    if message.startswith(b"."):
        message = b"." + message
    return message.replace(b"\r\n.", b"\r\n..")


def data_payload(message: bytes) -> bytes:
    """What goes on the wire after ``354``: normalised, dot-stuffed, and closed
    with ``.`` on a line of its own."""
    return dot_stuff(normalise_line_ends(message)) + b".\r\n"


def needs_8bitmime(message: bytes) -> bool:
    """Whether the message has bytes above 127 (needs ``BODY=8BITMIME``)."""
    return not message.isascii()
