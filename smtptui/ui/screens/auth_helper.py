"""The AUTH helper: the base64 lines of an SMTP login, computed and explained.

The classic recipe says "base64-encode your login by hand for AUTH LOGIN"; this
modal does it with the engine's own SASL encoders (:mod:`smtptui.protocol.auth`)
and shows each line next to what it decodes to, so a learner sees that base64
is an *encoding*: anyone who reads the line reads the password.  Choosing a
line puts it into the raw command line (the screen dismisses with it); nothing
is sent from here.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, ClassVar

from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from smtptui.i18n import t
from smtptui.protocol.auth import b64, decode_challenge, mechanism
from smtptui.protocol.errors import AuthError
from smtptui.protocol.secret import MASK, Secret
from smtptui.reference.states import State
from smtptui.ui.keys import bindings

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from smtptui.workspace.session import SessionController

MECHANISMS = ("PLAIN", "LOGIN", "CRAM-MD5")


def _t(lang: str, key: str) -> str:
    return t(f"screen.helper.{key}", lang)


class AuthHelperScreen(ModalScreen[str | None]):
    """Compute ``AUTH PLAIN <base64>`` or the ``AUTH LOGIN`` / CRAM-MD5 answers;
    dismisses with the chosen line (or ``None``)."""

    DEFAULT_CSS = """
    AuthHelperScreen { align: center middle; }
    AuthHelperScreen > Vertical {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; border: thick $accent; background: $surface;
        border-title-color: $text-accent;
    }
    AuthHelperScreen .row { height: 1; }
    AuthHelperScreen .row.-first { margin-top: 1; }
    AuthHelperScreen .row Label { width: 12; color: $text-muted; }
    AuthHelperScreen .row Input { width: 1fr; background: $boost; }
    AuthHelperScreen #helper-mechanism { layout: horizontal; width: 1fr; height: 1; }
    AuthHelperScreen #helper-mechanism RadioButton { margin-right: 2; }
    AuthHelperScreen #helper-security { height: auto; margin-top: 1; color: $text-warning; }
    AuthHelperScreen #helper-security.-tls { color: $text-success; }
    AuthHelperScreen #helper-steps-title { height: auto; margin-top: 1; color: $text-muted; }
    AuthHelperScreen #helper-steps { height: auto; max-height: 10; border: none; padding: 0; }
    AuthHelperScreen #helper-problem { height: auto; color: $text-warning; }
    AuthHelperScreen #helper-problem.-empty { display: none; }
    AuthHelperScreen #helper-buttons { height: 1; margin: 1 0 0 0; align-horizontal: right; }
    AuthHelperScreen #helper-buttons Button { margin-left: 2; min-width: 10; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("auth_helper")

    def __init__(
        self,
        *,
        username: str = "",
        mechanism_name: str = "PLAIN",
        challenge: str = "",
        tls: bool = False,
        expected: str | None = None,
        lang: str = "en",
    ) -> None:
        super().__init__()
        self.lang = lang
        self.username = username
        self.mechanism_name = mechanism_name if mechanism_name in MECHANISMS else "PLAIN"
        self.challenge = challenge
        self.tls = tls
        self.expected = expected
        self.lines: dict[str, str] = {}

    @classmethod
    def for_session(
        cls, controller: SessionController | None, *, lang: str = "en"
    ) -> AuthHelperScreen:
        """Prefill from the session: the profile's user name, the mechanism in
        use or offered, a pending CRAM-MD5 challenge, and which answer is due."""
        if controller is None:
            return cls(lang=lang)
        state = controller.state
        caps = controller.capabilities
        offered = caps.auth_mechanisms if caps is not None else ()
        wanted = controller.profile.auth.mechanism.upper()
        if state.state is State.AUTH and state.auth_mechanism in MECHANISMS:
            mech = state.auth_mechanism
        elif wanted in MECHANISMS:
            mech = wanted
        else:
            mech = next((m for m in MECHANISMS if m in offered), "PLAIN")
        challenge = ""
        expected = None
        reply = controller.last_reply
        if state.state is State.AUTH and reply is not None and reply.code == 334:
            text = reply.text.strip()
            prompt = (decode_challenge(text) or "").lower()
            if mech == "CRAM-MD5":
                challenge = text
                expected = "answer"
            elif "user" in prompt:
                expected = "user"
            elif "pass" in prompt:
                expected = "password"
        session = controller.session
        tls = bool(state.tls or (session is not None and session.tls_active))
        return cls(
            username=controller.profile.auth.username or "",
            mechanism_name=mech,
            challenge=challenge,
            tls=tls,
            expected=expected,
            lang=lang,
        )

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical() as box:
            box.border_title = _t(lang, "title")
            with Horizontal(classes="row -first"):
                yield Label(_t(lang, "user"))
                yield Input(self.username, id="helper-user", compact=True)
            with Horizontal(classes="row"):
                yield Label(_t(lang, "password"))
                yield Input(id="helper-password", password=True, compact=True)
            with Horizontal(classes="row"):
                yield Label("AUTH")
                with RadioSet(id="helper-mechanism", compact=True):
                    for name in MECHANISMS:
                        yield RadioButton(
                            name,
                            value=name == self.mechanism_name,
                            id=f"mech-{name.lower()}",
                            compact=True,
                        )
            with Horizontal(classes="row", id="helper-challenge-row"):
                yield Label(_t(lang, "challenge"))
                yield Input(
                    self.challenge,
                    id="helper-challenge",
                    compact=True,
                    placeholder=_t(lang, "challenge_hint"),
                )
            security = Static(_t(lang, "tls" if self.tls else "cleartext"), id="helper-security")
            security.set_class(self.tls, "-tls")
            yield security
            yield Static(_t(lang, "steps"), id="helper-steps-title")
            yield OptionList(id="helper-steps", compact=True)
            yield Static("", id="helper-problem")
            with Horizontal(id="helper-buttons"):
                yield Button(_t(lang, "cancel"), id="helper-cancel", compact=True)
                yield Button(
                    f"{_t(lang, 'use')} (F2)", id="helper-use", variant="primary", compact=True
                )

    def on_mount(self) -> None:
        self._recompute()
        target = "#helper-password" if self.username else "#helper-user"
        self.query_one(target, Input).focus()

    # ------------------------------------------------------------ computing
    @property
    def mechanism_choice(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return str(pressed.label) if pressed is not None else self.mechanism_name

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._recompute()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.expected = None
        self._recompute()

    def _recompute(self) -> None:
        lang = self.lang
        user = self.query_one("#helper-user", Input).value
        password = self.query_one("#helper-password", Input).value
        challenge = self.query_one("#helper-challenge", Input).value.strip()
        mech = self.mechanism_choice
        self.query_one("#helper-challenge-row").display = mech == "CRAM-MD5"
        steps = self.query_one("#helper-steps", OptionList)
        steps.clear_options()
        self.lines = {}
        if not user:
            self._show_problem(_t(lang, "need_user"))
            return
        self._show_problem("")
        try:
            rows = self._exchange(mech, user, password, challenge)
        except AuthError as exc:
            self._show_problem(str(exc))
            rows = []
        highlight = None
        for index, (who, wire, meaning, tag) in enumerate(rows):
            if who == "S":
                steps.add_option(
                    Option(
                        Content.from_markup(
                            "[dim]S: $wire  « $meaning »[/]", wire=wire, meaning=meaning
                        ),
                        disabled=True,
                    )
                )
                continue
            option_id = f"line-{index}"
            self.lines[option_id] = wire
            prompt = Content.from_markup(
                "[b]C: $wire[/]\n   [i $text-secondary]$meaning[/]", wire=wire, meaning=meaning
            )
            steps.add_option(Option(prompt, id=option_id))
            if highlight is None or tag == self.expected:
                highlight = option_id
        if highlight is not None:
            steps.highlighted = steps.get_option_index(highlight)
        if mech == "CRAM-MD5" and not challenge:
            self._show_problem(_t(lang, "need_challenge"))

    def _show_problem(self, text: str) -> None:
        problem = self.query_one("#helper-problem", Static)
        problem.update(text)
        problem.set_class(not text, "-empty")

    def _exchange(
        self, mech: str, user: str, password: str, challenge: str
    ) -> list[tuple[str, str, str, str]]:
        """Rows of (C/S, wire text, what it means, tag): computed by the engine's
        SASL encoders, explained by decoding what they produced."""
        lang = self.lang
        decodes = _t(lang, "decodes")
        sasl = mechanism(mech, user, Secret(password))
        start = sasl.start()
        if mech == "PLAIN":
            token = start.wire.split(" ", 2)[2]
            return [
                (
                    "C",
                    start.wire,
                    f"{decodes}: {self._plain_decoded(token, password)}  ({_t(lang, 'plain')})",
                    "plain",
                )
            ]
        rows = [("C", start.wire, _t(lang, "start"), "start")]
        if mech == "LOGIN":
            for prompt, tag in (("Username:", "user"), ("Password:", "password")):
                asked = b64(prompt)
                rows.append(("S", f"334 {asked}", prompt, "challenge"))
                answer = sasl.respond(asked).wire
                meaning = repr(user) if tag == "user" else _t(lang, "password_hidden")
                rows.append(("C", answer, f"{decodes}: {meaning}", tag))
            return rows
        if not challenge:
            return rows
        rows.append(
            (
                "S",
                f"334 {challenge}",
                decode_challenge(challenge) or _t(lang, "server"),
                "challenge",
            )
        )
        answer = sasl.respond(challenge).wire
        rows.append(
            (
                "C",
                answer,
                f"{decodes}: {decode_challenge(answer)}  ({_t(lang, 'digest')})",
                "answer",
            )
        )
        return rows

    @staticmethod
    def _plain_decoded(token: str, password: str) -> str:
        """``AGRlbW8AZGVtbw==`` → ``\\0demo\\0••••`` (the password stays hidden)."""
        try:
            parts = base64.b64decode(token, validate=True).decode("utf-8").split("\0")
        except (binascii.Error, ValueError):
            return "?"
        if len(parts) == 3:
            parts[2] = MASK if parts[2] == password and password else parts[2]
        return "\\0".join(parts)

    # --------------------------------------------------------------- choosing
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        line = self.lines.get(event.option.id or "")
        if line is not None:
            self.dismiss(line)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "helper-use":
            self.action_use()
        else:
            self.dismiss(None)

    def action_use(self) -> None:
        steps = self.query_one("#helper-steps", OptionList)
        option = steps.highlighted_option
        line = self.lines.get(option.id or "") if option is not None else None
        if line is None and self.lines:
            line = next(iter(self.lines.values()))
        if line is not None:
            self.dismiss(line)

    def action_dismiss_helper(self) -> None:
        self.dismiss(None)
