"""A yes/no question in a modal (deleting a profile, quitting with live sessions)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from smtptui.i18n import t
from smtptui.ui.keys import bindings


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 64; height: auto; padding: 1 2;
        border: thick $error; background: $surface;
    }
    ConfirmScreen Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("confirm")

    def __init__(
        self,
        question: str,
        *,
        yes: str | None = None,
        no: str | None = None,
        lang: str = "en",
    ) -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes or t("screen.confirm.delete", lang)
        self.no_label = no or t("screen.confirm.cancel", lang)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            with Horizontal():
                yield Button(self.no_label, id="no")
                yield Button(f"{self.yes_label} (y)", id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
