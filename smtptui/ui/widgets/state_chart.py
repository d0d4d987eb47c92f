"""The SMTP state machine drawn in the terminal, lit by a live session.

The drawing is a fixed layout of the states (connected → greeted → mail →
rcpt → data on the left, the TLS handshake and AUTH on the right, RSET and the
final "." returning to greeted, QUIT from anywhere), but *which* edges exist
comes from :func:`smtptui.flow.statechart.derive_edges` — the reference state
machine — and a test checks that every one of them is drawn.  The current
state is highlighted, the edges that can be taken now are bright (and can be
chosen with ←/→ and enter, or clicked: the host's ``on_choose`` gets the verb
to send), the last edge taken is marked, and a command sent where there is no
edge appears underneath as the edge that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.message import Message
from textual.widget import Widget

from smtptui.flow.conversation import Conversation
from smtptui.flow.statechart import SAMPLES, StateChart, chart, derive_edges
from smtptui.i18n import t
from smtptui.protocol import events as ev
from smtptui.reference.states import SessionState, State
from smtptui.ui.keys import bindings
from smtptui.ui.widgets.state_chart_layout import ANY_QUIT, Tag, edge_tag, layout

__all__ = ["StateChartView"]

S = State
#: Tokens a learner can send (the handshake and AUTH's 235 just happen).
SENDABLE = frozenset(SAMPLES)


class StateChartView(Widget, can_focus=True):
    """The state machine, lit by a session (see the module docstring).

    Give it the session's events (and, if the host tracks it, its
    :class:`~smtptui.reference.states.SessionState`); ``on_choose(token)`` is
    called with the verb of a chosen edge (``"."`` ends a message, ``"*"``
    cancels an AUTH exchange) — the dashboard's step buttons' verbs.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "chart--line",
        "chart--node",
        "chart--current",
        "chart--legal",
        "chart--chosen",
        "chart--last",
        "chart--edge",
        "chart--missing",
        "chart--status",
    }

    DEFAULT_CSS = """
    StateChartView {
        height: auto;
        padding: 0 1;
        & > .chart--line { color: $text-muted; }
        & > .chart--node { color: $text; }
        & > .chart--current { background: $accent; color: $text; text-style: bold; }
        & > .chart--legal { color: $text-success; text-style: bold underline; }
        & > .chart--chosen { background: $success; color: $text; text-style: bold; }
        & > .chart--last { color: $text-warning; text-style: bold; }
        & > .chart--edge { color: $text-muted; }
        & > .chart--missing { color: $text-error; text-style: bold; }
        & > .chart--status { color: $text; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("views", exclude=("views.close",))

    class EdgeChosen(Message):
        """The learner chose the edge labelled ``token`` (a verb, ``"."`` or ``"*"``)."""

        def __init__(self, view: StateChartView, token: str) -> None:
            super().__init__()
            self.view = view
            self.token = token

        @property
        def control(self) -> StateChartView:
            return self.view

    def __init__(
        self,
        events: Sequence[ev.Event] = (),
        state: SessionState | None = None,
        *,
        on_choose: Callable[[str], object] | None = None,
        lang: str = "en",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.lang = lang
        self.on_choose = on_choose
        self._canvas = layout(lang)
        self._conversation = Conversation()
        self._source: int | None = None
        self._choice = 0
        self.chart: StateChart = chart(SessionState())
        self.update(events, state)

    # ----------------------------------------------------------------- model
    def update(self, events: Sequence[ev.Event], state: SessionState | None = None) -> None:
        """Follow a session: its events (only new ones are read) and, when the
        host knows it, its state (else the state the events lead to)."""
        conversation = self._conversation
        if id(events) != self._source or len(events) < conversation.events:
            conversation = self._conversation = Conversation()
            self._source = id(events)
        for event in events[conversation.events :]:
            conversation.feed(event)
        current = state if state is not None else conversation.state
        self.chart = chart(current, conversation.transitions, conversation.exchanges)
        self._choice = min(self._choice, max(0, len(self.choices) - 1))
        self.refresh(layout=True)

    @property
    def choices(self) -> list[str]:
        """Tokens that can be chosen now, in drawing order, then the ones that
        stay in this state (NOOP, HELP …)."""
        chart_ = self.chart
        tokens = [token for (_, token) in sorted(chart_.legal, key=_order) if token in SENDABLE]
        return tokens + [s for s in chart_.stays if s in SENDABLE]

    # ------------------------------------------------------------- drawing
    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"chart--{name}", partial=True)

    def _chosen(self) -> str | None:
        """The token under the cursor (shown only while the chart has the focus)."""
        choices = self.choices
        return choices[self._choice] if choices and self.has_focus else None

    def _tag_styles(self) -> Callable[[Tag], Style]:
        """The style of each tag of the drawing, for the chart as it is now
        (what is legal, chosen and last is worked out once per drawing)."""
        chart_ = self.chart
        current = _node(chart_.current)
        legal = {edge_tag(s, token) for s, token in chart_.legal}
        chosen = self._chosen()
        chosen_tag = edge_tag(current, chosen) if chosen is not None else None
        last = edge_tag(*chart_.last) if chart_.last else None

        def style(tag: Tag) -> Style:
            if tag is None:
                return self._style("line")
            kind, value = tag
            if kind == "node":
                return self._style("current" if value is current else "node")
            if tag in legal:
                return self._style("chosen" if tag == chosen_tag else "legal")
            return self._style("last" if tag == last else "edge")

        return style

    def render(self) -> Text:
        out = Text(no_wrap=True, overflow="crop")
        tag_style = self._tag_styles()
        for row in self._canvas.rows:
            run_text, run_tag = "", None
            for char, tag in row:
                if tag != run_tag and run_text:
                    out.append(run_text, tag_style(run_tag))
                    run_text = ""
                run_tag = tag
                run_text += char
            out.append(run_text.rstrip() if run_tag is None else run_text, tag_style(run_tag))
            out.append("\n")
        out.append_text(self._status())
        return out

    def _status(self) -> Text:
        chart_ = self.chart
        lang = self.lang
        out = Text()
        out.append(chart_.state.describe(lang), self._style("status"))
        if not chart_.state.connected:
            out.append("\n" + t("flow.sm.none", lang), self._style("edge"))
        stays = [s for s in chart_.stays if s in SENDABLE]
        if stays:
            out.append("\n")
            out.append(t("flow.sm.stays", lang, verbs=""), self._style("edge"))
            chosen = self._chosen()
            for i, verb in enumerate(stays):
                if i:
                    out.append(" · ", self._style("edge"))
                out.append(verb, self._style("chosen" if verb == chosen else "legal"))
        if chart_.missing is not None:
            missing = chart_.missing
            out.append("\n")
            out.append(
                t(
                    "flow.sm.missing",
                    lang,
                    verb=missing.verb,
                    state=t(f"state.{missing.source.value}.label", lang),
                    code=missing.code,
                    text=missing.text,
                ),
                self._style("missing"),
            )
        return out

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._canvas.rows) + self._status().plain.count("\n") + 1

    # ------------------------------------------------------------- choosing
    def action_move(self, delta: int) -> None:
        if self.choices:
            self._choice = (self._choice + delta) % len(self.choices)
            self.refresh()

    def action_choose(self) -> None:
        if self.choices:
            self._send(self.choices[self._choice])

    def _send(self, token: str) -> None:
        self.post_message(self.EdgeChosen(self, token))
        if self.on_choose is not None:
            self.on_choose(token)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        token = self.token_at(offset.y, offset.x)
        if token is not None and token in self.choices:
            self._choice = self.choices.index(token)
            self._send(token)

    def token_at(self, row: int, col: int) -> str | None:
        """The sendable token of the edge drawn at a cell, when it can be
        taken now (a status-line verb too)."""
        tag = self._canvas.tag_at(row, col)
        if tag is not None and tag[0] == "edge":
            source, token = tag[1]  # type: ignore[misc]
            if tag == ANY_QUIT_TAG:
                return "QUIT" if "QUIT" in self.choices else None
            if source is _node(self.chart.current) and token in self.choices:
                return token
            return None
        if row >= len(self._canvas.rows):
            return self._status_token(row - len(self._canvas.rows), col)
        return None

    def _status_token(self, line: int, col: int) -> str | None:
        lines = self._status().plain.split("\n")
        if line >= len(lines):
            return None
        text = lines[line]
        for verb in self.chart.stays:
            for start in _find_all(text, verb):
                if cell_len(text[:start]) <= col < cell_len(text[:start]) + len(verb):
                    return verb
        return None


ANY_QUIT_TAG = ("edge", ANY_QUIT)


def _find_all(text: str, word: str) -> list[int]:
    out, start = [], text.find(word)
    while start >= 0:
        out.append(start)
        start = text.find(word, start + 1)
    return out


def _node(state: State) -> State:
    return S.DATA if state is S.BDAT else state


_ORDER = [edge.key for edge in derive_edges()]


def _order(key: tuple[State, str]) -> int:
    return _ORDER.index(key) if key in _ORDER else len(_ORDER)
