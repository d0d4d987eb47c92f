"""PLACEHOLDER (being written): the session panel (state, step buttons, raw line)."""

from __future__ import annotations

from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label


class SessionPanel(Vertical):
    class RawSubmitted(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    def __init__(self, *, lang: str = "en", id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self.controller = None

    def compose(self):
        yield Label("", id="session-state")
        yield Input(placeholder=": raw command", id="raw-command")

    def show(self, controller) -> None:
        self.controller = controller
        self.refresh_state()

    def refresh_state(self) -> None:
        if self.controller is not None:
            self.query_one("#session-state", Label).update(self.controller.state.describe(self.lang))

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.refresh_state()

    def focus_raw(self) -> None:
        self.query_one("#raw-command", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.RawSubmitted(event.value))
        event.input.value = ""
