"""The command reference: every command a learner types, with its replies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from smtptui.reference.commands import (
    COMMANDS,
    MECHANISMS,
    command_names,
    completions,
    lookup_command,
    lookup_mechanism,
)
from smtptui.reference.sequencing import is_base64

CJK = re.compile(r"[\u4e00-\u9fff]")
VERBS = ["HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP", "QUIT", "VRFY", "EXPN",
         "HELP", "STARTTLS", "AUTH"]  # fmt: skip


def test_every_command_is_documented_in_both_languages():
    assert set(command_names()) == set(VERBS)
    for verb in VERBS:
        info = lookup_command(verb)
        assert info.syntax.startswith(verb) and info.example.startswith(verb)
        assert info.success, verb
        for lang in ("en", "zh"):
            assert info.summary(lang) and info.description(lang)
        assert CJK.search(info.summary("zh")) and CJK.search(info.description("zh"))


def test_lookup_accepts_whole_command_lines_in_any_case():
    assert lookup_command("mail from:<a@example.com>").verb == "MAIL"
    assert lookup_command("RCPT TO:<b@example.net>").verb == "RCPT"
    assert lookup_command("auth plain AGEAYg==").verb == "AUTH"
    assert lookup_command("XYZZY") is None
    assert lookup_command("") is None


def test_reply_lists_follow_rfc_5321_section_4_3_2():
    assert lookup_command("MAIL").failure == (552, 451, 452, 550, 553, 503, 455, 555, 530)
    assert lookup_command("RCPT").success == (250, 251)
    assert set(lookup_command("RCPT").failure) >= {550, 551, 552, 553, 450, 451, 452, 503, 455, 555}
    assert lookup_command("DATA").intermediate == (354,)
    assert set(lookup_command("DATA").failure) >= {503, 554, 552, 451, 452, 450, 550}
    assert lookup_command("VRFY").success == (250, 251, 252)
    assert lookup_command("QUIT").success == (221,)


def test_auth_replies_follow_rfc_4954():
    auth = lookup_command("AUTH")
    assert auth.intermediate == (334,) and auth.success == (235,)
    assert {432, 454, 500, 501, 503, 504, 530, 534, 535, 538} == set(auth.failure)
    assert auth.extension == "AUTH"
    assert lookup_command("STARTTLS").success == (220,)
    assert {454, 501} <= set(lookup_command("STARTTLS").failure)
    assert lookup_command("BDAT").extension == "CHUNKING"


def test_mechanism_examples_are_real_base64_of_what_they_claim():
    plain = lookup_mechanism("plain")
    initial = plain.exchange[0].split()[-1]
    assert base64.b64decode(initial) == b"\0user\0password"
    login = lookup_mechanism("LOGIN")
    assert base64.b64decode(login.exchange[1].split()[-1]) == b"Username:"
    assert base64.b64decode(login.exchange[3].split()[-1]) == b"Password:"
    cram = lookup_mechanism("CRAM-MD5")
    challenge = base64.b64decode(cram.exchange[1].split()[-1])
    user, digest = base64.b64decode(cram.exchange[2].split()[-1]).decode().split()
    assert digest == hmac.new(b"tanstaaftanstaaf", challenge, hashlib.md5).hexdigest()
    xoauth = base64.b64decode(lookup_mechanism("XOAUTH2").exchange[0].split()[-1])
    assert (
        xoauth.startswith(b"user=")
        and b"\x01auth=Bearer " in xoauth
        and xoauth.endswith(b"\x01\x01")
    )
    for m in MECHANISMS:
        assert all(is_base64(line.split()[-1]) for line in m.exchange if line.startswith("C: ") and
                   len(line.split()) == 2)  # fmt: skip
        assert CJK.search(m.description("zh"))


def test_completions_offer_ready_to_type_starts():
    comp = completions()
    assert "MAIL FROM:<" in comp and "RCPT TO:<" in comp
    assert {"AUTH PLAIN", "AUTH LOGIN", "AUTH CRAM-MD5", "AUTH XOAUTH2"} <= set(comp)
    assert len(comp) == len(COMMANDS) - 1 + len(MECHANISMS)
