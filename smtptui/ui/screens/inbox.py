"""The demo inbox: what the built-in demo server received, newest first.

A learner sends a message with the demo profile and sees here what actually
arrived: the envelope, the parsed headers, the decoded subject and body, the
attachments, and -- highlighted -- the defects the server's parser found
(``summary.defects``), such as a missing blank line that turned the body into
headers.  ``r`` shows the exact bytes instead.  Nothing here parses mail: the
server's :class:`~smtptui.server.ReceivedMessage` already carries the summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from smtptui.i18n import has, t, tn
from smtptui.protocol.text import escape_bytes, escape_text
from smtptui.ui.keys import bindings
from smtptui.units import format_bytes

if TYPE_CHECKING:
    from collections.abc import Callable

    from smtptui.builtin import BuiltinServer
    from smtptui.server import DemoServer, ReceivedMessage

#: Catalogue keys of the empty inbox's sentence, before and after the server starts.
EMPTY_NOT_RUNNING = "screen.inbox.empty_not_running"
EMPTY_RUNNING = "screen.inbox.empty_running"
#: (column key, catalogue key or the header name it is) of the message table.
COLUMNS = (
    ("time", "screen.inbox.col.time"),
    ("from", "message.field.from"),
    ("to", "message.field.to"),
    ("subject", "message.field.subject"),
    ("size", "screen.inbox.col.size"),
    ("security", "screen.inbox.col.security"),
)


def security_text(message: ReceivedMessage, lang: str = "en") -> str:
    """``TLS · AUTH demo``, ``TLS``, ``plain`` -- how the message came in."""
    parts = ["TLS" if message.tls else t("screen.inbox.plain", lang)]
    if message.authenticated_user:
        parts.append(f"AUTH {message.authenticated_user}")
    return " · ".join(parts)


def raw_source(data: bytes) -> str:
    """The message bytes for display: one screen line per CRLF line; a bare LF
    is shown as ``\\n`` (it is a defect), other control characters escaped."""
    lines = data.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return "\n".join(escape_bytes(line).replace("\n", "\\n\n") for line in lines)


class InboxScreen(ModalScreen[None]):
    """The demo server's received messages, live, with a detail view."""

    DEFAULT_CSS = """
    InboxScreen { align: center middle; }
    InboxScreen > #inbox-frame {
        width: 90%; height: 90%; min-width: 60;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    InboxScreen #inbox-title { text-style: bold; width: 1fr; padding: 0 1; background: $boost; }
    InboxScreen #inbox-empty { height: 1fr; content-align: center middle; text-align: center; color: $text-muted; }
    InboxScreen #inbox-table { height: auto; max-height: 40%; min-height: 3; }
    InboxScreen #inbox-detail { height: 1fr; border-top: solid $panel-lighten-2; }
    InboxScreen.-empty #inbox-table, InboxScreen.-empty #inbox-detail { display: none; }
    InboxScreen #inbox-empty { display: none; }
    InboxScreen.-empty #inbox-empty { display: block; }
    InboxScreen .inbox-heading { text-style: bold; color: $text-accent; margin-top: 1; }
    InboxScreen #inbox-defects {
        background: $error 15%; color: $text; border-left: thick $error;
        padding: 0 1; margin-bottom: 1;
    }
    InboxScreen #inbox-defects.-none { display: none; }
    InboxScreen #inbox-envelope { color: $text-muted; }
    InboxScreen #inbox-body { padding: 0 1; background: $boost; }
    InboxScreen #inbox-raw { padding: 0 1; background: $boost; }
    InboxScreen.-raw .inbox-parsed { display: none; }
    InboxScreen .inbox-raw { display: none; }
    InboxScreen.-raw .inbox-raw { display: block; }
    InboxScreen #inbox-keys { color: $text-muted; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("inbox")

    class Received(Message):
        """The demo server accepted a message (posted from its subscriber callback)."""

        def __init__(self, message: ReceivedMessage) -> None:
            super().__init__()
            self.message = message

    def __init__(self, builtin: BuiltinServer, *, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang
        self.builtin = builtin
        self.messages: list[ReceivedMessage] = []  # newest first
        self.selected: ReceivedMessage | None = None
        self._server: DemoServer | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def _t(self, key: str, **values: object) -> str:
        return t(f"screen.inbox.{key}", self.lang, **values)

    def compose(self) -> ComposeResult:
        with Vertical(id="inbox-frame"):
            yield Label(self._t("title"), id="inbox-title", markup=False)
            yield Static(t(EMPTY_NOT_RUNNING, self.lang), id="inbox-empty", markup=False)
            table: DataTable = DataTable(id="inbox-table", cursor_type="row", zebra_stripes=True)
            for key, label in COLUMNS:
                table.add_column(t(label, self.lang), key=key)
            yield table
            with VerticalScroll(id="inbox-detail"):
                yield Static(id="inbox-defects", classes="-none", markup=False)
                yield Static(id="inbox-envelope", markup=False)
                yield Label(self._t("headers"), classes="inbox-heading inbox-parsed")
                yield Static(id="inbox-headers", classes="inbox-parsed", markup=False)
                yield Label(self._t("body"), classes="inbox-heading inbox-parsed")
                yield Static(id="inbox-body", classes="inbox-parsed", markup=False)
                yield Label(
                    self._t("attachments"),
                    id="inbox-attachments-heading",
                    classes="inbox-heading inbox-parsed",
                )
                yield Static(id="inbox-attachments", classes="inbox-parsed", markup=False)
                yield Label(self._t("raw"), classes="inbox-heading inbox-raw", markup=False)
                yield Static(id="inbox-raw", classes="inbox-raw", markup=False)
            with Horizontal(id="inbox-keys"):
                yield Static(self._t("keys"), markup=False)

    def on_mount(self) -> None:
        if not self._attach_server():
            self._poll = self.set_interval(0.5, self._attach_server)
        self._show_list()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    # ---------------------------------------------------------------- data
    def _attach_server(self) -> bool:
        """Subscribe to the server once it runs (it starts on the first demo connect)."""
        server = self.builtin.server
        if server is None or server is self._server:
            return server is not None
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._server = server
        self._unsubscribe = server.subscribe(self._on_server_message)
        self.messages = list(reversed(server.messages))
        if hasattr(self, "_poll"):
            self._poll.stop()
        self._show_list()
        return True

    def _on_server_message(self, message: ReceivedMessage) -> None:
        # Runs inside the server's delivery; hand over to the screen's queue.
        self.post_message(self.Received(message))

    def on_inbox_screen_received(self, event: Received) -> None:
        if any(m is event.message for m in self.messages):
            return
        follow = self.selected is None or bool(self.messages and self.selected is self.messages[0])
        self.messages.insert(0, event.message)
        self._show_list(select=event.message if follow else self.selected)

    # ------------------------------------------------------------ rendering
    def _show_list(self, select: ReceivedMessage | None = None) -> None:
        empty = not self.messages
        self.set_class(empty, "-empty")
        if empty:
            self.query_one("#inbox-empty", Static).update(
                t(
                    EMPTY_RUNNING if self.builtin.server is not None else EMPTY_NOT_RUNNING,
                    self.lang,
                )
            )
            return
        table = self.query_one("#inbox-table", DataTable)
        table.clear()
        for message in self.messages:
            summary = message.summary
            subject = escape_text(summary.subject) if summary.subject else self._t("no_subject")
            if summary.defects:
                subject = f"⚠ {subject}"
            to = ", ".join(message.rcpt_tos)
            table.add_row(
                message.received_at.strftime("%H:%M:%S"),
                escape_text(message.mail_from) or "<>",
                escape_text(to),
                subject,
                format_bytes(message.size),
                security_text(message, self.lang),
                key=message.queue_id,
            )
        target = select if select is not None else self.selected
        index = next((i for i, m in enumerate(self.messages) if m is target), 0)
        table.move_cursor(row=index)
        self._show_message(self.messages[index])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.messages):
            self._show_message(self.messages[event.cursor_row])

    def _show_message(self, message: ReceivedMessage) -> None:
        self.selected = message
        summary = message.summary
        defects = self.query_one("#inbox-defects", Static)
        if summary.defects:
            lang = self.lang
            lines = [tn("screen.inbox.defects", len(summary.defects), lang)]
            for d in summary.defects:
                key = f"defect.{d.code}"
                lines.append(f"  • {t(key, lang) if has(key, lang) else d.text}")
            defects.update("\n".join(lines))
        defects.set_class(not summary.defects, "-none")
        helo = f" · HELO {escape_text(message.helo)}" if message.helo else ""
        utf8 = " · SMTPUTF8" if message.smtputf8 else ""
        envelope = f"MAIL FROM:<{escape_text(message.mail_from)}> → " + ", ".join(
            f"RCPT TO:<{escape_text(r)}>" for r in message.rcpt_tos
        )
        facts = self._t(
            "facts",
            size=f"{message.size:,}",
            queue_id=message.queue_id,
            when=f"{message.received_at:%Y-%m-%d %H:%M:%S}",
        )
        self.query_one("#inbox-envelope", Static).update(
            self._t("envelope", envelope=envelope)
            + f"\n{security_text(message, self.lang)}{helo}{utf8} · {facts}"
        )
        headers = "\n".join(f"{name}: {escape_text(value)}" for name, value in summary.headers)
        self.query_one("#inbox-headers", Static).update(headers or self._t("no_headers"))
        body = escape_text(summary.body.rstrip("\n"))
        self.query_one("#inbox-body", Static).update(body or self._t("empty_body"))
        attachments = "\n".join(
            f"{escape_text(a.filename or self._t('no_file_name'))}  {a.content_type}  {format_bytes(a.size)}"
            for a in summary.attachments
        )
        self.query_one("#inbox-attachments", Static).update(attachments or self._t("none"))
        self.query_one("#inbox-raw", Static).update(raw_source(message.data))

    # -------------------------------------------------------------- actions
    def action_toggle_raw(self) -> None:
        self.toggle_class("-raw")

    def action_copy_source(self) -> None:
        if self.selected is None:
            self.notify(self._t("none_selected"), timeout=2)
            return
        self.app.copy_to_clipboard(self.selected.data.decode("utf-8", "replace"))
        self.notify(self._t("copied"), timeout=2)

    def action_close(self) -> None:
        self.dismiss(None)
