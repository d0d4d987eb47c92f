"""MX and TXT lookups through an injectable async resolver.

The resolver is anything with ``resolve(qname, rdtype)`` returning (or awaiting
to) an iterable of records shaped like dnspython's: MX records have
``preference`` and ``exchange``, TXT records have ``strings``.  By default it is
``dns.asyncresolver.Resolver`` (imported only when a lookup runs); tests pass a
stub so no real DNS query is ever made.  Failures become one-clause
:class:`~smtptui.discovery.model.DiscoveryError` messages.
"""

from __future__ import annotations

import inspect
from typing import Any

from smtptui.discovery.model import DiscoveryError


def default_resolver(timeout: float) -> Any:
    """dnspython's async resolver with *timeout* as its lifetime."""
    import dns.asyncresolver
    import dns.resolver

    try:
        resolver = dns.asyncresolver.Resolver()
    except dns.resolver.NoResolverConfiguration:
        raise DiscoveryError("no DNS resolver is configured on this machine") from None
    resolver.lifetime = timeout
    return resolver


async def _query(
    resolver: Any, qname: str, rdtype: str, *, missing_ok: bool = False
) -> list[Any] | None:
    """The records, or ``None`` when there are none of that type.

    A name that does not exist (NXDOMAIN) is an error unless *missing_ok*.
    """
    import dns.exception
    import dns.resolver

    try:
        answer = resolver.resolve(qname, rdtype)
        if inspect.isawaitable(answer):
            answer = await answer
        return list(answer)
    except dns.resolver.NXDOMAIN:
        if missing_ok:
            return None
        raise DiscoveryError(f"{qname} does not exist (NXDOMAIN)") from None
    except dns.resolver.NoAnswer:
        return None
    except dns.resolver.NoNameservers:
        raise DiscoveryError("no DNS server answered (SERVFAIL or refused)") from None
    except dns.exception.Timeout:
        raise DiscoveryError("DNS timed out") from None
    except dns.exception.DNSException as exc:
        raise DiscoveryError(f"DNS error: {exc}"[:200]) from None


def _name(value: Any) -> str:
    text = value.to_text() if hasattr(value, "to_text") else str(value)
    return text.rstrip(".").lower()


async def lookup_mx(resolver: Any, domain: str) -> list[tuple[int, str]] | None:
    """``(preference, host)`` pairs sorted by preference, ``None`` if no MX records."""
    records = await _query(resolver, domain, "MX")
    if records is None:
        return None
    return sorted((int(r.preference), _name(r.exchange)) for r in records)


async def lookup_txt(resolver: Any, name: str) -> list[str]:
    """The TXT strings of *name* (each record's parts joined); empty if none."""
    records = await _query(resolver, name, "TXT", missing_ok=True)
    out = []
    for record in records or []:
        parts = record.strings
        out.append(
            "".join(p.decode("utf-8", "replace") if isinstance(p, bytes) else p for p in parts)
        )
    return out
