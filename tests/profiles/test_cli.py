"""``smtptui profiles ...`` as a user sees it: output, exit status, and no secrets."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from smtptui.cli import main

from .conftest import HAND_WRITTEN

SECRET = "Sup3rS3cret!"


@pytest.fixture
def run(folder: Path):
    def _run(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        runner = CliRunner()
        result = runner.invoke(
            main,
            ["profiles", *args],
            input=input,
            env={"SMTPTUI_PROFILES_DIR": str(folder), **(env or {})},
        )
        assert "Traceback" not in result.output
        assert SECRET not in result.output and SECRET not in (result.stderr or "")
        return result

    return _run


def test_init_then_list_shows_the_examples(run, folder):
    init = run("init")
    assert init.exit_code == 0
    assert "copied   qq.toml" in init.stdout and "6 copied, 0 skipped" in init.stdout
    assert "skipped  qq.toml (file exists)" in run("init").stdout
    listing = run("list")
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ADDRESS", "SECURITY", "AUTH", "TAGS"]
    qq = next(line for line in lines if line.startswith("qq "))
    assert "smtp.qq.com:465" in qq and "tls" in qq and "login as 12345678@qq.com (prompt)" in qq
    assert any(line.startswith("outlook ") and "smtp.office365.com:587" in line for line in lines)


def test_list_before_init_shows_the_bundled_demo(run):
    result = run("list")
    assert "demo (bundled)" in result.stdout and "127.0.0.1:587" in result.stdout


def test_list_filters_by_tag_and_speaks_json(run):
    run("init")
    tagged = run("list", "--tag", "cn").stdout
    assert "qq " in tagged and "163 " in tagged and "gmail" not in tagged
    data = json.loads(run("list", "--json", "--tag", "local").stdout)
    assert sorted(p["name"] for p in data["profiles"]) == ["demo", "local-postfix"]
    postfix = next(p for p in data["profiles"] if p["name"] == "local-postfix")
    assert postfix["port"] == 2526 and postfix["auth"]["password_source"] == "env"


def test_broken_files_are_errors_on_stderr_but_the_list_succeeds(run, folder):
    (folder / "typo.toml").write_text('hots = "x"\n')
    (folder / "ok.toml").write_text('host = "ok.example"\n')
    result = run("list")
    assert result.exit_code == 0
    assert "ok.example:25" in result.stdout
    assert "error: typo.toml: unknown key 'hots' (did you mean 'host'?)" in result.stderr
    data = json.loads(run("list", "--json").stdout)
    assert data["errors"][0]["key"] == "hots"


def test_show_masks_the_password(run, folder):
    path = folder / "corp.toml"
    path.write_text(
        f'host = "relay.example"\n[auth]\nusername = "me"\npassword = {{ source = "plain", value = "{SECRET}" }}\n'
    )
    os.chmod(path, 0o600)
    result = run("show", "corp")
    assert result.exit_code == 0
    assert 'value = "********"' in result.stdout
    assert "plain text" in result.stderr


def test_add_creates_a_private_file_and_validates(run, folder):
    result = run("add", "corp", "--host", "relay.corp.example", "--security", "starttls",
                 "--user", "me@corp.example", "--auth", "login", "--password-env", "CORP_PW",
                 "--tag", "work", "--from", "me@corp.example", "--to", "you@example.com")  # fmt: skip
    assert result.exit_code == 0, result.output
    path = folder / "corp.toml"
    assert f"saved corp to {path}" in result.stdout
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    shown = run("show", "corp").stdout
    assert 'host = "relay.corp.example"' in shown and "port = 587" in shown
    assert 'name = "CORP_PW"' in shown
    again = run("add", "corp", "--host", "x.example")
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_add_with_a_plain_password_reads_it_hidden_and_never_prints_it(run, folder):
    result = run("add", "corp", "--host", "relay.example", "--user", "me",
                 "--password-source", "plain", input=SECRET + "\n")  # fmt: skip
    assert result.exit_code == 0
    assert SECRET in (folder / "corp.toml").read_text()
    assert "plain text" in result.stderr


def test_a_password_on_the_command_line_is_refused(run):
    result = run("add", "corp", "--host", "relay.example", "--set", f"auth.password.value={SECRET}")
    assert result.exit_code == 2
    assert "never given on the command line" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "x", "--host", "h.example", "--port", "70000"], "70000"),
        (["add", "x", "--host", "bad host"], "host is not a host name"),
        (
            ["add", "x", "--host", "h.example", "--set", "hots=y"],
            "unknown key 'hots' (did you mean 'host'?)",
        ),
        (["add", "x", "--host", "h.example", "--password-source", "env"], "--password-env VAR"),
        (["show", "nope"], "no profile named 'nope'"),
        (["edit", "demo"], "nothing to change"),
    ],
)
def test_errors_are_one_line_with_exit_status_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    if args[0] != "add" or "--port" not in args:
        assert len(result.stderr.strip().splitlines()) == 1


def test_edit_sets_dotted_keys_and_warns_about_comments(run, folder):
    path = folder / "qq.toml"
    path.write_text(HAND_WRITTEN)
    os.chmod(path, 0o600)
    result = run("edit", "QQ Mail", "--set", "auth.username=99@qq.com", "--set", "tls.verify=false",
                 "--set", "port=587", "--set", "security=starttls")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "qq.toml has comments" in result.stderr
    shown = run("show", "qq mail").stdout
    assert 'username = "99@qq.com"' in shown and "verify = false" in shown and "port = 587" in shown


def test_edit_rejects_an_invalid_change_without_touching_the_file(run, folder):
    path = folder / "qq.toml"
    path.write_text(HAND_WRITTEN)
    os.chmod(path, 0o600)
    result = run("edit", "QQ Mail", "--set", "tls.verify=maybe")
    assert result.exit_code == 2 and "tls.verify must be true or false" in result.stderr
    assert path.read_text() == HAND_WRITTEN


def test_edit_keeps_a_numeric_username_as_text(run, folder):
    run("add", "qq", "--host", "smtp.qq.com", "--user", "x@qq.com")
    assert run("edit", "qq", "--set", "auth.username=12345678").exit_code == 0
    assert 'username = "12345678"' in run("show", "qq").stdout


def test_edit_renames_with_name(run, folder):
    run("add", "qq", "--host", "smtp.qq.com")
    assert run("edit", "qq", "--set", "name=QQ Mail").exit_code == 0
    assert not (folder / "qq.toml").exists() and (folder / "qq-mail.toml").exists()


def test_rm_asks_and_yes_skips_the_question(run, folder):
    run("add", "gone", "--host", "h.example")
    refused = run("rm", "gone", input="n\n")
    assert refused.exit_code == 1 and (folder / "gone.toml").exists()
    assert run("rm", "gone", input="y\n").exit_code == 0
    assert not (folder / "gone.toml").exists()
    run("add", "gone", "--host", "h.example")
    assert run("rm", "gone", "--yes").exit_code == 0
    bundled = run("rm", "demo", "--yes")
    assert bundled.exit_code == 2 and "bundled" in bundled.stderr


def test_path_prints_the_folder_or_a_profile_file(run, folder):
    assert run("path").stdout.strip() == str(folder)
    run("add", "x", "--host", "h.example")
    assert run("path", "x").stdout.strip() == str(folder / "x.toml")


def test_each_subcommand_takes_profiles_dir_and_so_does_the_top_level(tmp_path):
    runner = CliRunner()
    mine = tmp_path / "elsewhere"
    assert (
        runner.invoke(
            main, ["profiles", "add", "x", "--host", "h.example", "--profiles-dir", str(mine)]
        ).exit_code
        == 0
    )
    assert (mine / "x.toml").exists()
    top = runner.invoke(main, ["--profiles-dir", str(mine), "profiles", "list"])
    assert "h.example:25" in top.stdout
    env = runner.invoke(main, ["profiles", "path"], env={"SMTPTUI_PROFILES_DIR": str(mine)})
    assert env.stdout.strip() == str(mine)
