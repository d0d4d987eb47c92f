"""`smtptui swaks`: the printed line is what swaks needs, never holds a
password, and really delivers when run."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from smtptui.cli import main
from smtptui.fleet import SwaksAuth, SwaksExportError, SwaksMessage, swaks_command
from smtptui.profiles import AuthSettings, PasswordSource, Profile, TlsSettings
from smtptui.protocol.config import SessionConfig, TlsConfig
from smtptui.protocol.secret import Secret
from tests.fleet.servers import ThreadedServers, server_config, write_profiles
from tests.peers.fixtures import require_tool


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def command_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line and not line.startswith("#")]


def test_the_command_maps_connection_tls_auth_and_message():
    cfg = SessionConfig(
        host="smtp.example.com",
        port=587,
        security="starttls",
        helo="me.example",
        timeout=12.5,
        tls=TlsConfig(ca_file="/etc/ca.pem", min_version="TLSv1.2"),
    )
    cmd = swaks_command(
        cfg,
        auth=SwaksAuth("auto", "me@example.com"),
        message=SwaksMessage(
            sender="me@example.com",
            to=("a@example.org",),
            cc=("c@example.org",),
            bcc=("hidden@example.org",),
            subject="Grüße",
            body="hello",
            attachments=(Path("report.pdf"),),
        ),
        quit_after="rcpt",
        pipelining=None,
    )
    argv = list(cmd.argv)

    def value(flag: str) -> str:
        return argv[argv.index(flag) + 1]

    assert (
        value("--server") == "smtp.example.com:587" and "--tls" in argv and "--tls-verify" in argv
    )
    assert value("--tls-ca-path") == "/etc/ca.pem" and value("--helo") == "me.example"
    assert value("--timeout") == "13s" and value("--tls-protocol").endswith("no_tlsv1_1")
    assert value("--auth") == "CRAM-MD5,PLAIN,LOGIN" and value("--auth-user") == "me@example.com"
    assert value("--auth-password") == "$SMTP_PASSWORD"
    assert value("--to") == "a@example.org,c@example.org,hidden@example.org"
    headers = [argv[i + 1] for i, a in enumerate(argv) if a == "--header"]
    assert "To: a@example.org" in headers and "Cc: c@example.org" in headers  # Bcc stays hidden
    assert "Subject: =?utf-8?b?R3LDvMOfZQ==?=" in headers
    assert value("--attach-type") == "application/pdf" and value("--attach") == "@report.pdf"
    assert value("--quit-after") == "RCPT" and "--pipeline" in argv
    line = cmd.shell()
    assert line.splitlines()[0].startswith("# export SMTP_PASSWORD=")
    assert '--auth-password "$SMTP_PASSWORD"' in line
    assert shlex.split(line.splitlines()[-1])[0] == "swaks"


def test_implicit_tls_plain_and_no_pipelining():
    tls = swaks_command(
        SessionConfig(host="::1", port=465, security="tls", tls=TlsConfig(verify=False))
    )
    assert tls.argv[:4] == ("swaks", "--server", "[::1]:465", "--tls-on-connect")
    assert "--tls-verify" not in tls.argv
    plain = swaks_command(SessionConfig(host="h.example", port=25), pipelining=False)
    assert plain.argv == ("swaks", "--server", "h.example:25")


def test_what_swaks_cannot_do_is_refused_or_said():
    cfg = SessionConfig(host="h.example", port=587, security="starttls")
    with pytest.raises(SwaksExportError, match="XOAUTH2"):
        swaks_command(cfg, auth=SwaksAuth("xoauth2", "me"))
    with pytest.raises(SwaksExportError, match="environment variable"):
        swaks_command(cfg, auth=SwaksAuth("login", "me", password_env="BAD NAME"))
    assert any("CHUNKING" in c for c in swaks_command(cfg, chunking=True).comments)


def test_a_plain_password_in_the_profile_is_never_printed(tmp_path):
    profile = Profile(
        name="corp",
        host="mail.corp.example",
        port=587,
        auth=AuthSettings("login", "me", PasswordSource(kind="plain", value=Secret("s3cret-pw"))),
    )
    write_profiles(tmp_path, [profile])
    result = run("swaks", "corp", "--to", "a@example.org", "--profiles-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output
    assert '--auth-password "$SMTP_PASSWORD"' in result.output
    assert result.output.startswith("# export SMTP_PASSWORD=")


def test_the_profiles_own_env_variable_is_used(tmp_path):
    profile = Profile(
        name="qq",
        host="smtp.qq.com",
        port=465,
        auth=AuthSettings("login", "1@qq.com", PasswordSource(kind="env", env="QQ_AUTH_CODE")),
        tls=TlsSettings(),
    )
    write_profiles(tmp_path, [profile])
    result = run(
        "swaks",
        "qq",
        "--to",
        "a@example.org",
        "--quit-after",
        "auth",
        "--profiles-dir",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert not result.output.startswith("#")  # nothing to export by hand: it is the profile's
    line = command_lines(result.output)[0]
    assert '--auth-password "$QQ_AUTH_CODE"' in line and "--tls-on-connect" in line
    assert "--quit-after AUTH" in line and "--to" not in line  # no message before MAIL


def test_the_demo_profile_and_bad_headers_are_usage_errors():
    demo = CliRunner().invoke(main, ["swaks", "demo"])
    assert demo.exit_code == 2 and "smtptui serve" in demo.output
    bad = CliRunner().invoke(
        main, ["swaks", "h.example:25", "--to", "a@b.c", "--subject", "x\r\nBcc: victim@x.y"]
    )
    assert bad.exit_code == 2 and "line break" in bad.output


def test_the_printed_command_runs_and_the_message_arrives(certs, tmp_path):
    require_tool("swaks")
    attachment = tmp_path / "notes.txt"
    attachment.write_text("attached text\n")
    with ThreadedServers([server_config(certs.valid())]) as (server,):
        result = run(
            "swaks",
            f"127.0.0.1:{server.port}",
            "--security",
            "starttls",
            "--ca-file",
            certs.ca_file,
            "--auth",
            "login",
            "--user",
            "demo",
            "--from",
            "me@demo.local",
            "--to",
            "friend@example.org",
            "--subject",
            "Hi 你好",
            "--body",
            "hello from swaks",
            "--header",
            "X-Test: fleet",
            "--attach",
            str(attachment),
        )
        assert result.exit_code == 0, result.output
        assert result.output.startswith("# export SMTP_PASSWORD=")
        line = command_lines(result.output)[0]
        done = subprocess.run(
            ["bash", "-c", line],
            env={**os.environ, "SMTP_PASSWORD": "demo"},
            capture_output=True,
            text=True,
            timeout=30,
        )
        messages = server.messages
    assert done.returncode == 0, done.stdout + done.stderr
    assert '--auth-password "$SMTP_PASSWORD"' in line  # a reference, never the password
    assert len(messages) == 1
    received = messages[0]
    assert received.tls and received.authenticated_user == "demo"
    assert received.rcpt_tos == ("friend@example.org",) and received.mail_from == "me@demo.local"
    assert received.subject == "Hi 你好"
    assert "hello from swaks" in received.body
    assert [a.filename for a in received.attachments] == ["notes.txt"]
    assert received.summary.header("X-Test") == "fleet"
