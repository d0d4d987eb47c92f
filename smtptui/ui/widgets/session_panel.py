"""The session panel: step through SMTP one command at a time, or type it raw.

It shows where the session is (the reference state machine's state, TLS and
AUTH facts, the commands that make sense next), a step button per command
(one :class:`~smtptui.ui.widgets.button_bar.ButtonBar` draws them all) and a
raw command line (telnet mode) with history and completion.  Nothing here
decides SMTP: the controller's state machine says what is legal and predicts
what a line will get; the panel shows that prediction *before* anything is
sent — and still sends an out-of-sequence command on a second press, because
seeing the ``503`` is the lesson.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Input, Static

from smtptui.i18n import t
from smtptui.reference.states import SessionState, State
from smtptui.ui.messages import AuthHelperRequested
from smtptui.ui.widgets.button_bar import ButtonBar
from smtptui.ui.widgets.raw_command import CommandSuggester, RawCommandInput, carries_secret
from smtptui.workspace.steps import STEP_VERBS

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.timer import Timer

    from smtptui.reference.sequencing import Expectation
    from smtptui.workspace.draft import ComposerFields
    from smtptui.workspace.session import SessionController


def ui_text(lang: str, key: str, **values: object) -> str:
    """The panel's own words (the reference catalogue holds the SMTP ones)."""
    return t(f"pane.session.{key}", lang, **values)


#: A second press of an out-of-sequence step within this many seconds sends it anyway.
ARM_SECONDS = 4.0


