"""The profiles folder: lenient loading, atomic 0600 saves, safe names, nothing lost."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtptui.profiles import Profile, ProfileError, ProfileStore, default_folder, slugify
from smtptui.profiles.model import SAVED_HEADER

from .conftest import HAND_WRITTEN


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_broken_file_is_reported_and_the_rest_still_load(store, write):
    write("qq.toml", HAND_WRITTEN)
    write("typo.toml", 'hots = "x"\n')
    write("syntax.toml", "host = \n")
    result = store.load()
    assert "QQ Mail" in result.names()
    messages = sorted(str(e) for e in result.errors)
    assert messages[0].startswith("syntax.toml: line 1:")
    assert messages[1] == "typo.toml: unknown key 'hots' (did you mean 'host'?)"


def test_loading_never_rewrites_a_file(store, write):
    path = write("qq.toml", HAND_WRITTEN)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    store.load()
    store.get("qq mail")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_the_bundled_demo_is_available_until_the_user_has_their_own(store, write):
    demo = store.get("demo")
    assert demo is not None and demo.bundled and demo.builtin_server
    write("demo.toml", 'name = "demo"\nhost = "10.0.0.5"\n')
    mine = store.get("demo")
    assert not mine.bundled and mine.host == "10.0.0.5"
    assert [p.name for p in store.load().profiles].count("demo") == 1
    assert ProfileStore(store.folder, with_builtin=False).load().names() == ["demo"]


def test_save_writes_a_0600_file_named_after_the_profile(store):
    path = store.save(Profile(name="Corp Relay", host="relay.example.com"))
    assert path == store.folder / "corp-relay.toml"
    if os.name != "nt":
        assert mode(path) == 0o600
    assert path.read_text().startswith(SAVED_HEADER)
    assert store.get("corp relay").host == "relay.example.com"
    assert not [p for p in store.folder.iterdir() if p.name.startswith(".")]


def test_save_creates_a_missing_folder(tmp_path):
    store = ProfileStore(tmp_path / "a" / "b")
    store.save(Profile(name="x", host="h.example"))
    assert (tmp_path / "a" / "b" / "x.toml").exists()


@pytest.mark.parametrize(
    "name", ["../../etc/x", "/etc/passwd", "..", "a/../../b", "con", "\x00evil"]
)
def test_hostile_names_stay_inside_the_folder(store, name):
    path = store.save(Profile(name=name.replace("\x00", "") or "x", host="h.example"))
    assert path.parent == store.folder
    assert path.resolve().parent == store.folder.resolve()
    assert not path.name.startswith(".")


def test_slug_of_a_traversal_name():
    assert slugify("../../etc/x") == "etc-x"
    assert slugify("QQ 邮箱") == "qq-邮箱"
    assert slugify("") == "profile"


def test_interrupted_save_leaves_the_old_file_intact(store, write, monkeypatch):
    path = write("qq.toml", HAND_WRITTEN)
    profile = store.get("QQ Mail")

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ProfileError, match="No space left"):
        store.save(profile.replace(host="smtp.exmail.qq.com"))
    assert path.read_text() == HAND_WRITTEN
    assert sorted(p.name for p in store.folder.iterdir()) == ["qq.toml"]


def test_save_crashing_mid_write_leaves_no_temp_file(store, write, monkeypatch):
    path = write("qq.toml", HAND_WRITTEN)
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(ProfileError):
        store.save(store.get("QQ Mail").replace(port=587))
    assert path.read_text() == HAND_WRITTEN
    assert sorted(p.name for p in store.folder.iterdir()) == ["qq.toml"]


def test_saving_from_the_app_rewrites_that_file_in_place(store, write):
    path = write("my qq.toml", HAND_WRITTEN)
    saved = store.save(store.get("QQ Mail").replace(port=587, security="starttls"))
    assert saved == path
    assert "# My QQ account" not in path.read_text()  # comments are lost, as documented
    assert store.get("QQ Mail").port == 587


def test_save_never_clobbers_another_profiles_file(store, write):
    other = write("corp.toml", 'name = "Corporate"\nhost = "relay.corp.example"\n')
    path = store.save(Profile(name="corp", host="other.example"))
    assert path == store.folder / "corp-2.toml"
    assert other.read_text().startswith('name = "Corporate"')


def test_save_does_not_overwrite_a_broken_file(store, write):
    broken = write("x.toml", "this is not toml = = =\n")
    path = store.save(Profile(name="x", host="h.example"))
    assert path != broken and broken.read_text() == "this is not toml = = =\n"


def test_a_second_profile_with_the_same_name_is_refused(store):
    store.save(Profile(name="corp", host="a.example"))
    with pytest.raises(ProfileError, match="already exists"):
        store.save(Profile(name="Corp", host="b.example"), previous_name="other")


def test_rename_moves_the_file(store):
    old = store.save(Profile(name="qq", host="smtp.qq.com", security="tls"))
    renamed = store.get("qq").replace(name="QQ Mail")
    new = store.save(renamed, previous_name="qq")
    assert new == store.folder / "qq-mail.toml"
    assert not old.exists()
    assert store.load().names() == ["QQ Mail", "demo"]


def test_rename_onto_an_existing_name_is_refused(store):
    store.save(Profile(name="a", host="a.example"))
    store.save(Profile(name="b", host="b.example"))
    with pytest.raises(ProfileError, match="'b' already exists"):
        store.save(store.get("a").replace(name="b"), previous_name="a")
    assert store.get("a").host == "a.example"


def test_delete_removes_the_file_and_refuses_the_bundled_demo(store):
    path = store.save(Profile(name="gone", host="h.example"))
    assert store.delete("GONE") == path and not path.exists()
    with pytest.raises(ProfileError, match="bundled"):
        store.delete("demo")
    with pytest.raises(ProfileError, match="no profile named 'gnoe'"):
        store.delete("gnoe")


def test_external_edits_are_picked_up(store, write):
    path = write("x.toml", 'name = "x"\nhost = "a.example"\n')
    token = store.token()
    assert not store.changed_since(token)
    path.write_text('name = "x"\nhost = "b.example"\nport = 2525\n')
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert store.changed_since(token)
    assert store.reload().profiles[0].host == "b.example"
    write("y.toml", 'host = "c.example"\n')
    assert store.changed_since(token)
    assert store.get("y").host == "c.example"


def test_duplicate_names_in_two_files_are_reported(store, write):
    write("a.toml", 'name = "same"\nhost = "a.example"\n')
    write("b.toml", 'name = "Same"\nhost = "b.example"\n')
    result = store.load()
    assert result.names().count("same") == 1
    assert "already used by a.toml" in str(result.errors[0])


def test_get_matches_case_insensitively_and_by_slug(store):
    store.save(Profile(name="QQ Mail", host="smtp.qq.com"))
    assert store.get("qq mail").name == "QQ Mail"
    assert store.get("qq-mail").name == "QQ Mail"
    assert store.get("nope") is None


def test_default_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SMTPTUI_PROFILES_DIR", str(tmp_path / "mine"))
    assert ProfileStore().folder == tmp_path / "mine"
    monkeypatch.delenv("SMTPTUI_PROFILES_DIR")
    assert default_folder() == Path(os.environ["XDG_CONFIG_HOME"]) / "smtptui" / "profiles"


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_saving_a_symlinked_profile_writes_through_the_link(store, tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "qq.toml"
    real.write_text(HAND_WRITTEN)
    os.chmod(real, 0o600)
    link = store.folder / "qq.toml"
    link.symlink_to(real)
    assert store.save(store.get("QQ Mail").replace(port=587)) == link
    assert link.is_symlink()
    assert "port = 587" in real.read_text()


@given(st.text(min_size=1, max_size=120))
def test_any_name_slugs_to_a_plain_file_name(name):
    slug = slugify(name)
    assert slug and "/" not in slug and "\\" not in slug and ".." not in slug
    assert not slug.startswith((".", "-")) and len(slug) <= 64
    assert Path("/profiles", f"{slug}.toml").parent == Path("/profiles")


_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


@given(
    name=_text.filter(lambda s: s.strip() and not any(ord(c) < 32 or ord(c) == 127 for c in s)),
    notes=_text,
    subject=_text.filter(lambda s: not any(ord(c) < 32 or ord(c) == 127 for c in s)),
    password=_text.filter(lambda s: s and s != "********"),
)
def test_any_profile_survives_a_save_and_load_round_trip(name, notes, subject, password):
    from smtptui.profiles import AuthSettings, MessageDefaults, PasswordSource
    from smtptui.protocol.secret import Secret

    profile = Profile(
        name=name.strip(),
        host="smtp.example.com",
        notes=notes,
        auth=AuthSettings("login", "me", PasswordSource("plain", value=Secret(password))),
        message=MessageDefaults(subject=subject or None, body=notes or None),
    )
    again = Profile.from_toml(profile.to_toml(reveal_secrets=True), Path("x.toml"))
    assert again == profile
    assert again.auth.password.value.reveal() == password
