"""The profile model: defaults, conversions and what the engine receives."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtptui.profiles import AuthSettings, PasswordSource, Profile, ProfileError
from smtptui.protocol.config import SessionConfig
from smtptui.protocol.secret import Secret

from .conftest import HAND_WRITTEN


def test_hand_written_toml_with_comments_loads_every_value():
    p = Profile.from_toml(HAND_WRITTEN, Path("qq.toml"))
    assert (p.name, p.host, p.port, p.security) == ("QQ Mail", "smtp.qq.com", 465, "tls")
    assert p.helo == "workstation.local"
    assert p.tags == ("cn", "personal")
    assert p.auth.mechanism == "login"
    assert p.auth.username == "12345@qq.com"
    assert p.auth.password.kind == "prompt" and p.auth.password.needs_prompt
    assert p.tls.verify is True
    assert p.message.sender == "12345@qq.com"
    assert p.message.to == ("friend@example.com",)
    assert p.source_path == Path("qq.toml")


@pytest.mark.parametrize(("security", "port"), [("plain", 25), ("starttls", 587), ("tls", 465)])
def test_port_defaults_from_security(security, port):
    p = Profile.from_toml(f'host = "mx.example.com"\nsecurity = "{security}"', Path("x.toml"))
    assert p.port == port


@pytest.mark.parametrize(("port", "security"), [(465, "tls"), (587, "starttls"), (2525, "plain")])
def test_security_defaults_from_port(port, security):
    p = Profile.from_toml(f'host = "mx.example.com"\nport = {port}', Path("x.toml"))
    assert p.security == security


def test_name_defaults_to_the_file_stem():
    assert Profile.from_toml('host = "h.example"', Path("corp-relay.toml")).name == "corp-relay"


def test_no_auth_table_means_no_auth():
    p = Profile.from_toml('host = "h.example"', Path("x.toml"))
    assert not p.auth.enabled
    assert p.resolve_password() is None
    assert p.auth_summary == "none"


def test_username_without_mechanism_means_auto_with_a_prompt():
    p = Profile.from_toml('host = "h.example"\n[auth]\nusername = "me"', Path("x.toml"))
    assert p.auth.mechanism == "auto"
    assert p.auth.password.kind == "prompt"


def test_session_config_carries_every_connection_setting():
    text = HAND_WRITTEN.replace(
        "[tls]\nverify = true", '[tls]\nverify = false\nca_file = "~/ca.pem"\nmin_version = "1.3"'
    )
    text = text.replace(
        'helo = "workstation.local"', 'helo = "workstation.local"\ntimeout = 12\nfamily = "ipv6"'
    )
    cfg = Profile.from_toml(text, Path("qq.toml")).session_config()
    assert isinstance(cfg, SessionConfig)
    assert (cfg.host, cfg.port, cfg.security, cfg.helo) == (
        "smtp.qq.com",
        465,
        "tls",
        "workstation.local",
    )
    assert (cfg.timeout, cfg.family) == (12.0, "ipv6")
    assert cfg.tls.verify is False
    assert cfg.tls.min_version == "TLSv1.3"
    assert cfg.tls.ca_file == str(Path.home() / "ca.pem")


def test_command_line_overrides_win_and_none_means_not_given():
    p = Profile.from_toml(HAND_WRITTEN, Path("qq.toml"))
    cfg = p.session_config(port=587, security="starttls", helo=None)
    assert (cfg.port, cfg.security, cfg.helo) == (587, "starttls", "workstation.local")
    with pytest.raises(ProfileError, match="unknown connection setting"):
        p.session_config(colour="red")


def test_to_toml_round_trips_and_masks_plain_passwords_by_default():
    p = Profile(
        name="x",
        host="mail.example.com",
        security="starttls",
        tags=("a",),
        auth=AuthSettings("login", "me", PasswordSource("plain", value=Secret("hunter2"))),
    )
    masked = p.to_toml()
    assert "hunter2" not in masked and "********" in masked
    revealed = p.to_toml(reveal_secrets=True)
    again = Profile.from_toml(revealed, Path("x.toml"))
    assert again == p
    assert again.auth.password.value.reveal() == "hunter2"


def test_loading_masked_output_back_is_refused_rather_than_storing_the_mask():
    masked = Profile(
        name="x", host="h.example",
        auth=AuthSettings("login", "me", PasswordSource("plain", value=Secret("pw"))),
    ).to_toml()  # fmt: skip
    with pytest.raises(ProfileError, match="mask"):
        Profile.from_toml(masked, Path("x.toml"))


def test_replace_validates_like_a_file():
    p = Profile(name="x", host="h.example")
    assert p.replace(port=2525).port == 2525
    with pytest.raises(ProfileError, match="port"):
        p.replace(port=70000)
    with pytest.raises(ProfileError, match="host"):
        p.replace(host="not a host")


def test_with_settings_sets_dotted_keys_and_validates():
    p = Profile.from_toml(HAND_WRITTEN, Path("qq.toml"))
    changed = p.with_settings({"auth.username": "other@qq.com", "tls.verify": False, "helo": None})
    assert changed.auth.username == "other@qq.com"
    assert changed.tls.verify is False
    assert changed.helo is None
    assert changed.source_path == p.source_path
    with pytest.raises(ProfileError, match=r"tls\.verfy"):
        p.with_settings({"tls.verfy": False})


def test_switching_password_source_drops_the_old_plain_value():
    p = Profile(name="x", host="h.example",
                auth=AuthSettings("login", "me", PasswordSource("plain", value=Secret("pw"))))  # fmt: skip
    changed = p.with_settings({"auth.password.source": "env", "auth.password.name": "PW"})
    assert changed.auth.password.kind == "env"
    assert "pw" not in changed.to_toml(reveal_secrets=True).replace("password", "")


def test_repr_never_shows_a_plain_password():
    p = Profile(name="x", host="h.example",
                auth=AuthSettings("login", "me", PasswordSource("plain", value=Secret("hunter2"))))  # fmt: skip
    assert "hunter2" not in repr(p)
    assert "hunter2" not in str(p.auth_summary)


def test_address_brackets_ipv6():
    assert Profile(name="x", host="::1", port=2525).address == "[::1]:2525"
    assert Profile(name="x", host="smtp.qq.com", port=465).address == "smtp.qq.com:465"


def test_mail_domain_names_the_domain_an_mx_profile_receives_for():
    p = Profile.from_toml(
        'name = "mx1"\nhost = "mx1.example.com"\nport = 25\nmail_domain = "@Example.COM"\n',
        Path("mx1.toml"),
    )
    assert p.mail_domain == "example.com"
    assert Profile.from_toml(p.to_toml(), Path("mx1.toml")) == p
    with pytest.raises(ProfileError, match="mail_domain must be a mail domain"):
        Profile.from_toml('name = "x"\nhost = "h.example"\nmail_domain = "192.0.2.1"\n', None)
