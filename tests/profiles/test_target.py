"""TARGET resolution: profile names first, then host[:port], never a silent typo."""

from __future__ import annotations

import pytest

from smtptui.profiles import Profile, ProfileError, resolve_target


@pytest.fixture
def populated(store):
    store.save(Profile(name="gmail", host="smtp.gmail.com", security="starttls"))
    store.save(Profile(name="QQ Mail", host="smtp.qq.com", security="tls"))
    return store


def test_profile_names_match_case_insensitively_and_by_slug(populated):
    assert resolve_target("GMAIL", populated).host == "smtp.gmail.com"
    assert resolve_target("qq-mail", populated).host == "smtp.qq.com"
    assert resolve_target("demo", populated).builtin_server


@pytest.mark.parametrize(
    ("target", "host", "port", "security"),
    [
        ("smtp.example.com", "smtp.example.com", 25, "plain"),
        ("smtp.example.com:465", "smtp.example.com", 465, "tls"),
        ("smtp.example.com:587", "smtp.example.com", 587, "starttls"),
        ("localhost:2525", "localhost", 2525, "plain"),
        ("localhost", "localhost", 25, "plain"),
        ("192.0.2.7", "192.0.2.7", 25, "plain"),
        ("[2001:db8::1]:587", "2001:db8::1", 587, "starttls"),
        ("2001:db8::1", "2001:db8::1", 25, "plain"),
        ("[::1]", "::1", 25, "plain"),
        ("mailhost:26", "mailhost", 26, "plain"),
    ],
)
def test_hosts_become_ad_hoc_profiles(populated, target, host, port, security):
    p = resolve_target(target, populated)
    assert (p.name, p.host, p.port, p.security) == (target, host, port, security)
    assert not p.auth.enabled and p.source_path is None


def test_an_unknown_word_lists_close_profile_names(populated):
    with pytest.raises(ProfileError) as info:
        resolve_target("gmial", populated)
    message = str(info.value)
    assert "no profile named 'gmial'" in message and "'gmail'" in message
    assert "host:port" in message


@pytest.mark.parametrize(
    "target", ["smtp.example.com:0", "smtp.example.com:99999", "[::1", "h.example:x", "  "]
)
def test_bad_targets_are_clear_errors(populated, target):
    with pytest.raises(ProfileError):
        resolve_target(target, populated)
