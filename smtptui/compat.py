"""Every use of another library's private attributes, in one place.

A private name (``_something``) is not part of a library's promise: any
release may rename or remove it.  smtptui uses a few where no public way
exists; each one lives here, behind a function named for what it does, and
``tests/server/test_compat.py`` checks each against the installed version, failing
with one sentence that says what changed.  After upgrading a library, that
test is the place to look; ``pyproject.toml`` caps each library below its next
major version.

Sections are per library.  This module imports none of them (the objects come
from the caller), so it is cheap to import and safe in every layer but the
protocol engine, which imports only itself and needs nothing from here.

* **asyncio** — nothing.  (The session's "did anything arrive while nobody
  asked?" used to read ``StreamReader._buffer``; the protocol layer's own
  :class:`~smtptui.protocol.stream.ReplyStream` now answers it.)
* **aiosmtpd** — the demo server (:mod:`smtptui.server.smtp`,
  :mod:`smtptui.server.demo`) wraps aiosmtpd's ``SMTP`` protocol class.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

# ----------------------------------------------------------------- aiosmtpd
#: The coroutine method aiosmtpd's ``SMTP`` runs for each connection (greeting,
#: then the command loop); the demo server replaces it to refuse clients and
#: to stay silent when a peer vanishes.
AIOSMTPD_CLIENT_LOOP = "_handle_client"


def aiosmtpd_install_client_loop(cls: type, serve: Callable[[Any], Awaitable[None]]) -> None:
    """Make ``serve(protocol)`` the per-connection coroutine of ``cls`` (an
    ``aiosmtpd.smtp.SMTP`` subclass); ``serve`` runs aiosmtpd's own with
    :func:`aiosmtpd_serve_client`."""
    setattr(cls, AIOSMTPD_CLIENT_LOOP, serve)


async def aiosmtpd_serve_client(protocol: Any) -> None:
    """aiosmtpd's own per-connection coroutine (greeting and command loop)."""
    from aiosmtpd.smtp import SMTP

    await getattr(SMTP, AIOSMTPD_CLIENT_LOOP)(protocol)


def aiosmtpd_client_task(protocol: Any) -> Any:
    """The task serving one connection (``SMTP._handler_coroutine``), or
    ``None`` before the connection is made: cancelled and awaited when the
    server stops, so no task outlives it."""
    return protocol._handler_coroutine


def aiosmtpd_command_handlers(protocol: Any) -> dict[str, Callable[[str | None], Awaitable[None]]]:
    """The connection's table of command handlers (``SMTP._smtp_methods``,
    verb -> coroutine function), which the demo server wraps to know which
    command a reply answers."""
    return protocol._smtp_methods  # type: ignore[no-any-return]


def aiosmtpd_starttls_done(protocol: Any) -> bool:
    """STARTTLS has completed on this connection (``SMTP._tls_protocol``)."""
    return protocol._tls_protocol is not None


def aiosmtpd_transports(protocol: Any) -> tuple[Any, Any]:
    """The plain transport under STARTTLS (``SMTP._original_transport``; ``None``
    without TLS) and the current one: both are dropped on shutdown."""
    return protocol._original_transport, protocol.transport


def aiosmtpd_line_reader(protocol: Any) -> Any:
    """The connection's ``asyncio.StreamReader`` (``SMTP._reader``), for reading
    commands outside aiosmtpd's loop (the refusing greeting's session)."""
    return protocol._reader
