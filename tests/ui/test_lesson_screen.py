"""``smtptui learn`` as a learner uses it: the lesson list, a lesson typed line
by line against the built-in server, hints, skipping, the pictures, the
hidden password, resuming, and the command line."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from textual.widgets import Input, OptionList

from smtptui.builtin import BuiltinServer
from smtptui.cli import main
from smtptui.learn.lessons import LESSONS
from smtptui.learn.progress import LessonProgress, ProgressStore
from smtptui.reference.states import State
from smtptui.server import ServerConfig
from smtptui.ui.learn_app import LearnApp
from smtptui.ui.screens.flow import FlowScreen
from smtptui.ui.screens.lesson import LessonScreen
from smtptui.ui.widgets.flow_view import FlowView
from smtptui.ui.widgets.message_card import MessageCard
from smtptui.ui.widgets.state_chart import StateChartView
from tests.ui.waiting import wait_until

CJK = re.compile(r"[\u4e00-\u9fff]")


async def lesson_screen(pilot) -> LessonScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, LessonScreen))
    screen = pilot.app.screen
    await wait_until(pilot, screen.idle)
    return screen


async def type_line(pilot, screen: LessonScreen, line: str) -> str:
    """Type a line and press enter; the feedback shown afterwards."""
    field = screen.query_one(Input)
    field.value = line
    await pilot.press("enter")
    await wait_until(pilot, screen.idle)
    await pilot.pause()
    return str(screen.query_one("#lesson-feedback").render())


@pytest.fixture
async def builtin():
    server = BuiltinServer(ServerConfig(port=0))
    yield server
    await server.stop()


async def test_a_learner_does_the_first_lesson_and_goes_on(builtin, tmp_path):
    store = ProgressStore(tmp_path / "lessons.json")
    app = LearnApp(lang="en", builtin=builtin, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(OptionList)
        assert listing.option_count == len(LESSONS) and listing.highlighted == 0
        await pilot.press("enter")
        screen = await lesson_screen(pilot)
        assert "HELO" in str(screen.query_one("#lesson-text").render())
        said = await type_line(pilot, screen, "EHLO learner.example")
        assert said.startswith("✗ This step wants HELO")
        said = await type_line(pilot, screen, "HELO learner.example")
        assert said.startswith("✓ 250 and one line")
        await pilot.press("f2")
        hint = screen.query_one("#lesson-hint")
        assert hint.has_class("-shown") and "EHLO learner.example" in str(hint.render())
        await type_line(pilot, screen, "EHLO learner.example")
        # the capabilities the server offers are shown once EHLO is done
        assert "STARTTLS" in str(screen.query_one(".lesson-caps").render())
        said = await type_line(pilot, screen, "QUIT")
        assert said.startswith("✓ 221") and "next lesson" in said
        assert store.get("greeting").passed_all
        await pilot.press("enter")  # on an empty line: the next lesson
        await wait_until(pilot, lambda: app.screen is not screen)
        following = await lesson_screen(pilot)
        assert following.lesson.id == "envelope"
        assert str(following.query_one("#lesson-title").render()).startswith("2/8 · The envelope")


async def test_a_lesson_in_chinese(builtin, tmp_path):
    app = LearnApp(
        lang="zh", lesson="envelope", builtin=builtin, store=ProgressStore(tmp_path / "p.json")
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lesson_screen(pilot)
        assert CJK.search(str(screen.query_one("#lesson-text").render()))
        said = await type_line(pilot, screen, "NOOP")
        assert said.startswith("✗ 这一步需要 EHLO")
        for line in ("EHLO learner.example", "MAIL FROM:<demo@demo.local>"):
            said = await type_line(pilot, screen, line)
        assert said.startswith("✓ 250 2.1.0") and CJK.search(said)
        assert "第 3/6 步" in str(screen.query_one("#lesson-step").render())


async def test_the_envelope_lesson_shows_the_blind_copy(builtin, tmp_path):
    app = LearnApp(
        lang="en", lesson="envelope", builtin=builtin, store=ProgressStore(tmp_path / "p")
    )
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await lesson_screen(pilot)
        for line in (
            "EHLO learner.example",
            "MAIL FROM:<demo@demo.local>",
            "RCPT TO:<friend@demo.local>",
            "RCPT TO:<boss@demo.local>",
            "DATA",
        ):
            await type_line(pilot, screen, line)
        assert screen.query_one(Input).placeholder.startswith("a line of the message")
        for line in ("From: demo@demo.local", "To: friend@demo.local", "Subject: hi", "", "x", "."):
            said = await type_line(pilot, screen, line)
        assert said.startswith("✓ Delivered to both")
        card = str(screen.query_one(MessageCard).render())
        assert "boss@demo.local (not in any header: a blind copy)" in card


async def test_the_password_is_typed_hidden(builtin, tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    auth = next(i for i, lesson in enumerate(LESSONS) if lesson.id == "auth")
    store.save("auth", LessonProgress(step=len(LESSONS[auth].steps) - 1))  # resume at the password
    app = LearnApp(lang="en", lesson="auth", builtin=builtin, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lesson_screen(pilot)
        assert screen.run.step.id == "password"
        field = screen.query_one(Input)
        assert field.password and "hidden" in field.placeholder
        said = await type_line(pilot, screen, "ZGVtbw==")
        assert said.startswith("✓ 235")
        assert "ZGVtbw==" not in "\n".join(line.text for line in screen.lines[-3:])


async def test_skip_and_the_flow_diagram(builtin, tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    app = LearnApp(lang="en", lesson="greeting", builtin=builtin, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lesson_screen(pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: screen.idle() and screen.run.step_index == 1)
        assert str(screen.query_one("#lesson-feedback").render()).startswith("✓ Skipped")
        assert store.get("greeting").skipped == ("helo",)
        await pilot.press("f6")  # the state machine, lit
        await wait_until(pilot, screen.idle)
        chart = screen.query_one(StateChartView)
        assert chart.chart.current is State.GREETED
        await pilot.press("f6")  # the flow diagram, following the lesson
        await wait_until(pilot, screen.idle)
        flow = screen.query_one(FlowView)
        assert any(getattr(item, "text", "") == "HELO learner.example" for item in flow.items)
        await type_line(pilot, screen, "EHLO learner.example")
        assert any(getattr(item, "text", "") == "EHLO learner.example" for item in flow.items)
        await pilot.press("f7")  # full screen, with the exports
        await wait_until(pilot, lambda: isinstance(app.screen, FlowScreen))
        await pilot.press("m")
        assert (
            app.clipboard.startswith("sequenceDiagram") and "HELO learner.example" in app.clipboard
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)


async def test_progress_is_resumed_from_the_list(builtin, tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    app = LearnApp(lang="en", lesson="greeting", builtin=builtin, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lesson_screen(pilot)
        await type_line(pilot, screen, "HELO learner.example")
        await pilot.press("escape")
        await pilot.pause()
        listing = app.screen.query_one(OptionList)
        assert "step 2 of 3" in str(listing.get_option_at_index(0).prompt)
        await pilot.press("enter")
        again = await lesson_screen(pilot)
        assert again.run.step.id == "ehlo" and again.run.state.state.name == "GREETED"


def test_learn_lists_and_forgets_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("SMTPTUI_LESSONS_FILE", str(tmp_path / "lessons.json"))
    ProgressStore().save("greeting", LessonProgress(finished=True, passed=("helo",)))
    runner = CliRunner()
    listed = runner.invoke(main, ["learn", "--list"])
    assert listed.exit_code == 0
    rows = listed.output.splitlines()
    assert len(rows) == len(LESSONS)
    assert rows[0].startswith("1. greeting") and "passed" in rows[0]
    assert "new" in rows[1]
    chinese = runner.invoke(main, ["learn", "--list", "--lang", "zh"])
    assert "已通过" in chinese.output.splitlines()[0]
    forgot = runner.invoke(main, ["learn", "--reset", "greeting"])
    assert forgot.exit_code == 0 and ProgressStore().get("greeting") == LessonProgress()
    unknown = runner.invoke(main, ["learn", "nonsense"])
    assert unknown.exit_code == 2 and "nonsense" in unknown.output


async def test_the_list_hosted_in_another_app_closes_instead_of_quitting(builtin, tmp_path):
    from textual.app import App

    from smtptui.ui.screens.lessons_menu import LessonMenuScreen

    closed = []

    class Dashboard(App):
        def on_mount(self) -> None:
            menu = LessonMenuScreen(builtin=builtin, store=ProgressStore(tmp_path / "p"))
            self.push_screen(menu, closed.append)

    app = Dashboard()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert closed == [None] and app.is_running
