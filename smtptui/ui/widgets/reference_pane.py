"""PLACEHOLDER (being written): the reply-code reference pane."""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import Static


class ReferencePane(Vertical):
    def __init__(self, *, lang: str = "en", id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang

    def compose(self):
        yield Static("reference", id="reference-explanation")

    def follow(self, controller) -> None:
        reply = controller.last_reply
        if reply is not None:
            self.query_one("#reference-explanation", Static).update(str(reply.code))

    def show_reply(self, event, controller) -> None:
        self.query_one("#reference-explanation", Static).update(str(event.reply.code))

    def set_language(self, lang: str) -> None:
        self.lang = lang
