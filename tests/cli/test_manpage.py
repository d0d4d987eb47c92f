"""smtptui(1): written from the command line's own help, shipped with the
package, and shown by ``smtptui help``."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from smtptui.cli.manpage import MANPAGE, render_manpage
from tests.peers.fixtures import require_tool

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _smtptui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smtptui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_the_shipped_man_page_is_the_one_the_current_help_gives():
    assert MANPAGE.read_text(encoding="utf-8") == render_manpage(), (
        "smtptui/man/smtptui.1 is out of date with the --help texts: "
        "run python -m smtptui.cli.manpage --write"
    )


def test_the_page_is_written_from_the_help_not_kept_by_hand(monkeypatch):
    from smtptui.cli.check_cmd import check

    monkeypatch.setattr(check, "help", "Check a server.\n\nA sentence only this test writes.")
    page = render_manpage()
    assert "A sentence only this test writes." in page
    assert page != MANPAGE.read_text(encoding="utf-8")


def test_every_command_and_option_is_in_the_page():
    from smtptui.cli import main
    from smtptui.launch import SUBCOMMANDS

    page = render_manpage()
    for name in SUBCOMMANDS:
        assert f'.SS "smtptui {name} ' in page
    for param in main.params:
        for flag in param.opts:
            assert flag.replace("-", "\\-") in page
    for profile_command in ("add", "edit", "init", "list", "path", "rm", "show"):
        assert f'.SS "smtptui profiles {profile_command} ' in page


def test_groff_reads_the_page_without_a_warning():
    out = subprocess.run(
        [require_tool("groff"), "-k", "-man", "-Tutf8", "-ww", "-z", str(MANPAGE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and out.stderr == ""


def test_smtptui_help_shows_the_page_with_man():
    require_tool("man")
    out = _smtptui("help", env={**os.environ, "MANWIDTH": "100"})
    assert out.returncode == 0, out.stderr
    assert "SMTPTUI(1)" in out.stdout
    assert "smtptui check [OPTIONS] [TARGET]" in out.stdout
    assert "--profiles-dir" in out.stdout  # dashes stay dashes a reader can copy


def test_smtptui_help_without_man_prints_the_help_texts(tmp_path):
    python_only = tmp_path / "bin"
    python_only.mkdir()
    (python_only / "python").symlink_to(sys.executable)
    env = {**os.environ, "PATH": str(python_only), "PAGER": "cat"}
    out = _smtptui("help", env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Usage: smtptui [OPTIONS] [COMMAND] [ARGS]...")
    assert "Usage: smtptui profiles show [OPTIONS] NAME" in out.stdout


def test_smtptui_help_command_is_the_command_s_help():
    assert (
        _smtptui("help", "profiles", "show").stdout == _smtptui("profiles", "show", "--help").stdout
    )
    bad = _smtptui("help", "chekc")
    assert bad.returncode == 2 and "no command 'chekc'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_smtptui_help_path_names_the_shipped_page():
    out = _smtptui("help", "--path")
    assert Path(out.stdout.strip()) == MANPAGE and MANPAGE.is_file()


def test_the_package_ships_and_installs_the_page():
    """Package data (``smtptui help`` reads it) and ``share/man/man1`` (``man smtptui``)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert "man/*.1" in setuptools["package-data"]["smtptui"]
    installed = setuptools["data-files"]["share/man/man1"]
    assert [ROOT / path for path in installed] == [MANPAGE]
