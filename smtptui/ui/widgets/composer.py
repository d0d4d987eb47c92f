"""PLACEHOLDER (being written): the message composer pane."""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import Input, ProgressBar, TextArea

from smtptui.message import MessageDraft, build_message


class ComposerPane(Vertical):
    def compose(self):
        yield Input(id="composer-from", placeholder="From")
        yield Input(id="composer-to", placeholder="To")
        yield Input(id="composer-subject", placeholder="Subject")
        yield TextArea(id="composer-body")
        yield ProgressBar(id="composer-progress")

    def on_mount(self) -> None:
        controller = self.app.current_controller
        if controller is not None:
            self.switch_profile(None, controller.profile)

    def switch_profile(self, previous, profile) -> None:
        m = profile.message
        self.query_one("#composer-from", Input).value = m.sender or ""
        self.query_one("#composer-to", Input).value = ", ".join(m.to)
        self.query_one("#composer-subject", Input).value = m.subject or ""
        self.query_one("#composer-body", TextArea).text = m.body or ""

    def build(self):
        return build_message(MessageDraft(
            from_=self.query_one("#composer-from", Input).value,
            to=self.query_one("#composer-to", Input).value,
            subject=self.query_one("#composer-subject", Input).value,
            body=self.query_one("#composer-body", TextArea).text,
        ))

    def envelope_preview(self):
        return self.query_one("#composer-from", Input).value, [
            a.strip() for a in self.query_one("#composer-to", Input).value.split(",") if a.strip()]

    def show_error(self, text: str) -> None:
        self.notify(text, severity="error")

    def start_progress(self, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=0)

    def set_progress(self, sent: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=sent)

    def stop_progress(self) -> None:
        pass
