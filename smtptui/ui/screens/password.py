"""Asking for a password when a profile's source is ``prompt``.  The value goes
straight into a :class:`Secret`; it is never shown, logged or saved."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from smtptui.protocol.secret import Secret

if TYPE_CHECKING:
    from smtptui.profiles import Profile


class PasswordScreen(ModalScreen[tuple[Secret, bool] | None]):
    """Dismisses with ``(secret, remember_for_this_session)`` or ``None``."""

    DEFAULT_CSS = """
    PasswordScreen { align: center middle; }
    PasswordScreen > Vertical {
        width: 70; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    PasswordScreen Input { margin: 1 0; }
    PasswordScreen Horizontal { height: auto; align-horizontal: right; }
    PasswordScreen Button { margin-left: 1; }
    PasswordScreen .hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="password.cancel")
    ]

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile

    def compose(self) -> ComposeResult:
        p = self.profile
        with Vertical():
            yield Label(f"Password for [b]{p.auth.username}[/b] at {p.address}", markup=True)
            yield Static(
                "Sent only inside TLS, never shown, never written to disk. "
                "QQ / 163 mail: use the authorization code (授权码), not the account password.",
                classes="hint",
            )
            yield Input(password=True, placeholder="password", id="password")
            yield Checkbox(
                "Remember for this session (memory only)",
                value=p.auth.password.remember,
                id="remember",
            )
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Connect", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#password", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._done()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._done()
        else:
            self.dismiss(None)

    def _done(self) -> None:
        field = self.query_one("#password", Input)
        value = field.value
        field.value = ""
        self.dismiss((Secret(value), self.query_one("#remember", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
