"""``smtptui discover`` as a user runs it: in-process with injected sources, and as a
real subprocess against an ISPDB mirror on 127.0.0.1 with no other network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

import smtptui.cli.discover_cmd as discover_cmd
from smtptui.cli import main
from smtptui.profiles import ProfileStore

from .conftest import CORP_XML, MX, POLICY_ENFORCE, QQ_XML, TXT, Router, StubResolver

ISPDB = "https://autoconfig.thunderbird.net/v1.1/"


@pytest.fixture
def inject(monkeypatch):
    """Point the CLI's discovery at a mock router and a stub resolver."""

    def _inject(router: Router, resolver: StubResolver) -> None:
        monkeypatch.setattr(discover_cmd, "make_http_client", router.client)
        monkeypatch.setattr(discover_cmd, "make_resolver", lambda: resolver)

    return _inject


def invoke(*args: str, folder: Path):
    result = CliRunner().invoke(
        main, ["discover", *args], env={"SMTPTUI_PROFILES_DIR": str(folder)}
    )
    assert "Traceback" not in result.output
    return result


def test_prints_each_source_the_candidates_and_mta_sts(inject, tmp_path):
    inject(
        Router({ISPDB + "qq.com": QQ_XML, "https://mta-sts.qq.com/.well-known/mta-sts.txt": (200, POLICY_ENFORCE.replace("corp.example", "qq.com"), {"content-type": "text/plain"})}),
        StubResolver({("qq.com", "MX"): [MX(10, "mx3.qq.com."), MX(20, "mx.elsewhere.example.")],
                      ("_mta-sts.qq.com", "TXT"): [TXT((b"v=STSv1; id=1;",))]}),
    )  # fmt: skip
    result = invoke("12345@qq.com", folder=tmp_path)
    assert result.exit_code == 0
    out = result.stdout
    assert "discovering SMTP servers for 12345@qq.com (domain qq.com)" in out
    assert "  ok      ispdb           1 SMTP server" in out
    assert "  failed  autoconfig      cannot connect" in out
    assert "  1. smtp.qq.com:465" in out and "AUTH auto as 12345@qq.com  (ispdb: QQ Mail)" in out
    assert "  2. mx3.qq.com:25" in out and "direct delivery to this domain, MX preference 10" in out
    assert "MTA-STS: mode enforce, mx mx1.qq.com, *.backup.qq.com, max_age 604800, id 1" in out
    assert "warning: MTA-STS: MX host mx.elsewhere.example does not match" in result.stderr


def test_json_output_is_machine_readable(inject, tmp_path):
    inject(Router({ISPDB + "qq.com": QQ_XML}), StubResolver())
    data = json.loads(invoke("a@qq.com", "--json", folder=tmp_path).stdout)
    assert data["domain"] == "qq.com"
    assert (
        data["candidates"][0]["host"] == "smtp.qq.com"
        and data["candidates"][0]["mechanism"] == "auto"
    )
    assert {s["name"] for s in data["sources"]} == {
        "autoconfig",
        "well-known",
        "ispdb",
        "mx",
        "mta-sts-txt",
        "mta-sts-policy",
    }
    assert data["saved"] is None


def test_save_writes_the_chosen_candidate_as_a_profile(inject, tmp_path):
    inject(Router({ISPDB + "corp.example": CORP_XML}), StubResolver())
    result = invoke("alice@corp.example", "--save", "corp", "--pick", "2", folder=tmp_path)
    assert result.exit_code == 0, result.output
    assert f"saved to {tmp_path / 'corp.toml'}" in result.stdout
    profile = ProfileStore(tmp_path).get("corp")
    assert (profile.host, profile.port, profile.security) == ("smtp.corp.example", 465, "tls")
    assert profile.auth.username == "alice" and profile.auth.password.kind == "prompt"
    again = invoke("alice@corp.example", "--save", "corp", folder=tmp_path)
    assert again.exit_code == 2 and "already exists" in again.stderr
    too_far = invoke("alice@corp.example", "--save", "x", "--pick", "9", folder=tmp_path)
    assert too_far.exit_code == 2 and "only 2 candidates" in too_far.stderr


def test_nothing_found_exits_1_and_bad_input_exits_2(inject, tmp_path):
    inject(Router(), StubResolver())
    none = invoke("bob@nowhere.example", folder=tmp_path)
    assert none.exit_code == 1 and "no candidates found" in none.stderr
    assert "nowhere.example does not exist (NXDOMAIN)" in none.stdout
    bad = invoke("not-an-address", folder=tmp_path)
    assert bad.exit_code == 2
    assert (
        bad.stderr.strip()
        == "smtptui discover: 'not-an-address' is not a mail domain (expected user@example.com)"
    )


class _Ispdb(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/v1.1/example.invalid":
            body = CORP_XML.replace("corp.example", "example.invalid").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def ispdb_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ispdb)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1.1/"
    server.shutdown()
    server.server_close()


async def test_discover_with_a_real_http_client_against_a_local_ispdb(ispdb_server):
    from smtptui.discovery import discover

    result = await discover(
        "alice@example.invalid", resolver=StubResolver(), ispdb_url=ispdb_server, timeout=5
    )
    assert [c.host for c in result.candidates] == ["smtp.example.invalid", "smtp.example.invalid"]
    assert {s.name for s in result.source_errors} >= {"autoconfig", "well-known", "mta-sts-policy"}


def test_the_installed_command_with_no_network_finishes_quickly(ispdb_server, tmp_path):
    env = {**os.environ, "SMTPTUI_PROFILES_DIR": str(tmp_path), "SMTPTUI_ISPDB_URL": ispdb_server}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "smtptui", "discover", "alice@example.invalid", "--timeout", "5", "--save", "found"],
        capture_output=True, text=True, env=env, timeout=30,
    )  # fmt: skip
    assert time.monotonic() - started < 5 + 5  # the bound plus interpreter start-up
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for source in ("autoconfig", "well-known", "ispdb", "mx", "mta-sts-txt", "mta-sts-policy"):
        assert any(line.split()[1:2] == [source] for line in lines if line.startswith("  ")), source
    assert any(line.startswith("  ok      ispdb") for line in lines)
    assert "Traceback" not in done.stderr
    assert ProfileStore(tmp_path).get("found").host == "smtp.example.invalid"
