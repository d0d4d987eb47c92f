"""The transcript pane: a title, the transcript view, and its search line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from smtptui.ui.widgets.transcript_view import TranscriptView


class TranscriptPane(Vertical):
    """Shows the current session's transcript; mounted after the first frame,
    so it starts from whatever session is current by then."""

    def compose(self) -> ComposeResult:
        yield Label("Transcript", id="transcript-title")
        yield TranscriptView(id="transcript-view")
        yield Input(
            placeholder="search the transcript (enter: next, escape: close)", id="transcript-search"
        )

    def on_mount(self) -> None:
        controller = getattr(self.app, "current_controller", None)
        if controller is not None:
            self.view.show(controller.lines)
        update_titles = getattr(self.app, "_update_titles", None)
        if update_titles is not None:
            update_titles()

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    def set_title(self, title: str) -> None:
        self.query_one("#transcript-title", Label).update(title)

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
                self.notify(f"no line contains {event.value!r}", severity="warning", timeout=3)
