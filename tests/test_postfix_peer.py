"""The Postfix test peer itself behaves as documented in tests/peers/postfix.py.

These tests use the standard library's smtplib on purpose: they check the peer,
not smtptui's client (which has its own Postfix interop tests).
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage

import pytest

from tests.peers.postfix import PostfixPeer, queue_id_from_reply, queued_ids

# Until tests/conftest.py loads the plugin for every test module, load it here
# (loading it twice is harmless: pytest registers a plugin module once).
pytest_plugins = ["tests.peers.fixtures"]

pytestmark = pytest.mark.postfix

MECHANISMS = ["PLAIN", "LOGIN", "CRAM-MD5"]
CLIENT_NAME = "client.smtptui.test"
TIMEOUT = 10


class PinnedSMTP(smtplib.SMTP):
    """smtplib.SMTP that connects to ``address`` but treats ``server_name`` as
    the host, so STARTTLS sends it as SNI and verifies the certificate against it.
    (The snakeoil certificate names the machine, which need not resolve to the
    loopback address Postfix listens on.)"""

    def __init__(self, address: str, server_name: str, port: int) -> None:
        self._address = address
        super().__init__(server_name, port, local_hostname=CLIENT_NAME, timeout=TIMEOUT)

    def _get_socket(self, host, port, timeout):
        return super()._get_socket(self._address, port, timeout)


def ca_context(peer: PostfixPeer) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=peer.ca_file)
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    return ctx


def tls_session(peer: PostfixPeer) -> PinnedSMTP:
    """Connected, STARTTLS done with full verification, EHLO repeated."""
    smtp = PinnedSMTP(peer.host, peer.server_name, peer.port)
    smtp.ehlo()
    code, _ = smtp.starttls(context=ca_context(peer))
    assert code == 220
    smtp.ehlo()
    return smtp


def plain_session(peer: PostfixPeer, host: str | None = None) -> smtplib.SMTP:
    smtp = smtplib.SMTP(host or peer.host, peer.port, local_hostname=CLIENT_NAME, timeout=TIMEOUT)
    smtp.ehlo()
    return smtp


def authenticate(smtp: smtplib.SMTP, mechanism: str, user: str, password: str):
    """AUTH with exactly ``mechanism`` (smtplib.login would pick one itself)."""
    smtp.user, smtp.password = user, password
    authobject = {
        "PLAIN": smtp.auth_plain,
        "LOGIN": smtp.auth_login,
        "CRAM-MD5": smtp.auth_cram_md5,
    }[mechanism]
    return smtp.auth(mechanism, authobject)


def test_greeting_and_capabilities_before_tls(postfix: PostfixPeer):
    with plain_session(postfix) as smtp:
        assert smtp.does_esmtp
        assert smtp.has_extn("starttls")
        assert smtp.has_extn("enhancedstatuscodes")
        assert smtp.has_extn("pipelining")
        # smtpd_tls_auth_only: no AUTH on a cleartext connection ...
        assert not smtp.has_extn("auth")
        # ... and asking anyway is refused.
        code, text = smtp.docmd("AUTH", "PLAIN AHRlc3R1c2VyAHRlc3RwYXNz")
        assert code == 503, text
        assert text.startswith(b"5.5.1"), text


def test_greeting_names_the_domain(postfix: PostfixPeer):
    smtp = smtplib.SMTP(local_hostname=CLIENT_NAME, timeout=TIMEOUT)
    try:
        code, text = smtp.connect(postfix.host, postfix.port)
        assert code == 220
        assert text.split()[0] == postfix.domain.encode()
    finally:
        smtp.close()


def test_ipv6_loopback_listener(postfix: PostfixPeer):
    if postfix.host6 is None:
        pytest.skip("this machine has no IPv6 loopback; postfix.sh listens on IPv4 only")
    with plain_session(postfix, host=postfix.host6) as smtp:
        assert smtp.has_extn("starttls")


def test_starttls_verifies_against_the_snakeoil_certificate(postfix: PostfixPeer):
    with tls_session(postfix) as smtp:
        tls = smtp.sock
        assert isinstance(tls, ssl.SSLSocket)
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        cert = tls.getpeercert()  # only filled in for a verified certificate
        assert ("DNS", postfix.server_name) in cert["subjectAltName"]
        # After TLS the capabilities are new and include AUTH with our mechanisms.
        assert smtp.has_extn("auth")
        offered = smtp.esmtp_features["auth"].upper().split()
        assert set(MECHANISMS) <= set(offered)


def test_certificate_does_not_name_the_loopback_address(postfix: PostfixPeer):
    """Why clients must verify against ``server_name``: the IP is not in the cert."""
    with plain_session(postfix) as smtp, pytest.raises(ssl.SSLCertVerificationError):
        smtp.starttls(context=ca_context(postfix))


def test_certificate_is_not_trusted_without_a_ca(postfix: PostfixPeer):
    """Verification really happens: with no trusted CA at all the handshake fails.
    (Not the system store: Debian's make-ssl-cert hash-links the snakeoil into
    /etc/ssl/certs, so OpenSSL's default CA path trusts it on this machine.)"""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, trusts nothing
    smtp = PinnedSMTP(postfix.host, postfix.server_name, postfix.port)
    try:
        smtp.ehlo()
        with pytest.raises(ssl.SSLCertVerificationError, match=r"self[- ]signed"):
            smtp.starttls(context=ctx)
    finally:
        smtp.close()


@pytest.mark.parametrize("mechanism", MECHANISMS)
@pytest.mark.parametrize("user_form", ["user@realm", "bare user"])
def test_auth_succeeds(postfix: PostfixPeer, mechanism: str, user_form: str):
    user = postfix.user if user_form == "user@realm" else postfix.username_only
    with tls_session(postfix) as smtp:
        code, text = authenticate(smtp, mechanism, user, postfix.password)
        assert code == 235, text
        assert text.startswith(b"2.7.0"), text


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_wrong_password_is_535_5_7_8(postfix: PostfixPeer, mechanism: str):
    with tls_session(postfix) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError) as err:
            authenticate(smtp, mechanism, postfix.user, postfix.password + "-wrong")
        assert err.value.smtp_code == 535
        assert err.value.smtp_error.startswith(b"5.7.8"), err.value.smtp_error


