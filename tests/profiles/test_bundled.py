"""The examples shipped with smtptui: correct servers, provider quirks, copied safely."""

from __future__ import annotations

import os
import stat
from importlib.resources import files
from pathlib import Path

import pytest

from smtptui.profiles import ProfileStore, bundled_profile, bundled_profiles, copy_examples

REPO_PROFILES = Path(__file__).resolve().parents[2] / "profiles"
EXPECTED = {
    "demo": ("127.0.0.1", "starttls"),
    "qq": ("smtp.qq.com", 465, "tls"),
    "163": ("smtp.163.com", 465, "tls"),
    "gmail": ("smtp.gmail.com", 587, "starttls"),
    "outlook": ("smtp.office365.com", 587, "starttls"),
    "local-postfix": ("127.0.0.1", 2526, "starttls"),
}


def test_every_example_loads_with_the_right_server():
    profiles = {p.name: p for p in bundled_profiles()}
    assert set(profiles) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        p = profiles[name]
        assert p.bundled
        if len(expected) == 3:
            assert (p.host, p.port, p.security) == expected
    assert profiles["local-postfix"].tags == ("local",)


def test_the_demo_uses_the_built_in_server_and_the_public_demo_login():
    demo = bundled_profile("demo")
    assert demo.builtin_server and demo.host == "127.0.0.1" and demo.security == "starttls"
    assert (demo.auth.mechanism, demo.auth.username) == ("login", "demo")
    assert demo.auth.password.kind == "plain" and demo.auth.password.value.reveal() == "demo"


def test_examples_explain_each_providers_quirk():
    text = {p.name: p.source_path.read_text(encoding="utf-8") for p in bundled_profiles()}
    assert "授权码" in text["qq"] and "NOT your QQ password" in text["qq"]
    assert "授权码" in text["163"]
    assert "app password" in text["gmail"] and "XOAUTH2" in text["gmail"].upper()
    assert "SMTP AUTH must be enabled" in text["outlook"] and "587" in text["outlook"]


def test_package_resources_are_the_repo_examples():
    root = files("smtptui.profiles") / "examples"
    names = sorted(e.name for e in root.iterdir() if e.name.endswith(".toml"))
    assert names == sorted(p.name for p in REPO_PROFILES.glob("*.toml"))
    for name in names:
        assert (root / name).read_bytes() == (REPO_PROFILES / name).read_bytes()


def test_init_copies_every_example_byte_for_byte_and_private(tmp_path):
    folder = tmp_path / "profiles"
    report = copy_examples(folder)
    assert sorted(p.name for p in report.copied) == sorted(
        p.name for p in REPO_PROFILES.glob("*.toml")
    )
    for path in report.copied:
        assert path.read_bytes() == (REPO_PROFILES / path.name).read_bytes()
        if os.name != "nt":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    result = ProfileStore(folder).load()
    assert result.errors == []
    assert sorted(result.names()) == sorted(EXPECTED)
    assert not any(p.bundled for p in result.profiles)


def test_init_never_overwrites(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "qq.toml").write_text('name = "mine"\nhost = "my.example"\n')
    (folder / "my-gmail.toml").write_text('name = "gmail"\nhost = "my.example"\n')
    report = copy_examples(folder)
    skipped = {p.name: reason for p, reason in report.skipped}
    assert skipped["qq.toml"] == "file exists"
    assert skipped["gmail.toml"] == "profile 'gmail' exists in my-gmail.toml"
    assert (folder / "qq.toml").read_text() == 'name = "mine"\nhost = "my.example"\n'
    assert not (folder / "gmail.toml").exists()
    again = copy_examples(folder)
    assert again.copied == []


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_examples_symlink_points_at_the_top_level_folder():
    link = Path(__file__).resolve().parents[2] / "smtptui" / "profiles" / "examples"
    assert link.is_symlink() and link.resolve() == REPO_PROFILES.resolve()
