"""Accepting, refusing and recording mail: relay policy, SIZE, enhanced codes,
pipelining, the message store, subscribers, Maildir, delays and refusals."""

from __future__ import annotations

import asyncio
import mailbox
import smtplib
import socket
import time

import pytest

from smtptui.message import MessageDraft, build_message
from smtptui.server import DemoServer, ReceivedMessage, ServerConfig, ServerStartError
from tests.server.helpers import RawClient, trusting

MESSAGE = b"Subject: hello\r\nFrom: a@demo.local\r\n\r\nbody\r\n"


def _send(
    port: int,
    to: list[str],
    data: bytes = MESSAGE,
    *,
    login: tuple[str, str] | None = None,
    cert: object = None,
    mail_options: tuple[str, ...] = (),
) -> dict:
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        if login:
            smtp.starttls(context=trusting(cert))
            smtp.login(*login)
        return smtp.sendmail("a@demo.local", to, data, mail_options=list(mail_options))


async def _session(server: DemoServer) -> RawClient:
    client = await RawClient.connect(server.port)
    await client.reply()
    await client.command("EHLO client.test")
    return client


async def test_local_domain_is_accepted_without_auth(server: DemoServer) -> None:
    refused = await asyncio.to_thread(_send, server.port, ["b@demo.local", "c@DEMO.LOCAL"])
    assert refused == {}
    (message,) = server.messages
    assert message.rcpt_tos == ("b@demo.local", "c@DEMO.LOCAL")
    assert message.authenticated_user is None and not message.tls


async def test_other_domains_are_relay_denied_without_auth(server: DemoServer) -> None:
    client = await _session(server)
    assert await client.command("MAIL FROM:<a@demo.local>") == ["250 2.1.0 OK"]
    assert await client.command("RCPT TO:<x@example.org>") == [
        "554 5.7.1 <x@example.org>: Relay access denied"
    ]
    assert await client.command("RCPT TO:<b@demo.local>") == ["250 2.1.5 OK"]
    await client.close()


async def test_authenticated_client_may_send_anywhere(server: DemoServer) -> None:
    await asyncio.to_thread(
        _send, server.port, ["x@example.org"], login=("demo", "demo"), cert=server.cert_path
    )
    (message,) = server.messages
    assert message.rcpt_tos == ("x@example.org",)
    assert message.authenticated_user == "demo"
    assert message.tls


async def test_every_recipient_refused_means_no_message(server: DemoServer) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        await asyncio.to_thread(_send, server.port, ["x@example.org"])
    assert server.messages == [] and server.received_count == 0


async def test_ehlo_advertises_what_the_server_does(start_server) -> None:
    server = await start_server(size_limit=4096)
    client = await RawClient.connect(server.port)
    greeting = await client.reply()
    assert greeting[0].startswith("220 smtptui.demo ESMTP")
    ehlo = await client.command("EHLO client.test")
    assert ehlo[0] == "250-smtptui.demo"
    keywords = {line[4:] for line in ehlo[1:]}
    assert {
        "SIZE 4096",
        "8BITMIME",
        "SMTPUTF8",
        "STARTTLS",
        "PIPELINING",
        "ENHANCEDSTATUSCODES",
    } <= keywords
    await client.close()


async def test_replies_carry_enhanced_status_codes(server: DemoServer) -> None:
    client = await _session(server)
    assert await client.command("NOOP") == ["250 2.0.0 OK"]
    assert (await client.command("RCPT TO:<b@demo.local>"))[0].startswith("503 5.5.1")
    assert (await client.command("FOO"))[0].startswith("500 5.5.2")
    assert await client.command("RSET") == ["250 2.0.0 OK"]
    assert await client.command("QUIT") == ["221 2.0.0 Bye"]
    await client.close()


async def test_size_parameter_over_the_limit_is_552(start_server) -> None:
    server = await start_server(size_limit=1000)
    client = await _session(server)
    reply = await client.command("MAIL FROM:<a@demo.local> SIZE=5000")
    assert reply[0].startswith("552 5.3.4")
    await client.close()


