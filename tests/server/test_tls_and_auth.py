"""TLS and AUTH of the demo server, driven by stdlib smtplib (a real, independent
client) in a thread, and by raw streams where the exact bytes matter."""

from __future__ import annotations

import asyncio
import base64
import hmac
import smtplib
import ssl
import stat

import pytest

from smtptui.server import DemoServer, ServerStartError
from tests.server.helpers import RawClient, trusting


def _starttls_login(
    server: DemoServer, mechanism: str, password: str = "demo"
) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
        smtp.starttls(context=trusting(server.cert_path))
        smtp.ehlo("client.test")
        smtp.user, smtp.password = "demo", password
        method = {
            "PLAIN": smtp.auth_plain,
            "LOGIN": smtp.auth_login,
            "CRAM-MD5": smtp.auth_cram_md5,
        }[mechanism]
        try:
            return smtp.auth(mechanism, method)
        except smtplib.SMTPAuthenticationError as exc:
            return exc.smtp_code, exc.smtp_error


async def test_starttls_verifies_against_the_generated_certificate(server: DemoServer) -> None:
    def run() -> tuple[str | None, str]:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
            smtp.ehlo("client.test")
            assert smtp.has_extn("starttls")
            assert not smtp.has_extn("auth"), "AUTH must not be offered before TLS"
            smtp.starttls(context=trusting(server.cert_path))
            smtp.ehlo("client.test")
            assert not smtp.has_extn("starttls")
            return smtp.sock.version(), smtp.esmtp_features["auth"]

    version, mechanisms = await asyncio.to_thread(run)
    assert version in ("TLSv1.2", "TLSv1.3")
    assert mechanisms.split() == ["CRAM-MD5", "LOGIN", "PLAIN"]


async def test_starttls_fails_for_a_client_that_does_not_trust_the_certificate(
    server: DemoServer,
) -> None:
    def run() -> None:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
            smtp.starttls(context=ssl.create_default_context())

    with pytest.raises(ssl.SSLCertVerificationError):
        await asyncio.to_thread(run)


async def test_certificate_is_private_and_removed_on_stop(start_server) -> None:
    server = await start_server()
    cert = server.cert_path
    assert cert is not None and cert.exists()
    assert stat.S_IMODE(cert.stat().st_mode) == 0o600
    assert stat.S_IMODE((cert.parent / "key.pem").stat().st_mode) == 0o600
    await server.stop()
    assert not cert.exists()


async def test_implicit_tls_port_offers_auth_and_no_starttls(start_server) -> None:
    server = await start_server(tls_port=0)
    assert server.tls_port not in (None, 0, server.port)

    def run() -> tuple[bool, tuple[int, bytes]]:
        with smtplib.SMTP_SSL(
            "127.0.0.1", server.tls_port, timeout=5, context=trusting(server.cert_path)
        ) as smtp:
            smtp.ehlo("client.test")
            return smtp.has_extn("starttls"), smtp.login("demo", "demo")

    offers_starttls, (code, _) = await asyncio.to_thread(run)
    assert not offers_starttls
    assert code == 235


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN", "CRAM-MD5"])
async def test_auth_succeeds_with_demo_credentials(server: DemoServer, mechanism: str) -> None:
    code, text = await asyncio.to_thread(_starttls_login, server, mechanism)
    assert (code, text) == (235, b"2.7.0 Authentication successful")


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN", "CRAM-MD5"])
async def test_wrong_password_is_535_5_7_8(server: DemoServer, mechanism: str) -> None:
    code, text = await asyncio.to_thread(_starttls_login, server, mechanism, "wrong")
    assert (code, text) == (535, b"5.7.8 Authentication credentials invalid")


