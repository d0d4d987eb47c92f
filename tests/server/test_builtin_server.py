"""The built-in demo server behind the demo profile: it runs in a thread of
its own (so its start-up and its work never hold up the client measured beside
it), starts on first use, and serves a certificate cached privately in the
user's cache folder."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import threading
import time

from smtptui.builtin import BuiltinServer
from smtptui.protocol import SessionConfig
from smtptui.protocol.session import Session
from smtptui.server.certs import CACHE_REUSE, cached_self_signed, default_cache_folder


async def test_the_demo_runs_in_a_thread_and_loop_of_its_own_started_on_first_use():
    builtin = BuiltinServer()
    assert builtin.server is None and builtin.thread is None  # nothing until used
    cfg = await builtin.retarget(SessionConfig(host="ignored", security="starttls"))
    try:
        server = builtin.server
        assert server is not None and builtin.thread is not None
        assert builtin.thread is not threading.current_thread() and builtin.thread.is_alive()
        assert cfg.port == server.port and cfg.tls.ca_file == str(server.cert_path)
        session = Session(cfg)
        await session.connect()
        await session.ehlo()
        await session.starttls()
        assert session.tls_info is not None and session.tls_info.verified
        await session.quit()
    finally:
        thread = builtin.thread
        await builtin.stop()
    assert builtin.server is None and thread is not None and not thread.is_alive()


async def test_the_demo_can_be_used_from_two_event_loops():
    builtin = BuiltinServer()
    first = await builtin.ensure_started()

    def other_loop() -> int | None:
        async def use() -> int | None:
            return (await builtin.ensure_started()).port

        return asyncio.run(use())

    try:
        assert await asyncio.to_thread(other_loop) == first.port
    finally:
        await builtin.stop()


async def test_the_certificate_is_cached_private_and_reused():
    one = BuiltinServer()
    cert = (await one.ensure_started()).cert_path
    await one.stop()
    assert cert is not None and cert.exists()  # kept for the next start
    assert cert.is_relative_to(default_cache_folder())
    assert stat.S_IMODE(cert.stat().st_mode) == 0o600
    assert stat.S_IMODE((cert.parent / "key.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE(default_cache_folder().stat().st_mode) == 0o700
    two = BuiltinServer()
    again = (await two.ensure_started()).cert_path
    await two.stop()
    assert again == cert and again.read_bytes() == cert.read_bytes()


def test_a_stale_or_readable_certificate_is_replaced():
    files = cached_self_signed("smtptui.demo")
    first = files.cert.read_bytes()
    os.chmod(files.key, 0o644)  # someone else could read the key: never used again
    files = cached_self_signed("smtptui.demo")
    second = files.cert.read_bytes()
    assert second != first and stat.S_IMODE(files.key.stat().st_mode) == 0o600
    old = time.time() - CACHE_REUSE.total_seconds() - 60
    os.utime(files.cert, (old, old))  # older than a day: replaced
    assert cached_self_signed("smtptui.demo").cert.read_bytes() != second


async def test_a_session_to_the_demo_does_not_share_its_loop():
    builtin = BuiltinServer()
    try:
        server = await builtin.ensure_started()
        listener_loop = server._listeners[0].get_loop()
        assert listener_loop is not asyncio.get_running_loop()
    finally:
        await builtin.stop()


async def test_an_owner_that_ends_without_stop_leaves_no_server_behind():
    builtin = BuiltinServer()
    seen = {}

    def app_that_forgets_to_stop() -> None:
        async def use() -> None:
            seen["port"] = (await builtin.ensure_started()).port  # and never stop()
            seen["thread"] = builtin.thread

        asyncio.run(use())

    await asyncio.to_thread(app_that_forgets_to_stop)
    thread = seen["thread"]
    await asyncio.to_thread(thread.join, 10)
    assert not thread.is_alive() and builtin.server is None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", seen["port"]))  # the port is free again


async def test_a_loop_closed_without_cancelling_its_tasks_is_noticed_too():
    builtin = BuiltinServer()

    def careless_owner():
        loop = asyncio.new_event_loop()
        try:
            server = loop.run_until_complete(builtin.ensure_started())
            return server.port, builtin.thread
        finally:
            loop.close()  # no task cancelled: only the server's own watch can tell

    port, thread = await asyncio.to_thread(careless_owner)
    assert thread is not None
    await asyncio.to_thread(thread.join, 10)
    assert not thread.is_alive() and builtin.server is None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


async def test_the_demo_certificate_is_never_shown_as_expiring():
    from smtptui.fleet import check_profile
    from smtptui.profiles import bundled_profile

    demo = bundled_profile("demo")
    assert demo is not None
    old = time.time() - CACHE_REUSE.total_seconds() + 60  # the oldest one still reused
    files = cached_self_signed("smtptui.demo")
    os.utime(files.cert, (old, old))
    result = await check_profile(demo, timeout=10)
    assert result.ok and result.tls is not None and result.tls.verified
    assert not result.tls.expiring  # no amber "expires soon" for the built-in server
