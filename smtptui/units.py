"""How durations and sizes are shown everywhere (transcripts, badges, tables,
the composer, the inbox, the fleet view, the CLI): one formatter each."""

from __future__ import annotations


def format_ms(ms: float) -> str:
    """``0.4 ms``, ``12 ms``, ``1.5 s`` — precise where it matters, short always."""
    if ms < 10:
        return f"{ms:.1f} ms"
    if ms < 10_000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.1f} s"


def format_bytes(n: int, *, digits: int = 1) -> str:
    """``512 B``, ``1.5 KiB``, ``10 MiB`` — binary units, as mail servers count
    (Postfix's ``message_size_limit`` of 10240000 is 9.8 MiB)."""
    if n < 1024:
        return f"{n} B"
    for unit, scale in (("KiB", 1024), ("MiB", 1024**2), ("GiB", 1024**3)):
        if n < scale * 1024 or unit == "GiB":
            value = n / scale
            text = f"{value:.{digits}f}"
            if digits and text.endswith("." + "0" * digits):
                text = text[: -digits - 1]
            return f"{text} {unit}"
    raise AssertionError("unreachable")


def format_size_limit(size: int | None) -> str:
    """An EHLO ``SIZE`` limit: ``—`` when none was announced, ``no limit`` for ``SIZE 0``."""
    if size is None:
        return "—"
    if size == 0:
        return "no limit"
    return format_bytes(size, digits=0)
