"""Strict validation: every error names the file, the key and the fix, in one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtptui.profiles import Profile, ProfileError


def load(text: str, name: str = "typo.toml") -> Profile:
    return Profile.from_toml(text, Path("/somewhere") / name)


def error_for(text: str, name: str = "typo.toml") -> ProfileError:
    with pytest.raises(ProfileError) as info:
        load(text, name)
    return info.value


def test_unknown_key_suggests_the_right_one():
    err = error_for('hots = "smtp.example.com"\n')
    assert str(err) == "typo.toml: unknown key 'hots' (did you mean 'host'?)"
    assert err.key == "hots"
    assert err.path == Path("/somewhere/typo.toml")


def test_unknown_key_in_a_table_names_the_dotted_key():
    err = error_for('host = "h.example"\n[auth]\nusernme = "me"\n')
    assert str(err) == "typo.toml: unknown key 'auth.usernme' (did you mean 'auth.username'?)"


def test_a_table_key_at_top_level_says_where_it_belongs():
    err = error_for('host = "h.example"\nusername = "me"\n')
    assert "unknown key 'username'" in str(err) and "[auth]" in str(err)


def test_syntax_error_gives_the_line():
    err = error_for('host = "h.example"\nport = 587\nsecurity = starttls\n', "broken.toml")
    assert str(err).startswith("broken.toml: line 3:")
    assert err.line == 3
    assert "quotes" in str(err)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('host = "h.example"\nport = 99999', ["port", "1 to 65535", "99999"]),
        ('host = "h.example"\nport = "587"', ["port", "without quotes", "port = 587"]),
        ('host = "h.example"\nsecurity = "startls"', ["security", "did you mean 'starttls'"]),
        ('host = "h.example"\nsecurity = "ssl"', ["security", '"tls"']),
        ('host = "smtp.qq.com:465"', ["host", "must not include the port", "port = 465"]),
        ('host = "not a host"', ["host", "not a host name"]),
        ("port = 25", ["host is missing", 'host = "smtp.example.com"']),
        ('host = "h.example"\ntags = "cn"', ["tags", '["cn", "personal"]']),
        ('host = "h.example"\nhelo = "two words"', ["helo", "without spaces"]),
        ('host = "h.example"\nfamily = "ipv5"', ["family", "auto, ipv4, ipv6"]),
        ('host = "h.example"\ntimeout = -1', ["timeout", "seconds"]),
        (
            'host = "h.example"\n[auth]\nmechanism = "lgoin"\nusername = "u"',
            ["auth.mechanism", "did you mean 'login'"],
        ),
        ('host = "h.example"\n[auth]\nmechanism = "login"', ["auth.username is missing", "login"]),
        ('host = "h.example"\n[tls]\nverify = "no"', ["tls.verify", "true or false"]),
        ('host = "h.example"\n[tls]\nmin_version = "1.1"', ["tls.min_version", "TLSv1.2"]),
        ('host = "h.example"\n[tls]\nclient_key = "k.pem"', ["tls.client_key", "tls.client_cert"]),
        (
            'host = "h.example"\n[message]\nfrom = "nobody"',
            ["message.from", "not an email address"],
        ),
        (
            'host = "h.example"\n[message]\nto = ["a@b.example", "bad address"]',
            ["message.to", "bad address"],
        ),
        (
            'host = "h.example"\n[auth]\nusername = "u"\npassword = { source = "env" }',
            ["auth.password.name", "SMTP_PASSWORD"],
        ),
        (
            'host = "h.example"\n[auth]\nusername = "u"\npassword = { source = "command", argv = "pass show x" }',
            ["auth.password.argv", "without a shell"],
        ),
        (
            'host = "h.example"\n[auth]\nusername = "u"\npassword = { source = "promt" }',
            ["auth.password.source", "did you mean 'prompt'"],
        ),
        (
            'host = "h.example"\n[auth]\nusername = "u"\npassword = { source = "prompt", name = "X" }',
            ["auth.password.name", 'source = "prompt"'],
        ),
        ('host = "h.example"\nauth = "login"', ["auth must be a table"]),
    ],
)
def test_each_error_names_the_file_and_the_key(text, fragments):
    message = str(error_for(text))
    assert message.startswith("typo.toml: ")
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize(
    "text",
    [
        'host = "h.example"\n[auth]\nusername = "u"\npassword = "Sup3rS3cret!"',
        'host = "h.example"\n[auth]\nusername = "u"\npassword = { source = "Sup3rS3cret!" }',
        'host = "h.example"\n[auth]\nusername = "u"\npassword = { source = "plain", value = 12345 }',
        'host = "h.example"\n[auth]\nusername = "u"\npassword = { source = "plain", value = "Sup3rS3cret!", name = "x" }',
    ],
)
def test_errors_about_passwords_never_repeat_the_value(text):
    message = str(error_for(text))
    assert "Sup3rS3cret!" not in message and "12345" not in message
    assert "auth.password" in message


def test_error_without_a_file_still_names_the_key():
    with pytest.raises(ProfileError, match=r"^unknown key 'hots'"):
        Profile.from_dict({"hots": "x"})


def test_builtin_server_needs_no_host():
    p = load("builtin_server = true\n")
    assert p.builtin_server and p.host == "127.0.0.1"


def test_display_name_addresses_and_idn_hosts_are_accepted():
    p = load(
        'host = "邮件.例子.中国"\n[message]\nfrom = "Zhang San <zs@example.com>"\nto = "you@example.com"'
    )
    assert p.message.sender == "Zhang San <zs@example.com>"
    assert p.message.to == ("you@example.com",)
    assert p.host == "邮件.例子.中国"


def test_a_profile_error_says_itself_in_chinese_and_keeps_its_english():
    from smtptui.profiles import ProfileError

    with pytest.raises(ProfileError) as info:
        Profile.from_toml('name = "x"\nhost = "smtp.example.com"\nport = 99999\n')
    exc = info.value
    assert exc.key == "port"
    assert str(exc) == "port must be a whole number from 1 to 65535, not 99999"
    assert exc.text("zh") == "`port` 必须是 1 到 65535 之间的整数，而不是 99999"
    with pytest.raises(ProfileError) as info:
        Profile.from_toml('name = "x"\nhots = "smtp.example.com"\n')
    assert str(info.value) == "unknown key 'hots' (did you mean 'host'?)"
    assert info.value.text("zh") == "未知的键 `hots`（是不是想写 `host`？）"


_ATOM = "abcXYZ019.!#$%&'*+/=?^_`{|}~-"
_DOMAIN = "abcXYZ019.-"


@given(
    st.text(alphabet=_ATOM, min_size=1, max_size=12),
    st.text(alphabet=_DOMAIN, min_size=1, max_size=12),
    st.sampled_from(["", " ", "  "]),
    st.sampled_from(["", " ", "  "]),
)
def test_a_bare_address_is_read_as_the_email_parser_reads_it(local, domain, before, after):
    """Bare addresses skip ``email.utils`` (start-up): they must come out as
    ``parseaddr`` would have found them, or be refused the same way."""
    import email.utils

    value = f"{before}{local}@{domain}{after}"
    expected = email.utils.parseaddr(value)[1]
    try:
        got = load(f'host = "h.example"\n[message]\nto = "{value}"\n').message.to
    except ProfileError:
        got = None
    if expected == value.strip():
        assert got == (value.strip(),)
    else:  # parseaddr would have changed it: the profile says what it would have
        assert got in (None, (value.strip(),))
