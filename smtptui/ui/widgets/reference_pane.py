"""The reference pane: every reply code in a filterable table, and the
explanation of the reply the conversation is at.

It renders :mod:`smtptui.reference` and decides nothing about SMTP: the rows
come from :func:`~smtptui.reference.table.reference_table`, the explanation of
a reply from :func:`~smtptui.reference.explanation.explain`.  It *follows* the
session: each new reply moves the table's cursor to that reply's row and
explains that very reply (command, host, mismatch, vendor) underneath.

Following never fights the user: for :data:`HOLD_SECONDS` after they type in
the filter, move in the table or pick a reply in the transcript, the cursor
*and* the explanation stay where they are (reading half a sentence that then
vanishes is worse than a late update); the border says a new reply came, and
it is shown when the pause ends, or at once with ``f``.
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Static

from smtptui.i18n import t
from smtptui.reference.table import TableRow, reference_table
from smtptui.ui.keys import bindings
from smtptui.ui.widgets.code_table import CodeTable
from smtptui.ui.widgets.reference_render import (
    ReferenceRenderer,
    code_text,
    row_for,
    row_matches,
)

if TYPE_CHECKING:
    from smtptui.protocol.events import Received
    from smtptui.protocol.reply import Reply
    from smtptui.reference.explanation import ExplainContext, Explanation

HOLD_SECONDS = 8.0
"""How long after the user's last move in this pane following pauses."""

CODE_WIDTH = 11
"""Widest code column (``535 5.7.139``); longer vendor labels end in an ellipsis."""


