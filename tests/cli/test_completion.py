"""Shell completion, driven the way shells drive it: ``smtptui`` run with
click's protocol variables (``_SMTPTUI_COMPLETE``, ``COMP_WORDS``,
``COMP_CWORD``) in a process of its own, and the bash script itself in bash
(and at a real prompt in tmux)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from smtptui.cli.completion import profile_words
from smtptui.profiles import Profile, ProfileStore
from tests.peers.fixtures import require_tool

BIN = Path(sys.executable).parent

#: the profiles every test's folder holds; "QQ Mail" needs quoting, so it completes as its slug
NAMES = ("alpha", "beta", "QQ Mail")
WORDS = {"alpha", "beta", "qq-mail", "demo"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    store = ProfileStore(tmp_path / "profiles", with_builtin=False)
    for i, name in enumerate(NAMES):
        store.save(Profile(name=name, host=f"smtp{i}.example.com", port=465, security="tls"))
    return store.folder


def complete(shell: str, line: str, env: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """``(type, value)`` of what ``smtptui`` answers ``shell`` for the command
    line ``line`` (the cursor at its end)."""
    words = line.split()
    if shell == "fish":  # fish passes the whole line and the word being typed
        cword = "" if line.endswith(" ") else words[-1]
    else:
        cword = str(len(words) if line.endswith(" ") else len(words) - 1)
    proc_env = {
        **os.environ,
        **(env or {}),
        "_SMTPTUI_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": cword,
    }
    out = subprocess.run(
        [sys.executable, "-m", "smtptui"],
        env=proc_env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 0 and not out.stderr, out.stderr
    if shell == "zsh":  # type, value, help: three lines each
        lines = out.stdout.split("\n")
        return [(lines[i], lines[i + 1].replace("\\:", ":")) for i in range(0, len(lines) - 2, 3)]
    items = []
    for row in out.stdout.splitlines():
        kind, _, value = row.partition(",")
        items.append((kind, value.split("\t")[0]))
    return items


def values(items: list[tuple[str, str]]) -> set[str]:
    return {value for kind, value in items if kind == "plain"}


SHELLS = ("bash", "zsh", "fish")


@pytest.mark.parametrize("shell", SHELLS)
def test_a_profile_name_completes_in_every_shell(shell, folder):
    env = {"SMTPTUI_PROFILES_DIR": str(folder)}
    assert values(complete(shell, "smtptui check ", env)) == WORDS
    assert values(complete(shell, "smtptui check al", env)) == {"alpha"}
    assert values(complete(shell, "smtptui check Q", env)) == {"qq-mail"}


@pytest.mark.parametrize("shell", SHELLS)
def test_an_option_s_choices_complete_in_every_shell(shell):
    assert values(complete(shell, "smtptui check --security ")) == {"plain", "starttls", "tls"}
    assert values(complete(shell, "smtptui --lang ")) == {"en", "zh"}
    assert values(complete(shell, "smtptui send x --quit-after r")) == {"rcpt"}
    assert "cram-md5" in values(complete(shell, "smtptui swaks x --auth "))


@pytest.mark.parametrize("shell", SHELLS)
def test_sub_commands_and_options_complete(shell):
    assert {"check", "send", "profiles", "completion", "help"} <= values(
        complete(shell, "smtptui ")
    )
    assert values(complete(shell, "smtptui profiles s")) == {"show"}
    assert "--quit-after" in values(complete(shell, "smtptui send x --q"))
    assert values(complete(shell, "smtptui help pro")) == {"profiles"}
    assert values(complete(shell, "smtptui help profiles s")) == {"show"}


@pytest.mark.parametrize(
    "line",
    [
        "smtptui check ",
        "smtptui send ",
        "smtptui swaks ",
        "smtptui load ",
        "smtptui compare ",
        "smtptui compare alpha ",
        "smtptui profiles show ",
        "smtptui profiles edit ",
        "smtptui profiles rm ",
        "smtptui profiles path ",
        "smtptui --profile ",
    ],
)
def test_profile_names_complete_wherever_a_profile_is_accepted(line, folder):
    assert values(complete("bash", line, {"SMTPTUI_PROFILES_DIR": str(folder)})) == WORDS


def test_a_new_profile_s_name_is_not_completed_from_the_existing_ones(folder):
    assert (
        values(complete("bash", "smtptui profiles add ", {"SMTPTUI_PROFILES_DIR": str(folder)}))
        == set()
    )


@pytest.mark.parametrize(
    "line",
    [
        "smtptui --profiles-dir {folder} check ",
        "smtptui check --profiles-dir {folder} ",
        "smtptui profiles show --profiles-dir {folder} ",
    ],
)
def test_the_profiles_folder_on_the_command_line_is_the_one_completed(line, folder):
    assert values(complete("bash", line.format(folder=folder))) == WORDS


def test_the_folder_completed_is_the_folder_the_command_uses(folder):
    """``smtptui --profiles-dir D swaks <TAB>`` offers D's profiles, and
    ``smtptui --profiles-dir D swaks alpha`` then uses D's alpha."""
    assert "alpha" in values(complete("bash", f"smtptui --profiles-dir {folder} swaks "))
    out = subprocess.run(
        [sys.executable, "-m", "smtptui", "--profiles-dir", str(folder), "swaks", "alpha",
         "--to", "x@example.com"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 0 and "--server smtp0.example.com:465" in out.stdout, out.stderr


def test_completing_loads_neither_the_dashboard_nor_the_engine(folder):
    code = (
        "import atexit, os, sys\n"
        "atexit.register(lambda: print(sorted({m.split('.')[0] for m in sys.modules"
        " if m.startswith(('textual', 'rich', 'smtptui.ui', 'smtptui.protocol.session'))})))\n"
        "sys.argv = ['smtptui']\n"
        "from smtptui.launch import main\n"
        "main()\n"
    )
    env = {
        **os.environ,
        "_SMTPTUI_COMPLETE": "bash_complete",
        "COMP_WORDS": "smtptui send ",
        "COMP_CWORD": "2",
        "SMTPTUI_PROFILES_DIR": str(folder),
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert "plain,alpha" in out.stdout.splitlines()
    assert out.stdout.splitlines()[-1] == "[]"


def test_file_and_folder_options_complete_paths():
    assert complete("bash", "smtptui check --ca-file ") == [("file", "")]
    assert complete("bash", "smtptui send x --attach ") == [("file", "")]
    assert complete("bash", "smtptui --profiles-dir ") == [("dir", "")]


def _raw(shell: str, line: str, cword: str, folder: Path) -> str:
    env = {**os.environ, "SMTPTUI_PROFILES_DIR": str(folder)}
    env.update(_SMTPTUI_COMPLETE=f"{shell}_complete", COMP_WORDS=line, COMP_CWORD=cword)
    return subprocess.run(
        [sys.executable, "-m", "smtptui"], env=env, capture_output=True, text=True, timeout=60
    ).stdout


def test_zsh_and_fish_describe_each_profile(folder):
    described = "QQ Mail (smtp2.example.com:465)"
    assert _raw("fish", "smtptui check q", "q", folder).strip() == f"plain,qq-mail\t{described}"
    assert _raw("zsh", "smtptui check q", "2", folder).strip().split("\n") == [
        "plain",
        "qq-mail",
        described,
    ]


def test_completion_offers_what_the_store_loads(tmp_path):
    """Same files, same names, same duplicate rule, demo unless the folder has
    its own: every word offered resolves to a profile the store loads, and
    every profile it loads is offered."""
    folder = tmp_path / "p"
    store = ProfileStore(folder)
    store.save(Profile(name="alpha", host="a.example", port=25, security="plain"))
    store.save(Profile(name="Büro Server", host="b.example", port=587, security="starttls"))
    (folder / "dup.toml").write_text('name = "ALPHA"\nhost = "c.example"\n', encoding="utf-8")
    (folder / "broken.toml").write_text("name = \n", encoding="utf-8")
    (folder / ".hidden.toml").write_text('name = "hidden"\nhost = "h.example"\n')
    (folder / "notes.txt").write_text('name = "notes"\n')
    (folder / "demo.toml").write_text('name = "my demo"\nhost = "d.example"\n')
    offered = [word for word, _ in profile_words(str(folder))]
    loaded = store.load()
    assert sorted(store.require(word).name for word in offered) == sorted(loaded.names())
    assert "demo" not in offered  # the folder's demo.toml hides the bundled one


def test_the_bundled_demo_is_offered_in_an_empty_or_missing_folder(tmp_path):
    assert [w for w, _ in profile_words(str(tmp_path / "none"))] == ["demo"]


# -- the scripts -------------------------------------------------------------


def _script(shell: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "smtptui", "completion", shell],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_completion_prints_a_script_for_each_shell():
    assert "complete -o nosort -F _smtptui_completion smtptui" in _script("bash")
    assert _script("zsh").startswith("#compdef smtptui")
    assert "complete --no-files --command smtptui" in _script("fish")
    bad = subprocess.run(
        [sys.executable, "-m", "smtptui", "completion", "tcsh"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def _shell_env(folder: Path) -> dict[str, str]:
    """The venv's ``smtptui`` first on PATH, as after the README's install."""
    assert (BIN / "smtptui").exists(), "the smtptui console script is not installed"
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "SMTPTUI_PROFILES_DIR": str(folder),
    }


def test_bash_runs_the_script_and_offers_profile_names_for_check(tmp_path, folder):
    script = tmp_path / "smtptui.bash"
    script.write_text(_script("bash"))
    bash = shutil.which("bash")
    assert bash is not None
    code = (
        f"source {script}\n"
        'COMP_WORDS=(smtptui check ""); COMP_CWORD=2\n'
        "_smtptui_completion smtptui\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    out = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", code],
        env=_shell_env(folder),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert set(out.stdout.split()) == WORDS, out.stderr


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_accept_the_script(shell, tmp_path):
    binary = require_tool(shell)
    script = tmp_path / f"smtptui.{shell}"
    script.write_text(_script(shell))
    check = [binary, "-n", str(script)] if shell == "zsh" else [binary, "--no-execute", str(script)]
    out = subprocess.run(check, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_fish_completes_profile_names_with_the_script(tmp_path, folder):
    fish = require_tool("fish")
    script = tmp_path / "smtptui.fish"
    script.write_text(_script("fish"))
    out = subprocess.run(
        [fish, "--no-config", "-c", f"source {script}; complete -C 'smtptui check '"],
        env=_shell_env(folder),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert {line.split("\t")[0] for line in out.stdout.splitlines()} == WORDS, out.stderr


#: how each shell starts without the user's settings, loads the script, and lists choices
PROMPTS = {
    "bash": ("bash --norc --noprofile -i", "source {script}", ("Tab", "Tab")),
    "zsh": ("zsh -f -i", "autoload -U compinit && compinit -u && source {script}", ("Tab",)),
}


@pytest.mark.tmux
@pytest.mark.parametrize("shell", sorted(PROMPTS))
def test_tab_at_a_real_prompt_lists_the_profiles(shell, tmux, tmp_path, folder):
    """The issue's "done when": ``smtptui check <TAB>`` offers the profile names."""
    require_tool(shell)
    start, load, keys = PROMPTS[shell]
    script = tmp_path / f"smtptui.{shell}"
    script.write_text(_script(shell))
    socket = f"smtptui-complete-{uuid.uuid4().hex[:8]}"
    env = {**_shell_env(folder), "TERM": "xterm-256color", "PS1": "$ "}

    def run(*args: str) -> str:
        return subprocess.run(
            [tmux, "-L", socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=20,
        ).stdout

    run("new-session", "-d", "-s", "main", "-x", "120", "-y", "30", start)
    try:
        run("send-keys", "-t", "main", load.format(script=script), "Enter")
        run("send-keys", "-t", "main", "smtptui check ", *keys)
        screen = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            screen = run("capture-pane", "-p", "-t", "main").partition("smtptui check")[2]
            if all(word in screen for word in WORDS):
                break
            time.sleep(0.1)
        assert all(word in screen for word in WORDS), screen
    finally:
        run("kill-server")
