"""Basic reply codes: every code issue 4 lists, in both languages, with the
right meaning for the context it appears in."""

from __future__ import annotations

import re

import pytest

from smtptui.reference.codes import PHASES, codes, kind_of, lookup_basic, structure, variants

CJK = re.compile(r"[\u4e00-\u9fff]")

RFC5321 = [211, 214, 220, 221, 250, 251, 252, 354, 421, 450, 451, 452, 455, 500, 501, 502, 503,
           504, 550, 551, 552, 553, 554, 555]  # fmt: skip
RFC4954 = [235, 334, 432, 454, 500, 530, 534, 535, 538]
RFC3207 = [220, 454, 501, 530]
RFC7504 = [521, 556]
LISTED = sorted(set(RFC5321 + RFC4954 + RFC3207 + RFC7504))


def test_every_listed_code_is_in_the_table():
    assert set(LISTED) <= set(codes())


@pytest.mark.parametrize("code", LISTED)
def test_every_variant_is_explained_in_both_languages(code):
    for v in variants(code):
        en = (v.title("en"), v.explanation("en"), v.next_steps("en"))
        zh = (v.title("zh"), v.explanation("zh"), v.next_steps("zh"))
        assert all(en[:2]) and en[2], v.key
        assert all(CJK.search(s) for s in (*zh[:2], *zh[2])), v.key
        assert zh[0] != en[0]
        assert v.kind == kind_of(code)
        assert set(v.phases) <= set(PHASES)
        assert v.rfc and all(r.startswith("RFC ") for r in v.rfc)


@pytest.mark.parametrize(
    ("code", "rfc"),
    [(235, "RFC 4954"), (334, "RFC 4954"), (432, "RFC 4954"), (534, "RFC 4954"),
     (535, "RFC 4954"), (538, "RFC 4954"), (521, "RFC 7504"), (556, "RFC 7504"),
     (354, "RFC 5321"), (503, "RFC 5321")],
)  # fmt: skip
def test_codes_cite_the_rfc_that_defines_them(code, rfc):
    assert any(r.startswith(rfc) for r in lookup_basic(code).rfc)


def test_220_means_ready_to_start_tls_after_starttls():
    assert lookup_basic(220).title("en") == "Service ready"
    assert lookup_basic(220, "STARTTLS").title("en") == "Ready to start TLS"
    assert lookup_basic(220, None, "2.0.0", "2.0.0 Ready to start TLS").key == "220.starttls"
    assert "RFC 3207" in lookup_basic(220, "STARTTLS").rfc[0]


def test_530_is_starttls_first_or_auth_first_depending_on_the_text():
    tls = lookup_basic(530, "MAIL", "5.7.0", "5.7.0 Must issue a STARTTLS command first")
    auth = lookup_basic(530, "MAIL", "5.7.0", "5.7.0 Authentication required")
    bare = lookup_basic(530, "MAIL", "5.7.0", "")
    assert tls.key == "530.tls" and tls.rfc == ("RFC 3207 §4",)
    assert auth.key == "530.auth" and auth.rfc == ("RFC 4954 §6",)
    # Without words to go on, 5.7.0 is both: the general meaning names both RFCs.
    assert bare.key == "530" and {"RFC 4954 §6", "RFC 3207 §4"} == set(bare.rfc)


def test_500_5_5_6_is_the_auth_line_too_long():
    assert lookup_basic(500).title("en") == "Syntax error, command unrecognised"
    assert lookup_basic(500, None, "5.5.6").title("en") == "Authentication exchange line too long"
    assert lookup_basic(500, "AUTH", "5.5.6").key == "500.auth"


def test_454_and_501_depend_on_the_command():
    assert lookup_basic(454, "STARTTLS").key == "454.starttls"
    assert lookup_basic(454, "AUTH").key == "454.auth"
    # Postfix words it "454 4.7.0 TLS not available due to local problem".
    assert lookup_basic(454, None, "4.7.0", "4.7.0 TLS not available due to local problem").key == (
        "454.starttls"
    )
    assert lookup_basic(501, "STARTTLS").key == "501.starttls"
    assert lookup_basic(501, "AUTH").key == "501.auth"
    assert lookup_basic(501, "MAIL").key == "501"


def test_554_as_greeting_is_no_smtp_service_here():
    assert lookup_basic(554, "connect").title("en") == "No SMTP service here"
    assert lookup_basic(554, "DATA").title("en") == "Transaction failed"


def test_an_unregistered_code_is_explained_from_its_digits():
    assert lookup_basic(571) is None
    s = structure(571, "en")
    assert s.first.startswith("5 = permanent")
    assert "not defined" in s.second and "0–5" in s.second
    assert s.third.startswith("1 = ")
    zh = structure(571, "zh")
    assert zh.first.startswith("5 = 永久性") and "非标准" in zh.second


@pytest.mark.parametrize(
    ("code", "second"),
    [(421, "connections"), (211, "information"), (501, "syntax"), (452, "mail system")],
)
def test_second_digit_names_its_area(code, second):
    assert second in structure(code, "en").second


def test_structure_refuses_what_is_not_a_reply_code():
    with pytest.raises(ValueError):
        structure(600)


def test_452_after_rcpt_is_too_many_recipients_unless_it_speaks_of_storage():
    assert lookup_basic(452, "RCPT", "4.5.3", "4.5.3 Error: too many recipients").title("en") == (
        "Too many recipients"
    )
    assert lookup_basic(452, "RCPT", "4.3.1", "Insufficient system storage").key == "452"
    assert lookup_basic(452, "MAIL").key == "452"
    # RFC 821's old 552 for the same thing (RFC 5321 §4.5.3.1.10)
    assert lookup_basic(552, "RCPT", None, "Too many recipients").key == "552.rcpt"
    assert lookup_basic(552, "RCPT", "5.2.2", "Mailbox full").key == "552"
