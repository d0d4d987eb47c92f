"""MTA-STS policy and TXT parsing, and MX pattern matching (RFC 8461)."""

from __future__ import annotations

import pytest

from smtptui.discovery import DiscoveryError, parse_policy, parse_sts_txt, policy_warnings

from .conftest import POLICY_ENFORCE


def test_policy_is_parsed():
    policy = parse_policy(
        POLICY_ENFORCE, url="https://mta-sts.corp.example/.well-known/mta-sts.txt"
    )
    assert policy.mode == "enforce"
    assert policy.mx == ("mx1.corp.example", "*.backup.corp.example")
    assert policy.max_age == 604800


@pytest.mark.parametrize(
    ("host", "matches"),
    [
        ("mx1.corp.example", True),
        ("MX1.Corp.Example.", True),
        ("a.backup.corp.example", True),
        ("a.b.backup.corp.example", False),  # the wildcard covers one label only
        ("backup.corp.example", False),
        ("mx2.corp.example", False),
    ],
)
def test_mx_patterns_match_like_rfc_8461(host, matches):
    assert parse_policy(POLICY_ENFORCE).matches(host) is matches


def test_unmatched_mx_hosts_are_warned_about():
    policy = parse_policy(POLICY_ENFORCE)
    (warning,) = policy_warnings(policy, ["mx1.corp.example", "mx9.elsewhere.example"])
    assert "mx9.elsewhere.example does not match" in warning and "will not deliver" in warning
    none = parse_policy("version: STSv1\nmode: none\nmax_age: 86400\n")
    assert policy_warnings(none, ["anything.example"]) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mode: enforce\nmx: a.example\nmax_age: 1\n", "version must be STSv1"),
        (
            "version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n",
            "mode must be enforce, testing or none",
        ),
        ("version: STSv1\nmode: enforce\nmx: a\nmax_age: soon\n", "max_age must be a number"),
        ("version: STSv1\nmode: enforce\nmax_age: 86400\n", "lists no mx patterns"),
        ("<html>nope</html>", "not 'key: value'"),
    ],
)
def test_bad_policies_are_clear_errors(text, message):
    with pytest.raises(DiscoveryError, match=message):
        parse_policy(text)


def test_txt_record_gives_the_policy_id():
    assert parse_sts_txt(["v=STSv1; id=20240101T000000;"]) == "20240101T000000"
    assert parse_sts_txt(["v=spf1 -all"]) is None
    with pytest.raises(DiscoveryError, match="more than one"):
        parse_sts_txt(["v=STSv1; id=a;", "v=STSv1; id=b;"])
    with pytest.raises(DiscoveryError, match="no valid id"):
        parse_sts_txt(["v=STSv1;"])
