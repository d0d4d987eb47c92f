"""A catalogue sentence not rendered yet: its key and its values.

Findings that are saved (the fleet's history) or shown later in another
language (a table under ``--lang zh``, the dashboard) keep the *key* and the
*values*, not the English text, so they read correctly in any language at
the moment they are shown.  A value may itself be a :class:`Sentence` (e.g.
"certificate #2" inside "NOT verified: {where} has expired"); it is rendered
in the same language first.

Plain data: ``to_dict`` is JSON-safe (with the English ``text`` for readers
of the JSON) and ``from_dict`` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Sentence:
    key: str
    values: tuple[tuple[str, str | Sentence], ...] = ()

    @classmethod
    def of(cls, key: str, /, **values: object) -> Sentence:
        """``Sentence.of("inspect.x", host="mx")``; values other than
        sentences become strings."""
        return cls(
            key,
            tuple((k, v if isinstance(v, Sentence) else str(v)) for k, v in values.items()),
        )

    def text(self, lang: str | None = None) -> str:
        from smtptui.i18n import t

        return t(
            self.key,
            lang,
            **{k: v.text(lang) if isinstance(v, Sentence) else v for k, v in self.values},
        )

    def __str__(self) -> str:
        return self.text("en")

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "values": {k: v.to_dict() if isinstance(v, Sentence) else v for k, v in self.values},
            "text": self.text("en"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sentence:
        values = data.get("values") or {}
        return cls(
            str(data["key"]),
            tuple(
                (str(k), cls.from_dict(v) if isinstance(v, dict) else str(v))
                for k, v in values.items()
            ),
        )
