"""Asking for a password when a profile's source is ``prompt``.  The value goes
straight into a :class:`Secret`; it is never shown, logged or saved."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from smtptui.i18n import t
from smtptui.profiles.credentials import PasswordAnswer
from smtptui.protocol.secret import Secret
from smtptui.ui.keys import bindings

if TYPE_CHECKING:
    from smtptui.profiles import Profile


class PasswordScreen(ModalScreen["PasswordAnswer | None"]):
    """Dismisses with a :class:`PasswordAnswer` (the secret and whether to keep
    it for this run) or ``None`` (cancelled: connect without AUTH).
    ``reason`` says why a person is asked when the profile's own password
    source failed (an unset environment variable …)."""

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
    PasswordScreen #password-reason { color: $text-warning; margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("password")

    def __init__(self, profile: Profile, *, reason: str | None = None, lang: str = "en") -> None:
        super().__init__()
        self.profile = profile
        self.reason = reason
        self.lang = lang

    def compose(self) -> ComposeResult:
        p = self.profile
        lang = self.lang
        with Vertical():
            if self.reason:
                yield Static(
                    t("screen.password.instead", lang, reason=self.reason),
                    id="password-reason",
                    markup=False,
                )
            yield Label(
                Content.from_markup(
                    t("screen.password.title", lang), user=p.auth.username or "", where=p.address
                )
            )
            yield Static(t("screen.password.hint", lang), classes="hint")
            yield Input(
                password=True, placeholder=t("screen.password.placeholder", lang), id="password"
            )
            yield Checkbox(
                t("screen.password.remember", lang),
                value=p.auth.password.remember,
                id="remember",
            )
            with Horizontal():
                yield Button(t("screen.password.cancel", lang), id="cancel")
                yield Button(t("screen.password.connect", lang), id="ok", variant="primary")

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
        self.dismiss(PasswordAnswer(Secret(value), self.query_one("#remember", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
