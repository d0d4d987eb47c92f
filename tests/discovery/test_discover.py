"""``discover()`` end to end against httpx.MockTransport and a stub resolver."""

from __future__ import annotations

import asyncio
import time

import dns.resolver
import httpx
import pytest

from smtptui.discovery import MAX_BYTES, DiscoveryError, discover

from .conftest import CORP_XML, MX, POLICY_ENFORCE, QQ_XML, TXT, Router, StubResolver

ISPDB = "https://autoconfig.thunderbird.net/v1.1/"
QQ_MX = [MX(30, "mx1.qq.com."), MX(10, "mx3.qq.com."), MX(20, "mx2.qq.com.")]
CORP_AUTO = "https://autoconfig.corp.example/mail/config-v1.1.xml?emailaddress=alice@corp.example"
CORP_WELL_KNOWN = "https://corp.example/.well-known/autoconfig/mail/config-v1.1.xml"
CORP_POLICY = "https://mta-sts.corp.example/.well-known/mta-sts.txt"


def by_name(result):
    return {s.name: s for s in result.sources}


async def test_qq_from_the_ispdb_plus_mx_candidates_by_preference():
    router = Router({ISPDB + "qq.com": QQ_XML})
    resolver = StubResolver({("qq.com", "MX"): QQ_MX})
    async with router.client() as http:
        result = await discover("12345@qq.com", http=http, resolver=resolver)
    first = result.candidates[0]
    assert (first.host, first.port, first.security, first.source) == (
        "smtp.qq.com",
        465,
        "tls",
        "ispdb",
    )
    assert first.username == "12345@qq.com"
    mx = [(c.host, c.port, c.preference) for c in result.candidates[1:]]
    assert mx == [("mx3.qq.com", 25, 10), ("mx2.qq.com", 25, 20), ("mx1.qq.com", 25, 30)]
    sources = by_name(result)
    assert sources["ispdb"].ok and sources["ispdb"].detail == "1 SMTP server"
    assert sources["mx"].detail == "3 MX records"
    assert sources["autoconfig"].detail.startswith("cannot connect")
    assert {s.name for s in result.source_errors} == {"autoconfig", "well-known", "mta-sts-policy"}
    assert result.mta_sts is None and result.warnings == []
    assert (
        router.requests[0]
        == "https://autoconfig.qq.com/mail/config-v1.1.xml?emailaddress=12345@qq.com"
    )


async def test_the_domains_own_autoconfig_ranks_before_the_ispdb_and_duplicates_merge():
    ispdb_copy = CORP_XML.replace("<port>587</port>", "<port>2587</port>")
    router = Router(
        {CORP_AUTO: CORP_XML, CORP_WELL_KNOWN: CORP_XML, ISPDB + "corp.example": ispdb_copy}
    )
    async with router.client() as http:
        result = await discover("alice@corp.example", http=http, resolver=StubResolver())
    assert [(c.port, c.source) for c in result.candidates] == [
        (587, "autoconfig"),
        (465, "autoconfig"),
        (2587, "ispdb"),
    ]


async def test_ispdb_url_can_point_at_a_mirror(monkeypatch):
    router = Router(
        {"http://mirror.test/ispdb/qq.com.xml": QQ_XML, "http://env.test/v1.1/qq.com": QQ_XML}
    )
    async with router.client() as http:
        result = await discover(
            "a@qq.com",
            http=http,
            resolver=StubResolver(),
            ispdb_url="http://mirror.test/ispdb/{domain}.xml",
        )
        assert by_name(result)["ispdb"].ok
        monkeypatch.setenv("SMTPTUI_ISPDB_URL", "http://env.test/v1.1")
        result = await discover("a@qq.com", http=http, resolver=StubResolver())
        assert by_name(result)["ispdb"].target == "http://env.test/v1.1/qq.com"
        assert by_name(result)["ispdb"].ok
        with pytest.raises(DiscoveryError, match="must start with http"):
            await discover("a@qq.com", http=http, resolver=StubResolver(), ispdb_url="ftp://x")


async def test_mta_sts_policy_is_shown_and_unmatched_mx_hosts_warned():
    router = Router({CORP_POLICY: (200, POLICY_ENFORCE, {"content-type": "text/plain"})})
    resolver = StubResolver({
        ("corp.example", "MX"): [MX(10, "mx1.corp.example."), MX(20, "mx.other-provider.example.")],
        ("_mta-sts.corp.example", "TXT"): [TXT((b"v=STSv1; id=20240501;",)), TXT((b"unrelated",))],
    })  # fmt: skip
    async with router.client() as http:
        result = await discover("alice@corp.example", http=http, resolver=resolver)
    policy = result.mta_sts
    assert (policy.mode, policy.txt_id, policy.max_age) == ("enforce", "20240501", 604800)
    assert policy.url == CORP_POLICY
    (warning,) = result.warnings
    assert "mx.other-provider.example does not match" in warning and "will not deliver" in warning


