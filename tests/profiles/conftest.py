"""Fixtures for the profiles tests: a private profiles folder and a file writer."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from smtptui.profiles import ProfileStore

HAND_WRITTEN = """\
# My QQ account -- written by hand, comments must survive loading.
name = "QQ Mail"
host = "smtp.qq.com"
port = 465
security = "tls"            # implicit TLS
helo = "workstation.local"
tags = ["cn", "personal"]

[auth]
mechanism = "login"         # auto | none | plain | login | cram-md5 | xoauth2
username = "12345@qq.com"
password = { source = "prompt" }

[tls]
verify = true

[message]
from = "12345@qq.com"
to = ["friend@example.com"]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "profiles"
    path.mkdir()
    return path


@pytest.fixture
def store(folder: Path) -> ProfileStore:
    return ProfileStore(folder)


WriteFile = Callable[..., Path]


@pytest.fixture
def write(folder: Path) -> WriteFile:
    """Write a profile file by hand (as a user would), mode 0600 unless told."""

    def _write(name: str, text: str, mode: int = 0o600) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        os.chmod(path, mode)
        return path

    return _write
