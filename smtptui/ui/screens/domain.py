"""Ask for a mail domain to open a session with, as a mail server would reach
it (its MX hosts in order) — no profile is saved."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from smtptui.i18n import t
from smtptui.ui.keys import bindings


class DomainScreen(ModalScreen["str | None"]):
    """Dismisses with what was typed (``@example.com``, an address or a bare
    domain), or ``None``."""

    DEFAULT_CSS = """
    DomainScreen { align: center middle; }
    DomainScreen > Vertical {
        width: 70; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    DomainScreen Input { margin: 1 0 0 0; }
    DomainScreen .hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("domain")

    def __init__(self, *, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("screen.domain.title", self.lang))
            yield Static(t("screen.domain.hint", self.lang), classes="hint")
            yield Input(placeholder="@example.com", id="domain")

    def on_mount(self) -> None:
        self.query_one("#domain", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
