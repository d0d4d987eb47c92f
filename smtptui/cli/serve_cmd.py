"""``smtptui serve``: run the built-in demo SMTP server in the foreground.

Prints where it listens, the certificate to trust, the credentials and a
``smtptui send`` command to try, then one line per received message.
Ctrl-C stops it cleanly (exit 0); a port in use is one line and exit 2.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import re
import shlex
import signal
import sys
from pathlib import Path

import click

from smtptui.protocol.text import escape_text
from smtptui.server.config import ReceivedMessage, ServerConfig, ServerStartError

EXIT_USAGE = 2
_SIZE_RE = re.compile(r"(\d+)\s*([kmg]?)i?b?", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``10485760``, ``512K``, ``10M`` or ``1G`` (binary multiples) -> bytes."""
    m = _SIZE_RE.fullmatch(text.strip())
    if m is None or int(m.group(1)) == 0:
        raise click.BadParameter(f"{text!r} is not a size like 10M, 512K or 1048576")
    return int(m.group(1)) * 1024 ** " kmg".index(m.group(2).lower() or " ")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_received(message: ReceivedMessage) -> str:
    """One line per message: time, from, to, decoded subject, size; control
    characters escaped so a sender cannot drive our terminal."""
    when = message.received_at.strftime("%H:%M:%S")
    to = ", ".join(message.rcpt_tos)
    subject = message.subject if message.subject is not None else "(no subject)"
    flags = "".join(
        [
            " TLS" if message.tls else "",
            f" AUTH={message.authenticated_user}" if message.authenticated_user else "",
        ]
    )
    line = f"{when}  {message.mail_from or '<>'} -> {to}  {subject!r}  {message.size} B{flags}"
    return escape_text(line)


def _banner(
    config: ServerConfig,
    port: int,
    tls_port: int | None,
    cert: Path | None,
    user: str,
    password_text: str,
    password_env: str | None,
) -> list[str]:
    where = _hostport(config.host, port)
    lines = [f"smtptui serve: listening on {where} (SMTP, STARTTLS)"]
    if tls_port is not None:
        lines.append(f"               and on {_hostport(config.host, tls_port)} (implicit TLS)")
    kind = "given" if config.cert_file else "self-signed, generated for this run"
    lines.append(f"certificate:   {cert}  ({kind})")
    lines.append(f"               clients trust it with --ca-file {shlex.quote(str(cert))}")
    auth_when = "any time" if config.allow_plain_auth else "after STARTTLS"
    lines.append(
        f"credentials:   {user} / {password_text}  (AUTH PLAIN, LOGIN, CRAM-MD5; {auth_when})"
    )
    domains = ", ".join(config.local_domains) or "(none)"
    lines.append(f"local domains: {domains}  (other recipients need AUTH: no relaying)")
    env = password_env or "PW"
    set_pw = "" if password_env else f"{env}={shlex.quote(password_text)} "
    domain = config.local_domains[0] if config.local_domains else "example.com"
    target = where if config.host not in ("0.0.0.0", "::") else f"127.0.0.1:{port}"
    lines.append(
        f"try:           {set_pw}smtptui send {target} --security starttls "
        f"--ca-file {shlex.quote(str(cert))} --auth login --user {shlex.quote(user)} "
        f"--password-env {env} --from you@{domain} --to friend@{domain} "
        "--subject 'Hi 你好' --body hello"
    )
    lines.append("Ctrl-C stops the server.")
    return lines