class SessionPanel(Vertical):
    """State, step buttons and the raw command line of the current session."""

    DEFAULT_CSS = """
    SessionPanel {
        padding: 0 1;
        overflow-y: auto;
        /* fixed heights above the buttons: a shorter status never moves them */
        #session-state { height: 3; }
        #session-next { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
        #session-steps { margin: 1 0 0 0; }
        #session-options { height: 1; margin: 1 0 0 0; }
        #session-handshake { width: 1fr; height: 1; }
        #raw-command { background: $boost; }
        #session-hint { height: auto; color: $text-muted; }
        #session-hint.-warning { color: $text-warning; }
        #session-hint.-info { color: $text-accent; }
    }
    """

    class RawSubmitted(Message):
        """The learner pressed enter on the raw command line."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class StepRequested(Message):
        """A step button: ``verb`` is one of :data:`STEP_VERBS`."""

        def __init__(self, verb: str) -> None:
            super().__init__()
            self.verb = verb

    class HandshakeToggled(Message):
        """``value``: connect with EHLO, STARTTLS and AUTH (``False``: stop at the greeting)."""

        def __init__(self, value: bool) -> None:
            super().__init__()
            self.value = value

    def __init__(
        self,
        *,
        lang: str = "en",
        handshake: bool = True,
        controller: SessionController | None = None,
        draft: ComposerFields | None = None,
        selected: bool = False,
        id: str | None = None,
    ) -> None:
        """``controller``, ``draft`` and ``selected`` as for :meth:`show`: the
        session the panel first shows."""
        super().__init__(id=id)
        self.can_focus = True  # escape from the raw line lands here; tab enters the buttons
        self.lang = lang
        self.controller = controller
        self.draft = draft
        self.selected = selected  # a profile is selected (its session may not exist yet)
        self._signature: tuple | None = None
        self._ready = False
        self._pending = False
        self._mode = "command"
        self._armed: tuple[str, float] | None = None
        self._arm_timer: Timer | None = None
        self._suggester = CommandSuggester()
        self._state = Static(id="session-state")
        self._next = Static(id="session-next")
        self.steps = ButtonBar(STEP_VERBS, id="session-steps")
        self._handshake = Checkbox(
            ui_text(lang, "handshake"), handshake, id="session-handshake", compact=True
        )
        self._helper = ButtonBar(
            ("helper",), labels={"helper": ui_text(lang, "helper")}, fit=True, id="session-helper"
        )
        self._raw = RawCommandInput(
            id="raw-command",
            compact=True,
            suggester=self._suggester,
            placeholder=ui_text(lang, "placeholder"),
        )
        self._hint = Static(id="session-hint")

    def compose(self) -> ComposeResult:
        # the first state is drawn before anything is mounted
        self._apply_language()
        self._flush_state()
        yield self._state
        yield self._next
        yield self.steps
        with Horizontal(id="session-options"):
            yield self._handshake
            yield self._helper
        yield self._raw
        yield self._hint

    def on_mount(self) -> None:
        self._ready = True

    # ------------------------------------------------------ app interface
    def show(
        self,
        controller: SessionController | None,
        draft: ComposerFields | None,
        *,
        selected: bool = True,
    ) -> None:
        """Show another session (switching profiles) and its composer draft
        (the step buttons take their addresses from it).  ``controller`` is
        ``None`` for a profile that has no session yet (``selected``) or when
        no profile is selected at all."""
        self.controller = controller
        self.draft = draft
        self.selected = selected
        self._signature = None
        self._disarm(update=False)
        if self._ready:
            self._flush_state()  # once per switch: the panel shows the new session at once

    def set_draft(self, draft: ComposerFields | None) -> None:
        """The composer's fields changed: tooltips and completions follow."""
        self.draft = draft
        self._signature = None
        self.refresh_state()

    def put_raw_line(self, line: str | None) -> None:
        """A line from the AUTH helper, ready to be checked and sent."""
        if line:
            self._raw.value = line
            self._raw.cursor_position = len(line)
            self.focus_raw()

    def refresh_state(self) -> None:
        """Called on every event of the current session: O(1) here; one repaint
        per burst of events, and only if what the panel shows changed."""
        if self._ready and not self._pending:
            self._pending = True
            self.call_later(self._flush_state)

    def _sync(self) -> None:
        """Catch up with events whose repaint is still pending (before acting)."""
        if self._pending:
            self._flush_state()

    def _flush_state(self) -> None:
        self._pending = False
        c = self.controller
        signature = (
            id(c),
            c.state if c else None,
            c.connected if c else False,
            # inside an AUTH exchange each 334 may ask for something else
            id(c.last_reply) if c and c.state.state is State.AUTH else 0,
            self.lang,
        )
        if signature == self._signature:
            return
        self._signature = signature
        self._disarm(update=False)
        self._render_state()
        self._update_hint()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self._apply_language()
        self.refresh_state()

    def focus_raw(self) -> None:
        self._raw.focus()

    # ----------------------------------------------------------- rendering
    def _apply_language(self) -> None:
        self.border_title = ui_text(self.lang, "title")
        label = ui_text(self.lang, "handshake")
        if str(self._handshake.label) != label:
            # a new label asks for a layout of the whole screen: only when it
            # changes (at start it is already right, and a second layout of
            # the dashboard just after its first drawing delays the first key)
            self._handshake.label = label
        self._handshake.tooltip = ui_text(self.lang, "handshake_tip")
        self._helper.set_label("helper", ui_text(self.lang, "helper"))
        self._helper.set_tooltip("helper", ui_text(self.lang, "helper_tip"))

    def _render_state(self) -> None:
        c = self.controller
        lang = self.lang
        if c is None and not self.selected:
            # fixed heights (the CSS above): new words never move anything, so
            # no layout of the whole screen (a profile switch stays a repaint)
            self._state.update(ui_text(lang, "no_session"), layout=False)
            self._next.update(
                f"{ui_text(lang, 'next')} {ui_text(lang, 'next_connect')}", layout=False
            )
            self._mode = "command"
        else:
            # no controller: a profile never connected yet, its session starts on CONNECT
            state = c.state if c is not None else SessionState()
            label = state.label(lang)
            text = state.describe(lang)
            rest = text[len(label) :] if text.startswith(label) else f" · {text}"
            caps = (state.caps or c.capabilities) if c is not None and c.connected else None
            if caps is not None and caps.auth_mechanisms and not state.authenticated:
                rest = rest.replace(
                    " — ",
                    f" · {ui_text(lang, 'auth_offered', mechs=' '.join(caps.auth_mechanisms))} — ",
                    1,
                )
            self._state.update(
                Content.from_markup("[b $accent]$label[/]$rest", label=label, rest=rest),
                layout=False,
            )
            self._next.update(f"{ui_text(lang, 'next')} {self._next_words(c)}", layout=False)
            self._mode = {State.DATA: "data", State.AUTH: "auth"}.get(state.state, "command")
        lines = self._current_step_lines()
        for verb in STEP_VERBS:
            self._style_step(verb)
            self.steps.set_tooltip(verb, self._tooltip_for(verb, lines.get(verb)))
        self._suggester.enabled = self._mode == "command"
        self._suggester.lines = tuple(
            lines[v] for v in ("EHLO", "MAIL", "RCPT", "VRFY") if v in lines
        )
        # in an AUTH exchange, typing is hidden unless the server asked for the user name
        secret = self._mode == "auth" and c is not None and c.challenge_wants_secret()
        if self._raw.password != secret:
            self._raw.password = secret
        self._raw.placeholder = ui_text(
            lang,
            {"command": "placeholder", "data": "placeholder_data", "auth": "placeholder_auth"}[
                self._mode
            ],
        )

    def _next_words(self, c: SessionController | None) -> str:
        if c is None or not c.connected:
            return ui_text(self.lang, "next_connect")
        legal = c.legal_commands()
        if legal == ("*",):
            return ui_text(self.lang, "next_auth")
        if legal == (".",):
            return ui_text(self.lang, "next_data")
        return " ".join(legal) if legal else ui_text(self.lang, "next_none")

    def _style_step(self, verb: str) -> None:
        c = self.controller
        if verb == "CONNECT" and c is not None and c.connected:
            kind = "hidden"
        elif self._armed is not None and self._armed[0] == verb:
            kind = "warning"  # armed: the next press sends it
        else:
            kind = "primary" if self._step_is_legal(verb) else "dim"
        self.steps.set_kind(verb, kind)

    def _step_is_legal(self, verb: str) -> bool:
        c = self.controller
        return c.step_is_legal(verb) if c is not None else verb == "CONNECT"

    def _update_hint(self) -> None:
        if self._armed is not None:
            return
        c = self.controller
        value = self._raw.value
        if self._mode == "data":
            if value.startswith(".") and value != ".":
                self._set_hint(f"⚠ {ui_text(self.lang, 'dot_line')}", "warning")
            else:
                self._set_hint(ui_text(self.lang, "data_mode"), "info")
        elif self._mode == "auth":
            key = "auth_secret" if self._raw.password else "auth_mode"
            self._set_hint(ui_text(self.lang, key), "info")
        elif not value.strip():
            self._set_hint("", "")
        elif c is None or not c.connected:
            self._set_hint(f"⚠ {ui_text(self.lang, 'not_connected')}", "warning")
        else:
            x = c.expect(value)
            if x.legal and not x.warning:
                text, kind = f"✓ {x.message(self.lang)}", ""
            else:
                text, kind = f"⚠ {self._prediction(x)}", "warning"
            if c.plaintext_risk(value):  # the state machine's lesson first, then this
                security = c.profile.security.upper()
                text += f" — ⚠ {ui_text(self.lang, 'plaintext_risk', security=security)}"
                kind = "warning"
            self._set_hint(text, kind)

    def _prediction(self, x: Expectation) -> str:
        codes = "/".join(map(str, x.likely_codes))
        sep = ui_text(self.lang, "likely", codes=codes) if codes else ui_text(self.lang, "colon")
        return f"{x.label(self.lang)}{sep}{x.message(self.lang)}"

    def _set_hint(self, text: str, kind: str) -> None:
        if text != self.hint:  # its height follows its words: a layout, so only on change
            self._hint.update(text)
        self._hint.set_class(kind == "warning", "-warning")
        self._hint.set_class(kind == "info", "-info")

    @property
    def hint(self) -> str:
        """The line under the raw command (what the learner reads before sending)."""
        return str(self._hint.content)

    # ---------------------------------------------------------- raw line
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self._raw:
            event.stop()
            if self._armed is not None:
                self._disarm()
            self._update_hint()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is not self._raw:
            return
        event.stop()
        self._sync()
        line = event.value
        if self._mode == "command" and not line.strip():
            return
        if self._mode != "auth" and not carries_secret(line):
            self._raw.remember(line)
        self._raw.value = ""
        self.post_message(self.RawSubmitted(line))

    # -------------------------------------------------------- step buttons
    def on_button_bar_pressed(self, event: ButtonBar.Pressed) -> None:
        event.stop()
        if event.bar is self._helper:
            self.post_message(AuthHelperRequested())
        else:
            self.press_step(event.key)

    def press_step(self, verb: str) -> None:
        """A step button: legal ones are sent at once; an out-of-sequence one
        first says what will likely happen and is sent on a second press."""
        self._sync()
        c = self.controller
        if verb == "AUTH" and c is not None and c.connected and not c.can_log_in:
            self.post_message(AuthHelperRequested())
            self.notify(ui_text(self.lang, "no_credentials"), timeout=4)
            return
        if self._step_is_legal(verb):
            self._disarm()
            self.post_message(self.StepRequested(verb))
            return
        if c is None or not c.connected:
            self._set_hint(f"⚠ {ui_text(self.lang, 'not_connected')}", "warning")
            return
        armed = self._armed
        if armed is not None and armed[0] == verb and time.monotonic() - armed[1] <= ARM_SECONDS:
            self._disarm()
            self.post_message(self.StepRequested(verb))
            return
        self._disarm(update=False)
        x = c.expect(self.step_line(verb))
        self._armed = (verb, time.monotonic())
        self._arm_timer = self.set_timer(ARM_SECONDS, self._disarm)
        self._style_step(verb)
        again = ui_text(self.lang, "armed", verb=verb, s=int(ARM_SECONDS))
        # what to do first: a long prediction can outgrow the hint's lines
        self._set_hint(f"⚠ {again} — {verb}: {self._prediction(x)}", "warning")

    def step_line(self, verb: str) -> str:
        """The (first) line a step button sends, as the session builds it."""
        c = self.controller
        if c is None:
            return verb
        lines = c.step_lines(verb, self.draft)
        return lines[0] if lines else verb

    def _current_step_lines(self) -> dict[str, str]:
        """What each step button would send now (for tooltips and completion)."""
        c = self.controller
        if c is None or not c.connected:
            return {}
        return {verb: self.step_line(verb) for verb in STEP_VERBS if verb != "CONNECT"}

    def _tooltip_for(self, verb: str, line: str | None) -> str:
        c = self.controller
        if verb == "CONNECT":
            # what CONNECT does depends on the box under the buttons
            return ui_text(
                self.lang, "connect_tip_handshake" if self._handshake.value else "connect_tip"
            )
        if c is None or not c.connected or line is None:
            return ui_text(self.lang, "not_connected")
        if verb == "DATA" and c.state.state is State.DATA:
            return ui_text(self.lang, "data_body")
        return f"{line}\n{c.expect(line).message(self.lang)}"

    def _disarm(self, update: bool = True) -> None:
        if self._arm_timer is not None:
            self._arm_timer.stop()
            self._arm_timer = None
        armed, self._armed = self._armed, None
        if armed is not None:
            self._style_step(armed[0])
        if update and self._ready:
            self._update_hint()

    # --------------------------------------------------------- the rest
    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox is self._handshake:
            event.stop()
            self.steps.set_tooltip("CONNECT", self._tooltip_for("CONNECT", None))
            self.post_message(self.HandshakeToggled(event.value))
