"""Vendor-specific replies: recognised by host or wording, labelled as such."""

from __future__ import annotations

import re

import pytest

from smtptui.reference.explanation import parse_input
from smtptui.reference.vendors import VENDOR_CODES, VENDORS, match_vendor, vendor_for_host

CJK = re.compile(r"[\u4e00-\u9fff]")
HOSTS = {
    "tencent": "smtp.qq.com",
    "netease": "smtp.163.com",
    "gmail": "smtp.gmail.com",
    "microsoft": "smtp.office365.com",
}


def _match(line: str, host: str | None = None):
    code, enh, text, _ = parse_input(line)
    return match_vendor(code, enh, text, host)


@pytest.mark.parametrize(
    ("host", "vendor"),
    [("smtp.qq.com", "tencent"), ("smtp.exmail.qq.com", "tencent"), ("mx3.qq.com", "tencent"),
     ("smtp.163.com", "netease"), ("smtp.126.com:465", "netease"), ("SMTP.YEAH.NET.", "netease"),
     ("smtp.gmail.com", "gmail"), ("gmail-smtp-in.l.google.com", "gmail"),
     ("smtp.office365.com", "microsoft"), ("smtp-mail.outlook.com", "microsoft"),
     ("example-com.mail.protection.outlook.com", "microsoft")],
)  # fmt: skip
def test_vendors_are_recognised_by_host(host, vendor):
    assert vendor_for_host(host).id == vendor


@pytest.mark.parametrize(
    "host", ["notqq.com", "smtp.qq.com.evil.example", "mail.example.com", "", None]
)
def test_lookalike_hosts_are_not_vendors(host):
    assert vendor_for_host(host) is None


def test_every_vendor_rule_matches_its_own_sample_from_its_own_host():
    for rule in VENDOR_CODES:
        if rule.sample is None:  # any text from the vendor's hosts
            assert rule.text is None and not rule.identifies
            continue
        found = _match(rule.sample, HOSTS[rule.vendor])
        assert found is not None and found.vendor == rule.vendor, rule.id


def test_every_vendor_rule_is_explained_in_both_languages():
    for rule in VENDOR_CODES:
        assert rule.title("en") and rule.explanation("en") and rule.next_steps("en"), rule.id
        zh = (rule.title("zh"), rule.explanation("zh"), *rule.next_steps("zh"))
        assert all(CJK.search(s) for s in zh), rule.id
    for v in VENDORS:
        assert v.name("zh") and v.name("en")


def test_qq_authorization_code_error_is_recognised_by_its_words_alone():
    rule = _match("535 Login Fail. Please enter your authorization code to login. More information in "
                  "http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256")  # fmt: skip
    assert rule.id == "qq.auth_code"
    assert "授权码" in rule.explanation("zh")


def test_any_535_from_qq_or_163_points_to_the_authorization_code():
    assert _match("535 5.7.8 Error: authentication failed", "smtp.qq.com").id == "qq.auth_failed"
    rule = _match("535 Error: authentication failed", "smtp.163.com")
    assert rule.id == "netease.auth_failed" and "授权码" in rule.explanation("zh")
    # The same words from a Postfix box are not a NetEase error.
    assert _match("535 5.7.8 Error: authentication failed: authentication failure") is None


def test_netease_texts():
    assert _match("550 User has no permission").id == "netease.no_permission"
    assert _match("553 Mail from must equal authorized user").id == "netease.sender"
    assert (
        _match("554 DT:SPM 163 smtp9,DcCowAD3r9rzaUJUCqUCAA--.1234S2 1413642739").id
        == "netease.dt_spm"
    )
    assert _match("553 authentication is required,163 smtp9,DcCowAD--.1234S2").id == (
        "netease.auth_required"
    )


def test_gmail_app_password_and_less_secure_app_texts():
    assert _match("534-5.7.9 Application-specific password required.", "smtp.gmail.com").id == (
        "gmail.app_password"
    )
    assert _match("535-5.7.8 Username and Password not accepted. For more information, go to "
                  "https://support.google.com/mail/?p=BadCredentials").id == "gmail.bad_credentials"  # fmt: skip
    assert (
        _match("534-5.7.14 Please log in via your web browser", "smtp.gmail.com").id
        == "gmail.web_login"
    )


def test_gmail_dmarc_needs_google_to_say_it():
    line = "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy"
    assert _match(line) is None  # 5.7.26 is a registered code; anyone may send it
    assert _match(line, "gmail-smtp-in.l.google.com").id == "gmail.dmarc"
    assert _match(line + " 5b1f17b1804b1-4212 - gsmtp").id == "gmail.dmarc"


@pytest.mark.parametrize(
    ("enhanced", "rule"),
    [("5.7.57", "ms.not_authenticated"), ("5.7.139", "ms.auth_139"), ("5.7.708", "ms.ip_blocked"),
     ("5.7.60", "ms.send_as"), ("5.7.606", "ms.banned_ip"), ("5.7.649", "ms.banned_ip")],
)  # fmt: skip
def test_microsoft_codes_are_recognised_from_the_enhanced_code_alone(enhanced, rule):
    assert match_vendor(None, enhanced).id == rule


def test_microsoft_5_7_139_texts_say_why():
    assert _match("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
                  "for the Tenant.").id == "ms.smtp_auth_disabled"  # fmt: skip
    assert _match("535 5.7.139 Authentication unsuccessful, the request did not meet the criteria "
                  "to be authenticated successfully.").id == "ms.criteria"  # fmt: skip


def test_a_plain_rfc_reply_is_not_attributed_to_any_vendor():
    assert _match("550 5.1.1 <x@example.com>: Recipient address rejected: User unknown") is None
    assert _match("554 5.7.1 <x@example.net>: Relay access denied") is None
    assert match_vendor(535, None, "", None) is None
