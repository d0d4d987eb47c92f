"""How durations are shown everywhere (transcripts, badges, tables)."""

from __future__ import annotations


def format_ms(ms: float) -> str:
    """``0.4 ms``, ``12 ms``, ``1.5 s`` — precise where it matters, short always."""
    if ms < 10:
        return f"{ms:.1f} ms"
    if ms < 10_000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.1f} s"
