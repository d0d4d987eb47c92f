"""The one error type of the inspector: a catalogue key and its values, so the
same failure reads correctly in English and in Chinese."""

from __future__ import annotations

from typing import Any

from smtptui.i18n.sentence import Sentence


class InspectionError(Exception):
    """Something the inspector could not do, as ``inspect.error.<key>``.

    ``str(error)`` is the English sentence; :meth:`text` any language.
    ``exit_code`` follows the CLI's table (2 usage, 20 cannot connect, 23 TLS).
    """

    def __init__(self, key: str, exit_code: int = 20, **values: Any) -> None:
        self.key = key
        self.values = values
        self.exit_code = exit_code
        super().__init__(self.text("en"))

    @property
    def sentence(self) -> Sentence:
        """The failure unrendered, for a report read later in any language."""
        return Sentence.of(f"inspect.error.{self.key}", **self.values)

    def text(self, lang: str | None = None) -> str:
        from smtptui.i18n import t

        return t(f"inspect.error.{self.key}", lang, **self.values)
