"""``smtptui check`` and ``smtptui send`` as a script would run them: real
servers, real exit codes, transcripts a person can read."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from smtptui.cli import main
from tests.protocol.scripted import ScriptedServer, read_command


def run(*args: str, input: str | None = None, env: dict | None = None):
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def test_check_demo_works_out_of_the_box():
    result = run("check", "demo")
    assert result.exit_code == 0, result.output
    assert "check passed" in result.output
    assert "certificate verified" in result.output
    assert "334 VXNlcm5hbWU6  « Username: »" in result.output
    assert "Traceback" not in result.output


def test_send_demo_uses_profile_defaults_and_reports_acceptance():
    result = run("send", "demo", "--subject", "Hi 你好", "--body", "hello")
    assert result.exit_code == 0, result.output
    assert "message accepted for 1 recipient(s): 250 2.0.0" in result.output
    assert " ~> hello" in result.output
    assert "Subject: Hi =?utf-8?" in result.output


def test_json_output_is_one_object_per_event():
    result = run("check", "demo", "--json")
    assert result.exit_code == 0
    objects = [json.loads(line) for line in result.output.splitlines()]
    kinds = [o["event"] for o in objects]
    assert kinds[:3] == ["summary", "connecting", "connected"]
    assert "tlsestablished" in kinds and kinds[-1] == "summary"
    tls = next(o for o in objects if o["event"] == "tlsestablished")
    assert tls["verified"] is True and tls["certificate"]["days_to_expiry"] > 0


def test_quiet_prints_nothing_on_success():
    result = run("check", "demo", "--quiet")
    assert result.exit_code == 0
    assert result.output.strip() == ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_exit_20_with_one_clear_line():
    result = CliRunner().invoke(main, ["check", f"127.0.0.1:{free_port()}", "--timeout", "3"])
    assert result.exit_code == 20
    assert "*** cannot connect to 127.0.0.1:" in result.output
    assert "Traceback" not in result.output


def test_missing_sender_is_a_usage_error():
    result = CliRunner().invoke(main, ["send", "127.0.0.1:9", "--to", "a@b.c"])
    assert result.exit_code == 2
    assert "no sender: add --from ADDRESS" in result.output


def test_header_injection_is_refused_before_connecting():
    result = CliRunner().invoke(
        main,
        [
            "send",
            "127.0.0.1:9",
            "--from",
            "a@b.c",
            "--to",
            "d@e.f",
            "--subject",
            "hi\r\nBcc: victim@x.y",
        ],
    )
    assert result.exit_code == 2
    assert "Subject" in result.output and "line break" in result.output
    assert "Trying" not in result.output


def test_unknown_profile_suggests_close_names():
    result = CliRunner().invoke(main, ["check", "dmeo"])
    assert result.exit_code == 2
    assert "demo" in result.output


def _run_scripted(handler, args):
    """A scripted server on a background loop, the CLI in the foreground."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    box = {}

    async def serve():
        async with ScriptedServer(handler) as srv:
            box["port"] = srv.port
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=lambda: loop.run_until_complete(serve()), daemon=True)
    thread.start()
    ready.wait(5)
    try:
        return CliRunner().invoke(main, [*args[:1], f"127.0.0.1:{box['port']}", *args[1:]])
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(5)
        loop.close()


