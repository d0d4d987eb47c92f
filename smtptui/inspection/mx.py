"""Where a domain's mail goes: MX records ordered as RFC 5321 §5.1 says.

- MX records by preference, lowest first; hosts of equal preference in random
  order (the RFC's load spreading; ``rng`` makes it repeatable);
- no MX records at all: the domain itself is the "implicit MX" (its A/AAAA
  records, preference 0);
- a null MX (RFC 7505: one MX whose exchange is ``.``): the domain accepts no
  mail, and nothing is tried;
- each host's addresses come from the same resolver (A and AAAA), so a test's
  stub resolver can point MX names at loopback servers.

The resolver is anything with ``resolve(qname, rdtype)`` returning (or
awaiting to) dnspython-shaped records, as in :mod:`smtptui.discovery.dnslookup`.
"""

from __future__ import annotations

import inspect
import random
from dataclasses import dataclass, field
from typing import Any

from smtptui.inspection.errors import InspectionError


@dataclass(frozen=True, slots=True)
class MxHost:
    preference: int
    name: str
    implicit: bool = False  # no MX records: the domain's own address
    #: The implicit MX's addresses (any family), which :func:`mx_route` had to
    #: look up to know it exists: :func:`host_addresses` does not ask again.
    known: tuple[str, ...] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class MxRoute:
    domain: str
    hosts: tuple[MxHost, ...]
    null_mx: bool = False
    ignored_null: bool = False  # a "." next to real MX records (RFC 7505 says: never)

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "null_mx": self.null_mx,
            "hosts": [
                {"preference": h.preference, "name": h.name, "implicit": h.implicit}
                for h in self.hosts
            ],
        }


def default_resolver(timeout: float = 10.0) -> Any:
    """dnspython's async resolver, asking for the AD bit (RFC 6840 §5.7) so a
    validating resolver says whether it checked DNSSEC."""
    import dns.asyncresolver
    import dns.flags
    import dns.resolver

    try:
        resolver = dns.asyncresolver.Resolver()
    except dns.resolver.NoResolverConfiguration:
        raise InspectionError("no_resolver") from None
    resolver.lifetime = timeout
    resolver.flags = dns.flags.RD | dns.flags.AD
    return resolver


async def query(resolver: Any, qname: str, rdtype: str) -> Any | None:
    """The answer (iterable of records, maybe with ``.response``), or ``None``
    when the name or the type does not exist.  DNS failures raise
    :class:`InspectionError`."""
    import dns.exception
    import dns.resolver

    try:
        answer = resolver.resolve(qname, rdtype)
        if inspect.isawaitable(answer):
            answer = await answer
        return answer
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return None
    except dns.resolver.NoNameservers:
        raise InspectionError("dns_servfail", name=qname, type=rdtype) from None
    except dns.exception.Timeout:
        raise InspectionError("dns_timeout", name=qname, type=rdtype) from None
    except dns.exception.DNSException as exc:
        raise InspectionError("dns_other", name=qname, type=rdtype, detail=str(exc)[:120]) from None


def _name(value: Any) -> str:
    text = value.to_text() if hasattr(value, "to_text") else str(value)
    return text.rstrip(".").lower() if text != "." else "."


def domain_of(target: str) -> str | None:
    """``@example.com`` or ``user@example.com`` -> ``example.com``; anything
    else (a profile name, ``host[:port]``) -> ``None``."""
    _local, at, domain = target.strip().rpartition("@")
    if not at:
        return None
    domain = domain.strip().rstrip(".").lower()
    if not domain or any(c in domain for c in " :/[]<>"):
        raise InspectionError("bad_domain", exit_code=2, target=target)
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise InspectionError("bad_domain", exit_code=2, target=target) from None


async def mx_route(domain: str, resolver: Any, *, rng: random.Random | None = None) -> MxRoute:
    """The hosts to try for ``domain``, in order.  Raises
    :class:`InspectionError` when the domain has neither MX nor an address."""
    answer = await query(resolver, domain, "MX")
    records = [(int(r.preference), _name(r.exchange)) for r in answer] if answer else []
    if records:
        real = [(p, n) for p, n in records if n not in (".", "")]
        if not real:
            return MxRoute(domain, (), null_mx=True)
        chooser = rng or random.Random()
        by_pref: dict[int, list[str]] = {}
        for pref, name in real:
            by_pref.setdefault(pref, []).append(name)
        hosts: list[MxHost] = []
        for pref in sorted(by_pref):
            names = sorted(set(by_pref[pref]))
            chooser.shuffle(names)
            hosts.extend(MxHost(pref, n) for n in names)
        return MxRoute(domain, tuple(hosts), ignored_null=len(real) != len(records))
    found = await addresses(resolver, domain)
    if found:
        return MxRoute(domain, (MxHost(0, domain, implicit=True, known=tuple(found)),))
    raise InspectionError("no_mx", domain=domain)


async def addresses(resolver: Any, host: str, family: str = "auto") -> list[str]:
    """The host's IPv6 and IPv4 addresses through ``resolver`` (AAAA first,
    as RFC 6724 prefers, unless ``family`` says otherwise)."""
    out: list[str] = []
    types = {"ipv4": ("A",), "ipv6": ("AAAA",)}.get(family, ("AAAA", "A"))
    for rdtype in types:
        answer = await query(resolver, host, rdtype)
        for record in answer or ():
            text = getattr(record, "address", None) or _name(record)
            if text not in out:
                out.append(text)
    return out


async def host_addresses(resolver: Any, host: MxHost, family: str = "auto") -> list[str]:
    """:func:`addresses` of an MX host, without looking up again what
    :func:`mx_route` already found (the implicit MX's), filtered by ``family``."""
    if host.known is None:
        return await addresses(resolver, host.name, family)
    if family == "ipv4":
        return [a for a in host.known if ":" not in a]
    if family == "ipv6":
        return [a for a in host.known if ":" in a]
    return list(host.known)


def txt_strings(answer: Any | None) -> list[str]:
    """Each TXT record of an answer as one string (its parts joined, as
    RFC 7208 §3.3 and its successors read them); empty for no answer."""
    out = []
    for record in answer or ():
        parts = record.strings
        out.append(
            "".join(p.decode("utf-8", "replace") if isinstance(p, bytes) else p for p in parts)
        )
    return out
