"""PLACEHOLDER (being written): transcript export."""

from __future__ import annotations

from textual.screen import ModalScreen
from textual.widgets import Static


class ExportScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close")]

    def __init__(self, controller) -> None:
        super().__init__()
        self.controller = controller

    def compose(self):
        yield Static("export")