async def test_mta_sts_inconsistencies_are_warnings():
    router = Router({CORP_POLICY: (200, POLICY_ENFORCE, {"content-type": "text/html"})})
    mx = {("corp.example", "MX"): [MX(10, "mx1.corp.example")]}
    async with router.client() as http:
        no_txt = await discover("alice@corp.example", http=http, resolver=StubResolver(mx))
    assert any("no v=STSv1 TXT record" in w for w in no_txt.warnings)
    assert any("text/html" in w and "text/plain" in w for w in no_txt.warnings)

    router = Router({CORP_POLICY: (404, b"gone")})
    txt = mx | {("_mta-sts.corp.example", "TXT"): [TXT((b"v=STSv1; id=abc;",))]}
    async with router.client() as http:
        missing = await discover("alice@corp.example", http=http, resolver=StubResolver(txt))
    assert missing.mta_sts is None
    assert any(
        "announces a policy (id abc) but it could not be fetched (HTTP 404)" in w
        for w in missing.warnings
    )


async def test_mta_sts_policy_redirects_are_not_followed():
    router = Router({CORP_POLICY: (301, b"", {"location": "https://elsewhere.example/p.txt"})})
    async with router.client() as http:
        result = await discover("alice@corp.example", http=http, resolver=StubResolver())
    assert "redirect refused" in by_name(result)["mta-sts-policy"].detail
    assert "https://elsewhere.example/p.txt" not in router.requests


async def test_autoconfig_follows_at_most_three_redirects():
    hop = "https://autoconfig.corp.example/hop{}"
    routes = {CORP_AUTO: (302, b"", {"location": hop.format(1)})}
    for n in (1, 2):
        routes[hop.format(n)] = (302, b"", {"location": hop.format(n + 1)})
    routes[hop.format(3)] = CORP_XML
    async with Router(routes).client() as http:
        ok = await discover("alice@corp.example", http=http, resolver=StubResolver())
    assert by_name(ok)["autoconfig"].ok
    routes[hop.format(3)] = (302, b"", {"location": hop.format(4)})
    routes[hop.format(4)] = CORP_XML
    router = Router(routes)
    async with router.client() as http:
        looped = await discover("alice@corp.example", http=http, resolver=StubResolver())
    assert by_name(looped)["autoconfig"].detail == "more than 3 redirects"
    assert hop.format(4) not in router.requests


async def test_redirect_from_https_to_http_is_refused():
    router = Router({CORP_AUTO: (302, b"", {"location": "http://autoconfig.corp.example/x.xml"})})
    async with router.client() as http:
        result = await discover("alice@corp.example", http=http, resolver=StubResolver())
    assert by_name(result)["autoconfig"].detail == "refused a redirect from https to http"


class Endless(httpx.AsyncByteStream):
    """An endless body; records how much was actually read."""

    def __init__(self) -> None:
        self.sent = 0

    async def __aiter__(self):
        chunk = b"<" * 65536
        while True:
            self.sent += len(chunk)
            yield chunk


async def test_huge_responses_are_cut_off_and_the_other_sources_continue():
    endless = Endless()
    router = Router({
        CORP_AUTO: lambda request: httpx.Response(200, stream=endless),
        CORP_WELL_KNOWN: (200, b"x", {"content-length": str(50 * 1024 * 1024)}),
        ISPDB + "corp.example": CORP_XML,
    })  # fmt: skip
    async with router.client() as http:
        result = await discover("alice@corp.example", http=http, resolver=StubResolver())
    sources = by_name(result)
    assert sources["autoconfig"].detail == f"response larger than {MAX_BYTES // 1024} KiB, refused"
    assert sources["well-known"].detail == sources["autoconfig"].detail
    assert endless.sent <= MAX_BYTES + 65536
    assert [c.source for c in result.candidates] == ["ispdb", "ispdb"]


async def test_malformed_xml_is_reported_and_the_ispdb_still_answers():
    router = Router({
        CORP_AUTO: "<clientConfig><emailProvider>",
        CORP_WELL_KNOWN: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><clientConfig>&e;</clientConfig>',
        ISPDB + "corp.example": CORP_XML,
    })  # fmt: skip
    async with router.client() as http:
        result = await discover("alice@corp.example", http=http, resolver=StubResolver())
    sources = by_name(result)
    assert sources["autoconfig"].detail.startswith("malformed XML")
    assert sources["well-known"].detail == "refused XML with a DOCTYPE or ENTITY declaration"
    assert result.candidates and result.candidates[0].source == "ispdb"


async def test_a_slow_source_times_out_without_holding_up_the_rest():
    async def slow(request):
        await asyncio.sleep(30)
        return httpx.Response(200, content=CORP_XML)

    router = Router({CORP_AUTO: slow, ISPDB + "corp.example": CORP_XML})
    started = time.monotonic()
    async with router.client() as http:
        result = await discover(
            "alice@corp.example", http=http, resolver=StubResolver(delay=30), timeout=0.5
        )
    assert time.monotonic() - started < 2.0
    sources = by_name(result)
    assert sources["autoconfig"].detail == "no answer in time"
    assert sources["mx"].detail == "no answer in time"
    assert sources["ispdb"].ok and result.candidates


