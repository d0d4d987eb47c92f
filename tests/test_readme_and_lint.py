"""The README's promises and the lint rules, checked like everything else."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from smtptui.cli import SUBCOMMANDS, main
from smtptui.profiles import Profile, bundled_profiles
from smtptui.protocol.errors import EXIT_CODES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_second():
    blocks = re.findall(r"```sh\n(.*?)```", README.split("## The dashboard")[0], re.S)
    assert len(blocks) == 2
    assert "smtptui --profile demo" in blocks[0] and "pip install ." in blocks[0]
    assert "pytest" in blocks[1]
    marker = README.index("<!-- test-command -->")
    assert README.index(blocks[1]) > marker
    ci = (ROOT / ".ci" / "run").read_text()
    assert blocks[1].strip() in ci  # the fallback copy in .ci/run matches


def test_readme_full_profile_example_is_valid():
    block = README.split("A complete profile:\n\n```toml\n")[1].split("```")[0]
    profile = Profile.from_toml(block)
    assert (
        profile.name == "QQ Mail" and profile.port == 465 and profile.auth.password.kind == "prompt"
    )


def test_readme_password_source_examples_are_valid():
    rows = re.findall(r"^\| `(\w+)` \| `(\{.*?\})` \|", README, re.M)
    assert {kind for kind, _ in rows} == {"prompt", "env", "command", "keyring", "plain"}
    for kind, table in rows:
        text = f'name = "x"\nhost = "h.example"\n[auth]\nmechanism = "login"\nusername = "u"\npassword = {table}\n'
        profile = Profile.from_toml(text.replace('value = "…"', 'value = "v"'))
        assert profile.auth.password.kind == kind


def test_readme_documents_every_subcommand_and_exit_code():
    for name in SUBCOMMANDS:
        assert f"smtptui {name}" in README, name
    table = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", README, re.M))
    for code in EXIT_CODES.values():
        assert str(code) in table
    assert {"0", "2", "28"} <= set(table)


def test_every_subcommand_has_help():
    for name in SUBCOMMANDS:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_bundled_examples_are_documented():
    for profile in bundled_profiles():
        assert f"{profile.slug}.toml" in README


def test_keymap_example_in_readme_parses():
    block = README.split("keymap.toml`")[1].split("```toml\n")[1].split("```")[0]
    assert tomllib.loads(block)["keymap"]["composer.send"] == "f9"


@pytest.mark.skipif(
    shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(),
    reason="ruff not installed",
)
def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    result = subprocess.run([ruff, "check", "--quiet", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    formatted = subprocess.run(
        [ruff, "format", "--check", "--quiet", str(ROOT)], capture_output=True, text=True
    )
    assert formatted.returncode == 0, "run `ruff format .`:\n" + formatted.stdout


def test_odd_smtptui_lang_values_never_break_a_command(monkeypatch):
    for value in ("fr", "zh_CN.UTF-8", "zh-Hans"):
        monkeypatch.setenv("SMTPTUI_LANG", value)
        result = CliRunner().invoke(main, ["explain", "535"])
        assert result.exit_code == 0, (value, result.output)
