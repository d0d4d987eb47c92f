"""MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) for a domain: policies served by a
local HTTPS server with a trustme certificate (valid, wrong mx, oversized,
slow, redirecting, untrusted), records from a stub resolver, and each MX host
checked against the policy with the chain the built-in server really sends."""

from __future__ import annotations

import asyncio
import json

import dns.resolver
import pytest
import trustme
from click.testing import CliRunner

import smtptui.cli.mx_cmd as mx_cmd
from smtptui.cli import main
from smtptui.inspection.report import inspect_tls
from smtptui.inspection.sts import evaluate, lookup_published, mx_check, sts_lines
from smtptui.inspection.tlsrpt import parse_tlsrpt
from smtptui.protocol.config import SessionConfig, TlsConfig

from .conftest import MX, MX_NAME, TXT, A, BackgroundServer, StubResolver
from .policy_server import PolicyServer, Reply, policy

DOMAIN = "example.test"
POLICY_HOST = f"mta-sts.{DOMAIN}"
STS_TXT = ("_mta-sts.example.test", "TXT")
RPT_TXT = ("_smtp._tls.example.test", "TXT")


@pytest.fixture
def policy_server():
    server = PolicyServer(trustme.CA(), [POLICY_HOST]).start()
    yield server
    server.stop()


def records(sts: str | None = "v=STSv1; id=20260101;", rpt: str | None = None) -> StubResolver:
    answers = {}
    if sts is not None:
        answers[STS_TXT] = [TXT.of(sts)]
    if rpt is not None:
        answers[RPT_TXT] = [TXT.of(rpt)]
    return StubResolver(answers)


async def published(server: PolicyServer, resolver: StubResolver, timeout: float = 5.0):
    async with server.client() as http:
        return await lookup_published(DOMAIN, resolver=resolver, http=http, timeout=timeout)


async def mx_verification(chains, serve, kind: str = "valid"):
    """The MX host's chain as the built-in server sends it, verified for MX_NAME."""
    server = await serve(*chains.leaf(kind))
    cfg = SessionConfig(
        host="127.0.0.1",
        port=server.port,
        security="starttls",
        timeout=10,
        tls=TlsConfig(ca_file=chains.ca_file(), server_hostname=MX_NAME),
    )
    return (await inspect_tls(cfg)).verification


def text(report, lang: str = "en") -> str:
    return "\n".join(line for _style, line in sts_lines(report, lang))


async def test_a_policy_covering_the_mx_with_a_valid_certificate_is_enforce(
    policy_server, chains, serve
):
    policy_server.routes[POLICY_HOST] = Reply(body=policy("enforce", "*.example.test"))
    resolver = records(rpt="v=TLSRPTv1; rua=mailto:tls@example.test")
    pub = await published(policy_server, resolver)
    assert (pub.txt_id, pub.policy.mode, pub.policy.max_age) == ("20260101", "enforce", 604800)
    assert policy_server.requests == [(POLICY_HOST, "/.well-known/mta-sts.txt")]
    verification = await mx_verification(chains, serve)
    report = evaluate(pub, [mx_check(MX_NAME, pub.policy, verification)])
    assert report.status == "enforce" and report.problems == ()
    out = text(report)
    assert f"MX {MX_NAME}: covered by mx *.example.test; certificate valid for its name" in out
    assert "mode enforce, max_age 604800 s (7 days), mx: *.example.test" in out
    assert "senders report TLS failures to: mailto:tls@example.test" in out
    assert "支持 MTA-STS 的发件方只会通过" in text(report, "zh")
    data = report.to_dict()
    assert data["status"] == "enforce" and data["tlsrpt"]["rua"] == ["mailto:tls@example.test"]
    assert data["mx"] == [
        {"host": MX_NAME, "pattern": "*.example.test", "cert": "valid", "why": None}
    ]


async def test_an_mx_the_policy_does_not_cover_is_inconsistent(policy_server, chains, serve):
    policy_server.routes[POLICY_HOST] = Reply(body=policy("enforce", "mx9.example.test"))
    pub = await published(policy_server, records())
    report = evaluate(pub, [mx_check(MX_NAME, pub.policy, await mx_verification(chains, serve))])
    assert report.status == "inconsistent"
    (problem,) = [p for p in report.problems if p.broken]
    assert problem.key == "mx_not_covered_enforce"
    assert f"MX host {MX_NAME} does not match" in problem.text("en")
    assert "will not deliver" in problem.text("en")
    assert f"Add 'mx: {MX_NAME}'" in problem.fix("en")
    assert "不匹配" in problem.text("zh")
    assert f"MX {MX_NAME}: matches NO mx pattern of the policy" in text(report)


