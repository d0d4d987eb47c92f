"""Where a learner is: ``<user data dir>/smtptui/lessons.json``.

For each lesson: the step to resume at, the steps passed and the steps
skipped (the app typed the answer), and whether it was finished.  A lesson
finished with skips is *finished*, not *passed*.  The file is replaced
atomically with mode 0600; a damaged or unreadable file reads as no progress
rather than stopping a lesson, and a failed save is reported by the caller,
never fatal.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = ["LessonProgress", "ProgressStore", "default_path"]

FORMAT_VERSION = 1


def default_path() -> Path:
    """``$SMTPTUI_LESSONS_FILE``, else the user data folder + ``lessons.json``."""
    env = os.environ.get("SMTPTUI_LESSONS_FILE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("smtptui") / "lessons.json"


@dataclass(frozen=True, slots=True)
class LessonProgress:
    step: int = 0
    passed: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    finished: bool = False

    @property
    def started(self) -> bool:
        return self.step > 0 or self.finished or bool(self.passed or self.skipped)

    @property
    def passed_all(self) -> bool:
        """Finished, and every step done by the learner (none skipped)."""
        return self.finished and not self.skipped

    def record(self, step_id: str, *, skipped: bool) -> LessonProgress:
        """``step_id`` done (by the learner, or skipped); a later pass by the
        learner clears an earlier skip."""
        passed = tuple(s for s in self.passed if s != step_id)
        skips = tuple(s for s in self.skipped if s != step_id)
        if skipped:
            skips += (step_id,)
        else:
            passed += (step_id,)
        return replace(self, passed=passed, skipped=skips)

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "passed": list(self.passed),
            "skipped": list(self.skipped),
            "finished": self.finished,
        }

    @classmethod
    def from_dict(cls, data: Any) -> LessonProgress:
        if not isinstance(data, dict):
            return cls()
        step = data.get("step", 0)
        return cls(
            step=step if isinstance(step, int) and step >= 0 else 0,
            passed=tuple(str(s) for s in data.get("passed") or () if isinstance(s, str)),
            skipped=tuple(str(s) for s in data.get("skipped") or () if isinstance(s, str)),
            finished=data.get("finished") is True,
        )


@dataclass
class ProgressStore:
    """The learner's progress file (see the module docstring)."""

    path: Path = field(default_factory=default_path)

    def load(self) -> dict[str, LessonProgress]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        lessons = data.get("lessons") if isinstance(data, dict) else None
        if not isinstance(lessons, dict):
            return {}
        return {str(k): LessonProgress.from_dict(v) for k, v in lessons.items()}

    def get(self, lesson_id: str) -> LessonProgress:
        return self.load().get(lesson_id, LessonProgress())

    def save(self, lesson_id: str, progress: LessonProgress) -> None:
        """Raises ``OSError`` when the folder cannot be written."""
        everything = self.load()
        everything[lesson_id] = progress
        self._write(everything)

    def reset(self, lesson_id: str | None = None) -> None:
        """Forget one lesson's progress, or everyone's (``None``)."""
        everything = {} if lesson_id is None else self.load()
        everything.pop(lesson_id or "", None)
        self._write(everything)

    def _write(self, everything: dict[str, LessonProgress]) -> None:
        from smtptui.profiles.store import atomic_write

        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        document = {
            "format": FORMAT_VERSION,
            "lessons": {k: v.to_dict() for k, v in sorted(everything.items())},
        }
        atomic_write(self.path, json.dumps(document, ensure_ascii=False, indent=1) + "\n")
