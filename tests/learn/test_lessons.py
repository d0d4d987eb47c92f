"""Every lesson, end to end against the built-in server, by a scripted learner
in both languages: each step refused when the learner does the wrong thing
(and recovered by doing the right one), passed only by the right thing."""

from __future__ import annotations

import re

import pytest

from smtptui.builtin import BuiltinServer
from smtptui.learn.lessons import LESSONS, lesson
from smtptui.learn.progress import ProgressStore
from smtptui.learn.runner import LessonRun
from smtptui.server import ServerConfig

CJK = re.compile(r"[\u4e00-\u9fff]")

#: The wrong thing to do at a step, where "NOOP" would not be wrong enough
#: (inside DATA it is a line of the message; inside AUTH an answer).
WRONG: dict[tuple[str, str], tuple[str, ...]] = {
    ("envelope", "message"): (
        "From: demo@demo.local",
        "To: friend@demo.local, boss@demo.local",
        "Subject: everyone named",
        "",
        "hi",
        ".",
    ),
    ("data", "no_headers"): ("Subject: has one", "", "text", "."),
    ("data", "no_blank"): ("Subject: Hello", "", "a proper body", "."),
    ("data", "correct"): ("Subject: Hello", "no empty line before me", "."),
    ("dots", "dot_lost"): ("Subject: Dots", "", "no dot here", "."),
    ("dots", "dot_kept"): ("Subject: Dots", "", ".single", "."),
    ("auth", "user"): ("bm9ib2R5", "*"),  # "nobody", then cancel as told
    ("auth", "password"): ("d3Jvbmc=",),  # "wrong"
}
for _lesson in LESSONS:
    for _step in _lesson.steps:
        if _step.id.startswith("prepare"):
            WRONG[(_lesson.id, _step.id)] = ("RCPT TO:<friend@demo.local>",)  # before MAIL: 503


@pytest.fixture
async def builtin():
    server = BuiltinServer(ServerConfig(port=0))
    yield server
    await server.stop()


async def type_answer(run: LessonRun):
    feedback = None
    for line in run.step.answer:
        feedback = await run.submit(line)
    return feedback


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
async def test_a_scripted_learner_finishes_every_lesson(builtin, tmp_path, item, lang):
    store = ProgressStore(tmp_path / "lessons.json")
    run = LessonRun(item, builtin=builtin, lang=lang, store=store)
    await run.start()
    try:
        for index, step in enumerate(item.steps):
            assert run.step_index == index
            # the wrong thing first: refused, explained, not recorded
            said = []
            for line in WRONG.get((item.id, step.id), ("NOOP",)):
                said.append(await run.submit(line))
            refusals = [f for f in said if f.kind == "refuse"]
            assert refusals, (step.id, said)
            assert all(f.text for f in refusals)
            if lang == "zh":
                assert all(CJK.search(f.text) for f in refusals), refusals
            assert step.id not in run.progress.passed
            # recover: whatever the refusal undid, done again the right way
            while run.step_index < index:
                assert (await type_answer(run)).kind == "pass"
            assert run.step_index == index
            feedback = await type_answer(run)
            assert feedback.kind == ("finished" if step is item.steps[-1] else "pass"), feedback
            assert feedback.text == item.step_text(step, "done", lang)
        assert run.finished
        saved = store.get(item.id)
        assert saved.finished and saved.passed_all and saved.step == 0
        assert set(saved.passed) == {s.id for s in item.steps}
    finally:
        await run.close()


async def test_the_data_lesson_keeps_both_messages_for_side_by_side(builtin):
    run = LessonRun(lesson("data"), builtin=builtin)
    await run.start()
    while not run.finished:
        await type_answer(run)
    first, *_, last = run.messages
    assert first.subject is None and "Hello, this is my first message" in first.body
    assert last.subject == "Hello" and last.body.strip() == "This is the body."
    assert not {d.code for d in last.defects} & {"missing-blank-line", "headers-only"}
    await run.close()


async def test_the_password_is_never_in_the_events_or_feedback(builtin):
    run = LessonRun(lesson("auth"), builtin=builtin, lang="en")
    await run.start()
    texts = []
    while not run.finished:
        feedback = await type_answer(run)
        texts.append(feedback.text)
    from smtptui.transcript import export_text

    shown = export_text(run.events, redact=False) + "\n".join(texts)
    assert "ZGVtbw==" in shown  # the user name, shown as typed (it is not a secret here)
    password_lines = [e for e in run.events if getattr(e, "kind", "") == "auth" and e.secret]
    assert password_lines[-1].text == "********"
    await run.close()


async def test_skipping_types_the_answer_and_counts_as_skipped(builtin, tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    run = LessonRun(lesson("greeting"), builtin=builtin, store=store)
    await run.start()
    feedback = await run.skip()
    assert feedback.kind == "pass" and run.step_index == 1
    assert "HELO learner.example" in [getattr(e, "text", None) for e in run.events]
    while not run.finished:
        await type_answer(run)
    saved = store.get("greeting")
    assert saved.finished and not saved.passed_all and saved.skipped == ("helo",)
    await run.close()


async def test_a_step_already_begun_is_skipped_on_a_fresh_connection(builtin):
    run = LessonRun(lesson("data"), builtin=builtin)
    await run.start()
    await type_answer(run)  # EHLO
    await run.submit("MAIL FROM:<demo@demo.local>")  # the prepare step, half done
    feedback = await run.skip()
    assert feedback.kind == "pass" and run.step.id == "no_headers"
    assert run.state.state.name == "DATA"
    await run.close()


async def test_resuming_replays_the_steps_done_on_a_new_connection(builtin, tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    first = LessonRun(lesson("envelope"), builtin=builtin, store=store)
    await first.start()
    for _ in range(3):  # EHLO, MAIL, RCPT
        await type_answer(first)
    await first.close()
    assert store.get("envelope").step == 3

    again = LessonRun(lesson("envelope"), builtin=builtin, store=store)
    await again.start()
    assert again.step.id == "bcc" and again.state.recipients == 1
    assert set(again.progress.passed) == {"ehlo", "mail", "rcpt"}
    await again.close()


async def test_quit_in_the_middle_then_reconnect(builtin):
    run = LessonRun(lesson("envelope"), builtin=builtin)
    await run.start()
    await type_answer(run)
    refused = await run.submit("QUIT")
    assert refused.kind == "refuse" and not run.connected
    assert (await run.submit("MAIL FROM:<demo@demo.local>")).kind == "closed"
    await run.reconnect()
    assert run.connected and run.step.id == "mail"
    assert (await type_answer(run)).kind == "pass"
    await run.close()


async def test_starting_over_forgets_the_progress(builtin, tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    run = LessonRun(lesson("greeting"), builtin=builtin, store=store)
    await run.start()
    await type_answer(run)
    await run.reset()
    assert run.step_index == 0 and store.get("greeting").passed == ()
    await run.close()


async def test_typing_almost_the_right_thing_does_not_pass(builtin):
    run = LessonRun(lesson("greeting"), builtin=builtin)
    await run.start()
    assert (await run.submit("HELO")).kind == "refuse"  # 501: a name is required
    assert (await run.submit("EHLO learner.example")).kind == "refuse"  # the step is HELO
    assert (await run.submit("helo learner.example")).kind == "pass"
    await run.close()


async def test_a_lesson_with_its_own_server_settings_runs_a_private_server(builtin):
    run = LessonRun(lesson("auth_errors"), builtin=builtin)
    await run.start()
    assert run.server is not builtin and run.server.server.config.require_auth
    assert not builtin.server.config.require_auth
    await run.close()
    assert run.server.server is None  # stopped with the lesson
