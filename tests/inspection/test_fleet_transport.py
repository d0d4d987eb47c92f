"""``check --all --inspect``: the CHAIN, DANE and MTA-STS columns for a fleet of
real loopback servers with trustme chains, TLSA and TXT records from a stub
resolver and MTA-STS policies from a local HTTPS server; the reasons under
the table, the JSON lines and the saved history."""

from __future__ import annotations

import hashlib
import json
import ssl
from pathlib import Path

import pytest
import trustme
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import smtptui.cli.mx_cmd as mx_cmd
from smtptui.cli import main
from smtptui.fleet import ResultStore
from smtptui.fleet.transport_facts import TransportFacts
from smtptui.profiles import Profile, TlsSettings
from tests.fleet.servers import ThreadedServers, server_config, write_profiles

from .conftest import TXT, Answer, StubResolver, tlsa
from .policy_server import PolicyServer, Reply, policy

DOMAIN = "example.test"
GOOD, EXPIRED = "mx.example.test", "mx2.example.test"


def spki_sha256(cert_file: str) -> str:
    pem = Path(cert_file).read_text().split("-----END CERTIFICATE-----")[0]
    der = ssl.PEM_cert_to_DER_cert(pem + "-----END CERTIFICATE-----\n")
    key = x509.load_der_x509_certificate(der).public_key()
    return hashlib.sha256(
        key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    ).hexdigest()


@pytest.fixture
def fleet(chains, tmp_path, monkeypatch):
    """Two MX hosts of example.test (one valid, one expired and not the key its
    TLSA record names), a host given by IP address, a plain one, and the demo."""
    good, expired = chains.leaf("valid", GOOD), chains.leaf("expired", EXPIRED)
    by_ip = chains.intermediate.issue_cert("127.0.0.1")
    by_ip_files = (str(tmp_path / "ip.pem"), str(tmp_path / "ip.key"))
    for i, blob in enumerate(by_ip.cert_chain_pems):
        blob.write_to_path(by_ip_files[0], append=i > 0)
    by_ip.private_key_pem.write_to_path(by_ip_files[1])
    configs = [server_config(_files(p)) for p in (good, expired, by_ip_files)]
    policy_server = PolicyServer(trustme.CA(), [f"mta-sts.{DOMAIN}"]).start()
    policy_server.routes[f"mta-sts.{DOMAIN}"] = Reply(body=policy("enforce", "*.example.test"))
    with ThreadedServers(configs) as servers:
        ca = chains.ca_file()

        def mx(name: str, host: str, server) -> Profile:
            return Profile(name=name, host="127.0.0.1", port=server.port, security="starttls",
                           tls=TlsSettings(ca_file=ca, server_hostname=host), mail_domain=DOMAIN)  # fmt: skip

        profiles = [
            mx("mx-good", GOOD, servers[0]),
            mx("mx-expired", EXPIRED, servers[1]),
            Profile(
                name="by-ip",
                host="127.0.0.1",
                port=servers[2].port,
                security="starttls",
                tls=TlsSettings(ca_file=ca),
            ),
            Profile(name="plain-one", host="127.0.0.1", port=servers[2].port, security="plain"),
        ]
        stranger = trustme.CA().issue_cert(EXPIRED)
        stranger_file = tmp_path / "stranger.pem"
        stranger.cert_chain_pems[0].write_to_path(stranger_file)
        resolver = StubResolver(
            {
                (f"_{servers[0].port}._tcp.{GOOD}", "TLSA"): Answer(
                    [tlsa(f"3 1 1 {spki_sha256(good[0])}")], ad=True
                ),
                (f"_{servers[1].port}._tcp.{EXPIRED}", "TLSA"): Answer(
                    [tlsa(f"3 1 1 {spki_sha256(str(stranger_file))}")], ad=True
                ),
                (f"_mta-sts.{DOMAIN}", "TXT"): [TXT.of("v=STSv1; id=1;")],
                (f"_smtp._tls.{DOMAIN}", "TXT"): [TXT.of("v=TLSRPTv1; rua=mailto:t@example.test")],
            }
        )
        monkeypatch.setattr(mx_cmd, "make_resolver", lambda timeout=10.0: resolver)
        monkeypatch.setattr(mx_cmd, "make_http_client", policy_server.client)
        yield write_profiles(tmp_path / "profiles", profiles), policy_server
    policy_server.stop()


def _files(pair: tuple[str, str]):
    from tests.fleet.servers import CertFiles

    return CertFiles(*pair)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_all_inspect_adds_chain_dane_and_mta_sts_columns(fleet):
    folder, policy_server = fleet
    result = run("check", "--all", "--inspect", "--profiles-dir", str(folder), "-t", "10")
    out = result.stdout
    header, *rows = out.splitlines()
    assert header.split()[-3:] == ["CHAIN", "DANE", "MTA-STS"]

    def row(name: str) -> list[str]:
        return next(r for r in rows if r.startswith(name + " ")).split()[-3:]

    assert row("mx-good") == ["ok", "match", "enforce"]
    assert row("mx-expired") == ["failed", "mismatch", "inconsistent"]
    assert row("by-ip") == ["ok", "n/a", "n/a"]  # an IP address: nothing to look up
    assert row("plain-one") == ["n/a", "n/a", "n/a"]
    assert row("demo") == ["ok", "n/a", "n/a"]
    # the reasons, under the table
    assert "=== mx-expired (127.0.0.1:" in out
    assert "CHAIN: failed" in out and "has expired" in out
    assert "DANE: mismatch" in out
    assert "the server's certificate (or key) is not the one published" in out
    assert "MTA-STS example.test: inconsistent" in out
    assert f"MX host {EXPIRED} does not present a certificate valid for its name (expired)" in out
    assert f"Install a certificate from a public CA that names {EXPIRED}" in out
    assert "=== mx-good" not in out and "=== by-ip" not in out
    # one look-up of example.test's policy for its two MX profiles
    assert policy_server.requests == [(f"mta-sts.{DOMAIN}", "/.well-known/mta-sts.txt")]
    saved = ResultStore().last("mx-good")
    assert saved is not None and saved.transport is not None
    assert (saved.transport.chain, saved.transport.dane, saved.transport.mta_sts) == (
        "ok",
        "match",
        "enforce",
    )
    assert saved.transport.tlsrpt == "ok" and saved.transport.dane_ad is True