async def test_auth_login_prompts_are_username_and_password(server: DemoServer) -> None:
    client = await RawClient.connect(server.port)
    await client.reply()
    await client.command("EHLO client.test")
    assert (await client.command("STARTTLS"))[0].startswith("220 ")
    await client.starttls(trusting(server.cert_path))
    await client.command("EHLO client.test")
    assert await client.command("AUTH LOGIN") == ["334 VXNlcm5hbWU6"]  # "Username:"
    assert await client.command(base64.b64encode(b"demo")) == ["334 UGFzc3dvcmQ6"]  # "Password:"
    assert await client.command(base64.b64encode(b"demo")) == [
        "235 2.7.0 Authentication successful"
    ]
    await client.close()


async def test_cram_md5_challenge_is_answered_by_hmac(server: DemoServer) -> None:
    client = await RawClient.connect(server.port)
    await client.reply()
    await client.command("EHLO client.test")
    await client.command("STARTTLS")
    await client.starttls(trusting(server.cert_path))
    await client.command("EHLO client.test")
    (line,) = await client.command("AUTH CRAM-MD5")
    challenge = base64.b64decode(line.split()[1])
    assert challenge.startswith(b"<") and challenge.endswith(b"@smtptui.demo>")
    digest = hmac.new(b"demo", challenge, "md5").hexdigest()
    answer = base64.b64encode(b"demo " + digest.encode())
    assert (await client.command(answer))[0].startswith("235 2.7.0")
    await client.close()


async def test_auth_before_tls_is_refused(server: DemoServer) -> None:
    client = await RawClient.connect(server.port)
    await client.reply()
    ehlo = await client.command("EHLO client.test")
    assert not any("AUTH" in line for line in ehlo)
    reply = await client.command("AUTH PLAIN " + base64.b64encode(b"\0demo\0demo").decode())
    assert reply == ["538 5.7.11 Encryption required for requested authentication mechanism"]
    await client.close()


async def test_allow_plain_auth_offers_auth_without_tls(start_server) -> None:
    server = await start_server(allow_plain_auth=True)

    def run() -> tuple[int, bytes]:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
            return smtp.login("demo", "demo")

    assert (await asyncio.to_thread(run))[0] == 235


async def test_aborted_auth_gets_exactly_one_reply(server: DemoServer) -> None:
    client = await RawClient.connect(server.port)
    await client.reply()
    await client.command("EHLO client.test")
    await client.command("STARTTLS")
    await client.starttls(trusting(server.cert_path))
    await client.command("EHLO client.test")
    assert (await client.command("AUTH LOGIN"))[0].startswith("334 ")
    assert await client.command("*") == ["501 5.7.0 Auth aborted"]
    assert await client.command("NOOP") == ["250 2.0.0 OK"], "a second reply to AUTH leaked"
    await client.close()


async def test_configured_user_replaces_demo(start_server) -> None:
    server = await start_server(users={"alice": "s3cret"}, allow_plain_auth=True)

    def run(user: str, password: str) -> int:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
            try:
                return smtp.login(user, password)[0]
            except smtplib.SMTPAuthenticationError as exc:
                return exc.smtp_code

    assert await asyncio.to_thread(run, "alice", "s3cret") == 235
    assert await asyncio.to_thread(run, "demo", "demo") == 535


async def test_unusable_certificate_is_one_clear_error(tmp_path) -> None:
    bad = tmp_path / "cert.pem"
    bad.write_text("not a certificate")
    from smtptui.server import ServerConfig

    server = DemoServer(ServerConfig(port=0, cert_file=bad, key_file=bad))
    with pytest.raises(ServerStartError, match=r"cannot load the certificate .*cert\.pem"):
        await server.start()
    assert not server.running


async def test_given_certificate_is_served(start_server, tmp_path) -> None:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    leaf = ca.issue_cert("localhost", "127.0.0.1")
    cert, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    leaf.private_key_and_cert_chain_pem.write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    server = await start_server(cert_file=cert, key_file=key)
    assert server.cert_path == cert

    def run() -> str | None:
        context = ssl.create_default_context()
        ca.configure_trust(context)
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
            smtp.starttls(context=context)
            return smtp.sock.version()

    assert await asyncio.to_thread(run)