async def test_data_over_the_limit_is_552_and_not_recorded(start_server) -> None:
    server = await start_server(size_limit=1000)
    client = await _session(server)
    await client.command("MAIL FROM:<a@demo.local>")  # no SIZE=: the limit bites at DATA
    await client.command("RCPT TO:<b@demo.local>")
    assert (await client.command("DATA"))[0].startswith("354")
    await client.send(MESSAGE + (b"y" * 70 + b"\r\n") * 30 + b".")
    assert (await client.reply())[0].startswith("552 5.3.4")
    assert server.messages == []
    await client.close()


async def test_pipelined_commands_are_answered_in_order(server: DemoServer) -> None:
    client = await _session(server)
    await client.send(
        "MAIL FROM:<a@demo.local>", "RCPT TO:<x@example.org>", "RCPT TO:<b@demo.local>", "DATA"
    )
    replies = [(await client.reply())[0][:3] for _ in range(4)]
    assert replies == ["250", "554", "250", "354"]
    await client.send(b"Subject: piped\r\n\r\nhi\r\n.", "QUIT")
    assert (await client.reply())[0].startswith("250 2.0.0 OK: queued as")
    assert await client.reply() == ["221 2.0.0 Bye"]
    await client.close()
    assert server.messages[0].subject == "piped"


async def test_received_message_is_decoded_with_its_defects(server: DemoServer) -> None:
    built = build_message(
        MessageDraft(
            from_="a@demo.local",
            to=["b@demo.local"],
            subject="Hi 你好",
            body="hello\n.leading dot\n",
        )
    )
    await asyncio.to_thread(_send, server.port, ["b@demo.local"], built.data)
    await asyncio.to_thread(_send, server.port, ["b@demo.local"], b"just a body\r\n")
    good, bad = server.messages
    assert good.subject == "Hi 你好"
    assert good.body == "hello\n.leading dot\n"
    assert good.defects == ()
    assert good.data == built.data
    assert good.size == len(built.data)
    assert good.peer.startswith("127.0.0.1:") and good.helo
    assert {"missing-blank-line", "no-subject", "no-date"} <= {d.code for d in bad.defects}


async def test_smtputf8_message_is_accepted(server: DemoServer) -> None:
    built = build_message(
        MessageDraft(from_="a@demo.local", to=["用户@demo.local"], subject="Grüße", body="día")
    )
    assert built.needs_smtputf8
    refused = await asyncio.to_thread(
        _send, server.port, ["用户@demo.local"], built.data, mail_options=("SMTPUTF8",)
    )
    assert refused == {}
    (message,) = server.messages
    assert message.smtputf8 and message.rcpt_tos == ("用户@demo.local",)
    assert message.subject == "Grüße"


async def test_messages_are_bounded_but_counted(start_server) -> None:
    server = await start_server(max_messages=3)
    for i in range(5):
        data = f"Subject: n{i}\r\n\r\nbody\r\n".encode()
        await asyncio.to_thread(_send, server.port, ["b@demo.local"], data)
    assert [m.subject for m in server.messages] == ["n2", "n3", "n4"]
    assert server.received_count == 5


async def test_subscribers_see_each_message_until_unsubscribed(server: DemoServer) -> None:
    seen: list[str | None] = []
    seen_async: list[str | None] = []

    async def async_subscriber(message: ReceivedMessage) -> None:
        seen_async.append(message.subject)

    def broken(message: ReceivedMessage) -> None:
        raise RuntimeError("subscriber bug")

    unsubscribe = server.subscribe(lambda m: seen.append(m.subject))
    server.subscribe(async_subscriber)
    server.subscribe(broken)
    await asyncio.to_thread(_send, server.port, ["b@demo.local"])
    unsubscribe()
    await asyncio.to_thread(_send, server.port, ["b@demo.local"])
    await asyncio.sleep(0)
    assert seen == ["hello"]
    assert seen_async == ["hello", "hello"]
    assert server.received_count == 2, "a failing subscriber must not refuse mail"