class ReferencePane(Vertical):
    """Reply-code table + explanation; follows the current session."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reference--success",
        "reference--intermediate",
        "reference--transient",
        "reference--permanent",
        "reference--none",
        "reference--vendor",
        "reference--heading",
        "reference--label",
        "reference--muted",
        "reference--hint",
        "reference--mismatch",
        "reference--note",
    }

    DEFAULT_CSS = """
    ReferencePane {
        & > #reference-filter { border: none; height: 1; padding: 0 1; background: $boost; }
        & > #reference-table {
            height: 2fr; min-height: 3; background: transparent; scrollbar-size-vertical: 1;
            /* always there (the table is longer than the pane): a bar that
               appeared once the table had its size laid the screen out twice */
            overflow-y: scroll;
        }
        & > #reference-explanation-scroll {
            height: 3fr; min-height: 3; border-top: hkey $panel-lighten-2; scrollbar-size-vertical: 1;
        }
        #reference-explanation { padding: 0 1; }
        & > .reference--success { color: $text-success; }
        & > .reference--intermediate { color: $text-accent; }
        & > .reference--transient { color: $text-warning; }
        & > .reference--permanent { color: $text-error; }
        & > .reference--none { color: $text-muted; }
        & > .reference--vendor { color: $text-secondary; text-style: italic; }
        & > .reference--heading { color: $text-primary; text-style: bold; }
        & > .reference--label { text-style: bold; }
        & > .reference--muted { color: $text-muted; text-style: italic; }
        & > .reference--hint { color: $text-accent; }
        & > .reference--mismatch { color: $text; background: $error-muted; text-style: bold; }
        & > .reference--note { color: $text-warning; text-style: bold; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("reference")

    def __init__(self, *, lang: str = "en", id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self._rows: tuple[TableRow, ...] = ()
        self._code_width = 0
        self._selected: str | None = None
        self._shown: tuple = ("idle",)
        self._controller = None
        self._reply: Reply | None = None
        self._touched_at = 0.0
        self._pending = False
        self._apply_scheduled = False
        self._timer: Timer | None = None
        self._styles: dict[str, Style] = {}

    def compose(self):
        yield Input(placeholder=t("pane.reference.filter", self.lang), id="reference-filter")
        yield CodeTable(id="reference-table")
        with VerticalScroll(id="reference-explanation-scroll"):
            yield Static(id="reference-explanation")

    def on_mount(self) -> None:
        self.border_title = t("pane.reference.title", self.lang)
        self._load_rows()
        self._build_table()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._render_shown()

    # ------------------------------------------------------------ interface
    def follow(self, controller) -> None:
        """The session got new lines, or is now the one shown: explain its
        latest reply.  Cheap when nothing changed (called for every line)."""
        reply = controller.last_reply if controller is not None else None
        if controller is self._controller and reply is self._reply:
            return
        switching = controller is not self._controller
        self._controller = controller
        self._reply = reply
        if switching:
            self._apply_latest(force=True)
        elif not self._apply_scheduled:
            self._apply_scheduled = True
            self.call_later(self._apply_latest)

    def show_reply(self, event: Received, controller) -> None:
        """The user picked a reply in the transcript: explain it, highlight its row."""
        self._controller = controller
        self._touched_at = monotonic()
        self._show(
            ("reply", event.reply, self._explain_context(controller, event.reply), "selected"),
            move=True,
        )

    def set_language(self, lang: str) -> None:
        """Titles and explanation in ``lang``; the filter and the row stay."""
        if lang == self.lang:
            return
        self.lang = lang
        self.border_title = t("pane.reference.title", lang)
        self.query_one("#reference-filter", Input).placeholder = t("pane.reference.filter", lang)
        if self._pending and self._reply is not None:
            self.border_subtitle = t("pane.reference.pending", lang, code=str(self._reply.code))
        self._load_rows()
        self._build_table()
        self._render_shown()

    @property
    def explanation_text(self) -> str:
        """The explanation as plain text (what a reader sees below the table)."""
        content = self.query_one("#reference-explanation", Static).content
        return content.plain if isinstance(content, Text) else str(content)

    # ---------------------------------------------------------------- follow
    def action_follow_latest(self) -> None:
        self._touched_at = 0.0
        self.query_one(CodeTable).touched_at = 0.0
        self._apply_latest(force=True)

    def _held(self) -> bool:
        last = max(self._touched_at, self.query_one(CodeTable).touched_at)
        return monotonic() - last < HOLD_SECONDS

    def _apply_latest(self, force: bool = False) -> None:
        self._apply_scheduled = False
        reply = self._reply
        if reply is None:
            self._pending = False
            self.border_subtitle = ""
            self._show(("idle",), move=False)
            return
        if not force and self._held():
            self._pending = True
            self.border_subtitle = t("pane.reference.pending", self.lang, code=str(reply.code))
            if self._timer is None:
                self._timer = self.set_timer(HOLD_SECONDS / 2, self._catch_up)
            return
        self._pending = False
        self.border_subtitle = ""
        self._show(
            ("reply", reply, self._explain_context(self._controller, reply), "latest"), move=True
        )

    def _catch_up(self) -> None:
        self._timer = None
        if self._pending:
            self._apply_latest()

    @staticmethod
    def _explain_context(controller, reply: Reply) -> ExplainContext:
        """What ``explain`` needs: the command the reply answered, the state
        before it and the host (the controller records them)."""
        from smtptui.reference.explanation import ExplainContext  # loaded with the first reply

        return ExplainContext() if controller is None else controller.explain_context(reply)

    # ----------------------------------------------------------------- table
    def _load_rows(self) -> None:
        self._rows = reference_table(self.lang)
        self._code_width = min(CODE_WIDTH, max(cell_len(code_text(r)) for r in self._rows))

    def _build_table(self) -> None:
        """All rows in one ``set_rows``; the cursor returns to the selected row."""
        table = self.query_one(CodeTable)
        query = self.query_one("#reference-filter", Input).value.strip().lower()
        terms = query.split()
        keys: list[str] = []
        shown: list[TableRow | str] = []  # a row, or a section's heading
        section = None
        for i, row in enumerate(self._rows):
            if terms and not row_matches(row, terms):
                continue
            if row.table != section:
                section = row.table
                keys.append(f"h:{section}")
                shown.append(section)
            keys.append(str(i))
            shown.append(row)
        if not shown:  # nothing matches: one line says so
            keys.append("h:none")
        render = self._renderer

        def cells(n: int) -> tuple[Text, Text, Text]:  # row n's, made when it is first drawn
            if not shown:
                empty = t("pane.reference.empty", self.lang, query=query)
                return Text(""), Text(""), render.cell(empty, "muted")
            item = shown[n]
            return render.heading_cells(item) if isinstance(item, str) else render.row_cells(item)

        table.set_rows(keys, cells, (self._code_width + 1, 2))
        row = table.row_of(self._selected) if self._selected else None
        if row is not None:
            table.move_cursor(row=row, scroll=False)
            # the rows just replaced have no layout yet: scroll once they have
            self.call_after_refresh(self._cursor_to, row)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "reference-filter":
            event.stop()
            self._touched_at = monotonic()
            self._build_table()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "reference-filter":
            event.stop()
            self.query_one(CodeTable).focus()

    def on_code_table_row_highlighted(self, event: CodeTable.RowHighlighted) -> None:
        """A row the *user* moved to gets its generic explanation."""
        event.stop()
        key = event.key
        if key == self._selected or monotonic() - event.table.touched_at > 1.0:
            return
        self._selected = key
        self._show(("row", key), move=False)

    def _move_to(self, key: str | None) -> None:
        if key is None:
            return
        self._selected = key
        row = self.query_one(CodeTable).row_of(key)
        if row is not None:
            self._cursor_to(row)

    def _cursor_to(self, row: int) -> None:
        """The cursor on ``row``, shown two rows below the top of the table:
        the same place whichever replies came before (a scroll that depends
        only on the row, not on how the cursor travelled there)."""
        table = self.query_one(CodeTable)
        table.move_cursor(row=row, scroll=False)
        table.scroll_to(y=max(0, row - 2), animate=False)

    # ----------------------------------------------------------- explanation
    def _show(self, shown: tuple, *, move: bool) -> None:
        self._shown = shown
        explanation = self._render_shown()
        if move and explanation is not None:
            self._move_to(row_for(self._rows, explanation))

    def _render_shown(self) -> Explanation | None:
        """Render what is explained now in the current language."""
        shown, lang = self._shown, self.lang
        explanation = None
        if shown[0] == "reply":
            from smtptui.reference.explanation import explain  # loaded with the first reply

            _, reply, context, origin = shown
            try:
                explanation = explain(reply, context, lang)
            except ValueError as exc:  # a code no SMTP server may send (e.g. 000)
                text = Text(f"{reply.code}: {exc}", style=self._style("permanent"))
            else:
                text = self._renderer.explanation(explanation, t(f"pane.reference.{origin}", lang))
        elif shown[0] == "row":
            text = self._render_row(shown[1])
        else:
            text = Text(t("pane.reference.idle", lang), style=self._style("muted"))
        self.query_one("#reference-explanation", Static).update(text)
        self.query_one("#reference-explanation-scroll", VerticalScroll).scroll_home(animate=False)
        return explanation

    @property
    def _renderer(self) -> ReferenceRenderer:
        return ReferenceRenderer(self.lang, self._style)

    def _render_row(self, key: str) -> Text:
        if key.startswith("h:"):
            return self._renderer.heading(key[2:])
        return self._renderer.row(self._rows[int(key)])

    # ---------------------------------------------------------------- styles
    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"reference--{name}", partial=True)
            self._styles[name] = style
        return style

    def _theme_changed(self, _theme) -> None:
        self._styles.clear()
        self._build_table()
        self._render_shown()
