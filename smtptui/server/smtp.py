"""The demo server's SMTP session, built on aiosmtpd's protocol class.

aiosmtpd gets the protocol right but a teaching server needs more: enhanced
status codes on every reply (RFC 2034, aiosmtpd sends few), the classic
``Username:``/``Password:`` prompts for AUTH LOGIN, CRAM-MD5, PIPELINING
advertised, no relaying, exactly one reply per command, an optional delay before
each reply, a refusing greeting, and no log output or traceback on the terminal.
This module imports aiosmtpd, so the package imports it only when a server starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import logging
import re
import secrets
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session, syntax

from smtptui import compat
from smtptui.server.config import ServerConfig

log = logging.getLogger("smtptui.server")
# Without a handler, Python's last-resort handler would print aiosmtpd's warnings
# (and our own) to stderr, straight over the TUI.  Verbose mode adds a real one.
for _name in ("mail.log", "smtptui.server"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

IDENT = "ESMTP smtptui demo server"
_HAS_ENHANCED = re.compile(rb"[245]\.\d{1,3}\.\d{1,3}(?: |$)")
#: Enhanced code for a reply that lacks one, by reply code (RFC 3463).
_ENHANCED_BY_CODE = {
    b"220": b"2.0.0",
    b"221": b"2.0.0",
    b"235": b"2.7.0",
    b"250": b"2.0.0",
    b"252": b"2.0.0",
    b"421": b"4.3.0",
    b"451": b"4.3.0",
    b"454": b"4.7.0",
    b"500": b"5.5.2",
    b"501": b"5.5.4",
    b"502": b"5.5.1",
    b"503": b"5.5.1",
    b"504": b"5.5.4",
    b"530": b"5.7.0",
    b"535": b"5.7.8",
    b"552": b"5.3.4",
    b"553": b"5.1.3",
    b"554": b"5.7.0",
    b"555": b"5.5.4",
}
_ENHANCED_BY_COMMAND = {("MAIL", b"250"): b"2.1.0", ("RCPT", b"250"): b"2.1.5"}


def with_enhanced_code(line: bytes, command: str | None) -> bytes:
    """Insert an RFC 3463 enhanced code into a reply line that lacks one.

    RFC 2034 exempts the greeting (``command`` None), the replies to EHLO/HELO,
    and the ``334``/``354`` continuations, which carry no status.
    """
    code, sep, text = line[:3], line[3:4], line[4:]
    if not code.isdigit() or sep not in (b" ", b"-", b"") or code in (b"334", b"354"):
        return line
    if command is None or (command in ("EHLO", "HELO") and code.startswith(b"2")):
        return line
    if _HAS_ENHANCED.match(text):
        return line
    enhanced = (
        _ENHANCED_BY_COMMAND.get((command, code))
        or _ENHANCED_BY_CODE.get(code)
        or code[:1] + b".0.0"
    )
    return code + (sep or b" ") + enhanced + (b" " + text if text else b"")


class _CommandLimits(dict[str, int]):
    """Per-instance command length limits.  aiosmtpd keeps these in a dict shared
    by every instance and grows it on each EHLO; ours are fixed (RFC 5321
    §4.5.3.1.4: 512, plus what SIZE/SMTPUTF8 add to MAIL; RFC 4954: AUTH longer)."""

    def __init__(self) -> None:
        super().__init__(MAIL=512 + 26 + 10, AUTH=1000)

    def __missing__(self, key: str) -> int:
        return 512

    def __setitem__(self, key: str, value: int) -> None:
        pass


class _AuthAborted(Exception):
    """The client cancelled AUTH (``*``) or sent bad base64; already answered."""


DeliverFn = Callable[["DemoSMTP", Session, Envelope], Awaitable[str]]


class DemoHandler:
    """aiosmtpd handler hooks: capabilities, relay policy, credentials, delivery."""

    def __init__(self, config: ServerConfig, deliver: DeliverFn) -> None:
        self.config = config
        self.deliver = deliver

    async def handle_EHLO(
        self,
        server: DemoSMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", "250-ENHANCEDSTATUSCODES", responses[-1]]

    async def handle_RCPT(
        self,
        server: DemoSMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        """Relay nothing: any recipient for an authenticated client, otherwise only
        the local domains (and ``postmaster``, which RFC 5321 says must work).
        With ``mailboxes`` configured, a local address that is not one of them
        does not exist, whoever asks."""
        local, _, domain = address.rpartition("@")
        postmaster = not local and domain.lower() == "postmaster"
        in_local_domain = domain.lower() in self.config.local_domains
        mailboxes = self.config.mailboxes
        if in_local_domain and mailboxes is not None and address.lower() not in mailboxes:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if not (session.authenticated or in_local_domain or postmaster):
            return f"554 5.7.1 <{address}>: Relay access denied"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: DemoSMTP, session: Session, envelope: Envelope) -> str:
        return await self.deliver(server, session, envelope)

    async def handle_exception(self, error: Exception) -> str:
        log.debug("session error", exc_info=error)
        return "451 4.3.0 Internal server error; please try again"

    def authenticate(
        self,
        server: DemoSMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: Any,
    ) -> AuthResult:
        """Check PLAIN/LOGIN credentials against the configured users."""
        if isinstance(auth_data, LoginPassword):
            password = self.config.users.get(auth_data.login.decode("utf-8", "replace"))
            if password is not None and hmac.compare_digest(
                password.encode(), bytes(auth_data.password)
            ):
                return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)


class DemoSMTP(SMTP):
    """One client connection of the demo server."""

    AuthLoginUsernameChallenge = "Username:"
    AuthLoginPasswordChallenge = "Password:"

    def __init__(
        self,
        handler: DemoHandler,
        *,
        connections: set[DemoSMTP],
        implicit_tls: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(handler, **kwargs)
        self.command_size_limits = _CommandLimits()
        self.implicit_tls = implicit_tls
        self._connections = connections
        self._config = handler.config
        self._command: str | None = None
        self._mid_reply = False
        handlers = compat.aiosmtpd_command_handlers(self)
        for name, method in list(handlers.items()):
            handlers[name] = self._tracked(name, method)

    def _tracked(self, name: str, method: Callable[[str | None], Awaitable[None]]) -> Any:
        """Remember which command is being answered, to pick enhanced codes."""

        @functools.wraps(method)
        async def run(arg: str | None) -> None:
            self._command = name
            await method(arg)

        return run

    @property
    def tls_active(self) -> bool:
        return self.implicit_tls or compat.aiosmtpd_starttls_done(self)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        first = self.transport is None
        super().connection_made(transport)
        if first:
            self._connections.add(self)

    def connection_lost(self, error: Exception | None) -> None:
        self._connections.discard(self)
        super().connection_lost(error)

    def abort(self) -> None:
        """Drop the connection now (server shutdown): no TLS close-notify wait."""
        for transport in compat.aiosmtpd_transports(self):
            if transport is not None:
                transport.abort()
        task = compat.aiosmtpd_client_task(self)
        if task is not None:
            task.cancel()

    async def push(self, status: str | bytes) -> None:
        line = status.encode("utf-8") if isinstance(status, str) else status
        line = with_enhanced_code(line, self._command)
        if self._config.reply_delay and not self._mid_reply:
            await asyncio.sleep(self._config.reply_delay)
        self._mid_reply = line[3:4] == b"-"
        await super().push(line)

    async def serve_client(self) -> None:
        """Each connection: aiosmtpd's greeting and command loop, or a refusal
        (installed in place of aiosmtpd's own, see :mod:`smtptui.compat`)."""
        try:
            if self._config.refuse_greeting:
                await self._refuse_session()
            else:
                await compat.aiosmtpd_serve_client(self)
        except (OSError, ssl.SSLError):
            # The peer vanished mid-reply; nothing to tell anyone.
            if self.transport is not None:
                self.transport.close()

    async def _refuse_session(self) -> None:
        """RFC 5321 §3.1: after a 554 greeting, answer 503 until QUIT, then close."""
        await self.push(f"554 5.3.2 {self.hostname} is not accepting mail (refusing by request)")
        while self.transport is not None:
            try:
                line = await compat.aiosmtpd_line_reader(self).readuntil(b"\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                break
            if line.strip().upper() == b"QUIT":
                self._command = "QUIT"
                await self.push("221 2.0.0 Bye")
                break
            self._command = "REFUSED"
            await self.push(
                "503 5.5.1 Bad sequence of commands: this server refused you, send QUIT"
            )
        if self.transport is not None:
            self.transport.close()

    async def challenge_auth(
        self, challenge: str | bytes, encode_to_b64: bool = True, log_client_response: bool = False
    ) -> bytes:
        reply = await super().challenge_auth(challenge, encode_to_b64, log_client_response)
        if reply is MISSING:
            raise _AuthAborted
        assert isinstance(reply, bytes)
        return reply

    @syntax("AUTH <mechanism>")
    async def smtp_AUTH(self, arg: str) -> None:
        # aiosmtpd answers an aborted AUTH twice (501 then 535), which breaks a
        # client's pairing of replies; ours answers once.
        with contextlib.suppress(_AuthAborted):
            await super().smtp_AUTH(arg)

    async def auth_CRAM__MD5(self, _: object, args: list[str]) -> AuthResult:
        """RFC 2195: the client proves the password with an HMAC-MD5 of our challenge."""
        if len(args) > 1:
            await self.push("501 5.5.4 CRAM-MD5 does not take an initial response")
            return AuthResult(success=False, handled=True)
        challenge = f"<{secrets.randbelow(10**12)}.{int(time.time())}@{self.hostname}>".encode()
        response = await self.challenge_auth(challenge)
        user, _sep, digest = response.decode("utf-8", "replace").rpartition(" ")
        password = self._config.users.get(user)
        if password is not None:
            expected = hmac.new(password.encode(), challenge, "md5").hexdigest()
            if hmac.compare_digest(expected, digest.lower()):
                return AuthResult(success=True, auth_data=LoginPassword(user.encode(), b""))
        return AuthResult(success=False, handled=False)


compat.aiosmtpd_install_client_loop(DemoSMTP, DemoSMTP.serve_client)


def session_factory(
    config: ServerConfig,
    handler: DemoHandler,
    connections: set[DemoSMTP],
    *,
    tls_context: ssl.SSLContext | None,
    implicit_tls: bool,
) -> Callable[[], DemoSMTP]:
    """A protocol factory for ``loop.create_server``.  On the implicit-TLS port the
    whole connection is encrypted, so STARTTLS is not offered and AUTH is."""
    loop = asyncio.get_running_loop()

    def make() -> DemoSMTP:
        return DemoSMTP(
            handler,
            connections=connections,
            implicit_tls=implicit_tls,
            tls_context=None if implicit_tls else tls_context,
            data_size_limit=config.size_limit,
            enable_SMTPUTF8=True,
            hostname=config.hostname,
            ident=IDENT,
            timeout=config.timeout,
            auth_require_tls=not (implicit_tls or config.allow_plain_auth),
            auth_required=config.require_auth,
            authenticator=handler.authenticate,
            loop=loop,
        )

    return make
