"""Opening the TCP connection: name resolution, address families, local bind,
one address after another until one answers."""

from __future__ import annotations

import asyncio
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
    dns_ms: float
    connect_ms: float


def host_label(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def open_stream(cfg: SessionConfig) -> Stream:
    """Resolve ``cfg.host`` (never blocking the loop) and connect to the first
    address that answers; raises :class:`ConnectError` or :class:`SmtpTimeout`
    with every address's reason in one sentence."""
    loop = asyncio.get_running_loop()
    timeout = cfg.timeout_for("connect")
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
    errors: list[str] = []
    local = (cfg.local_address, 0) if cfg.local_address else None
    for family, address in dict.fromkeys((info[0], info[4][0]) for info in infos):
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
