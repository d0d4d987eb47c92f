"""Opening the TCP connection: name resolution, address families, local bind,
one address after another until one answers."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass

from smtptui.protocol.config import SessionConfig
from smtptui.protocol.errors import ConnectError, Phase, SmtpTimeout

READ_LIMIT = 64 * 1024
_FAMILIES = {"ipv4": socket.AF_INET, "ipv6": socket.AF_INET6}


@dataclass(slots=True)
class Stream:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    peer: tuple[str, int]
    local: tuple[str, int]
    dns_ms: float | None  # None: an IP address, nothing was looked up
    connect_ms: float


def host_label(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def open_stream(cfg: SessionConfig) -> Stream:
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
        return await _connect_addresses(cfg, [(fam, str(literal))], None, timeout)
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
        cfg, list(dict.fromkeys((info[0], info[4][0]) for info in infos)), dns_ms, timeout
    )


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def _connect_addresses(
    cfg: SessionConfig, addresses: list[tuple[int, str]], dns_ms: float | None, timeout: float
) -> Stream:
    """Try each resolved address in turn until one answers."""
    errors: list[str] = []
    local = (cfg.local_address, 0) if cfg.local_address else None
    for family, address in addresses:
        t0 = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    address, cfg.port, family=family, local_addr=local, limit=READ_LIMIT
                )
        except TimeoutError:
            errors.append(f"{address}: no answer within {timeout:g} s")
            continue
        except OSError as exc:
            errors.append(f"{address}: {exc.strerror or exc}")
            continue
        peer = writer.get_extra_info("peername") or (address, cfg.port)
        sock_local = writer.get_extra_info("sockname") or ("?", 0)
        return Stream(
            reader,
            writer,
            (str(peer[0]), int(peer[1])),
            (str(sock_local[0]), int(sock_local[1])),
            dns_ms,
            (time.monotonic() - t0) * 1000,
        )
    detail = "; ".join(errors) or "no addresses"
    cls = SmtpTimeout if errors and all("no answer" in e for e in errors) else ConnectError
    raise cls(
        f"cannot connect to {host_label(cfg.host, cfg.port)} ({detail})",
        phase=Phase.CONNECT,
        hint="Check the host, the port and the security mode (25/587 plain or STARTTLS, 465 TLS).",
    )
