"""Export the current session's transcript: text, Markdown or JSON lines.

The formats are :mod:`smtptui.transcript`'s; this screen only chooses one,
previews its first lines, and writes the file atomically (temp file, fsync,
rename; mode 0600, since a transcript names servers and users) or copies it
with OSC 52.  Passwords are never in an event; user names are masked unless
the learner unticks "redact user names".
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from smtptui.i18n import t
from smtptui.transcript import export_jsonl, export_markdown, export_text
from smtptui.ui.keys import bindings

if TYPE_CHECKING:
    from smtptui.protocol.events import Event
    from smtptui.workspace.session import SessionController

#: format id -> file extension (the label is ``screen.export.format.<id>``)
FORMATS: dict[str, str] = {
    "text": "txt",
    "markdown": "md",
    "jsonl": "jsonl",
}
PREVIEW_EVENTS = 40
PREVIEW_LINES = 14


def render_export(events: list[Event], fmt: str, *, redact: bool, title: str) -> str:
    """The whole export in format ``fmt`` (``text`` | ``markdown`` | ``jsonl``)."""
    if fmt == "markdown":
        return export_markdown(events, redact=redact, title=title)
    if fmt == "jsonl":
        return export_jsonl(events, redact=redact)
    return export_text(events, redact=redact)


def default_path(slug: str, ext: str, now: datetime | None = None) -> str:
    """``~/smtptui-<profile-slug>-<YYYYmmdd-HHMMSS>.<ext>``."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"~/smtptui-{slug}-{stamp}.{ext}"


def write_error(path: Path, exc: OSError, lang: str = "en") -> str:
    """One sentence for a failed write, saying what to do next."""
    folder = path.parent
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        return t("screen.export.is_folder", lang, path=path)
    if isinstance(exc, FileNotFoundError) or not folder.is_dir():
        return t("screen.export.no_folder", lang, folder=folder)
    if isinstance(exc, PermissionError):
        return t("screen.export.not_allowed", lang, folder=folder)
    return t("screen.export.cannot_write", lang, path=path, reason=exc.strerror or exc)


def save_atomically(path: Path, text: str) -> None:
    """Temp file in the same folder, fsync, rename (mode 0600)."""
    from smtptui.profiles.store import atomic_write

    atomic_write(path, text)


