"""The one error type of the profiles layer.

A user who mistypes a key in a hand-written TOML file should read one sentence
that names the file, the key (and the line when ``tomllib`` knows it) and the fix
-- not a traceback.  ``ProfileError`` carries that sentence plus the pieces, so the
TUI can highlight the file and the CLI can print ``str(error)`` as-is.

Messages never contain a password: the code that builds them never formats a
value read from ``auth.password``.

A message is either a plain English sentence or a
:class:`~smtptui.i18n.sentence.Sentence` — a catalogue key and its values —
so the profile form and ``--lang zh`` say it in the reader's language
(``error.text(lang)``) while ``str(error)`` stays the English one scripts and
logs see.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from smtptui.i18n import t
from smtptui.i18n.sentence import Sentence


def sentence(key: str, /, **values: object) -> Sentence:
    return Sentence.of(key, **values)


class ProfileError(Exception):
    """A problem with a profile that the user can fix, as one clear sentence."""

    def __init__(
        self,
        message: str | Sentence,
        *,
        path: Path | None = None,
        key: str | None = None,
        line: int | None = None,
        where: str | None = None,
    ) -> None:
        self.sentence = message if isinstance(message, Sentence) else None
        text = message.text("en") if isinstance(message, Sentence) else message
        if where is not None:
            text = f"{where} {text}"
        super().__init__(text)
        self.message = text
        self.path = path
        self.key = key
        self.line = line
        self.where = where

    def __str__(self) -> str:
        return self.message

    def text(self, lang: str | None = "en") -> str:
        """The sentence in ``lang`` (English where it has no catalogue entry)."""
        if self.sentence is None:
            return self.message
        body = self.sentence.text(lang)
        if self.where is None:
            return body
        return (
            f"{self.where} {body}"
            if self.line is None
            else t(
                "profile.in_file_line",
                lang,
                file=self.path.name if self.path else "",
                line=self.line,
                problem=body,
            )
        )

    def in_file(self, path: Path | None) -> ProfileError:
        """The same problem, prefixed with the file name (``typo.toml: ...``)."""
        if path is None or self.path is not None:
            return self
        line = f" line {self.line}:" if self.line else ""
        if self.sentence is None:
            return ProfileError(
                f"{path.name}:{line} {self.message}", path=path, key=self.key, line=self.line
            )
        return ProfileError(
            self.sentence, path=path, key=self.key, line=self.line, where=f"{path.name}:{line}"
        )


def did_you_mean_sentence(word: str, choices: Iterable[str], *, prefix: str = "") -> Sentence | str:
    """`` (did you mean 'host'?)`` for the closest choice, as a sentence for the
    catalogue (``""`` for none); ``prefix`` goes before the suggestion
    (``auth.`` + ``username``)."""
    match = close_names(word, choices, n=1, cutoff=0.6)
    return sentence("profile.hint.did_you_mean", name=prefix + match[0]) if match else ""


def close_names(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """Up to *n* choices that look like *word*, best first (case-insensitive)."""
    lowered = {c.lower(): c for c in choices}
    matches = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=cutoff)
    return [lowered[m] for m in matches]
