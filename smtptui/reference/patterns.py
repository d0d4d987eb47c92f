"""Regular expressions compiled the first time they are used.

The reference holds about a hundred patterns (reply wordings, vendor
signatures, enhanced-code shapes).  The dashboard imports the reference to
draw its table, which uses none of them; compiling them all then cost a few
milliseconds of every start.  A :class:`LazyPattern` behaves like the compiled
pattern it stands for (``search``, ``fullmatch``, ``pattern`` …) and compiles
on the first such use.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """``re.compile(pattern, flags)``, done when first needed."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:  # search, fullmatch, finditer, …
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self.flags)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyPattern):
            return (self.pattern, self.flags) == (other.pattern, other.flags)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))


def lazy_re(pattern: str, flags: int = re.IGNORECASE) -> LazyPattern:
    """A case-insensitive pattern (the reference's usual), compiled on first use."""
    return LazyPattern(pattern, flags)
