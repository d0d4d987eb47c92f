"""MX routing as RFC 5321 §5.1 and RFC 7505 say, against a stub resolver that
points MX names at loopback: one address that refuses, one built-in server
that works."""

from __future__ import annotations

import random
import socket

import pytest
from click.testing import CliRunner

import smtptui.cli.mx_cmd as mx_cmd
from smtptui.cli import main
from smtptui.inspection.errors import InspectionError
from smtptui.inspection.mx import domain_of, mx_route
from smtptui.inspection.routing import route_and_converse
from smtptui.protocol import events as ev
from smtptui.protocol.config import SessionConfig
from smtptui.protocol.transaction import Plan

from .conftest import MX, A, BackgroundServer, StubResolver

DOMAIN = "example.test"


def test_targets_that_name_a_domain():
    assert domain_of("@Example.TEST.") == "example.test"
    assert domain_of("user@bücher.example") == "xn--bcher-kva.example"
    assert domain_of("demo") is None and domain_of("smtp.example.com:587") is None
    with pytest.raises(InspectionError, match="does not name a mail domain"):
        domain_of("user@")


async def test_hosts_are_ordered_by_preference_and_ties_shuffled_repeatably():
    resolver = StubResolver(
        {(DOMAIN, "MX"): [MX(20, "c.example.test."), MX(10, "b.example.test."), MX(10, "a.example.test."), MX(30, "d.example.test.")]}
    )  # fmt: skip
    route = await mx_route(DOMAIN, resolver, rng=random.Random(1))
    names = [h.name for h in route.hosts]
    assert names[2:] == ["c.example.test", "d.example.test"]
    assert set(names[:2]) == {"a.example.test", "b.example.test"}
    again = await mx_route(DOMAIN, resolver, rng=random.Random(1))
    assert [h.name for h in again.hosts] == names
    orders = set()
    for seed in range(20):
        r = await mx_route(DOMAIN, resolver, rng=random.Random(seed))
        orders.add(tuple(h.name for h in r.hosts[:2]))
    assert len(orders) == 2  # equal preference: both orders occur (load spreading)


async def test_no_mx_means_the_domain_itself_is_the_implicit_mx():
    resolver = StubResolver({(DOMAIN, "A"): [A("127.0.0.1")]})
    route = await mx_route(DOMAIN, resolver)
    assert [(h.preference, h.name, h.implicit) for h in route.hosts] == [(0, DOMAIN, True)]


async def test_a_null_mx_means_no_mail_and_nothing_is_tried():
    resolver = StubResolver({(DOMAIN, "MX"): [MX(0, ".")]})
    route = await mx_route(DOMAIN, resolver)
    assert route.null_mx and route.hosts == ()
    seen: list[ev.Event] = []
    resolver.queries.clear()
    routed = await route_and_converse(
        DOMAIN, SessionConfig(host=DOMAIN), Plan(), resolver=resolver, subscriber=seen.append
    )
    assert routed.outcome is None
    assert any("accepts no mail" in e.text for e in seen if isinstance(e, ev.Note))
    assert resolver.queries == [(DOMAIN, "MX")]  # not one connection attempt


async def test_neither_mx_nor_address_is_one_clear_error():
    with pytest.raises(InspectionError, match="no MX records and no address"):
        await mx_route(DOMAIN, StubResolver())


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def routing_resolver(port_unused: int | None = None) -> StubResolver:
    """mx1 (preference 10) is 127.0.0.2, where nothing listens; mx2 (20) is the server."""
    return StubResolver(
        {
            (DOMAIN, "MX"): [MX(20, "mx2.example.test."), MX(10, "mx1.example.test.")],
            ("mx1.example.test", "A"): [A("127.0.0.2")],
            ("mx2.example.test", "A"): [A("127.0.0.1")],
            ("mx0.example.test", "A"): [],
        }
    )


async def test_the_first_mx_refuses_and_the_second_is_chosen(serve):
    server = await serve()
    seen: list[ev.Event] = []
    routed = await route_and_converse(
        DOMAIN,
        SessionConfig(host=DOMAIN, port=server.port, timeout=5),
        Plan(),
        resolver=routing_resolver(),
        subscriber=seen.append,
    )
    assert routed.outcome is not None and routed.outcome.ok
    assert routed.chosen is not None and routed.chosen.name == "mx2.example.test"
    assert [s.host.name for s in routed.skipped] == ["mx1.example.test"]
    assert "127.0.0.2" in routed.skipped[0].reason
    notes = [e.text for e in seen if isinstance(e, ev.Note)]
    assert notes[0].startswith("MX for example.test: 10 mx1.example.test, 20 mx2.example.test")
    assert any(
        n.startswith("trying MX mx1.example.test (preference 10) at 127.0.0.2:") for n in notes
    )
    chosen = next(n for n in notes if n.startswith("chose MX"))
    assert chosen.startswith(
        "chose MX mx2.example.test (preference 20); skipped: mx1.example.test ("
    )
    assert "127.0.0.2" in chosen  # why it was skipped, on the same line


