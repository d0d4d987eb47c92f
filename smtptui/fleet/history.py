"""Saved check results: ``<user data dir>/smtptui/checks/<profile slug>.json``.

One file per profile holds its last :data:`KEEP` results, oldest first, so
``smtptui compare NAME --last`` can say what changed and a dashboard can draw a
latency sparkline.  Files are replaced atomically (temp file, fsync, rename,
mode 0600); a damaged file is read as an empty history (and a damaged entry is
skipped) rather than stopping a check.  Two processes saving the same profile at
the same moment may lose one of the two new entries; nothing else is lost.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from smtptui.fleet.results import FORMAT_VERSION, CheckResult

#: Results kept per profile.
KEEP = 50


def default_folder() -> Path:
    """``$SMTPTUI_CHECKS_DIR``, else the user data folder + ``checks``."""
    env = os.environ.get("SMTPTUI_CHECKS_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("smtptui") / "checks"


class ResultStore:
    """The saved results of every profile (see the module docstring)."""

    def __init__(self, folder: Path | str | None = None, *, keep: int = KEEP) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self.folder = Path(folder).expanduser() if folder else default_folder()
        self.keep = keep

    def __repr__(self) -> str:
        return f"ResultStore({str(self.folder)!r})"

    def path_for(self, profile: str) -> Path:
        from smtptui.profiles import slugify

        return self.folder / f"{slugify(profile)}.json"

    # -- reading --------------------------------------------------------------

    def history(self, profile: str, limit: int | None = None) -> list[CheckResult]:
        """Saved results of ``profile``, oldest first (the last ``limit`` only)."""
        entries = self._read(self.path_for(profile))
        out = []
        for entry in entries:
            try:
                result = CheckResult.from_dict(entry)
            except (KeyError, ValueError, TypeError):
                continue
            if result.profile.casefold() == profile.casefold():
                out.append(result)
        return out[-limit:] if limit else out

    def last(self, profile: str) -> CheckResult | None:
        """The most recent saved result of ``profile``, or ``None``."""
        found = self.history(profile, limit=1)
        return found[0] if found else None

    def latency_history(self, profile: str, phase: str = "total") -> list[float | None]:
        """Milliseconds of ``phase`` (``total``, ``connect``, ``tls`` …) for each
        saved check, oldest first; ``None`` where the check never got there.
        The data for a sparkline."""
        return [r.latencies.get(phase) for r in self.history(profile)]

    # -- writing --------------------------------------------------------------

    def save(self, result: CheckResult) -> Path:
        """Append ``result`` to its profile's history (the oldest beyond
        ``keep`` are dropped).  Raises ``OSError`` when the folder is unusable."""
        return self.save_many([result])[0]

    def save_many(self, results: Iterable[CheckResult]) -> list[Path]:
        from smtptui.profiles.store import atomic_write

        by_path: dict[Path, list[CheckResult]] = {}
        for result in results:
            by_path.setdefault(self.path_for(result.profile), []).append(result)
        if not by_path:
            return []
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for path, new in by_path.items():
            entries = self._read(path) + [r.to_dict() for r in new]
            document = {
                "format": FORMAT_VERSION,
                "profile": new[-1].profile,
                "results": entries[-self.keep :],
            }
            atomic_write(path, json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        return list(by_path)

    def forget(self, profile: str) -> bool:
        """Delete ``profile``'s history; False when there was none."""
        try:
            self.path_for(profile).unlink()
        except FileNotFoundError:
            return False
        return True

    @staticmethod
    def _read(path: Path) -> list[dict[str, Any]]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        entries = data.get("results") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            return []
        return [e for e in entries if isinstance(e, dict)]