async def test_an_expired_mx_certificate_breaks_an_enforced_policy(policy_server, chains, serve):
    policy_server.routes[POLICY_HOST] = Reply(body=policy("enforce", MX_NAME))
    pub = await published(policy_server, records())
    verification = await mx_verification(chains, serve, "expired")
    report = evaluate(pub, [mx_check(MX_NAME, pub.policy, verification)])
    assert report.status == "inconsistent"
    (problem,) = report.problems
    assert problem.key == "mx_cert_enforce"
    assert problem.text("en") == (
        f"MX host {MX_NAME} does not present a certificate valid for its name (expired); "
        "senders that enforce MTA-STS will not deliver to it"
    )
    assert "已过期" in problem.text("zh")


async def test_a_certificate_for_another_name_is_not_valid_for_the_mx(policy_server, chains, serve):
    policy_server.routes[POLICY_HOST] = Reply(body=policy("testing", MX_NAME))
    pub = await published(policy_server, records())
    verification = await mx_verification(chains, serve, "wrong_name")
    report = evaluate(pub, [mx_check(MX_NAME, pub.policy, verification)])
    (problem,) = [p for p in report.problems if p.broken]
    assert problem.key == "mx_cert_testing" and f"it does not name {MX_NAME}" in problem.text()


async def test_an_oversized_policy_is_refused(policy_server):
    body = policy("enforce", MX_NAME) + b"# padding\r\n" * 8000  # > 64 KiB
    policy_server.routes[POLICY_HOST] = Reply(body=body, stream=True)
    pub = await published(policy_server, records())
    assert pub.policy is None
    assert pub.policy_error.text("en") == "response larger than 64 KiB, refused"
    report = evaluate(pub, [])
    assert report.status == "inconsistent"
    assert "announces a policy (id 20260101) but it could not be fetched (response larger" in text(
        report
    )


async def test_a_slow_policy_server_is_given_up_on_within_the_time_allowed(policy_server):
    policy_server.routes[POLICY_HOST] = Reply(hang=True)
    pub = await asyncio.wait_for(published(policy_server, records(), timeout=0.3), 30)
    assert pub.policy is None and pub.policy_error.text("en") == "timed out"
    assert evaluate(pub, []).status == "inconsistent"
    assert "超时" in pub.policy_error.text("zh")


async def test_a_policy_host_with_an_untrusted_certificate_is_refused():
    server = PolicyServer(trustme.CA(), ["other.example.test"]).start()  # wrong name
    try:
        server.routes[POLICY_HOST] = Reply(body=policy("enforce", MX_NAME))
        pub = await published(server, records())
    finally:
        server.stop()
    assert pub.policy is None
    assert pub.policy_error.text("en").startswith("its HTTPS certificate is not valid")
    (problem,) = evaluate(pub, []).problems
    assert problem.key == "policy_unreachable"


async def test_redirects_and_a_wrong_content_type(policy_server):
    policy_server.routes[POLICY_HOST] = Reply(
        301, headers=(("Location", "https://elsewhere.example.test/p.txt"),)
    )
    pub = await published(policy_server, records())
    assert "redirect refused" in pub.policy_error.text("en")
    assert [host for host, _ in policy_server.requests] == [POLICY_HOST]
    policy_server.routes[POLICY_HOST] = Reply(
        body=policy("enforce", MX_NAME), content_type="text/html"
    )
    pub = await published(policy_server, records())
    keys = [p.key for p in evaluate(pub, []).problems]
    assert keys == ["content_type"]


async def test_an_invalid_policy_and_a_policy_without_a_record(policy_server):
    policy_server.routes[POLICY_HOST] = Reply(body=b"version: STSv1\r\nmode: strict\r\n")
    pub = await published(policy_server, records())
    (problem,) = evaluate(pub, []).problems
    assert (
        problem.key == "policy_invalid"
        and "mode must be enforce, testing or none" in problem.text()
    )
    policy_server.routes[POLICY_HOST] = Reply(body=policy("enforce", MX_NAME))
    pub = await published(policy_server, records(sts=None))
    report = evaluate(pub, [])
    assert [p.key for p in report.problems] == ["no_txt"] and report.status == "inconsistent"


async def test_no_record_and_no_policy_is_none_and_missing_tlsrpt_is_said(policy_server):
    pub = await published(policy_server, records(sts=None))
    report = evaluate(pub, [])
    assert report.status == "none" and report.problems == ()
    out = text(report)
    assert "no v=STSv1 TXT record at _mta-sts.example.test" in out
    assert "no TLS-RPT record" in out


