"""A lesson on screen: what to do, a line to type it on, what the server said,
and — when a step is done — the picture that makes the point (the server's
capabilities, the inbox side by side, the TLS facts, the flow diagram).

The screen is a view of a :class:`~smtptui.learn.runner.LessonRun`: every
line goes through one queue to the run, in order, so a fast typist never
interleaves two commands; the transcript is the dashboard's own transcript
widget.  It needs only the built-in server (``builtin``) and, to remember
where the learner is, a :class:`~smtptui.learn.progress.ProgressStore`.
Dismissed with ``"next"`` when the learner asks for the next lesson.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from smtptui.i18n import t
from smtptui.learn.runner import Feedback, LessonRun
from smtptui.protocol import events as ev
from smtptui.reference.states import State
from smtptui.transcript import Line, event_lines
from smtptui.ui.screens.flow import FlowScreen
from smtptui.ui.widgets.flow_view import FlowView
from smtptui.ui.widgets.message_card import MessageCard
from smtptui.ui.widgets.state_chart import StateChartView
from smtptui.ui.widgets.transcript_view import TranscriptView

if TYPE_CHECKING:
    from smtptui.builtin import BuiltinServer
    from smtptui.learn.model import Lesson
    from smtptui.learn.progress import ProgressStore

__all__ = ["LessonScreen"]

#: Lines an edge of the state diagram puts on the input line (to be confirmed).
TEMPLATES = {
    "EHLO": "EHLO learner.example",
    "HELO": "HELO learner.example",
    "MAIL": "MAIL FROM:<demo@demo.local>",
    "RCPT": "RCPT TO:<friend@demo.local>",
    "VRFY": "VRFY demo",
}
#: What a message card shows after a step, by the step's picture.
CARD_FIELDS = {
    "received": ("subject", "body", "problems"),
    "envelope": ("to", "envelope"),
}
#: What F6 cycles through.
PICTURES = ("step", "chart", "flow", "none")


class LessonScreen(Screen[str | None]):
    """One lesson against the built-in server (see the module docstring)."""

    DEFAULT_CSS = """
    LessonScreen {
        layout: vertical;
        #lesson-header { height: 1; background: $panel; text-style: bold; }
        #lesson-title { width: 1fr; height: 1; padding: 0 1; text-overflow: ellipsis; }
        #lesson-step { width: auto; height: 1; padding: 0 1; }
        #lesson-text { height: auto; max-height: 8; padding: 0 1; }
        #lesson-hint { height: auto; padding: 0 1; color: $text-accent; display: none; }
        #lesson-hint.-shown { display: block; }
        #lesson-feedback { height: auto; max-height: 5; padding: 0 1; }
        #lesson-feedback.-pass { color: $text-success; }
        #lesson-feedback.-refuse { color: $text-error; }
        #lesson-body { height: 1fr; }
        #lesson-transcript { height: 1fr; min-height: 3; }
        #lesson-picture { height: auto; max-height: 60%; display: none; }
        #lesson-picture.-shown { display: block; }
        #lesson-picture.-tall { height: 1fr; max-height: 100%; }
        #lesson-picture Horizontal { height: auto; }
        #lesson-picture MessageCard { width: 1fr; }
        #lesson-input { margin: 0 1; }
        #lesson-keys { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "hint", "Hint", id="lesson.hint"),
        Binding("f3", "skip", "Skip", id="lesson.skip"),
        Binding("ctrl+r", "reconnect", "Reconnect", id="lesson.reconnect"),
        Binding("f4", "reset", "Start over", id="lesson.reset"),
        Binding("f6", "picture", "Picture", id="lesson.picture"),
        Binding("f7", "flow", "Flow diagram", id="lesson.flow"),
        Binding("escape", "leave", "Lessons", id="lesson.leave"),
    ]

    def __init__(
        self,
        lesson: Lesson,
        *,
        builtin: BuiltinServer,
        lang: str = "en",
        store: ProgressStore | None = None,
        number: int = 1,
        total: int = 1,
        resume: bool = True,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.lesson = lesson
        self.lang = lang
        self.number = number
        self.total = total
        self.resume = resume
        self.run = LessonRun(lesson, builtin=builtin, lang=lang, store=store, on_event=self._event)
        self.lines: list[Line] = []
        self.picture = "step"
        self._queue: deque[tuple[str, str]] = deque()
        self._draining = False
        self._shown_step: str | None = None  # the step whose picture is up
        self._picture_key: tuple | None = None
        self._ready = False

    # -------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="lesson-header"):
            yield Static(id="lesson-title")
            yield Static(id="lesson-step")
        yield Static(id="lesson-text")
        yield Static(id="lesson-hint")
        yield Static(id="lesson-feedback")
        with Vertical(id="lesson-body"):
            yield TranscriptView(id="lesson-transcript")
            yield VerticalScroll(id="lesson-picture")
        yield Input(
            id="lesson-input", compact=True, placeholder=t("lesson.ui.placeholder", self.lang)
        )
        yield Static(t("lesson.ui.keys", self.lang), id="lesson-keys")

    def on_mount(self) -> None:
        self.query_one(TranscriptView).show(self.lines)
        self.query_one("#lesson-feedback", Static).update(t("lesson.ui.connecting", self.lang))
        self._refresh_texts()
        self.query_one(Input).focus()
        self.run_worker(self._start(), group="lesson", exit_on_error=False)

    async def on_unmount(self) -> None:
        self.run.on_event = None  # the widgets are gone; the QUIT still goes out
        await self.run.close()

    # ------------------------------------------------------- the one queue
    async def _start(self) -> None:
        try:
            await self.run.start(resume=self.resume)
        except Exception as exc:  # the built-in server could not start, or refused us
            self._say(Feedback("closed", t("lesson.ui.cannot_start", self.lang, reason=exc), 0))
            return
        self._ready = True
        if self.run.feedback is None:
            self.query_one("#lesson-feedback", Static).update("")
        self._after(self.run.feedback)
        self._kick()

    def _enqueue(self, what: str, line: str = "") -> None:
        """Everything the learner does goes through one queue, in order."""
        self._queue.append((what, line))
        self._kick()

    def _kick(self) -> None:
        if self._ready and self._queue and not self._draining:
            self._draining = True
            self.run_worker(self._drain(), group="lesson", exit_on_error=False)

    async def _drain(self) -> None:
        try:
            while self._queue:
                what, line = self._queue.popleft()
                try:
                    feedback = await self._do(what, line)
                except Exception as exc:  # one clear sentence, never a traceback
                    reason = t("lesson.error.connection", self.lang, reason=exc)
                    feedback = Feedback("closed", reason, 0)
                self._after(feedback)
        finally:
            self._draining = False

    async def _do(self, what: str, line: str) -> Feedback | None:
        run = self.run
        if what == "line":
            return await run.submit(line)
        if what == "skip":
            return await run.skip()
        if what == "reconnect":
            return await run.reconnect()
        if what == "reset":
            await run.reset()
            return None
        return None

    def idle(self) -> bool:
        """Nothing queued, running or being drawn (tests wait for this)."""
        if not self._ready or self._queue or self._draining:
            return False
        return not any(
            worker.group == "picture" and not worker.is_finished for worker in self.app.workers
        )

    # ------------------------------------------------------------- updates
    def _event(self, event: ev.Event) -> None:
        start = self.run.events[0].at if self.run.events else event.at
        self.lines.extend(event_lines(event, start=start))
        if self.is_mounted:
            self.query_one(TranscriptView).lines_appended()
            for view in self.query(FlowView):
                view.sync(self.run.events)
            for chart in self.query(StateChartView):
                chart.update(self.run.events)

    def _after(self, feedback: Feedback | None) -> None:
        if feedback is not None and feedback.kind != "typed":
            self._say(feedback)
        self._refresh_texts()
        done = self.run.last_done
        if done is not None and done.id != self._shown_step and done.show:
            self._shown_step = done.id
            if self.picture == "none":
                self.picture = "step"
        self._draw_picture()

    def _say(self, feedback: Feedback) -> None:
        widget = self.query_one("#lesson-feedback", Static)
        mark = {"pass": "✓ ", "finished": "✓ ", "refuse": "✗ ", "closed": "✗ ", "error": "✗ "}
        text = mark.get(feedback.kind, "· ") + feedback.text
        if feedback.kind == "finished":
            text += "\n" + t("lesson.ui.finished", self.lang) + " " + t("lesson.ui.next", self.lang)
        if self.run.save_error:
            text += "\n" + self.run.save_error
        widget.update(Text(text))
        widget.set_class(feedback.kind in ("pass", "finished"), "-pass")
        widget.set_class(feedback.kind in ("refuse", "closed", "error"), "-refuse")

    def _refresh_texts(self) -> None:
        run = self.run
        lesson = self.lesson
        steps = len(lesson.steps)
        at = min(run.step_index, steps)
        dots = "●" * at + "○" * (steps - at)
        header = t(
            "lesson.ui.header",
            self.lang,
            n=self.number,
            total=self.total,
            title=lesson.title(self.lang),
        )
        step = t("lesson.ui.step", self.lang, n=min(at + 1, steps), total=steps)
        self.query_one("#lesson-title", Static).update(
            Text(header, no_wrap=True, overflow="ellipsis")
        )
        self.query_one("#lesson-step", Static).update(Text(f"{step} {dots}"))
        text = run.text("do")
        if run.step_index == 0 and not run.finished:
            text = lesson.intro(self.lang) + "\n\n" + text
        self.query_one("#lesson-text", Static).update(Text(text))
        self.query_one("#lesson-hint", Static).update(
            Text(t("lesson.ui.hint", self.lang, hint=run.text("hint")) if not run.finished else "")
        )
        field = self.query_one(Input)
        step_ = run.step
        field.password = bool(step_ and step_.secret and run.state.state is State.AUTH)
        key = "placeholder"
        if field.password:
            key = "placeholder_secret"
        elif run.state.state is State.DATA:
            key = "placeholder_data"
        field.placeholder = t(f"lesson.ui.{key}", self.lang)

    # ------------------------------------------------------------- pictures
    def _draw_picture(self) -> None:
        """Show the picture chosen (F6), rebuilt only when it changes (the
        diagrams follow the session by themselves)."""
        key: tuple = (self.picture,)
        if self.picture == "step":
            key += (self._shown_step, len(self.run.messages), self.run.state.tls)
        if key == self._picture_key:
            return
        self._picture_key = key
        self.run_worker(self._redraw(), group="picture", exclusive=True)

    async def _redraw(self) -> None:
        box = self.query_one("#lesson-picture", VerticalScroll)
        await box.remove_children()
        widgets = self._picture_widgets()
        if widgets:
            await box.mount_all(widgets)
        box.set_class(bool(widgets), "-shown")
        box.set_class(self.picture == "flow", "-tall")

    def _picture_widgets(self) -> list:
        run = self.run
        lang = self.lang
        if self.picture == "flow":
            return [FlowView(run.events, lang=lang)]
        if self.picture == "chart":
            return [StateChartView(run.events, on_choose=self._template, lang=lang)]
        if self.picture != "step" or self._shown_step is None:
            return []
        step = next(s for s in self.lesson.steps if s.id == self._shown_step)
        if step.show == "capabilities":
            caps = _last_capabilities(run)
            if not caps:
                return []
            text = t("lesson.ui.caps.title", lang) + "\n" + "\n".join(f"  {c}" for c in caps)
            return [Static(Text(text), classes="lesson-caps")]
        if step.show == "tls":
            facts = _tls_facts(run.events)
            return [Static(Text(t("lesson.ui.tls.title", lang) + "\n" + "\n".join(facts)))]
        if step.show in ("received", "envelope") and run.messages:
            fields = CARD_FIELDS[step.show]
            title = t("lesson.ui.inbox.title", lang)
            return [MessageCard(run.messages[-1], lang=lang, title=title, fields=fields)]
        if step.show == "compare" and len(run.messages) >= 2:
            fields = CARD_FIELDS["received"]
            first = t("lesson.ui.inbox.first", lang)
            last = t("lesson.ui.inbox.last", lang)
            return [
                Horizontal(
                    MessageCard(run.messages[0], lang=lang, title=first, fields=fields),
                    MessageCard(run.messages[-1], lang=lang, title=last, fields=fields),
                )
            ]
        return []

    def _template(self, token: str) -> None:
        field = self.query_one(Input)
        field.value = TEMPLATES.get(token, token)
        field.cursor_position = len(field.value)
        field.focus()

    # -------------------------------------------------------------- actions
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.run.finished and self._ready and not event.value.strip():
            self.dismiss("next")
            return
        event.input.value = ""
        self._enqueue("line", event.value)

    def action_hint(self) -> None:
        self.query_one("#lesson-hint", Static).toggle_class("-shown")

    def action_skip(self) -> None:
        self._enqueue("skip")

    def action_reconnect(self) -> None:
        self._enqueue("reconnect")

    def action_reset(self) -> None:
        self._shown_step = None
        self._enqueue("reset")

    def action_picture(self) -> None:
        self.picture = PICTURES[(PICTURES.index(self.picture) + 1) % len(PICTURES)]
        self._draw_picture()

    def action_flow(self) -> None:
        """The whole conversation so far as a flow diagram (m copies Mermaid)."""
        self.app.push_screen(FlowScreen(self.run.events, lang=self.lang))

    def action_leave(self) -> None:
        self.dismiss(None)


def _last_capabilities(run: LessonRun) -> list[str]:
    """The keywords of the last EHLO reply, as the server sent them."""
    for exchange in reversed(run.conversation.exchanges):
        if exchange.verb in ("EHLO", "HELO") and exchange.code == 250:
            return list(exchange.reply.reply.lines[1:]) or [exchange.reply.reply.lines[0]]
    return []


def _tls_facts(events: list[ev.Event]) -> list[str]:
    for event in reversed(events):
        if isinstance(event, ev.TlsEstablished):
            return [f"  {line}" for line in event.info.fact_lines()]
    return []
