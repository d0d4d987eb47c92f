from __future__ import annotations

from smtptui.protocol import Capabilities, ReplyParser


def caps(text: bytes) -> Capabilities:
    (reply,) = ReplyParser().feed(text)
    return Capabilities.from_ehlo(reply)


POSTFIX_EHLO = (
    b"250-postfix.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n"
    b"250-STARTTLS\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-AUTH=PLAIN LOGIN CRAM-MD5\r\n"
    b"250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n"
    b"250 LIMITS RCPTMAX=100 MAILMAX=10\r\n"
)


def test_postfix_style_ehlo_is_fully_parsed():
    c = caps(POSTFIX_EHLO)
    assert c.domain == "postfix.test"
    assert c.size == 10240000
    assert c.pipelining and c.starttls and c.eightbitmime and c.smtputf8 and c.dsn and c.chunking
    assert c.enhancedstatuscodes
    assert c.auth_mechanisms == ("PLAIN", "LOGIN", "CRAM-MD5")
    assert c.limits == {"RCPTMAX": "100", "MAILMAX": "10"}
    assert c.has("etrn") and c.has("VRFY")
    assert not c.requiretls


def test_unknown_keywords_are_kept_with_parameters():
    c = caps(b"250-x\r\n250-XCLIENT NAME ADDR\r\n250 MT-PRIORITY MIXER\r\n")
    assert c.params("XCLIENT") == ("NAME", "ADDR")
    assert "MT-PRIORITY MIXER" in c.summary()


def test_size_without_limit_means_unlimited():
    assert caps(b"250-x\r\n250 SIZE\r\n").size == 0
    assert caps(b"250 x\r\n").size is None


def test_old_style_auth_equals_only():
    assert caps(b"250-x\r\n250 AUTH=LOGIN\r\n").auth_mechanisms == ("LOGIN",)


def test_control_characters_in_keywords_are_escaped_at_the_source():
    c = caps(b"250-evil\x1b[2J\r\n250 AUTH PLAIN \x1b]0;PWNED\x07\r\n")
    assert c.domain == "evil\\x1b[2J"
    shown = " ".join(c.summary())
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b]0;PWNED\\x07" in shown
