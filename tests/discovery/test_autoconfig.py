"""Autoconfig XML parsing: real-shaped ISPDB entries, placeholders, and hostile input."""

from __future__ import annotations

import re

import pytest

from smtptui.discovery import DiscoveryError, parse_autoconfig

from .conftest import CORP_XML, GMAIL_XML, NETEASE_XML, QQ_XML


def parse(xml: str, address: str | None = "someone@qq.com", domain: str = "qq.com"):
    return parse_autoconfig(xml, source="ispdb", domain=domain, address=address)


@pytest.mark.parametrize(
    ("xml", "address", "host", "provider"),
    [
        (QQ_XML, "12345@qq.com", "smtp.qq.com", "QQ Mail"),
        (NETEASE_XML, "someone@163.com", "smtp.163.com", "网易163免费邮"),
        (GMAIL_XML, "someone@gmail.com", "smtp.gmail.com", "Google Mail"),
    ],
)
def test_ispdb_entries_give_the_smtp_server_only(xml, address, host, provider):
    candidates, notes = parse(xml, address, address.split("@")[1])
    assert notes == []
    (c,) = candidates  # the IMAP/POP3 servers are not SMTP candidates
    assert (c.host, c.port, c.security) == (host, 465, "tls")
    assert c.username == address  # %EMAILADDRESS%
    assert c.provider == provider
    assert c.kind == "submission"


def test_password_is_preferred_over_oauth2_when_both_are_offered():
    (gmail,), _ = parse(GMAIL_XML, "someone@gmail.com", "gmail.com")
    assert gmail.authentication == ("OAuth2", "password-cleartext")
    assert gmail.mechanism == "auto"
    oauth_only = GMAIL_XML.replace("<authentication>password-cleartext</authentication>", "")
    (token,), _ = parse(oauth_only, "someone@gmail.com", "gmail.com")
    assert token.mechanism == "xoauth2"


def test_local_part_and_domain_placeholders_and_starttls():
    candidates, _ = parse(CORP_XML, "alice@corp.example", "corp.example")
    first, second = candidates
    assert (first.host, first.port, first.security, first.username) == (
        "smtp.corp.example",
        587,
        "starttls",
        "alice",
    )
    assert first.mechanism == "cram-md5"
    assert (second.port, second.security) == (465, "tls")


def test_a_bare_domain_leaves_the_username_unknown():
    (c,), _ = parse(QQ_XML, None)
    assert c.username is None


@pytest.mark.parametrize(
    "xml",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><clientConfig>&lol2;</clientConfig>',
        '<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><clientConfig/>',
        '<clientConfig><!ENTITY x "y"></clientConfig>',
    ],
)
def test_doctype_and_entities_are_refused_before_parsing(xml):
    with pytest.raises(DiscoveryError, match="refused XML with a DOCTYPE or ENTITY"):
        parse(xml)


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<clientConfig><emailProvider>", "malformed XML"),
        ("not xml at all", "malformed XML"),
        (
            "<html><body>Welcome to nginx!</body></html>",
            "not an autoconfig document (root element <html>)",
        ),
    ],
)
def test_malformed_documents_are_clear_errors(xml, message):
    with pytest.raises(DiscoveryError, match=re.escape(message)):
        parse(xml)


def test_a_bad_server_entry_is_skipped_with_a_note_and_the_others_kept():
    xml = CORP_XML.replace("<port>587</port>", "<port>99999</port>", 1)
    candidates, notes = parse(xml, "alice@corp.example", "corp.example")
    assert [c.port for c in candidates] == [465]
    assert notes == ["ispdb: skipped an outgoing server: bad port '99999' for smtp.corp.example"]
    xml = QQ_XML.replace("<hostname>smtp.qq.com</hostname>", "<hostname>smtp qq com</hostname>")
    candidates, notes = parse(xml)
    assert candidates == [] and "bad or missing hostname" in notes[0]


def test_candidate_becomes_a_profile_that_asks_for_the_password():
    (c,), _ = parse(QQ_XML, "12345@qq.com")
    profile = c.to_profile("qq")
    assert (profile.name, profile.host, profile.port, profile.security) == (
        "qq",
        "smtp.qq.com",
        465,
        "tls",
    )
    assert profile.auth.username == "12345@qq.com"
    assert profile.auth.password.kind == "prompt"
    assert profile.message.sender == "12345@qq.com"
    assert "discovered" in profile.tags
