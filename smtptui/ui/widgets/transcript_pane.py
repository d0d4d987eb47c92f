"""The transcript pane: a title, the transcript view, and its search line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from smtptui.i18n import t
from smtptui.ui.widgets.transcript_view import TranscriptView


class TranscriptPane(Vertical):
    """Shows the current session's transcript; mounted after the first frame,
    the app shows the current session in it once it says it is ready."""

    def __init__(self, *, lang: str = "en", id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self._title = ""

    def compose(self) -> ComposeResult:
        yield Label(t("pane.transcript.title", self.lang), id="transcript-title")
        yield TranscriptView(lang=self.lang, id="transcript-view")
        yield Input(placeholder=t("pane.transcript.search", self.lang), id="transcript-search")

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.view.lang = lang
        self.query_one("#transcript-search", Input).placeholder = t("pane.transcript.search", lang)

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    def set_title(self, title: str) -> None:
        if title != self._title:
            self._title = title
            # one line, cut to the pane (app.tcss): no layout of the screen
            self.query_one("#transcript-title", Label).update(title, layout=False)

    def open_search(self) -> None:
        search = self.query_one("#transcript-search", Input)
        search.add_class("-visible")
        search.focus()

    def close_search(self) -> bool:
        search = self.query_one("#transcript-search", Input)
        if not search.has_class("-visible"):
            return False
        search.remove_class("-visible")
        self.view.focus()
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "transcript-search":
            event.stop()
            if not self.view.search(event.value):
                self.notify(
                    t("pane.transcript.no_match", self.lang, query=event.value),
                    severity="warning",
                    timeout=3,
                )
