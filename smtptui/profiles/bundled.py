"""The example profiles shipped with smtptui (the repo's top-level ``profiles/``).

In the source tree ``smtptui/profiles/examples`` is a symlink to ``../../profiles``,
so the repo keeps one copy of the examples at the top, editable installs read them
in place, and wheels/sdists contain real files (setuptools follows the link, and
the ``**/*.toml`` package-data rule picks them up).  Where the link is not a
directory (a Windows checkout without symlinks), the top-level folder is used.

Bundled profiles are read-only: they are never rewritten and are exempt from the
plain-password permission rule (``demo``'s password is the public demo password).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from smtptui.profiles.errors import ProfileError
from smtptui.profiles.model import Profile

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def examples_root() -> Traversable | None:
    """Where the bundled ``*.toml`` examples are, or ``None`` if missing."""
    beside = Path(__file__).with_name("examples")
    if beside.is_dir():  # installed as files: no need for importlib.resources (~2 ms at start)
        return beside
    from importlib.resources import files

    root = files("smtptui.profiles") / "examples"
    if root.is_dir():
        return root
    fallback = Path(__file__).resolve().parents[2] / "profiles"
    return fallback if fallback.is_dir() else None


def example_files() -> list[tuple[str, str]]:
    """``(file name, text)`` of every bundled example, sorted by name."""
    root = examples_root()
    if root is None:
        return []
    entries = [e for e in root.iterdir() if e.name.endswith(".toml") and e.is_file()]
    return [(e.name, e.read_text(encoding="utf-8")) for e in sorted(entries, key=lambda e: e.name)]


def _read(root: Traversable | None, name: str, text: str) -> Profile:
    path = Path(str(root / name)) if root is not None else Path(name)
    profile = Profile.from_toml(text, path)
    return dataclasses.replace(profile, source_path=path, bundled=True)


@functools.lru_cache(maxsize=1)
def _bundled() -> tuple[Profile, ...]:
    root = examples_root()
    return tuple(_read(root, name, text) for name, text in example_files())


@functools.lru_cache(maxsize=8)
def _bundled_file(stem: str) -> Profile | None:
    """The example in ``<stem>.toml`` alone (every start reads ``demo``; the
    other examples need not be parsed for it)."""
    root = examples_root()
    if root is None:
        return None
    entry = root / f"{stem}.toml"
    if not entry.is_file():
        return None
    return _read(root, entry.name, entry.read_text(encoding="utf-8"))


def bundled_profiles() -> list[Profile]:
    """Every bundled example as a :class:`Profile` (``bundled=True``)."""
    return list(_bundled())


def bundled_profile(name: str) -> Profile | None:
    """The bundled example called *name* (case-insensitive), if any."""
    key = name.casefold()
    safe = key and all(c.isalnum() or c in "-_" for c in key)  # a file name, not a path
    profile = _bundled_file(key) if safe else None
    if profile is not None and (profile.name.casefold() == key or profile.slug == key):
        return profile
    return next((p for p in _bundled() if p.name.casefold() == key or p.slug == key), None)


@dataclass(frozen=True, slots=True)
class InitReport:
    """What ``profiles init`` did: files copied, and files skipped with the reason."""

    folder: Path
    copied: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def copy_examples(folder: Path) -> InitReport:
    """Copy the examples into *folder*, never overwriting a file or a profile name.

    Files are copied byte for byte (comments included), created atomically and
    only if absent, mode 0600.
    """
    from smtptui.profiles.store import ProfileStore, atomic_create

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise ProfileError(f"cannot create the profiles folder {folder}: {exc.strerror}") from None
    taken = {p.name.casefold(): p for p in ProfileStore(folder, with_builtin=False).load().profiles}
    report = InitReport(folder=folder)
    for (name, text), profile in zip(example_files(), _bundled(), strict=True):
        dest = folder / name
        existing = taken.get(profile.name.casefold())
        if dest.exists() or dest.is_symlink():
            report.skipped.append((dest, "file exists"))
        elif existing is not None and existing.source_path is not None:
            report.skipped.append(
                (dest, f"profile {profile.name!r} exists in {existing.source_path.name}")
            )
        elif atomic_create(dest, text):
            report.copied.append(dest)
        else:
            report.skipped.append((dest, "file exists"))
    return report