async def test_mode_testing_is_advice_and_needs_tlsrpt(policy_server, chains, serve):
    policy_server.routes[POLICY_HOST] = Reply(body=policy("testing", MX_NAME, max_age=600))
    pub = await published(policy_server, records())
    report = evaluate(pub, [mx_check(MX_NAME, pub.policy, await mx_verification(chains, serve))])
    assert report.status == "testing"
    assert [(p.key, p.broken) for p in report.problems] == [
        ("max_age_short", False),
        ("testing_no_tlsrpt", False),
    ]


async def test_a_failed_dns_lookup_is_unknown_not_none(policy_server):
    resolver = StubResolver({STS_TXT: dns.resolver.NoNameservers()})
    report = evaluate(await published(policy_server, resolver), [])
    assert report.status == "error"
    assert "the _mta-sts TXT lookup failed: no DNS server answered" in text(report)


def test_tlsrpt_records_as_rfc_8460_reads_them():
    ok = parse_tlsrpt(
        ["v=spf1 -all", "v=TLSRPTv1; rua=mailto:a@example.test, https://r.example.test/v1"]
    )
    assert ok.state == "ok" and ok.rua == ("mailto:a@example.test", "https://r.example.test/v1")
    assert parse_tlsrpt(["v=spf1 -all"]).state == "none"
    for recs, words in [
        (
            ["v=TLSRPTv1; rua=mailto:a@x.test", "v=TLSRPTv1; rua=mailto:b@x.test"],
            "2 v=TLSRPTv1 records",
        ),
        (["v=TLSRPTv1;"], "no rua="),
        (["v=TLSRPTv1; rua=ftp://x.test/r"], "ftp://x.test/r is neither mailto: nor https:"),
    ]:
        got = parse_tlsrpt(recs)
        assert got.state == "invalid" and words in got.why.text("en"), recs
        assert got.why.text("zh") != got.why.text("en")


# ------------------------------------------------------------------ smtptui tls @domain


@pytest.fixture
def mx_server(chains):
    bg = BackgroundServer(*chains.leaf("valid"))
    yield bg.server
    bg.stop()


def run_tls(monkeypatch, policy_server, resolver, *args: str):
    monkeypatch.setattr(mx_cmd, "make_resolver", lambda timeout=10.0: resolver)
    monkeypatch.setattr(mx_cmd, "make_http_client", policy_server.client)
    return CliRunner().invoke(main, ["tls", f"@{DOMAIN}", *args])


def domain_resolver(**kw) -> StubResolver:
    resolver = records(**kw)
    resolver.answers[(DOMAIN, "MX")] = [MX(10, MX_NAME + ".")]
    resolver.answers[(MX_NAME, "A")] = [A("127.0.0.1")]
    return resolver


def test_cli_tls_at_domain_checks_mta_sts_against_each_mx(
    monkeypatch, policy_server, mx_server, chains
):
    policy_server.routes[POLICY_HOST] = Reply(body=policy("enforce", MX_NAME))
    resolver = domain_resolver(rpt="v=TLSRPTv1; rua=mailto:tls@example.test")
    args = ["--port", str(mx_server.port), "--ca-file", chains.ca_file(), "-t", "10"]
    result = run_tls(monkeypatch, policy_server, resolver, *args)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "MTA-STS of example.test (RFC 8461)" in out
    assert f"MX {MX_NAME}: covered by mx {MX_NAME}; certificate valid for its name" in out
    assert "MTA-STS: enforce" in out and "TLS-RPT: _smtp._tls.example.test" in out
    data = json.loads(run_tls(monkeypatch, policy_server, resolver, *args, "--json").stdout)
    assert data["mta_sts"]["status"] == "enforce"
    assert data["mta_sts"]["policy"]["mx"] == [MX_NAME]
    assert data["servers"][0]["verification"]["ok"] is True and "_pem" not in data["servers"][0]
    zh = CliRunner().invoke(main, ["--lang", "zh", "tls", f"@{DOMAIN}", *args])
    assert "example.test 的 MTA-STS" in zh.stdout


def test_cli_tls_at_domain_exits_23_when_the_policy_does_not_cover_the_mx(
    monkeypatch, policy_server, mx_server, chains
):
    policy_server.routes[POLICY_HOST] = Reply(body=policy("enforce", "mx9.example.test"))
    args = ["--port", str(mx_server.port), "--ca-file", chains.ca_file(), "-t", "10"]
    result = run_tls(monkeypatch, policy_server, domain_resolver(), *args)
    assert result.exit_code == 23, result.output
    assert f"MX host {MX_NAME} does not match the MTA-STS policy's mx patterns" in result.stdout
    assert "MTA-STS: INCONSISTENT" in result.stdout and "Traceback" not in result.output
