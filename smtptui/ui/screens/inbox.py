"""PLACEHOLDER (being written): the demo inbox."""

from __future__ import annotations

from textual.screen import ModalScreen
from textual.widgets import Static


class InboxScreen(ModalScreen[None]):
    BINDINGS = [("escape,i", "dismiss", "Close")]

    def __init__(self, builtin) -> None:
        super().__init__()
        self.builtin = builtin

    def compose(self):
        server = self.builtin.server
        msgs = server.messages if server else []
        yield Static("\n".join(f"{m.mail_from} -> {', '.join(m.rcpt_tos)}: {m.subject}" for m in msgs) or "empty")
