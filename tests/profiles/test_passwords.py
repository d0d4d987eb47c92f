"""Password sources: each one fetches the password, or fails with the fix -- never leaking it."""

from __future__ import annotations

import os
import sys
import traceback
import types
from pathlib import Path

import pytest

from smtptui.profiles import (
    AuthSettings,
    PasswordCache,
    PasswordSource,
    Profile,
    ProfileError,
    ProfileStore,
)
from smtptui.protocol.secret import Secret

PLAIN = """\
name = "corp"
host = "relay.example.com"
[auth]
mechanism = "login"
username = "me"
password = { source = "plain", value = "Sup3rS3cret!" }
"""


def test_env_source_reads_the_variable(monkeypatch):
    monkeypatch.setenv("SMTP_PW", "from-env")
    secret = PasswordSource("env", env="SMTP_PW").resolve()
    assert isinstance(secret, Secret) and secret.reveal() == "from-env"


def test_env_source_missing_variable_says_what_to_export(monkeypatch):
    monkeypatch.delenv("SMTP_PW", raising=False)
    with pytest.raises(
        ProfileError, match=r"environment variable SMTP_PW is not set; export SMTP_PW="
    ):
        PasswordSource("env", env="SMTP_PW").resolve()


def test_command_source_uses_the_first_line_without_a_shell():
    argv = (sys.executable, "-c", "print('first line'); print('second')")
    assert PasswordSource("command", argv=argv).resolve().reveal() == "first line"
    # a shell would expand $HOME; argv is passed as-is
    literal = (sys.executable, "-c", "import sys; print(sys.argv[1])", "$HOME;echo")
    assert PasswordSource("command", argv=literal).resolve().reveal() == "$HOME;echo"


def test_command_failure_never_echoes_its_output():
    argv = (
        sys.executable,
        "-c",
        "import sys; print('Sup3rS3cret!'); print('Sup3rS3cret!', file=sys.stderr); sys.exit(3)",
    )
    with pytest.raises(ProfileError) as info:
        PasswordSource("command", argv=argv).resolve()
    assert "exit status 3" in str(info.value)
    assert "Sup3rS3cret!" not in str(info.value)
    assert "Sup3rS3cret!" not in "".join(traceback.format_exception(info.value))


def test_command_timeout_is_a_clear_error():
    argv = (sys.executable, "-c", "import time; time.sleep(5)")
    with pytest.raises(ProfileError, match=r"did not finish within 0\.5 s"):
        PasswordSource("command", argv=argv).resolve(timeout=0.5)


def test_command_not_found_names_the_program():
    with pytest.raises(ProfileError, match="'no-such-password-tool' was not found"):
        PasswordSource("command", argv=("no-such-password-tool",)).resolve()


def test_command_printing_nothing_is_an_error():
    with pytest.raises(ProfileError, match="printed nothing"):
        PasswordSource("command", argv=(sys.executable, "-c", "pass")).resolve()


def test_keyring_missing_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # import fails
    with pytest.raises(ProfileError, match=r"pip install 'smtptui\[keyring\]'"):
        PasswordSource("keyring").resolve(username="me")


def test_keyring_source_asks_the_keyring_for_service_and_user(monkeypatch):
    asked = []
    fake = types.SimpleNamespace(get_password=lambda s, u: asked.append((s, u)) or "from-keyring")
    monkeypatch.setitem(sys.modules, "keyring", fake)
    p = Profile.from_toml(
        'host = "h.example"\n[auth]\nusername = "me"\npassword = { source = "keyring" }',
        Path("k.toml"),
    )
    assert p.resolve_password().reveal() == "from-keyring"
    assert asked == [("smtptui", "me")]


def test_keyring_without_an_entry_says_how_to_store_one(monkeypatch):
    monkeypatch.setitem(
        sys.modules, "keyring", types.SimpleNamespace(get_password=lambda s, u: None)
    )
    with pytest.raises(ProfileError, match="keyring set smtptui me"):
        PasswordSource("keyring").resolve(username="me")


def test_prompt_without_a_terminal_is_refused_and_with_one_is_asked():
    source = PasswordSource("prompt")
    with pytest.raises(ProfileError, match="no terminal"):
        source.resolve()
    labels = []
    secret = source.resolve(
        prompt=lambda label: labels.append(label) or "typed", label="Password for me"
    )
    assert secret.reveal() == "typed" and labels == ["Password for me"]


def test_prompted_password_is_remembered_only_when_the_profile_says_so():
    asked = []

    def prompt(label: str) -> str:
        asked.append(label)
        return "typed"

    cache = PasswordCache()
    forgetful = Profile(
        name="a", host="h.example", auth=AuthSettings("login", "me", PasswordSource("prompt"))
    )
    forgetful.resolve_password(prompt=prompt, cache=cache)
    forgetful.resolve_password(prompt=prompt, cache=cache)
    assert len(asked) == 2 and len(cache) == 0

    remembering = forgetful.replace(
        auth=AuthSettings("login", "me", PasswordSource("prompt", remember=True))
    )
    asked.clear()
    assert remembering.resolve_password(prompt=prompt, cache=cache).reveal() == "typed"
    assert remembering.resolve_password(prompt=prompt, cache=cache).reveal() == "typed"
    assert asked == ["Password for me at h.example:25"]
    assert "typed" not in repr(cache)
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(cache)
    cache.forget(remembering)
    assert len(cache) == 0


def test_plain_password_in_a_private_file_loads_with_a_warning(write):
    path = write("corp.toml", PLAIN, mode=0o600)
    p = Profile.from_file(path)
    assert p.resolve_password().reveal() == "Sup3rS3cret!"
    assert any("plain text" in w for w in p.warnings)
    assert all("Sup3rS3cret!" not in w for w in p.warnings)


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_readable_plain_password_file_is_refused_with_the_chmod_fix(write, store, mode):
    path = write("corp.toml", PLAIN, mode=mode)
    result = store.load()
    assert "corp" not in result.names()
    (error,) = result.errors
    assert f"chmod 600 {path}" in str(error)
    assert "Sup3rS3cret!" not in str(error)


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_plain_password_is_rechecked_when_used(write):
    path = write("corp.toml", PLAIN, mode=0o600)
    profile = Profile.from_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(ProfileError, match="chmod 600"):
        profile.resolve_password()


def test_bundled_demo_plain_password_is_not_subject_to_the_file_rule(folder):
    demo = ProfileStore(folder).get("demo")
    assert demo is not None and demo.bundled
    assert demo.resolve_password().reveal() == "demo"
    assert demo.warnings == []  # the demo verifies its server's own certificate
