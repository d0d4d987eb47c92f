"""The profiles folder: one TOML file per profile, loaded leniently, saved atomically.

Rules the store keeps, because profiles are the user's memory:

* Loading never writes.  A broken file is reported (file, key, fix) and skipped;
  the others load.  A file is rewritten only when the user saves that profile
  from the app -- and then its comments are lost, since TOML writers do not keep
  them (the saved file says so in a header, and ``profiles edit`` warns first).
* Saving is atomic: a temp file in the same folder, flushed and fsynced, then
  ``os.replace``; the file is mode 0600.  A crash leaves the old file intact.
* File names are safe slugs of the profile name, so ``../../etc/x`` is stored as
  ``etc-x.toml`` inside the folder, and a save never clobbers another profile's
  file (a clash gets ``-2``).  Renames go through ``previous_name``.
* With ``with_builtin=True`` (the default) :meth:`load` also lists the bundled
  ``demo`` profile unless the folder has its own ``demo``, so ``smtptui check demo``
  works before the user has created anything.
* External edits are seen: :meth:`load` always reads the folder, and
  :meth:`token` / :meth:`changed_since` let a UI poll cheaply (mtime scan).
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from smtptui.profiles.errors import ProfileError, close_names, sentence
from smtptui.profiles.model import SAVED_HEADER, Profile

_RESERVED = {"con", "prn", "aux", "nul"} | {f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)}

#: what :meth:`ProfileStore.token` returns: (file name, mtime_ns, size) per file
StoreToken = tuple[tuple[str, int, int], ...]


def default_folder() -> Path:
    """``$SMTPTUI_PROFILES_DIR``, else the user config folder + ``profiles``."""
    env = os.environ.get("SMTPTUI_PROFILES_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_config_path("smtptui") / "profiles"


def slugify(name: str) -> str:
    """A file-name stem for *name*: lower case, letters/digits/``.-_`` only, no ``..``."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[^\w.-]+", "-", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"-{2,}", "-", text).strip("-._")
    text = text[:64].strip("-._") or "profile"
    return f"{text}-profile" if text in _RESERVED else text


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The profiles that loaded, and one error per file that did not."""

    profiles: list[Profile] = field(default_factory=list)
    errors: list[ProfileError] = field(default_factory=list)

    def names(self) -> list[str]:
        return [p.name for p in self.profiles]


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_temp(folder: Path, stem: str, text: str) -> str:
    import tempfile  # only when something is saved

    fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            if os.name != "nt":
                os.fchmod(fh.fileno(), 0o600)
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def atomic_write(path: Path, text: str) -> None:
    """Replace *path* with *text* atomically, mode 0600 (temp + fsync + rename)."""
    tmp = _write_temp(path.parent, path.name, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_create(path: Path, text: str) -> bool:
    """Create *path* with *text* only if it does not exist yet; False if it did."""
    tmp = _write_temp(path.parent, path.name, text)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _fsync_dir(path.parent)
    return True


class ProfileStore:
    """The user's profiles folder (see the module docstring for the rules)."""

    def __init__(self, folder: Path | str | None = None, *, with_builtin: bool = True) -> None:
        self.folder = Path(folder).expanduser() if folder else default_folder()
        self.with_builtin = with_builtin

    def __repr__(self) -> str:
        return f"ProfileStore({str(self.folder)!r})"

    # -- reading --------------------------------------------------------------

    def files(self) -> list[Path]:
        """The ``*.toml`` files in the folder (hidden temp files excluded)."""
        try:
            return sorted(
                p for p in self.folder.glob("*.toml") if not p.name.startswith(".") and p.is_file()
            )
        except OSError:
            return []

    def token(self) -> StoreToken:
        """A cheap fingerprint of the folder; compare with :meth:`changed_since`."""
        out = []
        for path in self.files():
            with contextlib.suppress(OSError):
                st = path.stat()
                out.append((path.name, st.st_mtime_ns, st.st_size))
        return tuple(out)

    def changed_since(self, token: StoreToken) -> bool:
        """True when a file was added, removed or edited since *token* was taken."""
        return self.token() != token

    def _load_user(
        self, files: list[Path]
    ) -> tuple[list[tuple[Profile, Path]], list[ProfileError]]:
        loaded: list[tuple[Profile, Path]] = []
        errors: list[ProfileError] = []
        seen: dict[str, Path] = {}
        for path in files:
            try:
                profile = Profile.from_file(path)
            except ProfileError as exc:
                errors.append(exc)
                continue
            key = profile.name.casefold()
            if key in seen:
                errors.append(
                    ProfileError(
                        f"{path.name}: name {profile.name!r} is already used by {seen[key].name}; "
                        "give one of them another name",
                        path=path,
                        key="name",
                    )
                )
                continue
            seen[key] = path
            loaded.append((profile, path))
        return loaded, errors

    def load(self) -> LoadResult:
        """Read every profile file now; broken files go to ``errors``."""
        files = self.files()  # the folder is listed once
        loaded, errors = self._load_user(files)
        profiles = [p for p, _ in loaded]
        if self.with_builtin:
            from smtptui.profiles.bundled import bundled_profile

            demo = bundled_profile("demo")
            taken = {p.name.casefold() for p in profiles} | {p.stem.casefold() for p in files}
            if demo is not None and demo.name.casefold() not in taken:
                profiles.append(demo)
        return LoadResult(profiles=profiles, errors=errors)

    def reload(self) -> LoadResult:
        """Same as :meth:`load`; the name reads better after an external edit."""
        return self.load()

    def get(self, name: str) -> Profile | None:
        """The profile called *name* (case-insensitive), or whose slug is *name*."""
        profiles = self.load().profiles
        key = name.strip().casefold()
        for match in (
            lambda p: p.name.casefold() == key,
            lambda p: p.slug == key or p.slug == slugify(name),
            lambda p: p.source_path is not None and p.source_path.stem.casefold() == key,
        ):
            for profile in profiles:
                if match(profile):
                    return profile
        return None

    def require(self, name: str) -> Profile:
        """Like :meth:`get`, but an unknown name is a :class:`ProfileError` with close names."""
        profile = self.get(name)
        if profile is None:
            raise self.unknown(name)
        return profile

    def unknown(self, name: str) -> ProfileError:
        """``no profile named 'gmial' (did you mean 'gmail'?)`` for a missing profile."""
        names = self.load().names()
        close = close_names(name, names)
        if close:  # one to three names
            hint = sentence(
                f"profile.hint.did_you_mean_{len(close)}",
                **dict(zip(("first", "second", "third"), close, strict=False)),
            )
        elif names:
            hint = sentence("profile.hint.profiles", names=", ".join(names))
        else:
            hint = sentence("profile.hint.empty_folder", folder=self.folder)
        return ProfileError(sentence("profile.unknown", name=repr(name), hint=hint))

    # -- writing --------------------------------------------------------------

    def _file_of(self, name: str, loaded: list[tuple[Profile, Path]]) -> Path | None:
        key = name.casefold()
        return next((path for p, path in loaded if p.name.casefold() == key), None)

    def _free_path(self, stem: str, own: Path | None) -> Path:
        for n in range(1, 1000):
            candidate = self.folder / (f"{stem}.toml" if n == 1 else f"{stem}-{n}.toml")
            if candidate == own or not (candidate.exists() or candidate.is_symlink()):
                return candidate
        raise ProfileError(sentence("profile.save.no_file_name", stem=stem, folder=self.folder))

    def save(self, profile: Profile, *, previous_name: str | None = None) -> Path:
        """Write *profile* to its file (atomic, 0600) and return the path.

        Saving rewrites the whole file: comments in a hand-written file are lost.
        With *previous_name*, the profile is renamed: written under the new name,
        then the old file removed.  A name already used by another profile is refused.
        """
        profile = profile.replace()  # validate as if read from a file
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise ProfileError(
                sentence("profile.save.no_folder", folder=self.folder, reason=exc.strerror)
            ) from None
        loaded, _ = self._load_user(self.files())
        own = self._file_of(previous_name or profile.name, loaded)
        other = self._file_of(profile.name, loaded)
        if other is not None and other != own:
            raise ProfileError(sentence("profile.save.exists", name=profile.name, other=other.name))
        renamed = previous_name is not None and previous_name.casefold() != profile.name.casefold()
        if own is not None and (not renamed or own.stem == profile.slug):
            target = own
        else:
            target = self._free_path(profile.slug, own)
        real = target.resolve() if target.is_symlink() else target
        if real.parent.resolve() != self.folder.resolve() and not target.is_symlink():
            raise ProfileError(sentence("profile.save.outside", target=target))
        text = profile.to_toml(reveal_secrets=True, header=SAVED_HEADER)
        try:
            atomic_write(real, text)
        except OSError as exc:
            raise ProfileError(
                sentence("profile.save.failed", file=target.name, reason=exc.strerror or exc)
            ) from None
        if own is not None and own != target:
            with contextlib.suppress(FileNotFoundError):
                own.unlink()
        return target

    def delete(self, name: str) -> Path:
        """Remove the profile's file and return its path."""
        profile = self.get(name)
        if profile is None:
            raise self.unknown(name)
        if profile.bundled or profile.source_path is None:
            raise ProfileError(f"{profile.name!r} is bundled with smtptui and cannot be removed")
        path = profile.source_path
        try:
            path.unlink()
        except OSError as exc:
            raise ProfileError(f"cannot remove {path.name}: {exc.strerror or exc}") from None
        return path
