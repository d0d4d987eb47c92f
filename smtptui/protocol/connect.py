"""Opening the TCP connection: name resolution, address families, local bind,
one address after another until one answers.

The connect time is what the TCP handshake took.  On Linux that is the round
trip the kernel itself measured for it (``TCP_INFO``), which no busy event
loop can stretch; elsewhere, or when a SYN had to be sent again, it is the
time until the callback that sees the socket become writable — never when the
coroutine that asked next gets to run, which on a loop starting fifty checks at
once can be many milliseconds later."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

from smtptui.protocol.config import SessionConfig
from smtptui.protocol.errors import ConnectError, Phase, SmtpTimeout
from smtptui.protocol.stream import ReplyStream
from smtptui.protocol.text import host_label

_FAMILIES = {"ipv4": socket.AF_INET, "ipv6": socket.AF_INET6}


@dataclass(slots=True)
class Stream:
    transport: asyncio.Transport
    protocol: ReplyStream
    peer: tuple[str, int]
    local: tuple[str, int]
    dns_ms: float | None  # None: an IP address, nothing was looked up
    connect_ms: float
    connected_at: float  # time.monotonic() when the TCP handshake was seen to finish


async def open_stream(cfg: SessionConfig, protocol: Callable[[], ReplyStream]) -> Stream:
    """Resolve ``cfg.host`` (never blocking the loop) and connect to the first
    address that answers; raises :class:`ConnectError` or :class:`SmtpTimeout`
    with every address's reason in one sentence."""
    loop = asyncio.get_running_loop()
    timeout = cfg.timeout_for("connect")
    literal = _ip_literal(cfg.host)
    if literal is not None:  # an address needs no lookup (no DNS phase at all)
        fam = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
        wanted = _FAMILIES.get(cfg.family, socket.AF_UNSPEC)
        if wanted not in (socket.AF_UNSPEC, fam):
            raise ConnectError(
                f"{cfg.host} is an IPv{literal.version} address, but --ipv{4 if wanted == socket.AF_INET else 6} was asked for"
            )
        return await _connect_addresses(cfg, [(fam, str(literal))], None, timeout, protocol)
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(
                cfg.host,
                cfg.port,
                family=_FAMILIES.get(cfg.family, socket.AF_UNSPEC),
                type=socket.SOCK_STREAM,
            )
    except TimeoutError as exc:
        raise SmtpTimeout(
            f"looking up {cfg.host} took longer than {timeout:g} s", phase=Phase.CONNECT
        ) from exc
    except socket.gaierror as exc:
        fam = {"ipv4": " (IPv4)", "ipv6": " (IPv6)"}.get(cfg.family, "")
        raise ConnectError(
            f"cannot resolve the host name {cfg.host!r}{fam}: {exc.strerror or exc}",
            hint="Check the spelling, or use an IP address.",
        ) from exc
    dns_ms = (time.monotonic() - started) * 1000
    return await _connect_addresses(
        cfg, list(dict.fromkeys((info[0], info[4][0]) for info in infos)), dns_ms, timeout, protocol
    )


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def _connect_addresses(
    cfg: SessionConfig,
    addresses: list[tuple[int, str]],
    dns_ms: float | None,
    timeout: float,
    protocol: Callable[[], ReplyStream],
) -> Stream:
    """Try each resolved address in turn until one answers."""
    loop = asyncio.get_running_loop()
    errors: list[str] = []
    for family, address in addresses:
        sock = None
        try:
            async with asyncio.timeout(timeout):
                sock, began, connected = await _connect_socket(loop, cfg, family, address)
                transport, proto = await loop.create_connection(protocol, sock=sock)
        except TimeoutError:
            _close(sock)
            errors.append(f"{address}: no answer within {timeout:g} s")
            continue
        except OSError as exc:
            _close(sock)
            errors.append(f"{address}: {exc.strerror or exc}")
            continue
        except BaseException:
            _close(sock)
            raise
        peer = transport.get_extra_info("peername") or (address, cfg.port)
        sock_local = transport.get_extra_info("sockname") or ("?", 0)
        return Stream(
            transport,  # type: ignore[arg-type]
            proto,
            (str(peer[0]), int(peer[1])),
            (str(sock_local[0]), int(sock_local[1])),
            dns_ms,
            (connected - began) * 1000,
            connected,
        )
    detail = "; ".join(errors) or "no addresses"
    cls = SmtpTimeout if errors and all("no answer" in e for e in errors) else ConnectError
    raise cls(
        f"cannot connect to {host_label(cfg.host, cfg.port)} ({detail})",
        phase=Phase.CONNECT,
        hint="Check the host, the port and the security mode (25/587 plain or STARTTLS, 465 TLS).",
    )


async def _connect_socket(
    loop: asyncio.AbstractEventLoop, cfg: SessionConfig, family: int, address: str
) -> tuple[socket.socket, float, float]:
    """A connected non-blocking socket, and the :func:`time.monotonic` times
    the handshake began and finished."""
    info = socket.getaddrinfo(
        address, cfg.port, family, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST
    )
    sockaddr = info[0][4]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        if cfg.local_address:
            sock.bind((cfg.local_address, 0))
        started = time.monotonic()
        try:
            sock.connect(sockaddr)
        except BlockingIOError:
            pass
        else:
            return sock, started, time.monotonic()
        done: asyncio.Future[float] = loop.create_future()
        fd = sock.fileno()

        def writable() -> None:
            stamp = time.monotonic()
            loop.remove_writer(fd)
            if done.done():
                return
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                done.set_exception(OSError(err, os.strerror(err)))
            else:
                done.set_result(stamp)

        loop.add_writer(fd, writable)
        try:
            seen = await done
        finally:
            loop.remove_writer(fd)
        rtt = handshake_rtt(sock)
        return sock, started, seen if rtt is None else min(seen, started + rtt)
    except BaseException:
        sock.close()
        raise


#: Offsets in Linux's ``struct tcp_info`` (an append-only kernel ABI).
_TCPI_RTT = 68
_TCPI_TOTAL_RETRANS = 100
_TCP_INFO_SIZE = 104


def handshake_rtt(sock: socket.socket) -> float | None:
    """Seconds the TCP handshake's round trip took as the kernel measured it
    (Linux), or ``None`` (another system, or a SYN was sent again, which the
    kernel does not time)."""
    option = getattr(socket, "TCP_INFO", None)
    if option is None:
        return None
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, option, _TCP_INFO_SIZE)
    except OSError:
        return None
    if len(info) < _TCP_INFO_SIZE:
        return None
    (rtt_us,) = struct.unpack_from("=I", info, _TCPI_RTT)
    (retrans,) = struct.unpack_from("=I", info, _TCPI_TOTAL_RETRANS)
    if retrans or rtt_us == 0:
        return None
    return rtt_us / 1e6


def _close(sock: socket.socket | None) -> None:
    if sock is not None:
        sock.close()


def hand_over(transport: asyncio.Transport) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """The connection as asyncio streams, for a caller that drives it itself
    (the inspector's TLS handshake over a memory BIO).  Whatever protocol read
    it until now stops receiving; nothing it had not consumed is carried over
    (a session checks there was nothing before handing over)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=64 * 1024, loop=loop)
    protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
    transport.set_protocol(protocol)
    protocol.connection_made(transport)
    return reader, asyncio.StreamWriter(transport, protocol, reader, loop)
