"""``smtptui tls``'s facts on trustme-made chains served by the built-in
server: every certificate described, and a failing chain named at the link
that fails, with the reason."""

from __future__ import annotations

import json
import ssl

import pytest
from click.testing import CliRunner

from smtptui.cli import main
from smtptui.inspection.report import inspect_tls, report_lines, verdict_sentence
from smtptui.protocol.config import SessionConfig, TlsConfig

from .conftest import MX_NAME


def config(port: int, ca_file: str | None, name: str = MX_NAME, security: str = "starttls"):
    return SessionConfig(
        host="127.0.0.1",
        port=port,
        security=security,
        timeout=10,
        tls=TlsConfig(ca_file=ca_file, server_hostname=name),
    )


async def test_a_valid_chain_is_described_and_verified(chains, serve):
    server = await serve(*chains.leaf("valid"))
    report = await inspect_tls(config(server.port, chains.ca_file()))
    assert report.verification.ok, verdict_sentence(report.verification)
    assert report.handshake.server_name == MX_NAME
    assert report.handshake.version in ("TLSv1.2", "TLSv1.3")
    leaf, intermediate = report.chain.certs
    assert MX_NAME in leaf.sans and leaf.key_type == "EC" and leaf.key_bits == 256
    assert leaf.signature_algorithm.startswith("ecdsa-with-SHA")
    assert intermediate.is_ca and leaf.issuer == intermediate.subject
    assert leaf.days_left(report.checked_at) > 300
    assert len(leaf.sha256.split(":")) == 32 and leaf.sha256 != leaf.spki_sha256
    text = "\n".join(line for _style, line in report_lines(report, "en"))
    assert "verified: the chain leads to" in text and "#2 " in text
    zh = "\n".join(line for _style, line in report_lines(report, "zh"))
    assert "已验证" in zh and "签发者" in zh
    # The PEM export is exactly the certificates sent, in order.
    pems = [p for p in report.pem().split("-----END CERTIFICATE-----\n") if p]
    assert [ssl.PEM_cert_to_DER_cert(p + "-----END CERTIFICATE-----\n") for p in pems] == list(
        report.chain.der
    )


@pytest.mark.parametrize(
    ("kind", "reason", "position", "words"),
    [
        ("expired", "expired", 0, "has expired"),
        ("missing_intermediate", "issuer_not_sent", 0, "leaves out an intermediate"),
        ("self_signed", "self_signed", 0, "is self-signed"),
    ],
)
async def test_a_broken_chain_names_the_failing_link(chains, serve, kind, reason, position, words):
    server = await serve(*chains.leaf(kind))
    report = await inspect_tls(config(server.port, chains.ca_file()))
    v = report.verification
    assert not v.ok and not v.chain_ok
    assert (v.reason, v.position) == (reason, position)
    sentence = verdict_sentence(v, "en")
    assert words in sentence and sentence.startswith("NOT verified")
    assert "未通过验证" in verdict_sentence(v, "zh")


async def test_the_expired_certificate_still_shows_its_dates(chains, serve):
    server = await serve(*chains.leaf("expired"))
    report = await inspect_tls(config(server.port, chains.ca_file()))
    assert report.chain.certs[0].days_left(report.checked_at) < 0
    assert any("EXPIRED" in line for _s, line in report_lines(report))


async def test_a_certificate_for_another_name_fails_the_name_check_only(chains, serve):
    server = await serve(*chains.leaf("wrong_name"))
    report = await inspect_tls(config(server.port, chains.ca_file()))
    v = report.verification
    assert v.chain_ok and v.name_ok is False and not v.ok
    assert f"does not name {MX_NAME}" in verdict_sentence(v)


async def test_an_untrusted_ca_is_reported_against_the_given_trust(chains, serve, tmp_path):
    import trustme

    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(other)
    server = await serve(*chains.leaf("valid"))
    report = await inspect_tls(config(server.port, str(other)))
    v = report.verification
    assert not v.chain_ok and v.trust == str(other)
    assert str(other) in verdict_sentence(v)


async def test_implicit_tls_is_inspected_too(chains, serve):
    server = await serve(*chains.leaf("valid"), tls_port=0)
    report = await inspect_tls(config(server.tls_port, chains.ca_file(), security="tls"))
    assert report.security == "tls" and report.verification.ok


def test_cli_json_and_pem_export(chains, tmp_path):
    import asyncio

    from smtptui.server import DemoServer, ServerConfig

    cert, key = chains.leaf("valid")
    server = DemoServer(ServerConfig(host="127.0.0.1", port=0, cert_file=cert, key_file=key))
    loop = asyncio.new_event_loop()
    loop.run_until_complete(server.start())
    import threading

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        pem = tmp_path / "chain.pem"
        args = ["tls", f"127.0.0.1:{server.port}", "--ca-file", chains.ca_file()]
        args += ["--tls-name", MX_NAME, "--json", "--pem", str(pem)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["verification"]["ok"] is True and len(data["chain"]) == 2
        assert pem.read_text().count("BEGIN CERTIFICATE") == 2
        # Without the CA: exit 23 (TLS) and the reason in one sentence.
        result = CliRunner().invoke(
            main, ["tls", f"127.0.0.1:{server.port}", "--tls-name", MX_NAME]
        )
        assert result.exit_code == 23
        assert "NOT verified" in result.stdout and "Traceback" not in result.output
        assert "<-  220 " in result.stdout  # the SMTP conversation is shown
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
