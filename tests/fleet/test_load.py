"""The load test: its counts match what the server received."""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid

import pytest
from click.testing import CliRunner

from smtptui.cli import main
from smtptui.fleet import LoadPlan, run_load
from smtptui.fleet.load import percentile
from smtptui.protocol.config import SessionConfig, TlsConfig
from smtptui.protocol.envelope import Envelope
from smtptui.protocol.secret import Secret
from smtptui.protocol.transaction import Credentials
from tests.fleet.conftest import free_port
from tests.fleet.servers import Servers, ThreadedServers, server_config
from tests.peers.fixtures import require_peer
from tests.peers.postfix import SMTP_SINK
from tests.protocol.scripted import ScriptedServer, read_command

MESSAGE = (
    b"From: a@demo.local\r\nTo: b@demo.local\r\nSubject: load\r\n\r\nhello\r\n.dot-stuffed\r\n"
)
LOCAL = Envelope("a@demo.local", ("b@demo.local",))


def plan(count: int, connections: int, **kw) -> LoadPlan:
    return LoadPlan(count=count, connections=connections, envelope=LOCAL, message=MESSAGE, **kw)


def plain(port: int, **kw) -> SessionConfig:
    return SessionConfig(host="127.0.0.1", port=port, helo="load.test", timeout=10, **kw)


async def test_every_message_counted_is_a_message_the_server_received():
    progress = []
    async with Servers([server_config()]) as (server,):
        report = await run_load(plain(server.port), plan(120, 4), on_progress=progress.append)
        assert server.received_count == report.accepted == 120
        assert all(m.data.endswith(b".dot-stuffed\r\n") for m in server.messages)
    assert report.exit_code == 0 and report.codes == ((250, 120),)
    assert report.refused == report.errors == report.not_sent == 0
    assert report.sessions_opened == 4 and report.pipelined
    assert len(report.latencies_ms) == 120
    assert 0 < report.latency(50) <= report.latency(95) <= report.latency(99)
    assert progress[-1].done == 120 and progress[-1].accepted == 120 and report.rate > 0
    summary = json.loads(json.dumps(report.to_dict()))
    assert summary["codes"] == {"250": 120} and summary["latency_ms"]["p99"] is not None


async def test_without_pipelining_the_counts_are_the_same():
    async with Servers([server_config()]) as (server,):
        report = await run_load(plain(server.port), plan(30, 3, pipelining=False))
        assert server.received_count == report.accepted == 30
    assert not report.pipelined


async def test_refusals_are_counted_per_reply_code_and_nothing_arrives():
    async with Servers([server_config()]) as (server,):
        relay = LoadPlan(5, 2, Envelope("a@demo.local", ("x@elsewhere.example",)), MESSAGE)
        report = await run_load(plain(server.port), relay)
        assert server.received_count == 0
    assert report.refused == 5 and report.codes == ((554, 5),) and report.exit_code == 1


async def test_starttls_and_auth_then_relay_is_allowed(certs):
    async with Servers([server_config(certs.valid())]) as (server,):
        cfg = plain(server.port, security="starttls", tls=TlsConfig(ca_file=certs.ca_file))
        creds = Credentials("demo", Secret("demo"), "login")
        relay = LoadPlan(
            12, 3, Envelope("a@demo.local", ("x@elsewhere.example",)), MESSAGE, credentials=creds
        )
        report = await run_load(cfg, relay)
        assert server.received_count == report.accepted == 12
        assert all(m.tls and m.authenticated_user == "demo" for m in server.messages)


