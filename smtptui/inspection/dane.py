"""DANE for SMTP (RFC 7672): the ``_25._tcp.<mx>`` TLSA records, matched
against the chain the server sent.

Only what SMTP uses is matched: usages 2 (DANE-TA: a CA in the chain the
server sent) and 3 (DANE-EE: the server's own certificate or key); selectors
0 (the whole certificate) and 1 (its public key, SubjectPublicKeyInfo);
matching types 0 (exact), 1 (SHA-256) and 2 (SHA-512).  Usages 0 and 1 are
listed as unusable for SMTP (RFC 7672 §3.1.3).

DNSSEC: smtptui does not validate signatures itself.  It asks its resolver
for the AD ("authenticated data") bit and reports it as the resolver's claim:
set, a validating resolver says it checked; not set, the records are
unauthenticated and a DANE client must not use them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from smtptui.inspection.mx import query

USAGES = {0: "PKIX-TA", 1: "PKIX-EE", 2: "DANE-TA", 3: "DANE-EE"}
SELECTORS = {0: "Cert", 1: "SPKI"}
MATCHING = {0: "Full", 1: "SHA2-256", 2: "SHA2-512"}


@dataclass(frozen=True, slots=True)
class Tlsa:
    usage: int
    selector: int
    mtype: int
    data: bytes

    @property
    def text(self) -> str:
        """Presentation form, like ``3 1 1 8f4c…``."""
        return f"{self.usage} {self.selector} {self.mtype} {self.data.hex()}"

    @property
    def label(self) -> str:
        return (
            f"{USAGES.get(self.usage, self.usage)} {SELECTORS.get(self.selector, self.selector)} "
            f"{MATCHING.get(self.mtype, self.mtype)}"
        )


@dataclass(frozen=True, slots=True)
class TlsaResult:
    """One record's verdict: ``matched`` the certificate at ``position`` (as
    sent), or ``why`` not (a key of ``inspect.dane.why.*``)."""

    record: Tlsa
    position: int | None
    why: str | None = None

    @property
    def matched(self) -> bool:
        return self.position is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": self.record.text,
            "label": self.record.label,
            "matched": self.matched,
            "position": self.position,
            "why": self.why,
        }


@dataclass(frozen=True, slots=True)
class DaneReport:
    """``outcome``: ``match``, ``mismatch`` (usable records, none matched),
    ``unusable`` (records, none SMTP can use), ``none`` (no TLSA records) or
    ``error`` (the lookup failed; ``error`` says why).  ``authenticated`` is
    the resolver's AD bit (``None`` when it could not be read)."""

    name: str
    outcome: str
    authenticated: bool | None
    results: tuple[TlsaResult, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "outcome": self.outcome,
            "ad_bit": self.authenticated,
            "results": [r.to_dict() for r in self.results],
            "error": self.error,
        }


def tlsa_name(host: str, port: int = 25) -> str:
    return f"_{port}._tcp.{host.rstrip('.')}"


async def lookup_tlsa(resolver: Any, host: str, port: int = 25) -> tuple[list[Tlsa], bool | None]:
    """The TLSA records of ``host`` and the AD bit of the answer."""
    answer = await query(resolver, tlsa_name(host, port), "TLSA")
    if answer is None:
        return [], None
    records = [Tlsa(int(r.usage), int(r.selector), int(r.mtype), bytes(r.cert)) for r in answer]
    return records, _ad_bit(answer)


def _ad_bit(answer: Any) -> bool | None:
    response = getattr(answer, "response", None)
    flags = getattr(response, "flags", None)
    if flags is None:
        return None
    import dns.flags

    return bool(int(flags) & int(dns.flags.AD))


def association(der: bytes, selector: int, mtype: int) -> bytes | None:
    """The data a TLSA record with this selector and matching type would hold
    for the certificate ``der`` (``None`` for values DANE does not define)."""
    if selector == 0:
        data = der
    elif selector == 1:
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        data = (
            x509.load_der_x509_certificate(der)
            .public_key()
            .public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        )
    else:
        return None
    if mtype == 0:
        return data
    if mtype == 1:
        return hashlib.sha256(data).digest()
    if mtype == 2:
        return hashlib.sha512(data).digest()
    return None


def match(record: Tlsa, chain: tuple[bytes, ...]) -> TlsaResult:
    if record.usage in (0, 1):
        return TlsaResult(record, None, "pkix_usage")
    if record.usage not in (2, 3):
        return TlsaResult(record, None, "unknown_usage")
    if record.selector not in (0, 1):
        return TlsaResult(record, None, "unknown_selector")
    if record.mtype not in (0, 1, 2):
        return TlsaResult(record, None, "unknown_mtype")
    if not chain:
        return TlsaResult(record, None, "no_chain")
    candidates = [0] if record.usage == 3 else list(range(1, len(chain)))
    if record.usage == 2 and not candidates:
        return TlsaResult(record, None, "ta_not_sent")
    for position in candidates:
        if association(chain[position], record.selector, record.mtype) == record.data:
            if record.usage == 2 and not _leads_to(chain, position):
                return TlsaResult(record, None, "ta_not_issuer")
            return TlsaResult(record, position)
    return TlsaResult(record, None, "ee_differs" if record.usage == 3 else "ta_differs")


def _leads_to(chain: tuple[bytes, ...], anchor: int) -> bool:
    """Does the server's certificate chain up to ``chain[anchor]`` (taken as
    the trust anchor, as DANE-TA says; dates and names are checked elsewhere)?"""
    from cryptography import x509
    from OpenSSL import crypto

    certs = [x509.load_der_x509_certificate(d) for d in chain]
    store = crypto.X509Store()
    store.add_cert(crypto.X509.from_cryptography(certs[anchor]))
    store.set_flags(crypto.X509StoreFlags.PARTIAL_CHAIN)
    rest = [crypto.X509.from_cryptography(c) for i, c in enumerate(certs[1:], 1) if i != anchor]
    try:
        crypto.X509StoreContext(
            store, crypto.X509.from_cryptography(certs[0]), rest
        ).verify_certificate()
    except crypto.X509StoreContextError as exc:
        # Only a broken link counts here; expiry is the chain report's business.
        return int(exc.errors[0]) in (9, 10)
    return True


def check(records: list[Tlsa], chain: tuple[bytes, ...], name: str, ad: bool | None) -> DaneReport:
    if not records:
        return DaneReport(name, "none", ad)
    results = tuple(match(r, chain) for r in records)
    usable = [
        r
        for r in results
        if r.why not in ("pkix_usage", "unknown_usage", "unknown_selector", "unknown_mtype")
    ]
    if any(r.matched for r in results):
        outcome = "match"
    elif usable:
        outcome = "mismatch"
    else:
        outcome = "unusable"
    return DaneReport(name, outcome, ad, results)


async def dane_for(
    resolver: Any, host: str, chain: tuple[bytes, ...], *, port: int = 25, lang: str | None = None
) -> DaneReport:
    """Look up and match; a failed lookup is a report with ``outcome="error"``."""
    name = tlsa_name(host, port)
    try:
        records, ad = await lookup_tlsa(resolver, host, port)
    except Exception as exc:  # InspectionError from the lookup
        text = exc.text(lang) if hasattr(exc, "text") else str(exc)
        return DaneReport(name, "error", None, (), text)
    return check(records, chain, name, ad)
