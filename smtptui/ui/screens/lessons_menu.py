"""The list of lessons with the learner's progress: start or resume one, forget
the progress of one, switch between English and Chinese."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from smtptui.i18n import LANGUAGES, t
from smtptui.learn.lessons import LESSONS
from smtptui.learn.progress import LessonProgress, ProgressStore
from smtptui.ui.screens.lesson import LessonScreen

if TYPE_CHECKING:
    from smtptui.builtin import BuiltinServer

__all__ = ["LessonMenuScreen", "status_text"]


def status_text(progress: LessonProgress, steps: int, lang: str) -> str:
    if progress.passed_all:
        return "✓ " + t("lesson.ui.status.passed", lang)
    if progress.finished:
        return "✓ " + t("lesson.ui.status.finished", lang, n=len(progress.skipped))
    if progress.started:
        return "● " + t("lesson.ui.status.started", lang, n=progress.step + 1, total=steps)
    return "○ " + t("lesson.ui.status.new", lang)


class LessonMenuScreen(Screen[None]):
    """Every lesson, in order, with where the learner is in each.  Closed with
    ``esc``/``q``: dismissed, or — as ``smtptui learn``'s first screen,
    ``quit_on_close`` — the app ends."""

    DEFAULT_CSS = """
    LessonMenuScreen {
        layout: vertical;
        #menu-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
        #menu-list { height: 1fr; }
        #menu-note { height: auto; padding: 0 1; color: $text-muted; }
        #menu-keys { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "forget", "Forget progress", id="lessons.forget"),
        Binding("l", "language", "English / 中文", id="lessons.language"),
        Binding("escape,q", "close", "Close", id="lessons.close"),
    ]

    def __init__(
        self,
        *,
        builtin: BuiltinServer,
        store: ProgressStore | None = None,
        lang: str = "en",
        quit_on_close: bool = False,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.builtin = builtin
        self.store = store
        self.lang = lang
        self.quit_on_close = quit_on_close  # the list is the whole app (smtptui learn)

    def compose(self) -> ComposeResult:
        yield Static(id="menu-title")
        yield OptionList(id="menu-list")
        yield Static(id="menu-note")
        yield Static(id="menu-keys")

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one(OptionList).focus()

    def refresh_list(self, highlight: int | None = None) -> None:
        lang = self.lang
        self.query_one("#menu-title", Static).update(t("lesson.ui.menu.title", lang))
        self.query_one("#menu-keys", Static).update(t("lesson.ui.menu.keys", lang))
        everything = self.store.load() if self.store is not None else {}
        listing = self.query_one(OptionList)
        current = listing.highlighted if highlight is None else highlight
        listing.clear_options()
        for n, lesson in enumerate(LESSONS, 1):
            progress = everything.get(lesson.id, LessonProgress())
            status = status_text(progress, len(lesson.steps), lang)
            listing.add_option(Option(f"{n}. {lesson.title(lang)}   {status}", id=lesson.id))
        listing.highlighted = current if current is not None else _first_unfinished(everything)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.start(event.option_index)

    def start(self, index: int, *, resume: bool = True) -> None:
        """Open lesson ``index`` (from 0), resuming where the learner was."""
        lesson = LESSONS[index]
        screen = LessonScreen(
            lesson,
            builtin=self.builtin,
            lang=self.lang,
            store=self.store,
            number=index + 1,
            total=len(LESSONS),
            resume=resume,
        )

        def done(result: str | None) -> None:
            self.refresh_list(highlight=index)
            if result == "next" and index + 1 < len(LESSONS):
                self.start(index + 1)

        self.app.push_screen(screen, done)

    def action_forget(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None or self.store is None:
            return
        lesson = LESSONS[listing.highlighted]
        try:
            self.store.reset(lesson.id)
        except OSError as exc:
            self.query_one("#menu-note", Static).update(
                t("lesson.error.save", self.lang, reason=exc.strerror or exc)
            )
            return
        self.query_one("#menu-note", Static).update(
            t("lesson.ui.forgotten", self.lang, title=lesson.title(self.lang))
        )
        self.refresh_list()

    def action_language(self) -> None:
        self.lang = LANGUAGES[(LANGUAGES.index(self.lang) + 1) % len(LANGUAGES)]
        self.app.title = t("lesson.ui.app_title", self.lang)
        self.query_one("#menu-note", Static).update("")
        self.refresh_list()

    def action_close(self) -> None:
        if self.quit_on_close:
            self.app.exit()
        else:
            self.dismiss(None)


def _first_unfinished(everything: dict[str, LessonProgress]) -> int:
    for i, lesson in enumerate(LESSONS):
        if not everything.get(lesson.id, LessonProgress()).finished:
            return i
    return 0
