"""The raw command line (telnet mode): history and completion of SMTP lines.

The learner types what goes on the wire; the line remembers what was sent
(never a secret) and completes command names and the lines the step buttons
would send, so typing SMTP by hand stays quick.
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from textual.actions import SkipAction
from textual.binding import BindingType
from textual.suggester import Suggester
from textual.widgets import Input

from smtptui.reference.commands import completions, verb_of
from smtptui.ui.keys import bindings

HISTORY_LIMIT = 200


class CommandSuggester(Suggester):
    """Completes command names as the learner types (``ma`` → ``MAIL FROM:<``),
    then the lines the step buttons would send (``MAIL FROM:<`` → the composer's
    sender).  Off while the session waits for message lines or an AUTH answer."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.enabled = True
        self.templates: tuple[str, ...] = completions()
        self.lines: tuple[str, ...] = ()

    async def get_suggestion(self, value: str) -> str | None:
        if not self.enabled or not value.strip():
            return None
        for candidate in (*self.templates, *self.lines):
            if len(candidate) > len(value) and candidate.casefold().startswith(value):
                return candidate
        return None


class RawCommandInput(Input):
    """The telnet-mode line: ↑/↓ walk a bounded history, tab takes a completion."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("session")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: deque[str] = deque(maxlen=HISTORY_LIMIT)
        self._position: int | None = None
        self._draft = ""

    def remember(self, line: str) -> None:
        if line and (not self.history or self.history[-1] != line):
            self.history.append(line)
        self._position = None

    def action_history(self, delta: int) -> None:
        if not self.history:
            return
        if self._position is None:
            if delta > 0:
                return
            self._draft = self.value
            position = len(self.history) - 1
        else:
            position = self._position + delta
        if position >= len(self.history):
            self._position = None
            self.value = self._draft
        else:
            self._position = max(0, position)
            self.value = self.history[self._position]
        self.cursor_position = len(self.value)

    def action_complete(self) -> None:
        if not (self.cursor_at_end and self._suggestion):
            raise SkipAction
        self.action_cursor_right()


def carries_secret(line: str) -> bool:
    """``AUTH PLAIN <base64>``: the initial response holds the password."""
    return verb_of(line) == "AUTH" and len(line.split()) > 2
