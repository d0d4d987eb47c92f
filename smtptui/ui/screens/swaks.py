"""The swaks command line for a profile and the composer's message.

Swaks is in many admins' runbooks, so the TUI hands a test over as one shell
line, built by :func:`smtptui.fleet.swaks_command` exactly as ``smtptui swaks``
builds it: the password is an environment-variable reference, never the
secret.  What swaks cannot do (the in-process demo server, XOAUTH2) becomes
one sentence instead of a line.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import formataddr
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from smtptui.fleet.swaks import (
    SwaksAuth,
    SwaksCommand,
    SwaksExportError,
    SwaksMessage,
    swaks_command,
)
from smtptui.i18n import t
from smtptui.ui.keys import bindings

if TYPE_CHECKING:
    from smtptui.profiles import Profile
    from smtptui.workspace.draft import ComposerFields


class Note(str):
    """A note of ours beside the swaks line: its text in the language it was
    made in, and its catalogue key, so the screen says it in its own language
    (however it was handed over)."""

    key: str

    def __new__(cls, key: str, lang: str = "en") -> Note:
        note = super().__new__(cls, t(key, lang))
        note.key = key
        return note


def swaks_for_profile(
    profile: Profile, fields: ComposerFields | None = None, *, lang: str = "en"
) -> tuple[SwaksCommand, tuple[str, ...]]:
    """The command for ``profile`` sending ``fields`` (default: the profile's own
    message defaults), and the notes to show with it.  Raises
    :class:`SwaksExportError` with one sentence in ``lang`` when it cannot be
    expressed."""
    from smtptui.profiles import ProfileError
    from smtptui.workspace.draft import ComposerFields

    if profile.builtin_server:
        raise SwaksExportError(t("screen.swaks.builtin", lang, name=profile.name))
    try:
        config = profile.session_config()
    except ProfileError as exc:
        raise SwaksExportError(f"{profile.name}: {exc}") from None
    fields = fields if fields is not None else ComposerFields.from_profile(profile)
    message = _message(fields, lang)
    recipients = message.to or message.cc or message.bcc
    command = swaks_command(
        config,
        message=message if recipients else None,
        auth=_auth(profile, lang),
        quit_after=None if recipients else "auth",
    )
    notes = command.comments
    if not recipients:
        notes = (*notes, Note("screen.swaks.no_recipient", lang))
    return command, tuple(notes)


def _auth(profile: Profile, lang: str) -> SwaksAuth | None:
    settings = profile.auth
    if not settings.enabled:
        return None
    if not settings.username:
        raise SwaksExportError(
            t("screen.swaks.no_user", lang, name=profile.name, mechanism=settings.mechanism)
        )
    source = settings.password
    if source.kind == "env" and source.env:
        return SwaksAuth(settings.mechanism, settings.username, source.env, env_is_set_up=True)
    return SwaksAuth(settings.mechanism, settings.username)


def _message(fields: ComposerFields, lang: str) -> SwaksMessage:
    """The composer's fields as swaks options; a field that does not parse yet
    is named in the error (the composer shows the same problem)."""
    from smtptui.message import MessageError, parse_address_list, parse_header_line

    def refused(exc: MessageError) -> SwaksExportError:
        return SwaksExportError(t("screen.swaks.composer_error", lang, error=exc.text(lang)))

    def boxes(attr: str, field: str) -> list[tuple[str, str]]:
        try:
            return parse_address_list(getattr(fields, attr), field=field)
        except MessageError as exc:
            raise refused(exc) from None

    senders = boxes("sender", "from")
    to, cc, bcc = boxes("to", "to"), boxes("cc", "cc"), boxes("bcc", "bcc")
    headers: list[str] = []
    if senders and senders[0][0]:
        headers.append("From: " + formataddr(senders[0], charset="utf-8"))
    if any(name for name, _ in to):
        headers.append("To: " + ", ".join(formataddr(box, charset="utf-8") for box in to))
    try:
        headers.extend(": ".join(parse_header_line(h)) for h in fields.header_lines())
    except MessageError as exc:
        raise refused(exc) from None
    return SwaksMessage(
        sender=senders[0][1] if senders else None,
        to=tuple(addr for _, addr in to),
        cc=tuple(addr for _, addr in cc),
        bcc=tuple(addr for _, addr in bcc),
        subject=fields.subject or None,
        body=fields.body or None,
        headers=tuple(headers),
        attachments=tuple(fields.attachment_paths()),
    )


class SwaksScreen(ModalScreen[None]):
    """The command line (selectable, wrapped), its notes, Copy and Close."""

    DEFAULT_CSS = """
    SwaksScreen { align: center middle; }
    SwaksScreen > #swaks-frame {
        width: 90%; max-width: 120; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    SwaksScreen #swaks-title { text-style: bold; width: 1fr; padding: 0 1; background: $boost; }
    SwaksScreen #swaks-command { height: auto; min-height: 3; max-height: 16; margin: 1 0 0 0; }
    SwaksScreen .swaks-note { color: $warning; padding: 0 1; }
    SwaksScreen #swaks-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    SwaksScreen #swaks-buttons Button { margin-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("swaks")

    def __init__(self, command_text: str, notes: Sequence[str] = (), *, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang
        self.command_text = command_text
        self.notes = tuple(t(n.key, lang) if isinstance(n, Note) else n for n in notes)

    @property
    def shell_text(self) -> str:
        """What Copy puts on the clipboard: the notes as shell comments, then the line."""
        return "".join(f"# {note}\n" for note in self.notes) + self.command_text

    def compose(self) -> ComposeResult:
        with Vertical(id="swaks-frame"):
            yield Label(t("screen.swaks.title", self.lang), id="swaks-title")
            yield TextArea(
                self.command_text,
                id="swaks-command",
                read_only=True,
                soft_wrap=True,
                show_line_numbers=False,
            )
            for note in self.notes:
                yield Static(f"# {note}", classes="swaks-note", markup=False)
            with Horizontal(id="swaks-buttons"):
                yield Button(t("screen.swaks.copy", self.lang), id="swaks-copy", variant="primary")
                yield Button(t("screen.swaks.close", self.lang), id="swaks-close")

    def on_mount(self) -> None:
        self.query_one("#swaks-copy", Button).focus()

    @on(Button.Pressed, "#swaks-copy")
    def _copy_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_copy()

    @on(Button.Pressed, "#swaks-close")
    def _close_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.shell_text)
        self.notify(t("screen.swaks.copied", self.lang), timeout=3)

    def action_close(self) -> None:
        self.dismiss(None)