class ExportScreen(ModalScreen[None]):
    """Choose a format, preview it, save it to a file or copy it."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > #export-frame {
        width: 90%; max-width: 110; height: 90%; min-width: 60;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ExportScreen #export-title { text-style: bold; width: 1fr; padding: 0 1; background: $boost; }
    ExportScreen .export-row { height: auto; margin-top: 1; }
    ExportScreen .export-row > Label { width: 8; color: $text-muted; }
    ExportScreen #export-format { layout: horizontal; width: 1fr; }
    ExportScreen #export-format > RadioButton { width: auto; margin-right: 3; }
    ExportScreen #export-redact { margin-left: 8; }
    ExportScreen #export-path { width: 1fr; background: $boost; }
    ExportScreen #export-error { color: $error; display: none; }
    ExportScreen #export-error.-shown { display: block; }
    ExportScreen .export-heading { text-style: bold; color: $text-accent; margin-top: 1; }
    ExportScreen #export-preview-scroll { height: 1fr; background: $boost; }
    ExportScreen #export-preview { padding: 0 1; }
    ExportScreen #export-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    ExportScreen #export-buttons Button { margin-left: 2; }
    ExportScreen #export-keys { color: $text-muted; width: 1fr; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("export")

    def __init__(self, controller: SessionController, *, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang
        self.controller = controller
        self.format = "text"

    @property
    def redact(self) -> bool:
        return self.query_one("#export-redact", Checkbox).value

    @property
    def title_text(self) -> str:
        """The Markdown export's heading: part of the file, like the transcript
        itself, so it stays English (see the README's language section)."""
        return f"SMTP transcript: {self.controller.profile.name}"

    def _t(self, key: str, **values: object) -> str:
        return t(f"screen.export.{key}", self.lang, **values)

    def compose(self) -> ComposeResult:
        profile = self.controller.profile
        count = len(self.controller.transcript.events)
        with Vertical(id="export-frame"):
            yield Label(
                self._t("title", name=profile.name, count=f"{count:,}"),
                id="export-title",
                markup=False,
            )
            with Horizontal(classes="export-row"):
                yield Label(self._t("format"))
                with RadioSet(id="export-format", compact=True):
                    for fmt in FORMATS:
                        yield RadioButton(
                            self._t(f"format.{fmt}"), value=fmt == self.format, id=f"export-{fmt}"
                        )
            yield Checkbox(self._t("redact"), value=True, id="export-redact", compact=True)
            with Horizontal(classes="export-row"):
                yield Label(self._t("file"))
                yield Input(
                    default_path(profile.slug, FORMATS[self.format]),
                    id="export-path",
                    compact=True,
                )
            yield Static(id="export-error", markup=False)
            yield Label(self._t("preview"), classes="export-heading")
            with VerticalScroll(id="export-preview-scroll"):
                yield Static(id="export-preview", markup=False)
            with Horizontal(id="export-buttons"):
                yield Static(self._t("keys"), id="export-keys")
                yield Button(self._t("cancel"), id="export-cancel", compact=True)
                yield Button(self._t("copy"), id="export-copy", compact=True)
                yield Button(self._t("save"), id="export-save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._update_preview()
        self.query_one("#export-save", Button).focus()

    # ------------------------------------------------------------- choices
    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        fmt = (event.pressed.id or "export-text").removeprefix("export-")
        old_ext, new_ext = FORMATS[self.format], FORMATS[fmt]
        self.format = fmt
        path = self.query_one("#export-path", Input)
        if path.value.endswith(f".{old_ext}"):
            path.value = path.value[: -len(old_ext)] + new_ext
        self._update_preview()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._update_preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_error(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def _update_preview(self) -> None:
        events = list(self.controller.transcript.events[:PREVIEW_EVENTS])
        text = render_export(events, self.format, redact=self.redact, title=self.title_text)
        lines = text.splitlines()[:PREVIEW_LINES]
        self.query_one("#export-preview", Static).update("\n".join(lines) + "\n…")

    def _show_error(self, text: str | None) -> None:
        error = self.query_one("#export-error", Static)
        error.update(text or "")
        error.set_class(bool(text), "-shown")

    def _render_all(self) -> str:
        return render_export(
            list(self.controller.transcript.events),
            self.format,
            redact=self.redact,
            title=self.title_text,
        )

    # ------------------------------------------------------------- actions
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-save":
            self.action_save()
        elif event.button.id == "export-copy":
            self.action_copy()
        else:
            self.action_close()

    def action_save(self) -> None:
        from smtptui.ui.screens.confirm import ConfirmScreen

        typed = self.query_one("#export-path", Input).value.strip()
        if not typed:
            self._show_error(self._t("no_path"))
            return
        path = Path(typed).expanduser()
        if path.is_dir():
            self._show_error(self._t("is_folder", path=path))
            return
        if path.exists():

            def answered(replace: bool | None) -> None:
                if replace:
                    self.run_worker(
                        self._save(path), group="export", exclusive=True, exit_on_error=False
                    )

            self.app.push_screen(
                ConfirmScreen(
                    self._t("exists", path=path),
                    yes=self._t("replace"),
                    no=self._t("keep"),
                    lang=self.lang,
                ),
                answered,
            )
            return
        self.run_worker(self._save(path), group="export", exclusive=True, exit_on_error=False)

    async def _save(self, path: Path) -> None:
        events = list(self.controller.transcript.events)  # a snapshot: the session may go on
        fmt, redact, title = self.format, self.redact, self.title_text

        def write() -> None:
            save_atomically(path, render_export(events, fmt, redact=redact, title=title))

        try:
            await asyncio.to_thread(write)
        except OSError as exc:
            self._show_error(write_error(path, exc, self.lang))
            return
        masked = self._t("masked" if redact else "shown")
        self.app.notify(
            self._t("saved", count=f"{len(events):,}", path=path, masked=masked),
            title=self._t("notify_title"),
            timeout=5,
        )
        self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self._render_all())
        masked = self._t("masked" if self.redact else "shown")
        self.app.notify(
            self._t("copied", format=self._t(f"format.{self.format}"), masked=masked),
            title=self._t("notify_title"),
            timeout=5,
        )
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
