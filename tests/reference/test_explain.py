"""explain(): what the reference pane, the transcript and ``smtptui explain`` show."""

from __future__ import annotations

import base64
import json
import re

import pytest

from smtptui.reference import (
    ExplainContext,
    InputError,
    SessionState,
    decode_auth_challenge,
    explain,
    reply,
)
from tests.reference.test_codes import LISTED

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("code", LISTED)
def test_every_listed_code_explains_in_both_languages(code):
    en, zh = explain(code, lang="en"), explain(code, lang="zh")
    assert en.title and en.explanation and en.next_steps and en.rfc and en.phases
    assert CJK.search(zh.title) and CJK.search(zh.explanation)
    assert all(CJK.search(step) for step in zh.next_steps)
    assert zh.title != en.title and zh.rfc == en.rfc
    assert en.kind == {2: "success", 3: "intermediate", 4: "transient", 5: "permanent"}[code // 100]


def test_535_in_chinese_names_rfc_4954_and_the_authorization_code():
    e = explain("535", lang="zh")
    assert e.title == "认证失败：用户名或密码无效"
    assert e.rfc == ("RFC 4954 §6",)
    assert "授权码" in e.explanation and "授权码" in " ".join(e.next_steps)


def test_input_forms_all_work():
    assert explain(535).code == 535
    assert explain(" 535 ").code == 535
    e = explain("5.7.8")
    assert e.code is None and e.enhanced == "5.7.8" and e.kind == "permanent"
    assert e.title == "Authentication credentials invalid" and e.phases == ("AUTH",)
    line = explain("550 5.1.1 <x@y>: Recipient address rejected")
    assert (line.code, line.enhanced) == (550, "5.1.1")
    assert line.enhanced_title == "Bad destination mailbox address"
    assert explain(reply("250-mx.example\n250 SIZE 100")).code == 250
    multi = explain("534-5.7.9 Application-specific password required.")  # copied out of a block
    assert (multi.code, multi.enhanced) == (534, "5.7.9")


@pytest.mark.parametrize("bad", ["99x", "", "hello", "5.7", "6000", "600", "099", "3.0.0",
                                 "550 5.1.1 a\n451 other"])  # fmt: skip
def test_bad_input_is_one_clear_sentence(bad):
    with pytest.raises(InputError) as info:
        explain(bad)
    assert "\n" not in str(info.value)
    assert CJK.search(info.value.message("zh"))


def test_an_unregistered_code_is_explained_by_its_digits():
    e = explain(571)
    assert not e.registered and e.kind == "permanent"
    assert e.title == "Non-standard code (permanent failure)"
    assert e.structure[0].startswith("5 = permanent") and "0–5" in e.structure[1]
    assert e.rfc == ("RFC 5321 §4.2.1",)
    assert explain(571, lang="zh").title == "非标准回复码（永久性错误）"


def test_530_5_7_0_after_mail_says_starttls_or_auth_first():
    e = explain("530 5.7.0 Access denied", ExplainContext(command="MAIL FROM:<a@b.c>"))
    assert e.phase == "MAIL"
    assert "STARTTLS and/or AUTH before MAIL" in e.hint
    tls = explain("530 5.7.0 Must issue a STARTTLS command first", ExplainContext(command="MAIL"))
    assert tls.title == "Must issue a STARTTLS command first" and "STARTTLS first" in tls.hint
    auth = explain("530 5.7.0 Authentication required", ExplainContext(command="RCPT"), "zh")
    assert "AUTH" in auth.hint and "登录" in auth.hint


def test_535_5_7_8_from_qq_or_163_says_use_the_authorization_code():
    for host in ("smtp.qq.com", "smtp.163.com", "smtp.126.com"):
        e = explain("535 5.7.8 Error: authentication failed", ExplainContext(host=host), "zh")
        assert "授权码" in e.hint, host
        assert e.vendor and CJK.search(e.vendor_note)
        en = explain("535 5.7.8 Error: authentication failed", ExplainContext(host=host), "en")
        assert "authorization code" in en.hint
    # From an unknown server the hint stays general (but still mentions both kinds).
    general = explain("535 5.7.8 Error: authentication failed", lang="en")
    assert general.vendor is None and "app password" in general.hint


def test_550_5_1_1_after_rcpt_means_the_mailbox_does_not_exist():
    e = explain("550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown",
                ExplainContext(command="RCPT TO:<nobody@example.com>"))  # fmt: skip
    assert "mailbox does not exist" in e.hint
    assert "不存在" in explain("550 5.1.1 User unknown", ExplainContext(command="RCPT"), "zh").hint


def test_554_5_7_1_at_rcpt_is_relay_denied():
    e = explain("554 5.7.1 <x@example.net>: Relay access denied", ExplainContext(command="RCPT"))
    assert e.hint.startswith("Relay denied") and "AUTH" in e.hint
    assert e.mismatch is None  # Postfix's everyday pairing is not flagged
    assert (
        "中继"
        in explain("554 5.7.1 Relay access denied", ExplainContext(command="RCPT"), "zh").hint
    )


def test_the_session_state_gives_the_phase():
    s = SessionState().after(None, reply("220 hi"))
    data = s.after("EHLO x", reply("250 ok")).after("MAIL FROM:<a@b.c>", reply("250 ok"))
    data = data.after("RCPT TO:<d@e.f>", reply("250 ok")).after("DATA", reply("354 go"))
    e = explain("250 2.0.0 Ok: queued as 4Xy7Gq0Jz3", ExplainContext(state=data))
    assert e.phase == "data-end" and "queued" in e.hint and "4Xy7Gq0Jz3" in e.hint
    greet = explain("554 5.7.1 go away", ExplainContext(state=SessionState()))
    assert greet.phase == "connect" and greet.title == "No SMTP service here"
    assert "QUIT" in greet.hint


def test_auth_challenges_are_decoded():
    assert decode_auth_challenge("VXNlcm5hbWU6") == "Username:"
    assert decode_auth_challenge("UGFzc3dvcmQ6") == "Password:"
    assert decode_auth_challenge("VXNlciBOYW1lAA==") == "User Name"  # aiosmtpd, NUL-terminated
    assert decode_auth_challenge("not base64!") is None
    assert decode_auth_challenge(base64.b64encode(b"\x00\xffbinary").decode()) is None
    assert decode_auth_challenge("") is None
    e = explain("334 VXNlcm5hbWU6", lang="zh")
    assert e.decoded == "Username:" and "Username:" in e.hint


def test_xoauth2_json_error_is_decoded_and_explained():
    error = '{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}'
    challenge = base64.b64encode(error.encode()).decode()
    assert decode_auth_challenge(challenge) == error
    e = explain(f"334 {challenge}", ExplainContext(command="AUTH XOAUTH2"))
    assert (
        "status 400" in e.hint and "https://mail.google.com/" in e.hint and "empty line" in e.hint
    )


def test_mismatches_show_up_in_the_explanation():
    e = explain("250 5.7.1 Ok")
    assert e.mismatch_severity == "error" and e.mismatch.startswith("Contradiction")
    assert "RFC 2034" in e.rfc
    note = explain("554 5.1.1 no such user")
    assert note.mismatch_severity == "note"


def test_vendor_codes_are_labelled_as_vendor_specific():
    e = explain("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
                "for the Tenant.", lang="zh")  # fmt: skip
    assert e.vendor == "Microsoft 365 / Outlook.com / Exchange"
    assert "SMTP AUTH" in e.vendor_title
    alone = explain("5.7.57")
    assert alone.vendor and alone.title == "Microsoft 365: client not authenticated"


def test_server_text_is_kept_but_made_safe():
    e = explain(reply("550 5.7.1 evil \x1b[2J text"))
    assert "\x1b" not in e.text and "\\x1b" in e.text


def test_to_dict_is_json_with_the_documented_keys():
    d = explain("550 5.1.1 <x@y>: Recipient address rejected", lang="zh").to_dict()
    data = json.loads(json.dumps(d, ensure_ascii=False))
    for key in ("code", "enhanced", "kind", "title", "explanation", "phases", "next_steps",
                "mismatch", "vendor", "hint", "rfc"):  # fmt: skip
        assert key in data
    assert isinstance(data["phases"], list) and data["lang"] == "zh"