async def test_no_network_at_all_ends_quickly_with_a_reason_per_source():
    def dead(request):
        raise httpx.ConnectError("[Errno 101] Network is unreachable", request=request)

    everything_fails = StubResolver({
        ("corp.example", "MX"): dns.resolver.NoNameservers(),
        ("_mta-sts.corp.example", "TXT"): dns.resolver.LifetimeTimeout(timeout=1.0, errors={}),
    })  # fmt: skip
    started = time.monotonic()
    async with httpx.AsyncClient(transport=httpx.MockTransport(dead)) as http:
        result = await discover(
            "alice@corp.example", http=http, resolver=everything_fails, timeout=2
        )
    assert time.monotonic() - started < 1.0
    assert result.candidates == [] and result.mta_sts is None
    details = {s.name: s.detail for s in result.sources}
    assert details["autoconfig"] == "cannot connect: [Errno 101] Network is unreachable"
    assert details["mx"] == "no DNS server answered (SERVFAIL or refused)"
    assert details["mta-sts-txt"] == "DNS timed out"
    assert len(result.source_errors) == 6


async def test_a_crashing_source_is_reported_and_the_others_finish():
    class Broken(StubResolver):
        async def resolve(self, qname, rdtype):
            raise RuntimeError("resolver bug")

    async with Router({ISPDB + "qq.com": QQ_XML}).client() as http:
        result = await discover("a@qq.com", http=http, resolver=Broken())
    assert by_name(result)["mx"].detail == "failed unexpectedly: RuntimeError: resolver bug"
    assert result.candidates[0].host == "smtp.qq.com"


async def test_the_whole_call_is_bounded_even_if_a_lookup_never_returns():
    class Hangs(StubResolver):
        async def resolve(self, qname, rdtype):
            await asyncio.Event().wait()

    started = time.monotonic()
    async with Router().client() as http:
        result = await discover("a@qq.com", http=http, resolver=Hangs(), timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert by_name(result)["mx"].detail == "no answer in time"


async def test_null_mx_and_implicit_mx():
    null = StubResolver({("corp.example", "MX"): [MX(0, ".")]})
    implicit = StubResolver({("corp.example", "MX"): dns.resolver.NoAnswer()})
    async with Router().client() as http:
        nothing = await discover("alice@corp.example", http=http, resolver=null)
        direct = await discover("alice@corp.example", http=http, resolver=implicit)
    assert nothing.candidates == []
    assert "null MX (RFC 7505)" in nothing.warnings[0]
    (c,) = direct.candidates
    assert (c.host, c.port, c.kind) == ("corp.example", 25, "mx") and "implicit MX" in c.note
    assert by_name(direct)["mx"].detail == "no MX records"


async def test_a_missing_domain_is_reported_by_the_mx_source():
    async with Router().client() as http:
        result = await discover("bob@nowhere.example", http=http, resolver=StubResolver())
    assert by_name(result)["mx"].detail == "nowhere.example does not exist (NXDOMAIN)"
    assert by_name(result)["mta-sts-txt"].ok  # no _mta-sts record is the normal case


async def test_no_resolver_configured_is_reported_for_the_dns_sources(monkeypatch):
    import smtptui.discovery.core as core

    def no_config(timeout):
        raise DiscoveryError("no DNS resolver is configured on this machine")

    monkeypatch.setattr(core, "default_resolver", no_config)
    async with Router().client() as http:
        result = await discover("a@qq.com", http=http)
    assert by_name(result)["mx"].detail == "no DNS resolver is configured on this machine"
    assert by_name(result)["mta-sts-txt"].detail == "no DNS resolver is configured on this machine"


@pytest.mark.parametrize(
    "address",
    [
        "",
        "no-at-sign",
        "@qq.com",
        "a b@qq.com",
        "user@localhost",
        "user@exa mple.com",
        "user@-bad-.com",
    ],
)
async def test_addresses_that_cannot_be_looked_up_are_refused(address):
    async with Router().client() as http:
        with pytest.raises(DiscoveryError):
            await discover(address, http=http, resolver=StubResolver())


async def test_international_domains_are_looked_up_in_punycode_and_the_address_escaped():
    router = Router()
    resolver = StubResolver()
    async with router.client() as http:
        result = await discover("张三+test@例子.中国", http=http, resolver=resolver)
    assert result.domain == "xn--fsqu00a.xn--fiqs8s"
    assert router.requests[0].startswith(
        "https://autoconfig.xn--fsqu00a.xn--fiqs8s/mail/config-v1.1.xml?emailaddress="
    )
    assert "%2Btest@" in router.requests[0]
    assert ("xn--fsqu00a.xn--fiqs8s", "MX") in resolver.queries


async def test_mx_candidate_profile_is_for_direct_delivery_without_auth():
    async with Router().client() as http:
        result = await discover(
            "a@qq.com", http=http, resolver=StubResolver({("qq.com", "MX"): QQ_MX})
        )
    profile = result.candidates[0].to_profile("qq-mx")
    assert (profile.host, profile.port, profile.security) == ("mx3.qq.com", 25, "starttls")
    assert not profile.auth.enabled
    assert profile.message.to == ("a@qq.com",)
    assert profile.mail_domain == "qq.com"  # the fleet checks qq.com's MTA-STS against it
