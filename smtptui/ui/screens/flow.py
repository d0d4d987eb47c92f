"""The flow diagram as a screen: the diagram, the selected step in full, and
the exports (Mermaid and plain text, redacted like the transcript export)
copied to the clipboard.

The host passes the session's events (the list keeps growing: :meth:`sync`
follows it) and, optionally, ``on_select`` — called with the transcript line
of every step the reader moves to, so the dashboard's transcript and
reference can follow.  Dismissed with that line (``enter``) or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from smtptui.flow.diagram import Arrow, Mark
from smtptui.flow.export import export_mermaid, export_plain
from smtptui.i18n import t
from smtptui.protocol import events as ev
from smtptui.ui.widgets.flow_view import FlowView
from smtptui.units import format_ms

__all__ = ["FlowScreen"]


class FlowScreen(Screen[int | None]):
    """The sequence diagram of one session (see the module docstring)."""

    DEFAULT_CSS = """
    FlowScreen {
        layout: vertical;
        #flow-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
        #flow-view { height: 1fr; }
        #flow-detail {
            height: auto; max-height: 7; padding: 0 1;
            border-top: solid $panel-lighten-2; color: $text;
        }
        #flow-keys { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="flow.close"),
        Binding("enter", "choose", "Show in transcript", id="flow.choose"),
        Binding("m", "copy_mermaid", "Copy Mermaid", id="flow.copy_mermaid"),
        Binding("p", "copy_text", "Copy text", id="flow.copy_text"),
    ]

    def __init__(
        self,
        events: Sequence[ev.Event],
        *,
        lang: str = "en",
        on_select: Callable[[int], object] | None = None,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.lang = lang
        self.events = events
        self.on_select = on_select
        self.view = FlowView(events, lang=lang, id="flow-view")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title(), id="flow-title")
            yield self.view
            yield Static(t("flow.view.detail.empty", self.lang), id="flow-detail")
            yield Static(t("flow.view.keys", self.lang), id="flow-keys")

    def on_mount(self) -> None:
        self.view.focus()

    def _title(self) -> str:
        return t("flow.view.title", self.lang, server=self.view.flow.server)

    def sync(self, events: Sequence[ev.Event] | None = None) -> None:
        """The session moved on: draw what is new (``events`` defaults to the list given)."""
        if events is not None:
            self.events = events
        self.view.sync(self.events)
        self.query_one("#flow-title", Static).update(self._title())

    # -------------------------------------------------------------- events
    def on_flow_view_step_selected(self, message: FlowView.StepSelected) -> None:
        self.query_one("#flow-detail", Static).update(self.detail(message.item))
        if self.on_select is not None:
            self.on_select(message.line)

    def detail(self, item: Arrow | Mark) -> str:
        """The selected step in full: every line of a reply, the decoded
        meaning, the latency, and whether it was out of sequence."""
        if isinstance(item, Mark):
            return item.text
        lines = [item.label(self.lang, more=False), *item.more]
        facts = [t(f"flow.phase.{item.phase}", self.lang)]
        if item.latency_ms is not None:
            facts.append(t("flow.view.detail.latency", self.lang, ms=format_ms(item.latency_ms)))
        if item.tls:
            facts.append(t("flow.view.tls", self.lang))
        text = "\n".join(lines[:5]) + (" …" if len(lines) > 5 else "")
        text += "\n" + " · ".join(facts)
        if item.out_of_sequence:
            text += "\n" + t("flow.view.detail.sequence", self.lang)
        return text

    # ------------------------------------------------------------- actions
    def action_close(self) -> None:
        self.dismiss(None)

    def action_choose(self) -> None:
        item = self.view.selected
        self.dismiss(item.line if item is not None else None)

    def action_copy_mermaid(self) -> None:
        text = export_mermaid(self.events, redact=True, lang=self.lang)
        self.app.copy_to_clipboard(text)
        self.notify(t("flow.view.copied.mermaid", self.lang, lines=text.count("\n")))

    def action_copy_text(self) -> None:
        text = export_plain(self.events, redact=True, lang=self.lang)
        self.app.copy_to_clipboard(text)
        self.notify(t("flow.view.copied.text", self.lang, lines=text.count("\n")))
