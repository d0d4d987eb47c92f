"""The current session seen as a state machine and as a waterfall of times.

Two small full screens over the dashboard, each hosting one of the learner's
views (:class:`~smtptui.ui.widgets.state_chart.StateChartView`,
:class:`~smtptui.ui.widgets.waterfall_view.WaterfallView`).  The app keeps
them following the live session (:meth:`follow`) and sends the command of a
chosen edge in step mode (the chart's ``EdgeChosen`` reaches the app).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from smtptui.flow.waterfall import Waterfall, from_events
from smtptui.i18n import t
from smtptui.ui.keys import bindings
from smtptui.ui.widgets.state_chart import StateChartView
from smtptui.ui.widgets.waterfall_view import WaterfallView

if TYPE_CHECKING:
    from textual.widget import Widget

    from smtptui.workspace.session import SessionController

#: The chart's own keys (it has the focus on the state-machine screen).
CHART_KEYS = ("chart.next", "chart.previous", "chart.choose")

_CSS = """
    {name} {{
        layout: vertical;
        & .view-title {{ height: 1; padding: 0 1; background: $panel; text-style: bold; }}
        & VerticalScroll {{ height: 1fr; }}
        & .view-keys {{ height: 1; padding: 0 1; color: $text-muted; background: $panel; }}
    }}
"""


class _SessionViewScreen(Screen[None]):
    """The frame both views share: a title naming the session, the view
    (scrolling), its keys; escape or q closes."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("views", exclude=CHART_KEYS)
    #: Catalogue keys of the title and of the keys line.
    TITLE_KEY = ""
    KEYS_KEY = ""

    def __init__(self, controller: SessionController, *, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang
        self.controller = controller

    def body(self) -> Widget:
        """The view the screen shows."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        title = f"{t(self.TITLE_KEY, self.lang)} · {self.controller.key}"
        yield Static(title, classes="view-title", markup=False)
        with VerticalScroll():
            yield self.body()
        yield Static(t(self.KEYS_KEY, self.lang), classes="view-keys")

    def action_close(self) -> None:
        self.dismiss(None)


class StateMachineScreen(_SessionViewScreen):
    """The RFC 5321 session states, the current one lit; choosing an edge
    sends its command (the app does it, as a step button would)."""

    DEFAULT_CSS = _CSS.format(name="StateMachineScreen")
    TITLE_KEY = "flow.sm.title"
    KEYS_KEY = "flow.sm.keys"

    def __init__(self, controller: SessionController, *, lang: str = "en") -> None:
        super().__init__(controller, lang=lang)
        self.chart = StateChartView(
            controller.transcript.events, controller.state, lang=lang, id="state-chart"
        )

    def body(self) -> Widget:
        return self.chart

    def on_mount(self) -> None:
        self.chart.focus()

    def follow(self) -> None:
        """The session moved on: light the new state."""
        self.chart.update(self.controller.transcript.events, self.controller.state)


class WaterfallScreen(_SessionViewScreen):
    """Where the current session's time went: one bar per phase."""

    DEFAULT_CSS = _CSS.format(name="WaterfallScreen")
    TITLE_KEY = "flow.wf.title"
    KEYS_KEY = "screen.views.keys"

    def __init__(self, controller: SessionController, *, lang: str = "en") -> None:
        super().__init__(controller, lang=lang)
        self.view = WaterfallView(self._waterfalls(), lang=lang, id="waterfall")

    def _waterfalls(self) -> list[tuple[str, Waterfall]]:
        return [(self.controller.key, from_events(self.controller.transcript.events))]

    def body(self) -> Widget:
        return self.view

    def follow(self) -> None:
        """The session moved on: its bars again."""
        self.view.show(self._waterfalls())
