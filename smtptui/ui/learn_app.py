"""``smtptui learn``: a small app that hosts the lessons against the built-in
server — the lesson list, and one lesson at a time.  The built-in server is
started on first use and stopped when the app ends."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from smtptui.i18n import resolve_lang, t
from smtptui.learn.lessons import LESSONS
from smtptui.learn.progress import ProgressStore
from smtptui.ui.screens.lessons_menu import LessonMenuScreen

__all__ = ["LearnApp"]


class LearnApp(App[None]):
    """The lessons (see the module docstring).

    ``lesson`` opens that lesson at once (its id, e.g. ``"envelope"``);
    ``builtin`` and ``store`` default to a private built-in server and the
    progress file in the user data folder.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="learn.quit"),
    ]

    def __init__(
        self,
        *,
        lang: str | None = None,
        lesson: str | None = None,
        builtin=None,
        store: ProgressStore | None = None,
    ) -> None:
        super().__init__()
        from smtptui.builtin import BuiltinServer

        self.lang = resolve_lang(lang)
        self.first_lesson = lesson
        self._owns_builtin = builtin is None
        self.builtin = builtin or BuiltinServer()
        self.store = store if store is not None else ProgressStore()
        self.title = t("lesson.ui.app_title", self.lang)

    def on_mount(self) -> None:
        menu = LessonMenuScreen(
            builtin=self.builtin, store=self.store, lang=self.lang, quit_on_close=True
        )
        self.push_screen(menu)
        if self.first_lesson is not None:
            index = next(i for i, lesson in enumerate(LESSONS) if lesson.id == self.first_lesson)
            menu.start(index)

    async def on_unmount(self) -> None:
        if self._owns_builtin:
            await self.builtin.stop()
