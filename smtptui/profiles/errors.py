"""The one error type of the profiles layer.

A user who mistypes a key in a hand-written TOML file should read one sentence
that names the file, the key (and the line when ``tomllib`` knows it) and the fix
-- not a traceback.  ``ProfileError`` carries that sentence plus the pieces, so the
TUI can highlight the file and the CLI can print ``str(error)`` as-is.

Messages never contain a password: the code that builds them never formats a
value read from ``auth.password``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class ProfileError(Exception):
    """A problem with a profile that the user can fix, as one clear sentence."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.key = key
        self.line = line

    def __str__(self) -> str:
        return self.message

    def in_file(self, path: Path | None) -> ProfileError:
        """The same problem, prefixed with the file name (``typo.toml: ...``)."""
        if path is None or self.path is not None:
            return self
        line = f" line {self.line}:" if self.line else ""
        return ProfileError(
            f"{path.name}:{line} {self.message}", path=path, key=self.key, line=self.line
        )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'host'?)`` for the closest choice, or an empty string."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[matches[0]]!r}?)" if matches else ""


def close_names(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Up to *n* choices that look like *word*, best first (case-insensitive)."""
    lowered = {c.lower(): c for c in choices}
    return [
        lowered[m] for m in difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.5)
    ]
