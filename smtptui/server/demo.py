"""``DemoServer``: the built-in SMTP server, run on the caller's asyncio loop.

The TUI and the CLI each own their event loop, so the server is not a thread
(aiosmtpd's ``Controller``) but listeners created with ``loop.create_server`` on
the running loop; many instances can run side by side on different ports.
aiosmtpd and cryptography are imported only in ``start()``.
"""

from __future__ import annotations

import asyncio
import errno
import inspect
import logging
import mailbox
import shutil
import ssl
import tempfile
from collections import deque
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from smtptui import compat
from smtptui.message import parse_received
from smtptui.server.config import ReceivedMessage, ServerConfig, ServerStartError

if TYPE_CHECKING:
    from aiosmtpd.smtp import Envelope, Session

    from smtptui.server.smtp import DemoSMTP

log = logging.getLogger("smtptui.server")

Subscriber = Callable[[ReceivedMessage], Any]


def _format_peer(peer: Any) -> str:
    if isinstance(peer, tuple) and len(peer) >= 2:
        host = f"[{peer[0]}]" if ":" in str(peer[0]) else str(peer[0])
        return f"{host}:{peer[1]}"
    return str(peer)


def _start_error(host: str, port: int, exc: OSError) -> ServerStartError:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        text = f"{where} is already in use by another program; choose another port"
    elif exc.errno == errno.EACCES:
        text = f"not allowed to listen on {where} (ports below 1024 need privileges)"
    elif exc.errno == errno.EADDRNOTAVAIL:
        text = f"cannot listen on {where}: {host} is not an address of this machine"
    else:
        text = f"cannot listen on {where}: {exc.strerror or exc}"
    return ServerStartError(text)