async def test_maildir_receives_each_message(start_server, tmp_path) -> None:
    server = await start_server(maildir=tmp_path / "Mail")
    await asyncio.to_thread(_send, server.port, ["b@demo.local"])
    (message,) = server.messages
    assert message.stored_as is not None and message.stored_as.parent.name == "new"
    box = mailbox.Maildir(tmp_path / "Mail", create=False)
    (stored,) = list(box)
    assert stored["Subject"] == "hello"
    assert list((tmp_path / "Mail" / "tmp").iterdir()) == []


async def test_reply_delay_slows_every_reply(start_server) -> None:
    server = await start_server(reply_delay=0.2)
    started = time.monotonic()
    client = await RawClient.connect(server.port)
    await client.reply()
    greeted = time.monotonic()
    await client.command("EHLO client.test")
    done = time.monotonic()
    assert greeted - started >= 0.19
    assert 0.19 <= done - greeted < 0.6, "a multi-line reply is delayed once, not per line"
    await client.close()


async def test_refused_greeting_is_554_then_503_until_quit(start_server) -> None:
    server = await start_server(refuse_greeting=True)
    client = await RawClient.connect(server.port)
    (greeting,) = await client.reply()
    assert greeting.startswith("554 5.3.2 ")
    assert (await client.command("EHLO client.test"))[0].startswith("503 5.5.1")
    assert await client.command("QUIT") == ["221 2.0.0 Bye"]
    assert await asyncio.wait_for(client.reader.read(), 2) == b""
    await client.close()

    def smtplib_connect() -> None:
        smtplib.SMTP("127.0.0.1", server.port, timeout=5)

    with pytest.raises(smtplib.SMTPConnectError) as info:
        await asyncio.to_thread(smtplib_connect)
    assert info.value.smtp_code == 554


async def test_two_servers_run_side_by_side(start_server) -> None:
    first, second = await start_server(), await start_server(local_domains=("other.test",))
    assert first.port != second.port
    await asyncio.to_thread(_send, first.port, ["b@demo.local"])
    await asyncio.to_thread(_send, second.port, ["b@other.test"])
    assert [m.rcpt_tos for m in first.messages] == [("b@demo.local",)]
    assert [m.rcpt_tos for m in second.messages] == [("b@other.test",)]


async def test_a_fleet_of_servers_starts_and_stops_quickly() -> None:
    servers = [DemoServer(ServerConfig(port=0)) for _ in range(20)]
    started = time.monotonic()
    await asyncio.gather(*(s.start() for s in servers))
    assert len({s.port for s in servers}) == 20
    await asyncio.gather(*(s.stop() for s in servers))
    assert time.monotonic() - started < 5


async def test_stop_drops_live_connections_promptly(start_server) -> None:
    server = await start_server()
    plain = await _session(server)
    tls = await _session(server)
    await tls.command("STARTTLS")
    await tls.starttls(trusting(server.cert_path))
    started = time.monotonic()
    await asyncio.wait_for(server.stop(), 2)
    assert await asyncio.wait_for(plain.reader.read(), 2) == b""
    with pytest.raises((ConnectionError, OSError)):
        await plain.command("NOOP")
        await plain.command("NOOP")
    assert time.monotonic() - started < 2
    assert not server.running
    await plain.close()
    await tls.close()


async def test_port_in_use_is_one_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = DemoServer(ServerConfig(port=port))
        with pytest.raises(ServerStartError, match=rf"127\.0\.0\.1:{port} is already in use"):
            await server.start()
    assert not server.running and server.cert_path is None


async def test_misbehaving_clients_print_nothing(start_server, capfd) -> None:
    server = await start_server(tls_port=0)
    garbage = await RawClient.connect(server.tls_port)  # plain text to the TLS port
    await garbage.send("EHLO not-tls")
    await garbage.close()
    rude = await _session(server)
    await rude.send("MAIL FROM:<a@demo.local>", "RCPT TO:<b@demo.local>", "DATA", b"half a mess")
    rude.writer.transport.abort()
    for _ in range(6):
        bogus = await _session(server)
        await bogus.send(*["XYZZY"] * 6)
        await bogus.close()
    await asyncio.sleep(0.2)
    await server.stop()
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
