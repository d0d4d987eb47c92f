"""The console script's fast path to the dashboard, and its hand-off to the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from smtptui.launch import _tui_options


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], {}),
        (["--profile", "demo"], {"--profile": "demo"}),
        (["--lang=zh", "--profiles-dir", "/tmp/p"], {"--lang": "zh", "--profiles-dir": "/tmp/p"}),
    ],
)
def test_dashboard_options_take_the_fast_path(argv, expected):
    assert _tui_options(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "demo"],
        ["--help"],
        ["--version"],
        ["--lang", "fr"],
        ["--profile"],
        ["--profile", "--lang"],
        ["--profile", "a", "--profile", "b"],
        ["-h"],
    ],
)
def test_everything_else_goes_to_the_cli(argv):
    assert _tui_options(argv) is None


def test_help_and_version_still_work_through_the_entry_point():
    out = subprocess.run(
        [sys.executable, "-m", "smtptui", "--version"], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0 and "smtptui" in out.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "smtptui", "--lang", "fr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert bad.returncode == 2 and "'fr' is not one of" in bad.stderr


def test_the_dashboard_path_does_not_load_click():
    code = "import sys, smtptui.launch, smtptui.ui.app; print('click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "False"
