"""Crash reports for bugs: the traceback goes to a file, never to the screen."""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path


def crash_folder() -> Path:
    import platformdirs

    return platformdirs.user_state_path("smtptui") / "crashes"


def write_crash_report(folder: Path | None = None) -> str:
    """Write the exception being handled to a 0600 file; return the one
    sentence to show the user (with the file's path, or why it is missing)."""
    kind, error, tb = sys.exc_info()
    summary = f"{kind.__name__}: {error}" if kind is not None else "unknown error"
    text = "".join(traceback.format_exception(kind, error, tb)) if kind is not None else summary
    folder = folder or crash_folder()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"crash-{stamp}-{os.getpid()}.txt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as report:
            report.write(f"smtptui crash report, {stamp}\n\n{text}")
    except OSError as exc:
        return f"smtptui stopped after an internal error ({summary}); the report could not be written ({exc})."
    return (
        f"smtptui stopped after an internal error ({summary}). Details: {path} — please report it."
    )
