"""Policies a lesson needs the demo server to show: AUTH required (530) and
unknown local users (550), next to the relay refusal (554) it always has."""

from __future__ import annotations

from tests.server.helpers import RawClient, trusting


async def _greeted(port: int) -> RawClient:
    client = await RawClient.connect(port)
    await client.reply()
    await client.command("EHLO client.test")
    return client


async def test_require_auth_answers_mail_with_530_until_authenticated(start_server) -> None:
    server = await start_server(require_auth=True)
    client = await _greeted(server.port)
    assert await client.command("MAIL FROM:<a@demo.local>") == ["530 5.7.0 Authentication required"]
    assert (await client.command("STARTTLS"))[0].startswith("220")
    await client.starttls(trusting(server.cert_path))
    await client.command("EHLO client.test")
    assert (await client.command("AUTH PLAIN AGRlbW8AZGVtbw=="))[0].startswith("235")
    assert await client.command("MAIL FROM:<a@demo.local>") == ["250 2.1.0 OK"]
    await client.close()


async def test_without_require_auth_mail_needs_no_login(server) -> None:
    client = await _greeted(server.port)
    assert await client.command("MAIL FROM:<a@demo.local>") == ["250 2.1.0 OK"]
    await client.close()


async def test_mailboxes_make_other_local_addresses_unknown_550(start_server) -> None:
    server = await start_server(mailboxes=("Demo@demo.local",))
    client = await _greeted(server.port)
    await client.command("MAIL FROM:<a@demo.local>")
    assert await client.command("RCPT TO:<nobody@demo.local>") == [
        "550 5.1.1 <nobody@demo.local>: Recipient address rejected: User unknown"
    ]
    assert await client.command("RCPT TO:<demo@DEMO.local>") == ["250 2.1.5 OK"]
    assert (await client.command("RCPT TO:<x@example.org>"))[0].startswith("554 5.7.1")
    assert await client.command("RCPT TO:<postmaster>") == ["250 2.1.5 OK"]
    await client.close()