def test_server_control_characters_are_shown_escaped():
    async def evil(reader, writer):
        writer.write(b"220 hello \x1b[2J\x1b]0;pwned\x07 world\r\n")
        await read_command(reader)
        writer.write(b"250 ok\r\n")
        await read_command(reader)
        writer.write(b"221 bye\r\n")

    result = _run_scripted(evil, ["check", "--timeout", "5"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in result.output


def test_greeting_refused_is_exit_21():
    async def refuse(reader, writer):
        writer.write(b"554 5.3.2 no service for you\r\n")
        await read_command(reader)
        writer.write(b"221 bye\r\n")

    result = _run_scripted(refuse, ["check", "--timeout", "5"])
    assert result.exit_code == 21
    assert "*** the server refused the connection in its greeting: 554 5.3.2" in result.output


def test_ehlo_refused_is_exit_22():
    async def no_ehlo(reader, writer):
        writer.write(b"220 hi\r\n")
        await read_command(reader)
        writer.write(b"550 5.7.1 go away\r\n")
        await read_command(reader)
        writer.write(b"221 bye\r\n")

    result = _run_scripted(no_ehlo, ["check", "--timeout", "5"])
    assert result.exit_code == 22


def test_mail_refused_is_exit_25_and_data_refused_is_27():
    def server(refuse: bytes):
        async def handler(reader, writer):
            writer.write(b"220 hi\r\n")
            while True:
                line = await read_command(reader)
                verb = line[:4].upper()
                if verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    return
                if verb == refuse:
                    writer.write(b"554 5.7.1 refused\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 go\r\n")
                    while (await read_command(reader)) != b".\r\n":
                        pass
                    writer.write(b"552 5.3.4 too big\r\n")
                else:
                    writer.write(b"250 ok\r\n")

        return handler

    args = ["send", "--from", "a@b.c", "--to", "d@e.f", "--timeout", "5"]
    assert _run_scripted(server(b"MAIL"), args).exit_code == 25
    refused = _run_scripted(server(b"NONE"), args)
    assert refused.exit_code == 27
    assert "*** the server refused the message: 552 5.3.4 too big" in refused.output


@pytest.mark.postfix
def test_postfix_relay_denied_is_exit_26(postfix):
    result = run(
        "send",
        f"{postfix.host}:{postfix.port}",
        "--security",
        "starttls",
        "--ca-file",
        postfix.ca_file,
        "--from",
        "a@example.org",
        "--to",
        "b@example.net",
        "--timeout",
        "15",
    )
    # the snakeoil certificate names the machine, not 127.0.0.1: that is exit 23,
    # said once, with the fix for a name (a CA file was given: not "use --ca-file")
    assert result.exit_code == 23
    assert "not valid for the name '127.0.0.1'" in result.output
    assert result.output.count("not valid for the name") == 1
    assert "--tls-name" in result.output and "--ca-file" not in result.output
    # …unless the name to verify is given
    named = run(
        "send",
        f"{postfix.host}:{postfix.port}",
        "--security",
        "starttls",
        "--ca-file",
        postfix.ca_file,
        "--tls-name",
        postfix.server_name,
        "--from",
        "a@example.org",
        "--to",
        "b@example.net",
        "--timeout",
        "15",
    )
    assert named.exit_code == 26, named.output
    assert "certificate verified" in named.output
    insecure = run(
        "send",
        f"{postfix.host}:{postfix.port}",
        "--security",
        "starttls",
        "--insecure",
        "--from",
        "a@example.org",
        "--to",
        "b@example.net",
        "--timeout",
        "15",
    )
    assert insecure.exit_code == 26
    assert "Relay access denied" in insecure.output


@pytest.mark.postfix
def test_postfix_wrong_password_is_exit_24_and_never_printed(postfix):
    result = run(
        "check",
        f"{postfix.host}:{postfix.port}",
        "-s",
        "starttls",
        "--insecure",
        "--auth",
        "login",
        "--user",
        postfix.user,
        "--password-stdin",
        "--timeout",
        "15",
        input="not-the-password\n",
    )
    assert result.exit_code == 24
    assert "535 5.7.8" in result.output
    assert "not-the-password" not in result.output


@pytest.mark.postfix
def test_postfix_send_with_auth_cram_md5(postfix):
    result = run(
        "send",
        f"{postfix.host}:{postfix.port}",
        "-s",
        "starttls",
        "--insecure",
        "--auth",
        "cram-md5",
        "--user",
        postfix.user,
        "--password-env",
        "PFPW",
        "--from",
        "a@example.org",
        "--to",
        "b@example.net",
        "--subject",
        "cram",
        "--timeout",
        "15",
        env={"PFPW": postfix.password},
    )
    assert result.exit_code == 0, result.output
    assert "235 2.7.0" in result.output


def test_issue_acceptance_serve_and_send_in_two_processes(tmp_path):
    """`smtptui serve` in one terminal, `smtptui send … --auth login` in another."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "smtptui", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 15
        banner = ""
        while "listening" not in banner.lower() and time.monotonic() < deadline:
            banner += server.stdout.readline()
        client = subprocess.run(
            [
                sys.executable,
                "-m",
                "smtptui",
                "send",
                f"127.0.0.1:{port}",
                "--security",
                "starttls",
                "--insecure",
                "--auth",
                "login",
                "--user",
                "demo",
                "--password-env",
                "PW",
                "--from",
                "a@demo.local",
                "--to",
                "b@demo.local",
                "--subject",
                "Hi 你好",
                "--body",
                "hello",
            ],
            capture_output=True,
            text=True,
            env={**env, "PW": "demo"},
            timeout=30,
        )
    finally:
        server.terminate()
        rest, _ = server.communicate(timeout=10)
    assert client.returncode == 0, client.stdout + client.stderr
    assert "« Username: »" in client.stdout and "« Password: »" in client.stdout
    assert " ~> ********  « password »" in client.stdout
    received = [line for line in rest.splitlines() if "a@demo.local -> b@demo.local" in line]
    assert len(received) == 1 and "'Hi 你好'" in received[0]


def test_an_unusable_ca_file_in_a_profile_is_one_sentence_before_any_tls(tmp_path):
    from smtptui.profiles import Profile, ProfileStore

    profile = Profile.from_toml(
        f'name = "badca"\nhost = "127.0.0.1"\nbuiltin_server = true\nsecurity = "starttls"\n'
        f'[tls]\nca_file = "{tmp_path}"\n'
    )
    ProfileStore().save(profile)
    result = CliRunner().invoke(main, ["check", "badca"])
    assert result.exit_code == 23
    assert f"cannot read the CA file {tmp_path}" in result.output
    assert "STARTTLS" not in result.output and "Traceback" not in result.output


def test_tls_on_the_demo_profile_starts_its_own_server_and_verifies():
    result = run("tls", "demo")
    assert result.exit_code == 0, result.output
    assert "verified" in result.output and "smtptui.demo" in result.output
