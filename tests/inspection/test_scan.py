"""The TLS scan: on the built-in server (TLS 1.2+, Python's defaults) and on
the real Postfix peer, where testssl.sh --fast --starttls smtp reported TLS 1.0
and 1.1 offered, obsolete CBC suites offered and no server cipher order."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from smtptui.cli import main
from smtptui.inspection.report import scan_lines
from smtptui.inspection.scan import scan
from smtptui.protocol.config import SessionConfig


async def test_the_built_in_server_offers_only_modern_versions(serve):
    server = await serve()
    report = await scan(SessionConfig(host="127.0.0.1", port=server.port, security="starttls"))
    states = {v.version: v.state for v in report.versions}
    assert states["TLSv1"] == states["TLSv1.1"] == "refused"
    assert states["TLSv1.2"] == states["TLSv1.3"] == "accepted"
    keys = {f.key for f in report.findings}
    assert not keys & {"tls10", "tls11", "sslv3", "cat_null", "no_fs"}
    assert report.inconclusive == 0
    tls12 = report.version("TLSv1.2")
    assert tls12 is not None and dict(tls12.ciphers).get("aead")
    text = "\n".join(line for _s, line in scan_lines(report, "en"))
    assert "TLSv1.1  not offered" in text and "TLSv1.3  offered" in text


async def test_an_unreachable_server_is_inconclusive_not_refused():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    report = await scan(
        SessionConfig(host="127.0.0.1", port=port, security="starttls"), probe_timeout=2
    )
    assert {v.state for v in report.versions} <= {"inconclusive", "untestable"}
    assert any(f.key == "inconclusive" for f in report.findings)


@pytest.mark.postfix
async def test_postfix_findings_match_testssl(postfix):
    report = await scan(SessionConfig(host=postfix.host, port=postfix.port, security="starttls"))
    keys = {f.key: f for f in report.findings}
    # testssl.sh --fast --starttls smtp on this peer: TLS 1.0 and 1.1 offered,
    # obsolete CBC ciphers offered, no server cipher order.
    assert {"tls10", "tls11", "cat_cbc", "client_order"} <= set(keys)
    assert keys["tls10"].rating == "medium" and "RFC 8996" in keys["tls10"].why()
    assert "smtpd_tls_protocols" in keys["tls10"].fix()
    assert "tls_preempt_cipherlist = yes" in keys["client_order"].fix()
    assert "RFC 8996" in keys["tls11"].why("zh")
    assert report.inconclusive == 0


@pytest.mark.postfix
def test_cli_scan_json_on_postfix(postfix):
    result = CliRunner().invoke(main, ["tls", f"{postfix.host}:{postfix.port}", "--scan", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {v["version"]: v["state"] for v in data["versions"]}["TLSv1"] == "accepted"
    assert data["worst"] == "medium"
    zh = CliRunner().invoke(
        main, ["--lang", "zh", "tls", f"{postfix.host}:{postfix.port}", "--scan"]
    )
    assert "支持 TLS 1.0" in zh.stdout and "服务器没有密码套件顺序" in zh.stdout


async def test_implicit_tls_is_scanned_the_same_way(serve):
    server = await serve(tls_port=0)
    report = await scan(SessionConfig(host="127.0.0.1", port=server.tls_port, security="tls"))
    assert report.security == "tls"
    assert {v.version: v.state for v in report.versions}["TLSv1.3"] == "accepted"
    assert report.inconclusive == 0