async def _run(
    config: ServerConfig, quiet: bool, user: str, password_text: str, password_env: str | None
) -> None:
    from smtptui.server import DemoServer

    # Signal handlers first: a test (or a user) may stop us the moment we print.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    server = DemoServer(config)
    await server.start()
    server.subscribe(lambda message: click.echo(format_received(message)))
    try:
        if not quiet:
            for line in _banner(
                config,
                server.port or 0,
                server.tls_port,
                server.cert_path,
                user,
                password_text,
                password_env,
            ):
                click.echo(escape_text(line))
        else:
            click.echo(f"listening on {_hostport(config.host, server.port or 0)}")
        await stop.wait()
    finally:
        await server.stop()


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback is reachable from other machines.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=2525,
    show_default=True,
    help="SMTP port (STARTTLS offered); 0 picks a free one.",
)
@click.option(
    "--tls-port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Also listen with implicit TLS on this port (like 465); 0 picks a free one.",
)
@click.option(
    "--cert",
    "cert_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="PEM certificate (chain) to serve instead of a generated self-signed one.",
)
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="PEM private key for --cert.",
)
@click.option("--user", default=None, help="AUTH user name (default: demo, password demo).")
@click.option(
    "--password-env",
    metavar="VAR",
    default=None,
    help="Environment variable holding the password for --user.",
)
@click.option(
    "--allow-plain-auth",
    is_flag=True,
    help="Offer AUTH before STARTTLS too (credentials in clear text).",
)
@click.option(
    "--domain",
    "domains",
    multiple=True,
    metavar="DOMAIN",
    help="Local domain accepting mail without AUTH (repeatable; default demo.local).",
)
@click.option(
    "--size-limit",
    default="10M",
    show_default=True,
    help="Largest message accepted (advertised as SIZE), e.g. 10M or 512K.",
)
@click.option(
    "--max-messages",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Received messages kept in memory.",
)
@click.option(
    "--maildir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also store every message in this Maildir (created if missing).",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="Wait this long before every reply (a slow server).",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No banner: just the listening address, then one line per message.",
)
@click.option("--verbose", "-v", is_flag=True, help="Log every SMTP command to stderr.")
def serve(
    host: str,
    port: int,
    tls_port: int | None,
    cert_file: str | None,
    key_file: str | None,
    user: str | None,
    password_env: str | None,
    allow_plain_auth: bool,
    domains: tuple[str, ...],
    size_limit: str,
    max_messages: int,
    maildir: str | None,
    delay: float,
    quiet: bool,
    verbose: bool,
) -> None:
    """Run the built-in SMTP server: STARTTLS, AUTH, relays nothing.

    Mail for the local domain (demo.local) is accepted from anyone; mail for
    other domains only after AUTH. Nothing is ever delivered onwards.
    """

    def fail(text: str) -> None:
        click.echo(f"smtptui serve: {text}", err=True)
        sys.exit(EXIT_USAGE)

    if (cert_file is None) != (key_file is None):
        fail("--cert and --key must be given together")
    if (user is None) != (password_env is None):
        fail("--user and --password-env VAR go together (the password is never an option)")
    password_text = "demo"
    users = {"demo": "demo"}
    if user is not None and password_env is not None:
        password = os.environ.get(password_env)
        if not password:
            fail(f"the environment variable {password_env} (--password-env) is not set")
        users = {user: str(password)}
        password_text = f"${password_env}"
    try:
        limit = parse_size(size_limit)
    except click.BadParameter as exc:
        fail(f"--size-limit: {exc.message}")
    if not _is_loopback(host):
        click.echo(
            f"warning: listening on {host} makes this server reachable from other "
            "machines, with publicly known demo credentials.",
            err=True,
        )
    config = ServerConfig(
        host=host,
        port=port,
        tls_port=tls_port,
        cert_file=cert_file,
        key_file=key_file,
        users=users,
        allow_plain_auth=allow_plain_auth,
        local_domains=domains or ("demo.local",),
        size_limit=limit,
        max_messages=max_messages,
        maildir=maildir,
        reply_delay=delay,
    )
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        for name in ("mail.log", "smtptui.server"):
            logging.getLogger(name).addHandler(handler)
            logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        asyncio.run(_run(config, quiet, user or "demo", password_text, password_env))
    except ServerStartError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        pass
