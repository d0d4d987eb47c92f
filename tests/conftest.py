"""Shared fixtures: every test runs with its own config, data and profiles folders,
so nothing reads or writes the developer's real ones."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["tests.peers.fixtures", "tests.terminal.fixtures"]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    for var in (
        "SMTPTUI_PROFILES_DIR",
        "SMTPTUI_LANG",
        "SMTPTUI_ISPDB_URL",
        "LANGUAGE",
        "LC_ALL",
        "LC_MESSAGES",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield home


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
