"""The health-check engine against a fleet of real loopback servers."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from smtptui.fleet import CheckResult, check_many, check_profile, stream_checks
from smtptui.profiles import AuthSettings, PasswordSource, bundled_profile
from smtptui.protocol import events as ev
from smtptui.server import DemoServer
from tests.fleet.conftest import mixed_fleet
from tests.fleet.servers import Servers, profile_for, server_config
from tests.protocol.scripted import ScriptedServer, read_command


async def test_a_mixed_fleet_is_checked_live_and_each_outcome_is_right(certs):
    spec = mixed_fleet(certs)
    async with Servers(spec.configs) as servers:
        profiles = spec.profiles(servers)
        finished: list[str] = []
        seen_events: dict[str, int] = {}

        def on_event(name: str, event: ev.Event) -> None:
            seen_events[name] = seen_events.get(name, 0) + 1

        started = time.monotonic()
        results = await check_many(
            profiles,
            concurrency=32,
            timeout=8,
            on_result=lambda r: finished.append(r.profile),
            on_event=on_event,
        )
        elapsed = time.monotonic() - started
        assert sum(s.received_count for s in servers) == 0  # a check never sends mail

    assert len(profiles) == 24
    assert [r.profile for r in results] == [p.name for p in profiles]  # input order
    assert sorted(finished) == sorted(spec.expected)  # every one reported once
    assert set(finished[:5]).isdisjoint({"slow-0", "slow-1", "slow-2"})  # fast ones first
    assert all(seen_events[p.name] > 0 for p in profiles)
    by = {r.profile: r for r in results}
    for name, expect in spec.expected.items():
        result = by[name]
        assert (result.phase or "ok") == expect, (name, result.error)
        assert result.ok == (expect == "ok")
    assert elapsed < 5  # concurrent: about one slow check, not the sum

    ok = by["starttls-00"]
    assert ok.exit_code == 0 and ok.auth == "ok" and ok.auth_user == "demo"
    assert ok.tls.version and ok.tls.verified is True and ok.tls.days_to_expiry() > 300
    assert "fleet test CA" in ok.tls.issuer
    caps = ok.capabilities
    assert caps.size == 10 * 1024 * 1024 and caps.offers("PIPELINING") and caps.offers("SMTPUTF8")
    assert caps.offers("8BITMIME") and caps.starttls and "LOGIN" in caps.auth
    assert by["starttls-01"].auth == "none"
    assert by["tls-0"].security == "tls" and by["tls-0"].latencies.tls is not None
    assert by["plain-0"].tls is None and by["plain-0"].latencies.tls is None

    refused = by["refusing-0"]
    assert refused.exit_code == 21 and refused.reply.code == 554
    assert refused.reply.enhanced == "5.3.2" and refused.explanation.title
    expired = by["expired"]
    assert expired.exit_code == 23 and expired.tls.verified is False
    assert expired.tls.days_to_expiry() < 0 and "expired" in expired.tls.verify_error
    assert by["expiring"].ok and by["expiring"].tls.expiring
    untrusted = by["untrusted"]
    assert (
        untrusted.exit_code == 23
        and untrusted.tls.subject
        and "smtptui demo" in untrusted.tls.issuer
    )
    assert by["closed-port"].exit_code == 20 and by["closed-port"].latencies.connect is None

    slow = by["slow-0"].latencies
    assert slow.banner >= 250 and slow.ehlo >= 500 and slow.tls >= 250  # 0.3 s per reply
    assert slow.total >= slow.banner + slow.ehlo + slow.tls


async def test_results_are_json_and_read_back_equal(certs):
    async with Servers([server_config(certs.expired())]) as (server,):
        result = await check_profile(profile_for("x", server, ca_file=certs.ca_file))
    text = json.dumps(result.to_dict())
    back = CheckResult.from_dict(json.loads(text))
    assert back == result  # everything but the events
    assert back.events == () and len(result.events) > 5
    assert json.loads(text)["tls"]["days_to_expiry"] < 0


async def test_the_transcript_of_a_check_is_in_its_result(certs):
    async with Servers([server_config(certs.valid())]) as (server,):
        result = await check_profile(profile_for("x", server, ca_file=certs.ca_file, login=True))
    sent = [e.text for e in result.events if isinstance(e, ev.Sent)]
    assert sent[0].startswith("EHLO") and "STARTTLS" in sent and sent[-1] == "QUIT"
    assert not any(s.startswith(("MAIL", "RCPT", "DATA")) for s in sent)
    assert "demo" not in " ".join(
        e.text for e in result.events if isinstance(e, ev.Sent) and e.secret
    )
    assert isinstance(result.events[-1], ev.Closed)


async def test_concurrency_and_per_server_limits_hold(certs):
    async with Servers(
        [server_config(certs.valid(), reply_delay=0.05) for _ in range(6)]
    ) as servers:
        # eight profiles on server 0, one each on the others
        profiles = [profile_for(f"same-{i}", servers[0], security="plain") for i in range(8)]
        profiles += [
            profile_for(f"other-{i}", s, security="plain") for i, s in enumerate(servers[1:])
        ]
        live: dict[str, set[str]] = {"all": set(), "same": set()}
        peaks = {"all": 0, "same": 0}

        def on_event(name: str, event: ev.Event) -> None:
            for key in ("all", "same"):
                if key == "same" and not name.startswith("same"):
                    continue
                if isinstance(event, ev.Connecting):
                    live[key].add(name)
                    peaks[key] = max(peaks[key], len(live[key]))
                elif isinstance(event, ev.Closed):
                    live[key].discard(name)

        results = await check_many(profiles, concurrency=4, per_server=2, on_event=on_event)
    assert all(r.ok for r in results)
    assert peaks["all"] == 4 and peaks["same"] == 2


async def test_a_whole_check_is_bounded_by_its_timeout(certs):
    async with Servers([server_config(certs.valid(), reply_delay=3)]) as (server,):
        started = time.monotonic()
        result = await check_profile(
            profile_for("slow", server, ca_file=certs.ca_file), timeout=0.5
        )
        took = time.monotonic() - started
    assert took < 1.2  # the budget, plus a short QUIT attempt
    assert not result.ok and result.timed_out and result.exit_code == 20
    assert result.phase == "greeting" and "0.5 s" in result.error
    assert result.status == "greeting timeout"
    assert any(isinstance(e, ev.Failed) for e in result.events)


async def test_cancelling_closes_every_socket_after_trying_quit_and_leaves_no_task():
    seen: list[list[bytes]] = []
    connected = asyncio.Event()

    async def never_answers_ehlo(reader, writer):
        lines: list[bytes] = []
        seen.append(lines)
        writer.write(b"220 hello\r\n")
        await writer.drain()
        while True:
            line = await reader.readline()
            if not line:
                lines.append(b"<EOF>")
                return
            lines.append(line.strip())
            connected.set()

    async with ScriptedServer(never_answers_ehlo) as srv:
        from smtptui.profiles import Profile

        profiles = [Profile(name=f"p{i}", host="127.0.0.1", port=srv.port) for i in range(5)]
        task = asyncio.create_task(check_many(profiles, concurrency=5, per_server=5, timeout=30))
        await asyncio.wait_for(connected.wait(), 5)
        await asyncio.sleep(0.1)
        task.cancel()
        started = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 3
        await asyncio.sleep(0.1)
    assert len(seen) == 5
    for lines in seen:
        assert lines[0].startswith(b"EHLO") and b"QUIT" in lines and lines[-1] == b"<EOF>"
    stray = [t for t in asyncio.all_tasks() if t.get_name().startswith("smtptui-check")]
    assert stray == []


async def test_stream_checks_yields_in_completion_order_and_stops_early(certs):
    valid = certs.valid()
    configs = [server_config(valid)] + [server_config(valid, reply_delay=0.4) for _ in range(3)]
    async with Servers(configs) as servers:
        profiles = [profile_for(f"s{i}", s, security="plain") for i, s in enumerate(servers)]
        first = None
        started = time.monotonic()
        async for result in stream_checks(list(reversed(profiles)), concurrency=4):
            first = result
            break
        assert time.monotonic() - started < 1.5  # did not wait for the slow ones
    assert first is not None and first.profile == "s0"
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("smtptui-check")]


async def test_auth_is_skipped_when_it_would_need_a_prompt(certs, monkeypatch):
    monkeypatch.delenv("FLEET_TEST_PW")
    async with Servers([server_config(certs.valid())]) as (server,):
        base = profile_for("p", server, ca_file=certs.ca_file)
        prompt = base.replace(auth=AuthSettings("login", "demo", PasswordSource(kind="prompt")))
        env = base.replace(
            name="e",
            auth=AuthSettings("login", "demo", PasswordSource(kind="env", env="FLEET_TEST_PW")),
        )
        results = await check_many([prompt, env])
    for result in results:
        assert result.ok and result.auth == "skipped"
        assert not any(isinstance(e, ev.Sent) and e.kind == "auth" for e in result.events)
    assert 'source = "prompt"' in results[0].warnings[0]
    assert "FLEET_TEST_PW is not set" in results[1].warnings[0]


async def test_a_wrong_password_is_an_auth_failure_explained(certs, monkeypatch):
    monkeypatch.setenv("FLEET_TEST_PW", "wrong")
    async with Servers([server_config(certs.valid())]) as (server,):
        result = await check_profile(profile_for("p", server, ca_file=certs.ca_file, login=True))
    assert result.exit_code == 24 and result.auth == "failed" and result.reply.code == 535
    assert result.explanation is not None and result.explanation.title
    assert result.status == "auth 535"


async def test_builtin_profiles_share_one_server_per_run():
    demo = bundled_profile("demo")
    assert demo is not None
    profiles = [demo.replace(name=f"demo-{i}") for i in range(4)]
    results = await check_many(profiles)
    assert all(r.ok and r.auth == "ok" and r.tls.verified for r in results)
    assert len({r.address for r in results}) == 1


async def test_a_server_that_closes_after_its_greeting_is_a_clear_failure():
    async def rude(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)

    async with ScriptedServer(rude) as srv:
        from smtptui.profiles import Profile

        result = await check_profile(
            Profile(name="rude", host="127.0.0.1", port=srv.port), timeout=5
        )
    assert not result.ok and result.exit_code == 28 and result.phase == "ehlo"
    assert "closed the connection" in result.error


async def test_never_sends_mail_even_to_a_server_that_would_take_it(certs):
    async with Servers([server_config(certs.valid())]) as servers:
        server: DemoServer = servers[0]
        await check_many(
            [profile_for(f"p{i}", server, ca_file=certs.ca_file, login=True) for i in range(3)]
        )
        assert server.received_count == 0


@pytest.mark.postfix
async def test_postfix_is_checked_with_starttls_auth_and_its_real_certificate(postfix, monkeypatch):
    from smtptui.profiles import Profile, TlsSettings

    monkeypatch.setenv("PF_FLEET_PW", postfix.password)
    good = Profile(
        name="postfix",
        host=postfix.host,
        port=postfix.port,
        security="starttls",
        tls=TlsSettings(ca_file=postfix.ca_file, server_hostname=postfix.server_name),
        auth=AuthSettings("plain", postfix.user, PasswordSource(kind="env", env="PF_FLEET_PW")),
    )
    by_address = good.replace(name="postfix-by-address", tls=TlsSettings(ca_file=postfix.ca_file))
    ok, mismatch = await check_many([good, by_address], timeout=15)
    assert ok.ok and ok.auth == "ok" and ok.tls.verified is True, ok.error
    assert ok.greeting.startswith("220 ") and "Postfix" in ok.greeting
    caps = ok.capabilities
    assert {"PLAIN", "LOGIN", "CRAM-MD5"} <= set(caps.auth) and caps.starttls
    assert all(caps.offers(k) for k in ("PIPELINING", "CHUNKING", "DSN")) and caps.size
    assert ok.latencies.auth is not None and ok.latencies.tls is not None
    # the certificate names the machine, not 127.0.0.1: verification fails, the facts remain
    assert mismatch.exit_code == 23 and mismatch.tls.verified is False
    assert "not valid for the name" in mismatch.tls.verify_error
    assert mismatch.tls.subject == ok.tls.subject and mismatch.auth == "not reached"
