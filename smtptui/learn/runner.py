"""A lesson in progress: a real session with the built-in server, the learner's
lines sent as typed, and each exchange judged against the current step.

:class:`LessonRun` owns the connection (raw, telnet style: nothing is sent
that the learner — or, when a step is skipped or a lesson resumed, the app on
the learner's behalf — did not type), the events (for the transcript and the
pictures), the messages the server received in this lesson (for the inbox
views), and the learner's progress.  A refusal that moved the session on (a
message delivered, an AUTH exchange ended) takes the lesson back to the
latest step that fits the session again; when none does, the learner is told
to reconnect, which replays the steps done so far on a fresh connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from smtptui.flow.conversation import Conversation, Exchange
from smtptui.i18n import t
from smtptui.learn.checks import Attempt, evaluate
from smtptui.learn.model import Command, Lesson, Outcome, Step
from smtptui.learn.progress import LessonProgress, ProgressStore
from smtptui.protocol import events as ev
from smtptui.protocol.config import SessionConfig
from smtptui.protocol.connect import host_label
from smtptui.protocol.errors import SmtpError, UsageError
from smtptui.protocol.session import Session
from smtptui.reference.states import SessionState

if TYPE_CHECKING:
    from smtptui.builtin import BuiltinServer
    from smtptui.server import ReceivedMessage

__all__ = ["Feedback", "LessonRun"]

#: Seconds for connecting and for each reply (the built-in server is local).
TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Feedback:
    """What the learner is told after a line.

    ``kind``: ``pass`` (step done), ``finished`` (the last step done),
    ``refuse`` (not the right thing; ``text`` says why), ``continue`` (a right
    move, the step goes on), ``typed`` (a message line: no reply yet),
    ``error`` (the line was not sent), ``closed`` (no connection).
    """

    kind: str
    text: str
    step: int


class LessonRun:
    """One lesson against the built-in server (see the module docstring).

    ``builtin`` is the app's built-in server; a lesson that needs other server
    settings (``Lesson.server``) starts a private one like it and stops it in
    :meth:`close`.  ``on_event`` sees every session event as it happens.
    """

    def __init__(
        self,
        lesson: Lesson,
        *,
        builtin: BuiltinServer,
        lang: str = "en",
        store: ProgressStore | None = None,
        on_event: Callable[[ev.Event], None] | None = None,
    ) -> None:
        self.lesson = lesson
        self.builtin = builtin
        self.lang = lang
        self.store = store
        self.on_event = on_event
        self.progress = store.get(lesson.id) if store is not None else LessonProgress()
        self.step_index = 0
        self.events: list[ev.Event] = []
        self.conversation = Conversation()
        self.messages: list[ReceivedMessage] = []
        self.session: Session | None = None
        self.last_done: Step | None = None
        self.feedback: Feedback | None = None
        self.save_error: str | None = None
        self.stuck = False
        self._server: BuiltinServer | None = None
        self._private: BuiltinServer | None = None
        self._peer: str | None = None
        self._replaying = False
        self._skipping = False
        self._step_began = 0  # exchanges when the current step became current

    # ----------------------------------------------------------------- views
    @property
    def step(self) -> Step | None:
        steps = self.lesson.steps
        return steps[self.step_index] if self.step_index < len(steps) else None

    @property
    def finished(self) -> bool:
        return self.step is None

    @property
    def state(self) -> SessionState:
        return self.conversation.state

    @property
    def connected(self) -> bool:
        return self.session is not None and self.session.connected

    @property
    def server(self) -> BuiltinServer | None:
        """The built-in server this lesson talks to (private or the app's)."""
        return self._server

    def text(self, part: str) -> str:
        """The current step's ``do``/``hint``/``done`` text (the outro when finished)."""
        step = self.step
        if step is None:
            return self.lesson.outro(self.lang)
        return self.lesson.step_text(step, part, self.lang)

    # ------------------------------------------------------------- lifecycle
    async def start(self, *, resume: bool = True) -> Feedback | None:
        """Connect (the greeting arrives), then replay the steps done before
        when resuming.  Returns the replay's last feedback, if any."""
        target = self.progress.step if resume and not self.progress.finished else 0
        await self._connect()
        return await self._replay(target)

    async def reconnect(self) -> Feedback | None:
        """A fresh connection, with the steps done so far replayed on it."""
        target = self.step_index
        await self._drop()
        await self._connect()
        return await self._replay(target)

    async def reset(self) -> None:
        """Forget this lesson's progress and begin again on a fresh connection."""
        self.progress = LessonProgress()
        self._save()
        await self._drop()
        await self._connect()

    async def close(self) -> None:
        await self._drop()
        if self._private is not None:
            await self._private.stop()
            self._private = None

    async def _server_for_lesson(self) -> BuiltinServer:
        if not self.lesson.server:
            return self.builtin
        if self._private is None:
            from smtptui.builtin import BuiltinServer

            base = (await self.builtin.ensure_started()).config
            config = replace(base, port=0, tls_port=None, maildir=None, **dict(self.lesson.server))
            self._private = BuiltinServer(config)
        return self._private

    async def _connect(self) -> None:
        self._server = await self._server_for_lesson()
        config = await self._server.retarget(
            SessionConfig(host="127.0.0.1", security="plain", timeout=TIMEOUT)
        )
        session = Session(config)
        session.subscribe(self._on_event)
        self.session = session
        self.step_index = 0
        self.stuck = False
        self._step_began = len(self.conversation.exchanges)
        await session.connect()

    async def _drop(self) -> None:
        if self.session is not None:
            await self.session.aclose()
            self.session = None

    async def _replay(self, upto: int) -> Feedback | None:
        feedback = None
        self._replaying = True
        try:
            while self.step_index < min(upto, len(self.lesson.steps)):
                index = self.step_index
                feedback = await self._type_answer()
                if self.step_index <= index:
                    break
        finally:
            self._replaying = False
        return feedback

    def _on_event(self, event: ev.Event) -> None:
        self.events.append(event)
        self.conversation.feed(event)
        if isinstance(event, ev.Connected):
            self._peer = host_label(*event.local)
        if self.on_event is not None:
            self.on_event(event)

    # --------------------------------------------------------------- learner
    async def submit(self, line: str) -> Feedback:
        """Send one line as the learner typed it and judge what happened."""
        if self.finished:
            return self.feedback or self._say("finished", "")
        if not self.connected:
            return self._say("closed", t("lesson.closed", self.lang))
        return await self._send(line)

    async def skip(self) -> Feedback:
        """The app types the step's answer (the step counts as skipped, not
        passed).  A step already begun is redone on a fresh connection."""
        if self.finished:
            return self.feedback or self._say("finished", "")
        self._skipping = True
        try:
            begun = len(self.conversation.exchanges) > self._step_began
            if not self.connected or self.stuck or begun:
                target = self.step_index
                await self._drop()
                await self._connect()
                await self._replay(target)
                if self.step_index != target:
                    return self._say("refuse", t("lesson.stuck", self.lang))
            return await self._type_answer()
        finally:
            self._skipping = False

    async def _type_answer(self) -> Feedback:
        step = self.step
        assert step is not None
        feedback = self._say("typed", "")
        for line in step.answer:
            feedback = await self._send(line)
            if feedback.kind in ("refuse", "error", "closed"):
                break
        return feedback

    async def _send(self, line: str) -> Feedback:
        assert self.session is not None
        seen = len(self.conversation.exchanges)
        try:
            await self.session.raw(line)
        except UsageError as exc:
            return self._say("error", t("lesson.error.local", self.lang, reason=str(exc)))
        except SmtpError as exc:
            return self._say("closed", t("lesson.error.connection", self.lang, reason=exc.sentence))
        feedback = self._say("typed", "")
        for exchange in self.conversation.exchanges[seen:]:
            feedback = self._judge(exchange)
        return feedback

    # --------------------------------------------------------------- judging
    def _judge(self, exchange: Exchange) -> Feedback:
        step = self.step
        if step is None:
            return self._say("finished", self.lesson.outro(self.lang))
        message = self._delivered(exchange)
        if message is not None:
            self.messages.append(message)
        found = evaluate(step.check, Attempt(exchange, message, step.answer[0]))
        if found.outcome is Outcome.PASS:
            return self._advance(step)
        if found.outcome is Outcome.CONTINUE:
            return self._say("continue", found.text(self.lang))
        text = found.text(self.lang)
        moved = self._rewind()
        if moved:
            text = self._join(text, t("lesson.back", self.lang, n=self.step_index + 1))
        elif self.stuck:
            text = self._join(text, t("lesson.stuck", self.lang))
        return self._say("refuse", text)

    def _delivered(self, exchange: Exchange) -> ReceivedMessage | None:
        """The message the server stored for a reply that ended one of ours."""
        if exchange.line != "." or exchange.code != 250 or self._server is None:
            return None
        server = self._server.server
        if server is None:
            return None
        for message in reversed(server.messages):
            if message.peer == self._peer and all(m is not message for m in self.messages):
                return message
        return None

    def _fits(self, step: Step, state: SessionState) -> bool:
        if step.when and state.state not in step.when:
            return False
        check = step.check
        return not (isinstance(check, Command) and check.tls is not None and check.tls != state.tls)

    def _rewind(self) -> bool:
        """After a refusal: back to the latest step that fits the session."""
        state = self.state
        if self._fits(self.step, state):
            return False
        for index in range(self.step_index - 1, -1, -1):
            if self._fits(self.lesson.steps[index], state):
                self.step_index = index
                self._step_began = len(self.conversation.exchanges)
                return True
        self.stuck = True
        return False

    def _advance(self, step: Step) -> Feedback:
        if not self._replaying:
            self.progress = self.progress.record(step.id, skipped=self._skipping)
        self.last_done = step
        self.step_index += 1
        self._step_began = len(self.conversation.exchanges)
        done = self.finished
        if not self._replaying:
            self.progress = replace(
                self.progress,
                step=0 if done else self.step_index,
                finished=self.progress.finished or done,
            )
            self._save()
        text = self.lesson.step_text(step, "done", self.lang)
        if self._skipping:
            text = self._join(t("lesson.skipped", self.lang), text)
        return self._say("finished" if done else "pass", text)

    def _save(self) -> None:
        if self.store is None:
            return
        try:
            self.store.save(self.lesson.id, self.progress)
            self.save_error = None
        except OSError as exc:
            self.save_error = t("lesson.error.save", self.lang, reason=exc.strerror or str(exc))

    def _join(self, first: str, second: str) -> str:
        """Two sentences: Chinese needs no space between them."""
        return first + ("" if self.lang == "zh" else " ") + second

    def _say(self, kind: str, text: str) -> Feedback:
        feedback = Feedback(kind, text, self.step_index)
        if kind != "typed":
            self.feedback = feedback
        return feedback
