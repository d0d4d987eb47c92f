"""AUTH encoders against the RFCs' own examples."""

from __future__ import annotations

import base64

import pytest

from smtptui.protocol import AuthError, Secret
from smtptui.protocol.auth import choose_mechanism, decode_challenge, mechanism


def test_plain_matches_rfc_4616_example():
    # RFC 4616 §4: authcid "tim", password "tanstaaftanstaaf", no authzid.
    line = mechanism("PLAIN", "tim", Secret("tanstaaftanstaaf")).start()
    assert line.wire == "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"
    assert "tanstaaf" not in line.text and "AHRpbQ" not in line.text
    assert "tim" not in line.redacted_annotation


def test_cram_md5_matches_rfc_2195_example():
    mech = mechanism("CRAM-MD5", "tim", Secret("tanstaaftanstaaf"))
    challenge = base64.b64encode(b"<1896.697170952@postoffice.reston.mci.net>").decode()
    line = mech.respond(challenge)
    assert base64.b64decode(line.wire) == b"tim b913a602c7eda7a495b4e6e7334d3890"
    assert line.text == "********"


def test_login_answers_username_then_password_and_masks_password():
    mech = mechanism("LOGIN", "demo", Secret("s3cret"))
    user = mech.respond("VXNlcm5hbWU6")
    password = mech.respond("UGFzc3dvcmQ6")
    assert base64.b64decode(user.wire) == b"demo"
    assert user.text == "ZGVtbw=="  # user name visible on screen…
    assert user.redacted == "********"  # …but not in exports
    assert base64.b64decode(password.wire) == b"s3cret"
    assert password.text == "********" and "s3cret" not in (password.annotation or "")


def test_xoauth2_token_format():
    line = mechanism(
        "XOAUTH2", "someuser@example.com", Secret("ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
    ).start()
    payload = base64.b64decode(line.wire.split()[2])
    assert (
        payload
        == b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
    )
    assert "ya29" not in line.text


def test_challenge_rounds_are_bounded():
    mech = mechanism("LOGIN", "u", Secret("p"))
    with pytest.raises(AuthError, match="more than 5"):
        for _ in range(10):
            mech.respond("UGFzc3dvcmQ6")


def test_decode_challenge_for_display():
    assert decode_challenge("VXNlcm5hbWU6") == "Username:"
    assert decode_challenge("not base64!") is None
    assert decode_challenge("") is None


def test_auto_prefers_strongest_offered():
    assert choose_mechanism("auto", ("LOGIN", "PLAIN", "CRAM-MD5")) == "CRAM-MD5"
    assert choose_mechanism("auto", ("LOGIN", "PLAIN")) == "PLAIN"
    assert choose_mechanism("auto", ("LOGIN",)) == "LOGIN"
    with pytest.raises(AuthError, match="does not offer AUTH"):
        choose_mechanism("auto", ())
    with pytest.raises(AuthError, match="none of which"):
        choose_mechanism("auto", ("GSSAPI", "NTLM"))


def test_secret_never_shows_in_repr_or_format():
    s = Secret("hunter2")
    assert "hunter2" not in repr(s) and "hunter2" not in f"{s}" and "hunter2" not in str([s])
