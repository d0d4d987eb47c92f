"""The composer pane: the test message to send, checked while it is typed.

Every field is validated by :mod:`smtptui.message` (the same rules the builder
applies), and the problem shows as one sentence under the field; Send is
disabled while anything is wrong.  An empty subject or body is allowed — the
builder fills in a test text so a test mail never arrives blank — and the pane
says so.  Each profile keeps its own draft while the app runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Input, Label, ProgressBar, Static, TextArea

from smtptui.message import (
    BuiltMessage,
    MessageError,
    build_message,
    parse_address_list,
)
from smtptui.ui.widgets.composer_fields import (
    EMPTY_BODY,
    EMPTY_SUBJECT,
    ComposerFields,
    Problem,
    blocking,
    envelope_addresses,
    find_problems,
    format_size,
    message_draft,
)

if TYPE_CHECKING:
    from smtptui.profiles import Profile

_VALIDATE_DELAY = 0.15


class ComposerPane(Vertical):
    """From, To, Cc, Bcc, Subject, Body, extra headers and attachments."""

    DEFAULT_CSS = """
    ComposerPane {
        padding: 0 1 0 0;
        & .composer-row { height: 1; }
        & .composer-label { width: 9; color: $text-muted; padding-left: 1; }
        & .composer-label.-right { width: 5; padding-left: 1; }
        & .composer-label.-bad { color: $text-error; text-style: bold; }
        & Input { border: none; height: 1; padding: 0; width: 1fr; background: $boost; }
        & Input:focus { background: $accent 20%; }
        & #composer-headers { height: auto; max-height: 3; min-height: 1; padding: 0; background: $boost; }
        & #composer-headers:focus { background: $accent 20%; }
        & #composer-body-row { height: 1fr; min-height: 2; }
        & #composer-body { height: 1fr; padding: 0; }
        & .composer-hint { display: none; height: auto; padding-left: 9; color: $text-error; }
        & .composer-hint.-shown { display: block; }
        & .composer-hint.-note { color: $text-muted; text-style: italic; }
        & #composer-actions { height: 1; margin-top: 0; }
        & #composer-actions Button { margin-right: 1; min-width: 0; }
        & #composer-status { width: 1fr; height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
        & #composer-status.-bad { color: $text-error; }
        & #composer-progress { display: none; width: 1fr; }
        & #composer-progress Bar { width: 1fr; }
        & #composer-bytes { display: none; width: auto; color: $text-muted; padding-left: 1; }
        &.-sending #composer-progress, &.-sending #composer-bytes { display: block; }
        &.-sending #composer-status { display: none; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f4",
            "preview",
            "Preview DATA",
            id="composer.preview",
            tooltip="Show exactly the bytes sent after 354 (headers, blank line, dot-stuffed body, final '.')",
        ),
        Binding(
            "f8",
            "reset",
            "Reset draft",
            show=False,
            id="composer.reset",
            tooltip="Put the profile's [message] defaults back in the composer",
        ),
    ]

    class SendRequested(Message):
        """The Send button was pressed (the app runs the same as F5)."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.drafts: dict[str, ComposerFields] = {}
        self.profile: Profile | None = None
        self.problems: dict[str, list[Problem]] = {}
        self.fixed_date: datetime | None = None
        """Set by the screenshot script for deterministic output; None means now."""
        self.fixed_message_id: str | None = None
        """Set by the screenshot script for deterministic output; None means a fresh one."""
        self._ready = False
        self._sending = False
        self._timer: Timer | None = None
        self._previewed: tuple[tuple, BuiltMessage] | None = None

    # ---------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        def field(label: str, key: str, placeholder: str, *, right: bool = False) -> ComposeResult:
            yield Label(
                label,
                classes="composer-label -right" if right else "composer-label",
                id=f"composer-{key}-label",
            )
            yield Input(
                placeholder=placeholder, id=f"composer-{key}", compact=True, select_on_focus=False
            )

        with Horizontal(classes="composer-row"):
            yield from field("From", "from", "you@example.com")
            yield from field("To", "to", "a@example.com, Name <b@example.com>", right=True)
        yield from self._hints("from", "to")
        with Horizontal(classes="composer-row"):
            yield from field("Cc", "cc", "optional")
            yield from field("Bcc", "bcc", "envelope only, never in headers", right=True)
        yield from self._hints("cc", "bcc")
        with Horizontal(classes="composer-row"):
            yield from field("Subject", "subject", EMPTY_SUBJECT)
        yield from self._hints("subject")
        with Horizontal(classes="composer-row", id="composer-headers-row"):
            yield Label("Headers", classes="composer-label", id="composer-headers-label")
            yield TextArea(
                id="composer-headers",
                compact=True,
                soft_wrap=False,
                show_cursor=True,
                highlight_cursor_line=False,
                placeholder="X-Test: 1   (one 'Name: value' per line)",
            )
        yield from self._hints("headers")
        with Horizontal(classes="composer-row"):
            yield from field(
                "Attach", "attachments", "~/report.pdf; notes.txt   (paths, ; between)"
            )
        yield from self._hints("attachments")
        with Horizontal(id="composer-body-row"):
            yield Label("Body", classes="composer-label", id="composer-body-label")
            yield TextArea(
                id="composer-body",
                compact=True,
                soft_wrap=True,
                highlight_cursor_line=False,
                placeholder=EMPTY_BODY,
            )
        yield from self._hints("body")
        with Horizontal(id="composer-actions"):
            yield Button("Preview DATA f4", id="composer-preview", compact=True)
            yield Button("Send f5", id="composer-send", compact=True, variant="primary")
            yield Static("", id="composer-status")
            yield ProgressBar(id="composer-progress", show_eta=False)
            yield Label("", id="composer-bytes")

    @staticmethod
    def _hints(*keys: str) -> ComposeResult:
        for key in keys:
            yield Static("", id=f"composer-{key}-hint", classes="composer-hint", markup=False)

    def on_mount(self) -> None:
        self.border_title = "Composer"
        self._ready = True
        controller = getattr(self.app, "current_controller", None)
        profile = controller.profile if controller is not None else self.profile
        if profile is not None:
            self.profile = None
            self.switch_profile(None, profile)
        else:
            self.validate_now()

    # ----------------------------------------------------------- the fields
    @property
    def values(self) -> ComposerFields:
        """What is in the fields now."""
        if not self._ready:
            return ComposerFields()
        get = lambda key: self.query_one(f"#composer-{key}", Input).value  # noqa: E731
        return ComposerFields(
            sender=get("from"),
            to=get("to"),
            cc=get("cc"),
            bcc=get("bcc"),
            subject=get("subject"),
            body=self.query_one("#composer-body", TextArea).text,
            headers=self.query_one("#composer-headers", TextArea).text,
            attachments=get("attachments"),
        )

    def set_values(self, values: ComposerFields) -> None:
        for key, attr in (
            ("from", "sender"),
            ("to", "to"),
            ("cc", "cc"),
            ("bcc", "bcc"),
            ("subject", "subject"),
            ("attachments", "attachments"),
        ):
            self.query_one(f"#composer-{key}", Input).value = getattr(values, attr)
        self.query_one("#composer-body", TextArea).text = values.body
        self.query_one("#composer-headers", TextArea).text = values.headers
        self.validate_now()

    def switch_profile(self, previous_name: str | None, profile: Profile) -> None:
        """Keep the current draft under the profile it belongs to and show
        ``profile``'s draft (or its ``[message]`` defaults the first time)."""
        if not self._ready or (self.profile is not None and self.profile.name == profile.name):
            self.profile = profile  # the same draft stays, mid-word, cursor and all
            return
        owner = self.profile.name if self.profile is not None else previous_name
        if owner is not None:
            self.drafts[owner] = self.values
        self.profile = profile
        self.set_values(self.drafts.get(profile.name) or ComposerFields.from_profile(profile))

    def action_reset(self) -> None:
        if self.profile is not None:
            self.drafts.pop(self.profile.name, None)
            self.set_values(ComposerFields.from_profile(self.profile))
            self.notify(f"composer reset to {self.profile.name}'s defaults", timeout=2)

    # ------------------------------------------------------------ validation
    @on(Input.Changed)
    @on(TextArea.Changed)
    def _field_changed(self) -> None:
        self._previewed = None
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(_VALIDATE_DELAY, self.validate_now)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()

    def validate_now(self) -> dict[str, list[Problem]]:
        """Check every field and show the result; returns the problems found."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._ready:
            return {}
        values = self.values
        self.problems = find_problems(values)
        for key in ("from", "to", "cc", "bcc", "subject", "headers", "attachments", "body"):
            found = self.problems.get(key, [])
            errors = [p for p in found if p.level == "error"]
            hint = self.query_one(f"#composer-{key}-hint", Static)
            shown = errors or found
            if not errors and key in ("subject", "body") and not getattr(values, key):
                shown = []  # the empty field's placeholder already says it
            if key == "attachments" and not errors and found:
                hint.update(" · ".join(p.text for p in found))
            else:
                hint.update("\n".join(p.text for p in shown[:2]))
            hint.set_class(bool(shown), "-shown")
            hint.set_class(not errors, "-note")
            self.query_one(f"#composer-{key}-label", Label).set_class(bool(errors), "-bad")
        bad = blocking(self.problems)
        general = self.problems.get("message", [])
        if general:
            self._status(general[0].text, bad=True)
        elif bad:
            self._status(f"fix {len(bad)} problem{'s' if len(bad) > 1 else ''} to send", bad=True)
        else:
            self._status(self._summary())
        self.query_one("#composer-send", Button).disabled = bool(bad) or self._sending
        return self.problems

    def _summary(self) -> str:
        values = self.values
        count = sum(len(parse_address_list(getattr(values, k))) for k in ("to", "cc", "bcc"))
        files = len(values.attachment_paths())
        extra = f", {files} file{'s' if files > 1 else ''}" if files else ""
        return f"ready: {count} recipient{'s' if count > 1 else ''}{extra}"

    def _status(self, text: str, *, bad: bool = False) -> None:
        status = self.query_one("#composer-status", Static)
        status.update(text)
        status.set_class(bad, "-bad")

    def show_error(self, text: str) -> None:
        """A build or send error, shown under the field it names (else in the status line)."""
        if not self._ready:
            return
        field = text.partition(":")[0].strip().lower()
        key = {"header": "headers", "attachment": "attachments"}.get(field, field)
        if key in ("from", "to", "cc", "bcc", "subject", "headers", "attachments", "body"):
            hint = self.query_one(f"#composer-{key}-hint", Static)
            hint.update(text)
            hint.set_class(True, "-shown")
            hint.set_class(False, "-note")
        self._status(text, bad=True)

    # ----------------------------------------------------------------- build
    def _key(self, values: ComposerFields) -> tuple:
        stamps = []
        for path in values.attachment_paths():
            try:
                info = path.stat()
                stamps.append((str(path), info.st_mtime_ns, info.st_size))
            except OSError:
                stamps.append((str(path), None, None))
        return (values, tuple(stamps), self.fixed_date, self.fixed_message_id)

    def build(self) -> BuiltMessage:
        """The message to send, or ``MessageError`` naming the field at fault.

        Right after a preview, the previewed bytes are returned (once), so what
        was shown is exactly what is sent, Date and Message-ID included."""
        values = self.values
        if not self._ready:
            raise MessageError("Composer: not ready yet; try again in a moment")
        if self._previewed is not None:
            key, built = self._previewed
            self._previewed = None
            if key == self._key(values):
                return built
        problems = blocking(self.validate_now())
        if problems:
            raise MessageError(problems[0].text)
        return build_message(
            message_draft(values, date=self.fixed_date, message_id=self.fixed_message_id)
        )

    def envelope_preview(self) -> tuple[str, list[str]]:
        """MAIL FROM and RCPT TO addresses as typed so far (for step mode);
        what cannot be parsed yet is left out."""
        return envelope_addresses(self.values)

    # --------------------------------------------------------------- actions
    @on(Button.Pressed, "#composer-send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if not blocking(self.validate_now()):
            self.post_message(self.SendRequested())

    @on(Button.Pressed, "#composer-preview")
    def _preview_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_preview()

    def action_preview(self) -> None:
        from smtptui.ui.screens.preview import PreviewScreen

        values = self.values
        try:
            built = self.build()
        except MessageError as exc:
            self.show_error(str(exc))
            self.notify(str(exc), title="composer", severity="error", timeout=5)
            return
        self._previewed = (self._key(values), built)
        controller = getattr(self.app, "current_controller", None)
        capabilities = (
            controller.capabilities if controller is not None and controller.connected else None
        )
        try:
            bcc = [addr for _, addr in parse_address_list(values.bcc)]
        except MessageError:
            bcc = []
        self.app.push_screen(PreviewScreen(built, bcc=bcc, capabilities=capabilities))

    # -------------------------------------------------------------- progress
    def start_progress(self, total_bytes: int) -> None:
        self._sending = True
        if not self._ready:
            return
        self.add_class("-sending")
        self.query_one("#composer-send", Button).disabled = True
        self.set_progress(0, total_bytes)

    def set_progress(self, sent: int, total: int) -> None:
        if not self._ready:
            return
        self.query_one("#composer-progress", ProgressBar).update(
            total=max(total, 1), progress=min(sent, total)
        )
        self.query_one("#composer-bytes", Label).update(
            f"{format_size(sent)} / {format_size(total)}"
        )

    def stop_progress(self) -> None:
        self._sending = False
        if not self._ready:
            return
        self.remove_class("-sending")
        self.validate_now()