async def test_broken_connections_are_replaced_and_every_message_is_accounted_for():
    """A server that drops the connection after every second message."""
    delivered = []

    async def flaky(reader, writer):
        writer.write(b"220 flaky\r\n")
        taken = 0
        while True:
            line = await read_command(reader)
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-flaky\r\n250 SIZE 1000000\r\n")
            elif verb == b"DATA":
                if taken == 2:
                    writer.close()
                    return
                writer.write(b"354 go\r\n")
                while (await read_command(reader)) != b".\r\n":
                    pass
                taken += 1
                delivered.append(1)
                writer.write(b"250 2.0.0 ok\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                return
            else:
                writer.write(b"250 ok\r\n")

    async with ScriptedServer(flaky) as srv:
        report = await run_load(plain(srv.port), plan(10, 2))
    assert report.accepted == len(delivered)
    assert report.accepted + report.refused + report.errors + report.not_sent == 10
    assert report.errors >= 1 and report.sessions_opened > 2
    assert report.error_sentences and "closed the connection" in report.error_sentences[0][0]


async def test_no_server_means_nothing_sent_and_the_connect_exit_code():
    report = await run_load(plain(free_port()), plan(7, 3))
    assert report.not_sent == 7 and report.sessions_opened == 0 and report.exit_code == 20


def test_percentiles_are_nearest_rank():
    values = [float(i) for i in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50, 95, 99)
    assert percentile([], 50) is None and percentile([7.0], 99) == 7.0


# ---------------------------------------------------------------- the command


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_load_refuses_without_count_and_above_the_caps_unless_forced():
    with ThreadedServers([server_config()]) as (server,):
        target = f"127.0.0.1:{server.port}"
        missing = run("load", target, "--from", "a@demo.local", "--to", "b@demo.local")
        too_many = run(
            "load", target, "-n", "10001", "--from", "a@demo.local", "--to", "b@demo.local"
        )
        too_wide = run(
            "load", target, "-n", "5", "-c", "21", "--from", "a@demo.local", "--to", "b@demo.local"
        )
        forced = run(
            "load",
            target,
            "-n",
            "5",
            "-c",
            "21",
            "--force",
            "--from",
            "a@demo.local",
            "--to",
            "b@demo.local",
        )
        received = server.received_count
    assert missing.exit_code == 2 and "--count N" in missing.output
    assert too_many.exit_code == 2 and "add --force" in too_many.output
    assert too_wide.exit_code == 2 and "20 connections" in too_wide.output
    assert forced.exit_code == 0, forced.output
    assert received == 5  # only the forced run sent anything


def test_load_json_summary_matches_the_server_count():
    with ThreadedServers([server_config()]) as (server,):
        result = run(
            "load",
            f"127.0.0.1:{server.port}",
            "--count",
            "200",
            "--connections",
            "4",
            "--from",
            "a@demo.local",
            "--to",
            "b@demo.local",
            "--size",
            "2000",
            "--json",
        )
        received = server.received_count
        sizes = {len(m.data) for m in server.messages}
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["accepted"] == received == 200
    assert summary["codes"] == {"250": 200} and summary["exit_code"] == 0
    assert summary["msgs_per_s"] > 0 and summary["latency_ms"]["p50"] > 0
    assert len(sizes) == 1 and sizes.pop() > 2000


def test_load_report_text_and_demo_profile():
    result = run("load", "demo", "-n", "40", "-c", "4")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "accepted          40" in out and "p95" in out and "250: 40" in out
    assert "the built-in server received 40 messages" in out


def test_load_to_a_closed_port_is_exit_20():
    result = CliRunner().invoke(
        main, ["load", f"127.0.0.1:{free_port()}", "-n", "3", "--from", "a@b.c", "--to", "d@e.f"]
    )
    assert result.exit_code == 20 and "not sent" in result.output


# ---------------------------------------------------------------- Postfix


def _sink_count(output: str) -> int:
    counts = re.findall(r"mesg=(\d+)", output)
    return int(counts[-1]) if counts else 0


@pytest.mark.postfix
async def test_load_counts_match_postfix_smtp_sink(tmp_path):
    if not os.access(SMTP_SINK, os.X_OK):
        require_peer(f"Postfix's smtp-sink is not installed at {SMTP_SINK}")
    port = free_port()
    argv = [SMTP_SINK, "-c"]
    if os.geteuid() == 0:
        argv += ["-u", "nobody"]
    counter = tmp_path / "sink.out"
    with counter.open("w") as out:  # a file, not a pipe: smtp-sink blocks on a full pipe
        sink = await asyncio.create_subprocess_exec(*argv, f"127.0.0.1:{port}", "64", stdout=out)
    try:
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        report = await run_load(plain(port), plan(500, 4))
        await asyncio.sleep(0.2)
    finally:
        sink.terminate()
        await asyncio.wait_for(sink.wait(), 5)
    output = counter.read_text()
    assert report.accepted == 500 and report.pipelined
    assert _sink_count(output) == report.accepted


@pytest.mark.postfix
async def test_load_through_postfix_with_auth_every_message_is_delivered(postfix):
    rcpt = f"load-{uuid.uuid4().hex[:10]}@example.net"
    cfg = SessionConfig(
        host=postfix.host,
        port=postfix.port,
        security="starttls",
        timeout=15,
        tls=TlsConfig(ca_file=postfix.ca_file, server_hostname=postfix.server_name),
    )
    load = LoadPlan(
        20,
        2,
        Envelope("load@example.org", (rcpt,)),
        MESSAGE,
        credentials=Credentials(postfix.user, Secret(postfix.password), "plain"),
    )
    report = await run_load(cfg, load)
    assert report.accepted == 20 and report.exit_code == 0
    pattern = rf"to=<{re.escape(rcpt)}>.*status=sent"
    lines = postfix.wait_for_log(pattern, 10)
    for _ in range(50):  # discarding may trail the 250 replies a little
        if len(lines) >= report.accepted:
            break
        await asyncio.sleep(0.1)
        lines = postfix.wait_for_log(pattern, 1)
    assert len(lines) == report.accepted
