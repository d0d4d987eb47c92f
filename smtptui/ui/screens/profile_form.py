"""PLACEHOLDER (being written): the profile form."""

from __future__ import annotations

from textual.screen import ModalScreen
from textual.widgets import Static


class ProfileFormScreen(ModalScreen):
    BINDINGS = [("escape", "dismiss", "Close")]

    def __init__(self, store, profile, *, previous_name=None) -> None:
        super().__init__()
        self.store = store
        self.profile = profile
        self.previous_name = previous_name

    def compose(self):
        yield Static("profile form")
