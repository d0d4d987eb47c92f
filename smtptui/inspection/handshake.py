"""The inspector's own TLS handshake over an SMTP connection.

Why pyOpenSSL and not the standard library's ``ssl`` here: an inspector must
see every certificate the server sent *even when they do not verify* (the
stdlib exposes that chain only from Python 3.13, ``get_unverified_chain``),
and a scan must offer exactly one protocol version, one TLS 1.3 suite or one
key-exchange group at a time and learn which group was negotiated (the stdlib
cannot choose TLS 1.3 suites, nor name the group, before 3.15).  pyOpenSSL,
kept by PyCA next to ``cryptography``, exposes OpenSSL's own calls for all of
that, drives a handshake over memory buffers — so it runs on the asyncio
stream the SMTP conversation already has — and its OpenSSL still speaks TLS
1.0/1.1 at security level 0, which a scan needs to *detect* them.  One engine
on every Python version keeps one code path under test.  The dashboard's
sessions keep the stdlib; this module is imported only when inspecting.

The SMTP part (greeting, EHLO, STARTTLS) is :class:`~smtptui.protocol.session.Session`'s,
which hands the plain stream over after ``220`` (:meth:`Session.starttls_handover`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from smtptui.protocol import events as ev
from smtptui.protocol.errors import SmtpError

if TYPE_CHECKING:
    from collections.abc import Callable

    from smtptui.protocol.config import SessionConfig

#: Protocol versions by the names OpenSSL reports, oldest first.
VERSIONS: tuple[str, ...] = ("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
#: Everything the local OpenSSL can offer, weak suites included (a scan must
#: be able to *find* them; nothing is sent over these connections).
EVERYTHING = "ALL:COMPLEMENTOFALL:@SECLEVEL=0"
_READ = 64 * 1024


@dataclass(frozen=True, slots=True)
class Offer:
    """What the client offers in its ClientHello."""

    lowest: str = "TLSv1"
    highest: str = "TLSv1.3"
    ciphers: str = EVERYTHING  # TLS 1.2 and older (OpenSSL cipher string)
    tls13_suites: str | None = None  # None: the library's default TLS 1.3 suites
    curve: str | None = None  # one named curve (cryptography's name), else the default groups
    alpn: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Handshake:
    """What was negotiated, and every certificate the server sent (DER, in the
    order sent: the server's own first)."""

    version: str
    cipher: str
    bits: int | None
    group: str | None
    alpn: str | None
    server_name: str | None  # the SNI sent; None for an IP address
    chain: tuple[bytes, ...]


class TlsRefused(Exception):
    """The handshake did not complete; ``reason`` is the library's words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _version_constant(name: str) -> int:
    from OpenSSL import SSL

    return {
        "SSLv3": SSL.SSL3_VERSION,
        "TLSv1": SSL.TLS1_VERSION,
        "TLSv1.1": SSL.TLS1_1_VERSION,
        "TLSv1.2": SSL.TLS1_2_VERSION,
        "TLSv1.3": SSL.TLS1_3_VERSION,
    }[name]


#: Key-exchange groups a scan can offer one at a time (OpenSSL's names):
#: pyOpenSSL can restrict the offer to one named elliptic curve only, so
#: X25519, X448 and the FFDHE groups are seen only when a server picks them.
CURVES: tuple[str, ...] = ("secp256r1", "secp384r1", "secp521r1")


def _curve(name: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    return {"secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1, "secp521r1": ec.SECP521R1}[name]()


def client_context(offer: Offer) -> Any:
    """A pyOpenSSL client context for ``offer`` (no verification: the chain is
    verified afterwards, so a bad one can still be shown).  Raises
    :class:`TlsRefused` when the local library cannot offer it at all."""
    from OpenSSL import SSL

    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
    ctx.set_verify(SSL.VERIFY_NONE)
    try:
        ctx.set_min_proto_version(_version_constant(offer.lowest))
        ctx.set_max_proto_version(_version_constant(offer.highest))
        ctx.set_cipher_list(offer.ciphers.encode("ascii"))
        if offer.tls13_suites is not None:
            ctx.set_tls13_ciphersuites(offer.tls13_suites.encode("ascii"))
        if offer.curve:
            ctx.set_tmp_ecdh(_curve(offer.curve))
        if offer.alpn:
            ctx.set_alpn_protos([p.encode("ascii") for p in offer.alpn])
    except (SSL.Error, ValueError, KeyError, AttributeError) as exc:
        raise TlsRefused(_reason(exc) or "the local TLS library cannot make this offer") from exc
    return ctx


def can_offer(offer: Offer) -> bool:
    """Can the local library build a ClientHello for ``offer``?  Checked in
    memory, without any connection (e.g. SSLv3 is compiled out of most builds)."""
    from OpenSSL import SSL

    try:
        conn = SSL.Connection(client_context(offer), None)
    except TlsRefused:
        return False
    conn.set_connect_state()
    try:
        conn.do_handshake()
    except SSL.WantReadError:
        return True  # a ClientHello is waiting to be sent
    except SSL.Error:
        return False
    return False


def sni_for(name: str | None) -> str | None:
    """The SNI to send: none for an IP address (RFC 6066 §3)."""
    if not name:
        return None
    bare = name.strip("[]")
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        return bare
    return None


async def tls_over(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    offer: Offer,
    server_name: str | None,
) -> tuple[Handshake, Any]:
    """Handshake on an open stream; returns the facts and the live connection
    (for :func:`close_tls`).  Raises :class:`TlsRefused`."""
    from OpenSSL import SSL

    conn = SSL.Connection(client_context(offer), None)
    conn.set_connect_state()
    sni = sni_for(server_name)
    if sni:
        conn.set_tlsext_host_name(sni.encode("idna"))
    try:
        while True:
            try:
                conn.do_handshake()
                _flush(conn, writer)
                break
            except SSL.WantReadError:
                _flush(conn, writer)
                await writer.drain()
                data = await reader.read(_READ)
                if not data:
                    raise TlsRefused(
                        "the server closed the connection during the handshake"
                    ) from None
                conn.bio_write(data)
    except SSL.Error as exc:
        with contextlib.suppress(Exception):
            _flush(conn, writer)  # our alert, if any
        raise TlsRefused(_reason(exc) or "the server ended the handshake") from exc
    except (ConnectionError, OSError) as exc:
        raise TlsRefused(f"the connection broke during the handshake ({exc})") from exc
    chain = conn.get_peer_cert_chain(as_cryptography=True) or []
    from cryptography.hazmat.primitives.serialization import Encoding

    alpn = conn.get_alpn_proto_negotiated()
    facts = Handshake(
        version=conn.get_protocol_version_name(),
        cipher=conn.get_cipher_name() or "unknown",
        bits=conn.get_cipher_bits(),
        group=conn.get_group_name(),
        alpn=alpn.decode("ascii", "replace") if alpn else None,
        server_name=sni,
        chain=tuple(cert.public_bytes(Encoding.DER) for cert in chain),
    )
    return facts, conn


def _flush(conn: Any, writer: asyncio.StreamWriter) -> None:
    from OpenSSL import SSL

    out = bytearray()
    while True:
        try:
            out += conn.bio_read(_READ)
        except SSL.WantReadError:
            break
    if out:
        writer.write(bytes(out))


def _reason(exc: BaseException) -> str:
    """OpenSSL's reasons, e.g. ``tlsv1 alert protocol version``."""
    args = getattr(exc, "args", ())
    if args and isinstance(args[0], list):
        reasons = [str(item[2]) for item in args[0] if isinstance(item, tuple) and len(item) > 2]
        return "; ".join(r for r in reasons if r)
    return str(exc)


async def close_tls(conn: Any, writer: asyncio.StreamWriter, *, smtp: bool = True) -> None:
    """Say QUIT inside TLS (not waiting for the answer), send close_notify and
    close the socket; never raises."""
    with contextlib.suppress(Exception):
        if smtp:
            conn.send(b"QUIT\r\n")
        conn.shutdown()
    with contextlib.suppress(Exception):
        _flush(conn, writer)
    with contextlib.suppress(Exception):
        writer.close()
        async with asyncio.timeout(1):
            await writer.wait_closed()


async def inspect_handshake(
    cfg: SessionConfig,
    offer: Offer | None = None,
    *,
    subscriber: Callable[[ev.Event], None] | None = None,
    ehlo: bool = True,
) -> Handshake:
    """Connect as ``cfg`` says (implicit TLS for ``security="tls"``, otherwise
    greeting, EHLO and STARTTLS), handshake with ``offer``, close politely.

    Raises :class:`~smtptui.protocol.errors.SmtpError` for the SMTP part and
    :class:`TlsRefused` for the handshake; the whole thing is bounded by the
    config's connect timeout for the handshake and its command timeouts."""
    from smtptui.protocol.connect import hand_over, open_stream
    from smtptui.protocol.session import Session

    offer = offer or Offer()
    server_name = cfg.tls.server_hostname or cfg.host
    if cfg.security == "tls":
        if subscriber:
            subscriber(ev.Connecting(host=cfg.host, port=cfg.port, security="tls"))
        stream = await open_stream(cfg, _Idle)
        reader, writer = hand_over(stream.transport)
        if subscriber:
            subscriber(
                ev.Connected(
                    peer=stream.peer,
                    local=stream.local,
                    elapsed_ms=stream.connect_ms,
                    dns_ms=stream.dns_ms,
                )
            )
    else:
        session = Session(replace(cfg, security="plain"))
        if subscriber:
            session.subscribe(subscriber)
        try:
            await session.connect()
            if ehlo:
                reply = await session.ehlo()
                if reply.code != 250:
                    raise SmtpError(f"the server refused EHLO: {reply.summary()}", reply=reply)
            _reply, reader, writer = await session.starttls_handover()
        except BaseException:
            await session.aclose()
            raise
    try:
        async with asyncio.timeout(cfg.timeout_for("connect")):
            facts, conn = await tls_over(reader, writer, offer, server_name)
    except TimeoutError:
        writer.transport.abort()
        raise TlsRefused("the handshake did not finish in time") from None
    except BaseException:
        writer.transport.abort()
        raise
    await close_tls(conn, writer)
    return facts


class _Idle(asyncio.Protocol):
    """What holds a fresh implicit-TLS connection until :func:`hand_over`
    gives it to the handshake (nothing is read before that: the server says
    nothing until the client's TLS hello)."""
