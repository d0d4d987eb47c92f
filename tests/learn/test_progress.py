"""The learner's progress file: atomic, private, and forgiving of damage."""

from __future__ import annotations

import os
import stat

from smtptui.learn.progress import LessonProgress, ProgressStore, default_path


def test_progress_is_saved_privately_and_read_back(tmp_path):
    store = ProgressStore(tmp_path / "sub" / "lessons.json")
    progress = LessonProgress(step=2).record("ehlo", skipped=False).record("mail", skipped=True)
    store.save("envelope", progress)
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert store.get("envelope") == progress
    assert store.get("greeting") == LessonProgress()
    assert not [p for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_pass_by_the_learner_clears_an_earlier_skip():
    progress = LessonProgress().record("helo", skipped=True).record("helo", skipped=False)
    assert progress.passed == ("helo",) and progress.skipped == ()


def test_a_damaged_file_reads_as_no_progress(tmp_path):
    path = tmp_path / "lessons.json"
    for text in ("{not json", "[1, 2]", '{"lessons": {"x": "nonsense"}}',
                 '{"lessons": {"x": {"step": -3, "passed": [1, "a"], "finished": "yes"}}}'):  # fmt: skip
        path.write_text(text)
        store = ProgressStore(path)
        progress = store.get("x")
        assert progress.step == 0 and progress.finished is False
        assert set(progress.passed) <= {"a"}
        store.save("y", LessonProgress(step=1))  # and saving repairs it
        assert store.get("y").step == 1


def test_reset_one_or_all(tmp_path):
    store = ProgressStore(tmp_path / "lessons.json")
    store.save("a", LessonProgress(step=1))
    store.save("b", LessonProgress(step=2))
    store.reset("a")
    assert store.get("a").step == 0 and store.get("b").step == 2
    store.reset()
    assert store.load() == {}


def test_the_default_file_is_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "smtptui" / "lessons.json"
    monkeypatch.setenv("SMTPTUI_LESSONS_FILE", str(tmp_path / "mine.json"))
    assert default_path() == tmp_path / "mine.json"
