"""The composer pane: the test message to send, checked while it is typed.

Every field is validated by :mod:`smtptui.message` (the same rules the builder
applies), and the problem shows as one sentence under the field; Send is
disabled while anything is wrong.  An empty subject or body is allowed — the
builder fills in a test text so a test mail never arrives blank — and the pane
says so.  Each profile keeps its own draft while the app runs: the pane shows
one, and reports every change (:class:`~smtptui.ui.messages.DraftChanged`) so
the workspace keeps it when another profile is shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Static, TextArea

from smtptui.i18n import t, tn
from smtptui.message.addresses import MessageError, parse_address_list
from smtptui.ui.keys import bindings
from smtptui.ui.messages import DraftChanged, PreviewRequested
from smtptui.ui.widgets.button_bar import ButtonBar
from smtptui.ui.widgets.field_row import FieldRow
from smtptui.units import format_bytes
from smtptui.workspace.draft import (
    ComposerFields,
    Problem,
    blocking,
    find_problems,
    message_draft,
)

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

    from smtptui.message.build import BuiltMessage
    from smtptui.profiles import Profile

_VALIDATE_DELAY = 0.15


class ComposerPane(Vertical):
    """From, To, Cc, Bcc, Subject, Body, extra headers and attachments."""

    DEFAULT_CSS = """
    ComposerPane {
        padding: 0 1 0 0;
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
        & #composer-buttons { margin-right: 1; }
        & #composer-status { width: 1fr; height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
        & #composer-status.-bad { color: $text-error; }
        & #composer-progress { display: none; width: 1fr; }
        & #composer-progress Bar { width: 1fr; }
        & #composer-bytes { display: none; width: auto; color: $text-muted; padding-left: 1; }
        &.-sending #composer-progress, &.-sending #composer-bytes { display: block; }
        &.-sending #composer-status { display: none; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("composer")

    class SendRequested(Message):
        """The Send button was pressed (the app runs the same as F5)."""

    #: The one-line inputs of the first rows, row by row.
    _ROWS = (("from", "to"), ("cc", "bcc"), ("subject",))
    #: Every field that may show a hint, row by row (a row is
    #: ``#composer-<its first field>-row``; its hints go under it, in this order).
    _HINT_ROWS = (
        ("from", "to"),
        ("cc", "bcc"),
        ("subject",),
        ("headers",),
        ("attachments",),
        ("body",),
    )
    _HINTED = tuple(key for row in _HINT_ROWS for key in row)
    _ROW_OF: ClassVar[dict[str, tuple[str, ...]]] = {key: row for row in _HINT_ROWS for key in row}
    #: Each one-line input's field key -> its :class:`ComposerFields` attribute.
    _FIELDS: ClassVar[dict[str, str]] = {
        "from": "sender",
        "to": "to",
        "cc": "cc",
        "bcc": "bcc",
        "subject": "subject",
        "attachments": "attachments",
    }

    def __init__(self, *, lang: str = "en", id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = True  # escape from a field lands here; tab enters the fields
        self.lang = lang
        self.profile: Profile | None = None
        self.problems: dict[str, list[Problem]] = {}
        self.fixed_date: datetime | None = None
        """Set by the screenshot script for deterministic output; None means now."""
        self.fixed_message_id: str | None = None
        """Set by the screenshot script for deterministic output; None means a fresh one."""
        self._ready = False
        self._sending = False
        self._timer: Timer | None = None
        #: the hints made so far (a field gets one the first time it has something to say)
        self._hints: dict[str, Static] = {}
        self._hint_texts: dict[str, str] = {}  # the words each hint shows
        #: address fields typed in since the draft was loaded: an empty From or
        #: no recipient is said under the field only then (or on Preview/Send),
        #: not in red the moment a profile without them is shown
        self._touched: set[str] = set()
        self._progress: tuple[ProgressBar, Label] | None = None  # made on the first send
        self._previewed: tuple[tuple, BuiltMessage] | None = None

    # ---------------------------------------------------------------- layout
    def _text(self, key: str, **values: object) -> str:
        return t(f"pane.composer.{key}", self.lang, **values)

    def compose(self) -> ComposeResult:
        def field(key: str) -> tuple[str, str, Input]:
            widget = Input(
                placeholder=self._text(f"placeholder.{key}"),
                id=f"composer-{key}",
                compact=True,
                select_on_focus=False,
            )
            return key, self._text(f"label.{key}"), widget

        # Each row draws its fields' labels itself (FieldRow); hints and the
        # progress bar are made when first needed: a pane that has nothing to
        # say is a couple of dozen widgets cheaper to build and draw.
        for row in self._ROWS:
            yield FieldRow(*(field(key) for key in row), id=f"composer-{row[0]}-row")
        headers = TextArea(
            id="composer-headers",
            compact=True,
            soft_wrap=False,
            show_cursor=True,
            highlight_cursor_line=False,
            placeholder=self._text("placeholder.headers"),
        )
        yield FieldRow(("headers", self._text("label.headers"), headers), id="composer-headers-row")
        yield FieldRow(field("attachments"), id="composer-attachments-row")
        body = TextArea(
            id="composer-body",
            compact=True,
            soft_wrap=True,
            highlight_cursor_line=False,
            placeholder=self._text("placeholder.body"),
        )
        yield FieldRow(("body", self._text("label.body"), body), id="composer-body-row")
        with Horizontal(id="composer-actions"):
            yield ButtonBar(
                ("preview", "send"),
                labels={"preview": self._text("preview"), "send": self._text("send")},
                kinds={"send": "primary"},
                fit=True,
                id="composer-buttons",
            )
            yield Static("", id="composer-status")

    def _row(self, key: str) -> FieldRow:
        """The row that holds ``key``'s field (and draws its label)."""
        return self.query_one(f"#composer-{self._ROW_OF[key][0]}-row", FieldRow)

    def label_is_bad(self, key: str) -> bool:
        """Is ``key``'s label drawn in the error colour (the field has an error)?"""
        return self._row(key).is_bad(key)

    def _show_hint(self, key: str, text: str, *, shown: bool, note: bool) -> None:
        """Show (or hide) the sentence under ``key``'s row, making it the first time."""
        hint = self._hints.get(key)
        if hint is None:
            if not shown:
                return
            hint = Static(text, id=f"composer-{key}-hint", classes="composer-hint", markup=False)
            self._hints[key] = hint
            # under its row, after the hints of the fields left of it
            row = self._ROW_OF[key]
            anchor = next(
                (self._hints[k] for k in reversed(row[: row.index(key)]) if k in self._hints),
                self.query_one(f"#composer-{row[0]}-row"),
            )
            self.mount(hint, after=anchor)
        elif text != self._hint_texts.get(key):
            hint.update(text)  # a layout of the screen: only for new words
        self._hint_texts[key] = text
        hint.set_class(shown, "-shown")
        hint.set_class(note, "-note")

    def on_mount(self) -> None:
        self.border_title = self._text("title")
        self._ready = True
        # checked by whoever fills it (load(..., check_now=True)) before it is
        # first drawn: its hints are in that drawing, not a layout later

    def set_language(self, lang: str) -> None:
        """Labels, placeholders, buttons and the current hints in ``lang``."""
        self.lang = lang
        if not self._ready:
            return
        self.border_title = self._text("title")
        for key in (*self._FIELDS, "headers", "body"):
            self._row(key).set_label(key, self._text(f"label.{key}"))
        for key in self._FIELDS:
            self.query_one(f"#composer-{key}", Input).placeholder = self._text(f"placeholder.{key}")
        for key in ("headers", "body"):
            self.query_one(f"#composer-{key}", TextArea).placeholder = self._text(
                f"placeholder.{key}"
            )
        buttons = self.buttons
        buttons.set_label("preview", self._text("preview"))
        buttons.set_label("send", self._text("send"))
        self.validate_now()

    # ----------------------------------------------------------- the fields
    @property
    def values(self) -> ComposerFields:
        """What is in the fields now."""
        if not self._ready:
            return ComposerFields()
        return ComposerFields(
            **{
                attr: self.query_one(f"#composer-{key}", Input).value
                for key, attr in self._FIELDS.items()
            },
            body=self.query_one("#composer-body", TextArea).text,
            headers=self.query_one("#composer-headers", TextArea).text,
        )

    def set_values(self, values: ComposerFields, *, check_now: bool = False) -> None:
        # not typing: no "changed" round (a second check, the same draft
        # handed back to the workspace, the session panel redrawn for it)
        with self.prevent(Input.Changed, TextArea.Changed):
            for key, attr in self._FIELDS.items():
                self.query_one(f"#composer-{key}", Input).value = getattr(values, attr)
            self.query_one("#composer-body", TextArea).text = values.body
            self.query_one("#composer-headers", TextArea).text = values.headers
        self._previewed = None
        self._touched.clear()
        if check_now:
            # the fields' own rules before the pane is drawn; the trial build
            # (it loads the email package) follows the drawing, as after typing
            self.validate_now(build=False)
            self.call_after_refresh(self._check_soon)
        else:  # checked once the fields are drawn (the checks build a trial message)
            self.call_after_refresh(self.validate_now)

    @property
    def profile_name(self) -> str | None:
        return self.profile.name if self.profile is not None else None

    def load(
        self, profile: Profile | None, draft: ComposerFields | None, *, check_now: bool = False
    ) -> None:
        """Show ``profile``'s ``draft``; ``None`` keeps what is typed (the same
        profile was edited: the draft stays, mid-word, cursor and all).
        ``check_now`` checks the fields before they are next drawn (the pane
        is being built) instead of just after."""
        self.profile = profile
        if draft is not None and self._ready:
            self.set_values(draft, check_now=check_now)

    def action_reset(self) -> None:
        if self.profile is not None:
            self.set_values(ComposerFields.from_profile(self.profile))
            self.post_message(DraftChanged(self.values))
            self.notify(self._text("reset_done", name=self.profile.name), timeout=2)

    # ------------------------------------------------------------ validation
    @on(Input.Changed)
    @on(TextArea.Changed)
    def _field_changed(self, event: Input.Changed | TextArea.Changed) -> None:
        key = (event.control.id or "").removeprefix("composer-")
        if key in ("from", "to", "cc", "bcc"):
            self._touched.add("from" if key == "from" else "to")  # Cc/Bcc count as To
        self._previewed = None
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(_VALIDATE_DELAY, self._settled)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()

    def _check_soon(self) -> None:
        if self._timer is None:  # not when typing has already asked for a check
            self._timer = self.set_timer(_VALIDATE_DELAY, self.validate_now)

    def _settled(self) -> None:
        """The typing paused: check the fields and let the workspace keep the draft."""
        self.validate_now()
        self.post_message(DraftChanged(self.values))

    def validate_now(self, *, build: bool = True) -> dict[str, list[Problem]]:
        """Check every field and show the result; returns the problems found.
        ``build=False`` leaves out the trial build (see :func:`find_problems`)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._ready:
            return {}
        values = self.values
        self.problems = find_problems(values, build=build)
        untouched = self._untouched_empty(values)
        for key in self._HINTED:
            found = [] if key in untouched else self.problems.get(key, [])
            errors = [p for p in found if p.level == "error"]
            shown = errors or found
            if not errors and key in ("subject", "body") and not getattr(values, key):
                shown = []  # the empty field's placeholder already says it
            if key == "attachments" and not errors and found:
                text = " · ".join(p.text(self.lang) for p in found)
            else:
                text = "\n".join(p.text(self.lang) for p in shown[:2])
            self._show_hint(key, text, shown=bool(shown), note=not errors)
            self._row(key).set_bad(key, bool(errors))
        bad = blocking(self.problems)
        said = blocking({k: v for k, v in self.problems.items() if k not in untouched})
        general = self.problems.get("message", [])
        if general:
            self._status(general[0].text(self.lang), bad=True)
        elif said:
            text = tn("pane.composer.fix", len(said), self.lang)
            if untouched:  # and what is still empty, so it is not forgotten
                text += " · " + self._still_empty(untouched)
            self._status(text, bad=True)
        elif bad:  # only what is still empty: said plainly, not as errors
            self._status(self._still_empty(untouched))
        else:
            self._status(self._summary())
        self._enable_send(not bad and not self._sending)
        return self.problems

    def _still_empty(self, untouched: set[str]) -> str:
        """ "needs From and To", "needs a From" or "needs a recipient"."""
        return self._text("empty_" + "_".join(sorted(untouched, reverse=True)))

    def _say_all_missing(self) -> None:
        """The message was asked for (Preview, Send): what is still empty is
        said under its field too."""
        self._touched.update(("from", "to"))

    def _untouched_empty(self, values: ComposerFields) -> set[str]:
        """``from`` and ``to`` when still empty and not typed in since the
        draft was loaded (a recipient in Cc or Bcc fills ``to``)."""
        empty = set()
        if "from" not in self._touched and not values.sender.strip():
            empty.add("from")
        recipients = (values.to, values.cc, values.bcc)
        if "to" not in self._touched and not any(r.strip() for r in recipients):
            empty.add("to")
        return empty

    def _summary(self) -> str:
        values = self.values
        count = sum(len(parse_address_list(getattr(values, k))) for k in ("to", "cc", "bcc"))
        files = len(values.attachment_paths())
        text = tn("pane.composer.ready", count, self.lang)
        if files:
            text += tn("pane.composer.files", files, self.lang)
        return text

    def _status(self, text: str, *, bad: bool = False) -> None:
        status = self.query_one("#composer-status", Static)
        status.update(text, layout=False)  # one line beside the buttons, cut to fit
        status.set_class(bad, "-bad")
        # the line beside the buttons is short: hovering it shows the whole sentence
        status.tooltip = text or None

    def show_error(self, error: MessageError | str) -> None:
        """A build or send error: a :class:`MessageError` is shown under the
        field it concerns (``error.field``) and in the status line; a plain
        sentence only in the status line."""
        if not self._ready:
            return
        if isinstance(error, str):
            self._status(error, bad=True)
            return
        text = error.text(self.lang)
        if error.field in self._HINTED:
            self._show_hint(error.field, text, shown=True, note=False)
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
            raise MessageError("message.error.not_ready")
        if self._previewed is not None:
            key, built = self._previewed
            self._previewed = None
            if key == self._key(values):
                return built
        self._say_all_missing()
        problems = blocking(self.validate_now())
        if problems:
            first = problems[0]
            raise first.error or MessageError(first.key, **dict(first.values))
        from smtptui.message.build import build_message

        return build_message(
            message_draft(values, date=self.fixed_date, message_id=self.fixed_message_id)
        )

    # --------------------------------------------------------------- actions
    def on_button_bar_pressed(self, event: ButtonBar.Pressed) -> None:
        event.stop()
        if event.key == "preview":
            self.action_preview()
        else:
            self._say_all_missing()
            if not blocking(self.validate_now()):
                self.post_message(self.SendRequested())

    @property
    def buttons(self) -> ButtonBar:
        """Preview DATA and Send."""
        return self.query_one("#composer-buttons", ButtonBar)

    @property
    def send_enabled(self) -> bool:
        return self.buttons.kind("send") != "disabled"

    def _enable_send(self, enabled: bool) -> None:
        self.buttons.set_kind("send", "primary" if enabled else "disabled")

    def action_preview(self) -> None:
        values = self.values
        try:
            built = self.build()
        except MessageError as exc:
            self.show_error(exc)
            self.notify(exc.text(self.lang), title=self._text("title"), severity="error", timeout=5)
            return
        self._previewed = (self._key(values), built)
        try:
            bcc = [addr for _, addr in parse_address_list(values.bcc)]
        except MessageError:
            bcc = []
        self.post_message(PreviewRequested(built, bcc))

    # -------------------------------------------------------------- progress
    def start_progress(self, total_bytes: int) -> None:
        self._sending = True
        if not self._ready:
            return
        if self._progress is None:  # the first send: the bar joins the action row
            from textual.widgets import ProgressBar

            self._progress = (
                ProgressBar(id="composer-progress", show_eta=False),
                Label("", id="composer-bytes"),
            )
            self.query_one("#composer-actions").mount_all(self._progress)
        self.add_class("-sending")
        self._enable_send(False)
        self.set_progress(0, total_bytes)

    def set_progress(self, sent: int, total: int) -> None:
        if not self._ready or self._progress is None:
            return
        bar, size = self._progress
        bar.update(total=max(total, 1), progress=min(sent, total))
        size.update(f"{format_bytes(sent)} / {format_bytes(total)}")

    def stop_progress(self) -> None:
        self._sending = False
        if not self._ready:
            return
        self.remove_class("-sending")
        self.validate_now()