def test_check_all_inspect_json_and_chinese(fleet):
    folder, _server = fleet
    result = run("check", "--all", "--inspect", "--json", "--profiles-dir", str(folder), "-t", "10")
    by = {o["profile"]: o for o in map(json.loads, result.stdout.splitlines())}
    bad = by["mx-expired"]["transport"]
    assert (bad["chain"], bad["dane"], bad["mta_sts"]) == ("failed", "mismatch", "inconsistent")
    assert bad["chain_why"]["key"] == "inspect.verify.expired"
    assert "has expired" in bad["chain_why"]["text"]
    assert bad["mta_sts_why"][0]["why"]["key"] == "inspect.sts.problem.mx_cert_enforce"
    assert by["by-ip"]["transport"]["dane_why"][0]["key"] == "inspect.fleet.na.ip"
    assert (
        by["plain-one"]["transport"]["mta_sts_why"][0]["why"]["key"] == "inspect.fleet.na.no_domain"
    )
    zh = run(
        "--lang", "zh", "check", "--all", "--inspect", "--profiles-dir", str(folder), "-t", "10"
    )
    assert "已过期" in zh.stdout and "强制执行 MTA-STS 的发件方不会向它投递" in zh.stdout
    expired_row = next(line for line in zh.stdout.splitlines() if line.startswith("mx-expired"))
    assert expired_row.split()[-3:] == ["未通过", "不匹配", "不一致"]
    assert "证书链" in zh.stdout.splitlines()[0]


def test_inspect_without_all_is_refused_with_the_right_command():
    result = CliRunner().invoke(main, ["check", "demo", "--inspect"])
    assert result.exit_code == 2 and "smtptui tls @DOMAIN" in result.output


def test_transport_facts_survive_a_round_trip():
    from smtptui.i18n.sentence import Sentence

    facts = TransportFacts(
        chain="failed",
        chain_why=Sentence.of(
            "inspect.verify.expired",
            where=Sentence.of("inspect.verify.cert_n", n=1),
            subject="CN=x",
        ),
        dane="mismatch",
        dane_why=(Sentence.of("inspect.fleet.dane_no_ad"),),
        mail_domain="example.test",
        mta_sts="inconsistent",
        mta_sts_why=((Sentence.of("inspect.sts.problem.no_txt", domain="example.test"), None),),
    )
    again = TransportFacts.from_dict(json.loads(json.dumps(facts.to_dict())))
    assert again == facts
    assert again.chain_why.text("en") == "NOT verified: certificate #1 (CN=x) has expired"
    assert again.chain_why.text("zh") != again.chain_why.text("en")


# ------------------------------------------------------------------ compare


def test_compare_shows_chain_dane_mta_sts_and_the_scan_side_by_side(fleet):
    folder, _server = fleet
    args = ["compare", "mx-good", "mx-expired", "--profiles-dir", str(folder), "-t", "10"]
    result = run(*args, "--scan", "--json")
    assert result.exit_code == 1  # they differ
    rows = {(r["section"], r["field"]): r for r in json.loads(result.stdout)["rows"]}
    assert (rows["transport", "chain"]["left"], rows["transport", "chain"]["right"]) == (
        "ok",
        "failed",
    )
    assert rows["transport", "DANE"]["differs"] and rows["transport", "DANE"]["right"] == "mismatch"
    assert rows["transport", "MTA-STS"]["left"] == "enforce (example.test)"
    assert rows["transport", "MTA-STS"]["right"] == "inconsistent (example.test)"
    assert not rows["transport", "TLS-RPT"]["differs"]  # the same domain's record
    # both are the built-in server's TLS configuration: the scans agree
    assert rows["scan", "versions offered"]["left"] == "TLSv1.2 TLSv1.3"
    assert not rows["scan", "versions offered"]["differs"]
    human = run(*args).stdout
    assert "Transport security (chain, DANE, MTA-STS)" in human
    assert any(line.startswith("* chain") and "failed" in line for line in human.splitlines())


def test_a_fact_known_on_one_side_only_is_not_a_difference():
    import datetime as dt

    from smtptui.fleet import compare_results
    from smtptui.fleet.results import CheckResult, ScanFacts

    def result(**kw) -> CheckResult:
        return CheckResult(profile="p", address="h:25", security="starttls", ok=True, exit_code=0,
                           started_at=dt.datetime.now(dt.UTC), **kw)  # fmt: skip

    old = result()  # saved by a plain check --all
    new = result(transport=TransportFacts(chain="ok", dane="none"), scan=ScanFacts(worst="low"))
    comparison = compare_results(old, new)
    assert comparison.section("transport") and comparison.section("scan")
    assert not comparison.differences
    worse = result(transport=TransportFacts(chain="failed", dane="none"))
    (row,) = compare_results(new, worse).differences
    assert (row.field, row.left, row.right) == ("chain", "ok", "failed")
    assert compare_results(old, old).section("transport") == ()  # nothing inspected: no rows
