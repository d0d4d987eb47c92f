"""The engine against a real Postfix (Debian's, on loopback; see tests/peers)."""

from __future__ import annotations

import pytest

from smtptui.protocol import Secret, SessionConfig, TlsConfig
from smtptui.protocol import events as ev
from smtptui.protocol.session import Session
from smtptui.protocol.transaction import Credentials, Envelope, Plan, converse
from tests.peers.postfix import queue_id_from_reply

pytestmark = pytest.mark.postfix

MESSAGE = "Subject: interop 你好\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n.leading dot\r\nbody\r\n".encode()


def config(peer, **kw) -> SessionConfig:
    tls = TlsConfig(ca_file=peer.ca_file, server_hostname=peer.server_name)
    return SessionConfig(
        host=peer.host, port=peer.port, security="starttls", tls=tls, timeout=15, **kw
    )


async def run(peer, plan: Plan, **kw):
    s = Session(config(peer, **kw))
    seen: list[ev.Event] = []
    s.subscribe(seen.append)
    outcome = await converse(s, plan)
    return outcome, s, seen


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN", "CRAM-MD5"])
async def test_send_with_starttls_and_each_auth_mechanism(postfix, mechanism):
    creds = Credentials(postfix.user, Secret(postfix.password), mechanism)
    plan = Plan(
        credentials=creds,
        envelope=Envelope("sender@example.org", ("rcpt@example.net",)),
        message=MESSAGE,
    )
    outcome, s, seen = await run(postfix, plan)
    assert outcome.ok, outcome.error
    assert s.tls_info is not None and s.tls_info.verified
    assert s.capabilities is not None and mechanism in s.capabilities.auth_mechanisms
    final = outcome.transaction.final
    assert final.code == 250 and str(final.enhanced) == "2.0.0"
    queue_id = queue_id_from_reply(final.text)
    assert queue_id
    postfix.wait_for_discard(queue_id)
    # the password never reaches an event
    assert not any(postfix.password in repr(e) for e in seen)


async def test_capabilities_are_replaced_after_starttls(postfix):
    outcome, s, seen = await run(postfix, Plan())
    assert outcome.ok
    ehlo_replies = [
        e.reply
        for e in seen
        if isinstance(e, ev.Received) and e.reply.code == 250 and len(e.reply.lines) > 3
    ]
    before, after = ehlo_replies[0], ehlo_replies[1]
    assert "STARTTLS" in before.text and "AUTH" not in before.text  # smtpd_tls_auth_only
    assert "AUTH" in after.text and "STARTTLS" not in after.text
    assert s.capabilities.auth_mechanisms and not s.capabilities.starttls


async def test_relay_denied_without_auth_is_exit_26(postfix):
    plan = Plan(envelope=Envelope("sender@example.org", ("rcpt@example.net",)), message=MESSAGE)
    outcome, _, _ = await run(postfix, plan)
    assert outcome.exit_code == 26
    reply = outcome.error.reply
    assert reply.code == 554 and str(reply.enhanced) == "5.7.1"
    assert "Relay access denied" in reply.text


async def test_wrong_password_is_exit_24(postfix):
    plan = Plan(credentials=Credentials(postfix.user, Secret("wrong"), "PLAIN"))
    outcome, _, seen = await run(postfix, plan)
    assert outcome.exit_code == 24
    assert outcome.error.reply.code == 535 and str(outcome.error.reply.enhanced) == "5.7.8"
    assert [e for e in seen if isinstance(e, ev.Failed)][0].phase == "auth"


async def test_verification_fails_for_the_wrong_name(postfix):
    s = Session(
        SessionConfig(
            host=postfix.host,
            port=postfix.port,
            security="starttls",
            tls=TlsConfig(ca_file=postfix.ca_file, server_hostname="not-the-name.example"),
            timeout=15,
        )
    )
    outcome = await converse(s, Plan())
    assert outcome.exit_code == 23
    assert "not valid for the name 'not-the-name.example'" in str(outcome.error)


async def test_pipelining_against_postfix(postfix):
    creds = Credentials(postfix.user, Secret(postfix.password), "auto")
    plan = Plan(
        credentials=creds,
        envelope=Envelope("s@example.org", ("a@example.net", "b@example.net")),
        message=MESSAGE,
    )
    outcome, s, _ = await run(postfix, plan)
    assert outcome.ok and outcome.transaction.pipelined
    assert len(outcome.transaction.accepted) == 2


async def test_ipv6_loopback(postfix):
    if not postfix.host6:
        pytest.skip("no IPv6 loopback on this machine")
    s = Session(
        SessionConfig(
            host=postfix.host6,
            port=postfix.port,
            family="ipv6",
            security="starttls",
            tls=TlsConfig(ca_file=postfix.ca_file, server_hostname=postfix.server_name),
            timeout=15,
        )
    )
    seen = []
    s.subscribe(seen.append)
    outcome = await converse(s, Plan())
    assert outcome.ok
    assert [e for e in seen if isinstance(e, ev.Connected)][0].peer[0] == "::1"