class DemoServer:
    """The demo SMTP server: STARTTLS (and optionally implicit TLS), AUTH, no
    relaying, received messages kept in memory (bounded) and optionally in a
    Maildir.  Use ``await start()``/``await stop()`` or ``async with``."""

    def __init__(self, config: ServerConfig | None = None) -> None:
        self.config = config or ServerConfig()
        self.port: int | None = None
        self.tls_port: int | None = None
        self.cert_path: Path | None = None
        self.received_count = 0
        self._listeners: list[asyncio.Server] = []
        self._connections: set[DemoSMTP] = set()
        self._messages: deque[ReceivedMessage] = deque(maxlen=self.config.max_messages)
        self._subscribers: list[Subscriber] = []
        self._pending: set[asyncio.Future[Any]] = set()
        self._tempdir: Path | None = None
        self._maildir: mailbox.Maildir | None = None
        self._maildir_path: Path | None = None

    @property
    def running(self) -> bool:
        return bool(self._listeners)

    @property
    def messages(self) -> list[ReceivedMessage]:
        """The most recent ``max_messages`` received, oldest first (a copy)."""
        return list(self._messages)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(message)`` for every accepted message (a coroutine
        result is scheduled); returns a function that unsubscribes."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    async def start(self) -> None:
        """Listen; raises ``ServerStartError`` (one sentence) when that fails."""
        if self._listeners:
            raise RuntimeError("this DemoServer is already running")
        from smtptui.server.smtp import DemoHandler, session_factory

        cfg = self.config
        context = self._tls_context()
        self._open_maildir()
        handler = DemoHandler(cfg, self._deliver)
        try:
            plain = session_factory(
                cfg, handler, self._connections, tls_context=context, implicit_tls=False
            )
            self.port = await self._listen(plain, cfg.port, None)
            if cfg.tls_port is not None:
                implicit = session_factory(
                    cfg, handler, self._connections, tls_context=context, implicit_tls=True
                )
                self.tls_port = await self._listen(implicit, cfg.tls_port, context)
        except BaseException:
            await self.stop()
            raise

    async def _listen(
        self, factory: Callable[[], DemoSMTP], port: int, context: ssl.SSLContext | None
    ) -> int:
        loop = asyncio.get_running_loop()
        host = self.config.host
        try:
            server = await loop.create_server(
                factory, host, port, ssl=context, ssl_handshake_timeout=10 if context else None
            )
        except OSError as exc:
            raise _start_error(host, port, exc) from exc
        self._listeners.append(server)
        return int(server.sockets[0].getsockname()[1])

    def _open_maildir(self) -> None:
        maildir = self.config.maildir
        if maildir is None:
            return
        path = Path(maildir).expanduser()
        try:
            self._maildir = mailbox.Maildir(path, create=True)
            self._maildir_path = path
        except OSError as exc:
            self._cleanup()
            raise ServerStartError(f"cannot use the Maildir {maildir}: {exc.strerror}") from exc

    def _tls_context(self) -> ssl.SSLContext:
        from smtptui.server.certs import CertificateFiles, generate_self_signed, server_context

        cfg = self.config
        if cfg.cert_file is not None and cfg.key_file is not None:
            files = CertificateFiles(Path(cfg.cert_file), Path(cfg.key_file))
        else:
            self._tempdir = Path(tempfile.mkdtemp(prefix="smtptui-demo-"))
            files = generate_self_signed(self._tempdir, cfg.hostname)
        try:
            context = server_context(files)
        except (OSError, ssl.SSLError) as exc:
            self._cleanup()
            reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or exc
            raise ServerStartError(
                f"cannot load the certificate {files.cert} with key {files.key}: {reason}"
            ) from exc
        self.cert_path = files.cert
        return context

    async def stop(self) -> None:
        """Close the listeners and drop live connections now.  Idempotent."""
        for server in self._listeners:
            server.close()
        connections = list(self._connections)
        for connection in connections:
            connection.abort()
        tasks = [task for c in connections if (task := compat.aiosmtpd_client_task(c)) is not None]
        await asyncio.gather(*tasks, *self._pending, return_exceptions=True)
        for server in self._listeners:
            await server.wait_closed()
        self._listeners.clear()
        self._cleanup()

    def remove_temporary_files(self) -> None:
        """Remove the generated certificate and key now (safe from any thread;
        the server keeps running with the context it already loaded)."""
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)

    def _cleanup(self) -> None:
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None
            self.cert_path = None
        self._maildir = None

    async def __aenter__(self) -> DemoServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _deliver(self, smtp: DemoSMTP, session: Session, envelope: Envelope) -> str:
        """Record an accepted message; the reply is what the client sees after DATA."""
        data = bytes(envelope.original_content or b"")
        stored: Path | None = None
        if self._maildir is not None:
            try:
                key = await asyncio.to_thread(self._maildir.add, data.replace(b"\r\n", b"\n"))
            except OSError as exc:
                log.warning("cannot write to the Maildir: %s", exc)
                return "451 4.3.0 Cannot store the message right now; please try again"
            assert self._maildir_path is not None
            stored = self._maildir_path / "new" / key
        self.received_count += 1
        # auth_data is what our authenticator returned (a LoginPassword);
        # aiosmtpd's login_data is deprecated and logs a warning when read.
        login = getattr(session.auth_data, "login", None) if session.authenticated else None
        message = ReceivedMessage(
            peer=_format_peer(session.peer),
            helo=session.host_name,
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            data=data,
            received_at=datetime.now().astimezone(),
            authenticated_user=login.decode("utf-8", "replace")
            if isinstance(login, bytes)
            else None,
            tls=smtp.tls_active,
            smtputf8=bool(envelope.smtp_utf8),
            summary=parse_received(data, smtputf8=bool(envelope.smtp_utf8)),
            queue_id=f"{self.received_count:06d}",
            stored_as=stored,
        )
        self._messages.append(message)
        self._notify(message)
        return f"250 2.0.0 OK: queued as {message.queue_id}"

    def _notify(self, message: ReceivedMessage) -> None:
        for callback in list(self._subscribers):
            try:
                result = callback(message)
                if inspect.isawaitable(result):
                    future = asyncio.ensure_future(result)
                    self._pending.add(future)
                    future.add_done_callback(self._subscriber_done)
            except Exception:
                log.exception("a subscriber of the demo server failed")

    def _subscriber_done(self, future: asyncio.Future[Any]) -> None:
        self._pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            log.error("a subscriber of the demo server failed", exc_info=future.exception())
