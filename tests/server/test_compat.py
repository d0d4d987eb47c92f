"""Each private attribute smtptui reads from another library (all of them in
smtptui/compat.py) is still there and still means what compat.py says, checked
against the installed version on a real connection.  When an upgrade breaks
one, the failure is one sentence naming the library, its version, the private
and what the demo server loses."""

from __future__ import annotations

import asyncio
import inspect
from importlib.metadata import version

import pytest

from smtptui import compat
from tests.server.helpers import RawClient, trusting

AIOSMTPD = f"aiosmtpd {version('aiosmtpd')}"


def changed(private: str, consequence: str) -> str:
    return (
        f"{AIOSMTPD} changed SMTP.{private}: {consequence}; "
        "update smtptui/compat.py for this version (or pin the older one)"
    )


async def connection(server):
    """The server side of the one open connection."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while not server._connections:
        assert loop.time() < deadline, "the demo server never saw the connection"
        await asyncio.sleep(0.01)
    (conn,) = server._connections
    return conn


def test_aiosmtpd_still_has_the_per_connection_coroutine_the_demo_replaces():
    from aiosmtpd.smtp import SMTP

    method = getattr(SMTP, compat.AIOSMTPD_CLIENT_LOOP, None)
    assert inspect.iscoroutinefunction(method), changed(
        compat.AIOSMTPD_CLIENT_LOOP,
        "it is no longer the coroutine run per connection, so the demo server's refusing "
        "greeting and its quiet handling of vanished peers are gone",
    )


async def test_the_replaced_coroutine_is_what_runs_each_connection(start_server):
    server = await start_server(refuse_greeting=True)
    client = await RawClient.connect(server.port)
    greeting = await client.reply()
    await client.close()
    assert greeting[0].startswith("554"), changed(
        compat.AIOSMTPD_CLIENT_LOOP,
        "a connection no longer runs the coroutine the demo server installs in its place",
    )


async def test_the_connection_task_is_found_for_shutdown(start_server):
    server = await start_server()
    client = await RawClient.connect(server.port)
    await client.reply()
    conn = await connection(server)
    try:
        task = compat.aiosmtpd_client_task(conn)
    except AttributeError:
        pytest.fail(
            changed(
                "_handler_coroutine",
                "it is gone, so stopping the server cannot cancel and await its connections",
            )
        )
    assert isinstance(task, asyncio.Task) and not task.done(), changed(
        "_handler_coroutine", "it is no longer the running task that serves the connection"
    )
    await client.close()


async def test_the_command_table_can_be_wrapped(start_server):
    server = await start_server()
    client = await RawClient.connect(server.port)
    await client.reply()
    conn = await connection(server)
    try:
        table = compat.aiosmtpd_command_handlers(conn)
    except AttributeError:
        pytest.fail(changed("_smtp_methods", "it is gone, so replies lose their enhanced codes"))
    assert isinstance(table, dict) and {"EHLO", "MAIL", "RCPT", "DATA"} <= set(table), changed(
        "_smtp_methods", "it is no longer the verb -> handler table"
    )
    # the demo wraps every entry to know which command a reply answers
    ehlo = await client.command("EHLO test.local")
    mail = await client.command("MAIL FROM:<a@demo.local>")
    assert ehlo[0].startswith("250-") and mail == ["250 2.1.0 OK"], changed(
        "_smtp_methods", "wrapped handlers are no longer the ones called"
    )
    await client.close()


async def test_starttls_state_transports_and_reader_are_where_compat_looks(start_server):
    server = await start_server()
    client = await RawClient.connect(server.port)
    await client.reply()
    conn = await connection(server)
    try:
        before = compat.aiosmtpd_starttls_done(conn)
        plain, current = compat.aiosmtpd_transports(conn)
        reader = compat.aiosmtpd_line_reader(conn)
    except AttributeError as exc:
        pytest.fail(changed(str(exc.name), "a connection's TLS state, transports or reader moved"))
    assert before is False and plain is None and current is not None, changed(
        "_tls_protocol/_original_transport", "they no longer describe a plain connection"
    )
    assert isinstance(reader, asyncio.StreamReader), changed(
        "_reader", "it is no longer the connection's StreamReader"
    )
    await client.command("EHLO test.local")
    assert (await client.command("STARTTLS"))[0].startswith("220")
    await client.starttls(trusting(server.cert_path))
    await client.command("EHLO test.local")
    plain, current = compat.aiosmtpd_transports(conn)
    assert compat.aiosmtpd_starttls_done(conn) and plain is not None, changed(
        "_tls_protocol/_original_transport", "they no longer show a completed STARTTLS"
    )
    await client.close()