def test_unknown_user_is_535_5_7_8(postfix: PostfixPeer):
    with tls_session(postfix) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError) as err:
            authenticate(smtp, "PLAIN", f"nobody@{postfix.domain}", postfix.password)
        assert err.value.smtp_code == 535
        assert err.value.smtp_error.startswith(b"5.7.8")


@pytest.mark.parametrize("with_tls", [False, True], ids=["cleartext", "starttls"])
def test_relay_without_auth_is_554_5_7_1(postfix: PostfixPeer, with_tls: bool):
    smtp = tls_session(postfix) if with_tls else plain_session(postfix)
    with smtp:
        code, text = smtp.mail("sender@example.org")
        assert code == 250, text
        for rcpt in ("someone@example.com", f"testuser@{postfix.domain}"):
            code, text = smtp.rcpt(rcpt)
            assert code == 554, text
            assert text.startswith(b"5.7.1"), text
            assert b"Relay access denied" in text


def test_send_after_auth_is_accepted_and_discarded(postfix: PostfixPeer):
    token = uuid.uuid4().hex
    msg = EmailMessage()
    msg["From"] = "sender@example.org"
    msg["To"] = "a@example.com, b@example.net"
    msg["Subject"] = f"smtptui peer test {token}"
    msg["Message-ID"] = f"<{token}@smtptui.test>"
    msg.set_content("hello from the postfix peer test\n.leading dot\n")
    recipients = ["a@example.com", "b@example.net"]

    with tls_session(postfix) as smtp:
        code, _ = authenticate(smtp, "PLAIN", postfix.user, postfix.password)
        assert code == 235
        assert smtp.mail("sender@example.org")[0] == 250
        for rcpt in recipients:
            code, text = smtp.rcpt(rcpt)
            assert code == 250, text
            assert text.startswith(b"2.1.5"), text
        code, text = smtp.data(msg.as_bytes())
        assert code == 250, text
        assert text.startswith(b"2.0.0"), text

    queue_id = queue_id_from_reply(text)
    assert queue_id, text
    try:
        discards = postfix.wait_for_discard(queue_id, timeout=15)
    except PermissionError:
        pytest.skip(f"cannot read {postfix.log_file} as this user (CI runs as root)")
    assert sorted(line.split("to=<", 1)[1].split(">", 1)[0] for line in discards) == recipients
    assert queue_id not in queued_ids()
    log = postfix.read_log()
    assert f"{queue_id}: message-id=<{token}@smtptui.test>" in log
    # Nothing of this message went anywhere but discard(8).
    assert not [
        line
        for line in log.splitlines()
        if f"{queue_id}: to=" in line and "postfix/discard[" not in line
    ]
