"""The console script: its fast path to the dashboard, the one table of the
dashboard's options, the refusal without a terminal, and ``--version``."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from importlib import metadata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtptui.cli import main
from smtptui.launch import DASHBOARD_OPTIONS, SUBCOMMANDS, parse_dashboard_options

SMTPTUI = [sys.executable, "-m", "smtptui"]


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SMTPTUI, *args], capture_output=True, text=True, timeout=60, **kwargs)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], {}),
        (["--profile", "demo"], {"profile_name": "demo"}),
        (["--lang=zh", "--profiles-dir", "/tmp/p"], {"lang": "zh", "profiles_dir": "/tmp/p"}),
    ],
)
def test_dashboard_options_take_the_fast_path(argv, expected):
    assert parse_dashboard_options(argv) == expected


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
    assert parse_dashboard_options(argv) is None


def test_the_click_group_declares_exactly_the_table_s_options():
    """Adding a dashboard option anywhere but the table fails here."""
    declared = {
        p.name: p for p in main.params if p.name not in ("version", "help") and not p.hidden
    }
    assert set(declared) == {o.dest for o in DASHBOARD_OPTIONS}
    for option in DASHBOARD_OPTIONS:
        param = declared[option.dest]
        assert param.opts == [option.flag]
        choices = tuple(getattr(param.type, "choices", ()))
        assert choices == option.choices
        assert param.envvar == option.envvar


_values = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_./", min_size=0, max_size=8)


@st.composite
def _argvs(draw):
    argv: list[str] = []
    for option in draw(st.lists(st.sampled_from(DASHBOARD_OPTIONS), max_size=4)):
        value = draw(st.sampled_from(option.choices) if option.choices else _values)
        if draw(st.booleans()):
            argv.append(f"{option.flag}={value}")
        else:
            argv += [option.flag, value]
    return argv


@given(_argvs())
def test_the_fast_parser_and_click_agree_on_every_command_line_the_fast_path_takes(argv):
    fast = parse_dashboard_options(argv)
    if fast is None:
        return  # click parses it (and explains what is wrong)
    ctx = main.make_context("smtptui", list(argv))  # (SMTPTUI_PROFILES_DIR unset: conftest)
    assert not ctx.args
    given_by_click = {k: v for k, v in ctx.params.items() if v is not None}
    assert given_by_click == fast


def test_help_and_version_still_work_through_the_entry_point():
    out = _run(["--version"])
    assert out.returncode == 0 and out.stdout.startswith("smtptui ")
    bad = _run(["--lang", "fr"])
    assert bad.returncode == 2 and "'fr' is not one of" in bad.stderr


def test_version_names_smtptui_python_the_libraries_and_openssl():
    import ssl

    from smtptui import __version__

    out = _run(["--version"])
    line = out.stdout.strip()
    assert out.returncode == 0 and "\n" not in line
    assert line.startswith(f"smtptui {__version__} (Python {sys.version.split()[0]}, ")
    for shown, dist in [
        ("Textual", "textual"),
        ("aiosmtpd", "aiosmtpd"),
        ("cryptography", "cryptography"),
        ("dnspython", "dnspython"),
        ("httpx", "httpx"),
    ]:
        assert f"{shown} {metadata.version(dist)}" in line
    assert " ".join(ssl.OPENSSL_VERSION.split()[:2]) in line


def test_version_does_not_import_the_libraries_it_names():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom smtptui.cli import main\n"
        "CliRunner().invoke(main, ['--version'])\n"
        "print(sorted(m for m in ('textual', 'aiosmtpd', 'cryptography', 'dns', 'httpx')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_the_dashboard_path_does_not_load_click():
    code = "import sys, smtptui.launch, smtptui.ui.app; print('click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "False"


def test_the_dashboard_panes_leave_the_email_package_and_event_classes_for_later():
    # what the first drawing of every pane needs, and what it must not pay for:
    # the email package (a trial build follows it) and the event classes
    # (an empty transcript has none) -- then both work when first used
    code = (
        "import sys, smtptui.ui.app\n"
        "from smtptui.ui.widgets import composer, reference_pane, session_panel, transcript_pane\n"
        "events = sys.modules['smtptui.protocol.events']\n"
        "print('email.message' in sys.modules, type(events).__name__ == 'module')\n"
        "from smtptui.transcript import event_lines\n"
        "from smtptui.protocol.events import Note\n"
        "print(event_lines(Note(text='hello'), start=0.0)[0].text)\n"
        "from smtptui.workspace.draft import ComposerFields, find_problems\n"
        "f = ComposerFields(sender='a@b.example', to='c@d.example', subject='s\\x07', body='b')\n"
        "print(sorted(find_problems(f, build=False)), sorted(find_problems(f)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    loaded, text, problems = out.stdout.splitlines()
    assert loaded == "False False"
    assert text.endswith("hello")
    # the trial build is the check that finds a control character in the subject
    assert problems == "[] ['subject']"


# -- no terminal, no dashboard ---------------------------------------------------


def _assert_refused(out: subprocess.CompletedProcess[str], stream: str) -> None:
    assert out.returncode == 2
    assert out.stdout == ""  # nothing drawn into the pipe
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert f"{stream} is not one" in lines[0]
    for name in ("check", "send", "profiles"):
        assert name in lines[0]
    assert "Traceback" not in out.stderr


def test_smtptui_into_a_pipe_refuses_with_one_sentence_naming_the_commands(tmp_path):
    out = _run(["--profiles-dir", str(tmp_path)], stdin=subprocess.DEVNULL)
    _assert_refused(out, "standard input")


def test_output_to_a_file_refuses_even_when_typed_at_a_terminal(tmp_path):
    """``smtptui > file`` at a prompt: stdin is the terminal, stdout is not."""
    primary, secondary = pty.openpty()
    try:
        out = _run([], stdin=secondary)
    finally:
        os.close(primary)
        os.close(secondary)
    _assert_refused(out, "standard output")


def test_the_refusal_speaks_the_chosen_language():
    out = _run(["--lang", "zh"], stdin=subprocess.DEVNULL)
    assert out.returncode == 2 and "标准输入不是终端" in out.stderr


def test_the_click_path_to_the_dashboard_refuses_too(tmp_path):
    """A command line the fast path leaves to click (an option twice) still ends
    in the dashboard, and so in the same refusal."""
    out = _run(["--lang", "zh", "--lang", "en"], stdin=subprocess.DEVNULL)
    _assert_refused(out, "standard input")


def test_the_refusal_names_every_command():
    out = _run([], stdin=subprocess.DEVNULL)
    for name in SUBCOMMANDS:
        assert name in out.stderr


def test_a_shell_asking_for_completions_gets_them_not_the_dashboard():
    env = {
        **os.environ,
        "_SMTPTUI_COMPLETE": "bash_complete",
        "COMP_WORDS": "smtptui ",
        "COMP_CWORD": "1",
    }
    out = _run([], env=env, stdin=subprocess.DEVNULL)
    assert out.returncode == 0 and "plain,check" in out.stdout.splitlines()
