"""DANE: TLSA records computed from the chain the server really sends, served
by a stub resolver, matched (or not) for every usage, selector and matching
type SMTP uses; the resolver's AD bit reported as the resolver's claim."""

from __future__ import annotations

import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from smtptui.inspection.dane import dane_for, tlsa_name
from smtptui.inspection.report import dane_lines, inspect_tls
from smtptui.protocol.config import SessionConfig, TlsConfig

from .conftest import MX_NAME, Answer, StubResolver, tlsa


def record_for(der: bytes, usage: int, selector: int, mtype: int) -> str:
    data = der
    if selector == 1:
        key = x509.load_der_x509_certificate(der).public_key()
        data = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    digest = {
        0: lambda d: d,
        1: lambda d: hashlib.sha256(d).digest(),
        2: lambda d: hashlib.sha512(d).digest(),
    }
    return f"{usage} {selector} {mtype} {digest[mtype](data).hex()}"


@pytest.fixture
async def sent_chain(chains, serve) -> tuple[bytes, ...]:
    server = await serve(*chains.leaf("valid"))
    cfg = SessionConfig(
        host="127.0.0.1",
        port=server.port,
        security="starttls",
        timeout=10,
        tls=TlsConfig(ca_file=chains.ca_file(), server_hostname=MX_NAME),
    )
    report = await inspect_tls(cfg)
    return report.chain.der


COMBINATIONS = [(u, s, m) for u in (2, 3) for s in (0, 1) for m in (0, 1, 2)]


@pytest.mark.parametrize(("usage", "selector", "mtype"), COMBINATIONS)
async def test_each_usage_selector_and_matching_type_matches_its_certificate(
    sent_chain, usage, selector, mtype
):
    position = 0 if usage == 3 else 1  # DANE-EE: the server's own; DANE-TA: the CA it sent
    text = record_for(sent_chain[position], usage, selector, mtype)
    resolver = StubResolver({(tlsa_name(MX_NAME), "TLSA"): Answer([tlsa(text)], ad=True)})
    report = await dane_for(resolver, MX_NAME, sent_chain)
    assert report.outcome == "match" and report.authenticated is True
    assert [r.position for r in report.results] == [position]
    lines = [line for _s, line in dane_lines(report, "en")]
    assert any(f"matches certificate #{position + 1}" in line for line in lines)


@pytest.mark.parametrize(("usage", "selector", "mtype"), COMBINATIONS)
async def test_each_combination_with_other_data_is_a_mismatch(sent_chain, usage, selector, mtype):
    import ssl

    import trustme

    stranger_ca = trustme.CA()
    blob = (
        stranger_ca.issue_cert(MX_NAME).cert_chain_pems[0] if usage == 3 else stranger_ca.cert_pem
    )
    other = ssl.PEM_cert_to_DER_cert(blob.bytes().decode())
    text = record_for(other, usage, selector, mtype)
    resolver = StubResolver({(tlsa_name(MX_NAME), "TLSA"): Answer([tlsa(text)], ad=False)})
    report = await dane_for(resolver, MX_NAME, sent_chain)
    assert report.outcome == "mismatch" and report.authenticated is False
    assert report.results[0].why == ("ee_differs" if usage == 3 else "ta_differs")
    lines = [line for _s, line in dane_lines(report, "en")]
    assert any("did NOT set the AD bit" in line for line in lines)
    assert any("MISMATCH" in line for line in lines)
    assert any("不匹配" in line for _s, line in dane_lines(report, "zh"))


async def test_pkix_usages_are_listed_as_unusable_for_smtp(sent_chain):
    text = record_for(sent_chain[0], 1, 1, 1)
    resolver = StubResolver({(tlsa_name(MX_NAME), "TLSA"): Answer([tlsa(text)], ad=True)})
    report = await dane_for(resolver, MX_NAME, sent_chain)
    assert report.outcome == "unusable" and report.results[0].why == "pkix_usage"


async def test_no_tlsa_records_means_no_dane(sent_chain):
    report = await dane_for(StubResolver(), MX_NAME, sent_chain)
    assert report.outcome == "none"
    assert "does not use DANE" in "\n".join(line for _s, line in dane_lines(report))


async def test_a_failed_lookup_is_reported_not_raised(sent_chain):
    import dns.resolver

    resolver = StubResolver({(tlsa_name(MX_NAME), "TLSA"): dns.resolver.NoNameservers()})
    report = await dane_for(resolver, MX_NAME, sent_chain)
    assert report.outcome == "error" and "SERVFAIL" in (report.error or "")


async def test_a_ta_record_for_a_ca_the_chain_does_not_lead_to_is_refused(sent_chain, chains):
    """The CA certificate is sent but the server's certificate is not issued by
    it: matching data alone is not enough for DANE-TA."""
    import ssl

    import trustme

    other_ca = trustme.CA()
    stray = ssl.PEM_cert_to_DER_cert(other_ca.cert_pem.bytes().decode())
    chain = (sent_chain[0], stray)
    text = record_for(stray, 2, 0, 1)
    resolver = StubResolver({(tlsa_name(MX_NAME), "TLSA"): Answer([tlsa(text)], ad=True)})
    report = await dane_for(resolver, MX_NAME, chain)
    assert report.outcome == "mismatch" and report.results[0].why == "ta_not_issuer"