async def test_a_refusal_after_the_greeting_is_the_answer_not_a_reason_to_go_on(serve):
    """RCPT refused by mx1 ends the search: the next MX would say the same."""
    first = await serve()
    resolver = StubResolver(
        {
            (DOMAIN, "MX"): [MX(10, "mx1.example.test."), MX(20, "mx2.example.test.")],
            ("mx1.example.test", "A"): [A("127.0.0.1")],
            ("mx2.example.test", "A"): [A("127.0.0.2")],
        }
    )
    from smtptui.protocol.envelope import Envelope

    plan = Plan(
        envelope=Envelope("a@demo.local", ("nobody@elsewhere.example",)),
        message=b"Subject: x\r\n\r\nhi\r\n",
    )
    routed = await route_and_converse(
        DOMAIN, SessionConfig(host=DOMAIN, port=first.port, timeout=5), plan,
        resolver=resolver, subscriber=lambda e: None,
    )  # fmt: skip
    assert routed.chosen is not None and routed.chosen.name == "mx1.example.test"
    assert routed.outcome is not None and routed.outcome.exit_code == 26


@pytest.fixture
def background():
    bg = BackgroundServer()
    yield bg.server
    bg.stop()


def test_cli_check_at_domain_shows_the_routing(background, monkeypatch):
    monkeypatch.setattr(mx_cmd, "make_resolver", lambda timeout=10.0: routing_resolver())
    result = CliRunner().invoke(
        main, ["check", f"@{DOMAIN}", "--port", str(background.port), "-t", "5"]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "=== MX for example.test: 10 mx1.example.test, 20 mx2.example.test" in out
    assert (
        "=== chose MX mx2.example.test (preference 20); skipped: mx1.example.test (cannot connect"
        in out
    )
    assert "check passed: 127.0.0.1:" in out
    zh = CliRunner().invoke(
        main, ["--lang", "zh", "check", f"@{DOMAIN}", "--port", str(background.port), "-t", "5"]
    )
    assert "选定 MX mx2.example.test" in zh.stdout


def test_cli_send_without_target_goes_to_the_recipients_mx(background, monkeypatch):
    monkeypatch.setattr(mx_cmd, "make_resolver", lambda timeout=10.0: routing_resolver())
    args = [
        "send",
        "--to",
        "b@demo.local",
        "--from",
        "a@demo.local",
        "--port",
        str(background.port),
        "-t",
        "5",
    ]
    # demo.local is the built-in server's local domain; route it like example.test
    monkeypatch.setattr(
        mx_cmd,
        "make_resolver",
        lambda timeout=10.0: StubResolver(
            {("demo.local", "MX"): [MX(10, "mx1.example.test."), MX(20, "mx2.example.test.")],
             ("mx1.example.test", "A"): [A("127.0.0.2")], ("mx2.example.test", "A"): [A("127.0.0.1")]}
        ),
    )  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "chose MX mx2.example.test" in result.stdout
    assert "message accepted for 1 recipient(s)" in result.stdout
    assert [m.rcpt_tos for m in background.messages] == [("b@demo.local",)]


def test_cli_refuses_mixed_domains_and_reports_null_mx(monkeypatch):
    result = CliRunner().invoke(
        main, ["send", "--to", "a@one.test", "--to", "b@two.test", "--from", "x@y.test"]
    )
    assert result.exit_code == 2 and "several domains (one.test, two.test)" in result.output
    monkeypatch.setattr(
        mx_cmd, "make_resolver", lambda timeout=10.0: StubResolver({(DOMAIN, "MX"): [MX(0, ".")]})
    )
    result = CliRunner().invoke(main, ["check", f"user@{DOMAIN}"])
    assert result.exit_code == 20 and "accepts no mail" in result.output
    assert "Traceback" not in result.output


def test_cli_every_mx_unreachable_is_exit_20(monkeypatch):
    port = closed_port()
    monkeypatch.setattr(
        mx_cmd,
        "make_resolver",
        lambda timeout=10.0: StubResolver(
            {(DOMAIN, "MX"): [MX(10, "mx1.example.test.")], ("mx1.example.test", "A"): [A("127.0.0.1")]}
        ),
    )  # fmt: skip
    result = CliRunner().invoke(main, ["check", f"@{DOMAIN}", "--port", str(port), "-t", "5"])
    assert result.exit_code == 20
    assert "no MX host of example.test could be used" in result.stdout
