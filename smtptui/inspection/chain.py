"""The certificate chain a server sent: each certificate described as an admin
reads it (``openssl s_client -showcerts`` and ``openssl x509 -text``, in one
line each), whether the chain verifies, and if not which link fails and why.

Verification is OpenSSL's own path building (pyOpenSSL's ``X509StoreContext``),
against the system's trust store or exactly the CA file given — the same
decision a mail client built on OpenSSL makes.  The name check (RFC 6125: DNS
names in subjectAltName, a wildcard only as the whole left-most label, IP
addresses against IP entries) is done here, after the chain.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import ssl
from dataclasses import dataclass, field
from typing import Any

from smtptui.protocol.text import escape_text

#: A certificate expiring within this many days deserves a warning (the TLS
#: report, the fleet table and ``check``'s certificate column all use it).
EXPIRY_WARNING_DAYS = 14

#: OpenSSL's X509_V_ERR_* numbers -> our reason keys (``inspect.verify.<key>``).
_REASONS: dict[int, str] = {
    2: "unknown_issuer",  # unable to get issuer certificate
    7: "bad_signature",
    9: "not_yet_valid",
    10: "expired",
    18: "self_signed",  # depth zero self-signed
    19: "untrusted_root",  # self-signed certificate in chain
    20: "unknown_issuer",  # unable to get local issuer certificate
    21: "unknown_issuer",  # unable to verify the first certificate
    24: "not_a_ca",  # invalid CA certificate
    26: "wrong_purpose",
}


@dataclass(frozen=True, slots=True)
class CertInfo:
    """One certificate, in the order the server sent it (0 = its own)."""

    position: int
    subject: str
    issuer: str
    not_before: _dt.datetime
    not_after: _dt.datetime
    sans: tuple[str, ...]
    key_type: str  # RSA, EC, Ed25519, ...
    key_bits: int | None
    key_detail: str | None  # the curve of an EC key
    signature_algorithm: str
    sha256: str
    spki_sha256: str
    serial: str
    is_ca: bool | None
    self_issued: bool

    def days_left(self, now: _dt.datetime | None = None) -> int:
        return (self.not_after - (now or _dt.datetime.now(_dt.UTC))).days

    def key_text(self, lang: str | None = None) -> str:
        """``EC 256 bits secp256r1`` (in ``lang``)."""
        from smtptui.i18n import t

        parts = [self.key_type]
        if self.key_bits:
            parts.append(t("inspect.cert.bits", lang, bits=self.key_bits))
        if self.key_detail:
            parts.append(self.key_detail)
        return " ".join(parts)

    def to_dict(self, now: _dt.datetime | None = None) -> dict[str, Any]:
        return {
            "position": self.position,
            "subject": self.subject,
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "days_left": self.days_left(now),
            "sans": list(self.sans),
            "key_type": self.key_type,
            "key_bits": self.key_bits,
            "key_detail": self.key_detail,
            "signature_algorithm": self.signature_algorithm,
            "sha256": self.sha256,
            "spki_sha256": self.spki_sha256,
            "serial": self.serial,
            "is_ca": self.is_ca,
            "self_issued": self.self_issued,
        }


@dataclass(frozen=True, slots=True)
class Verification:
    """Whether the chain leads to a trusted CA and names the server.

    ``reason`` is a key of ``inspect.verify.*`` (``None`` when the chain is
    fine); ``position`` the failing certificate as sent (``None``: one from
    the trust store, or the whole chain); ``detail`` OpenSSL's own words.
    """

    trust: str  # "system" or the CA file's path
    chain_ok: bool
    name: str | None  # the name checked (None: nothing to check)
    name_ok: bool | None
    reason: str | None = None
    position: int | None = None
    detail: str | None = None
    subject: str | None = None  # of the failing certificate
    issuer: str | None = None
    anchor: str | None = None  # the trusted CA the chain ends at

    @property
    def ok(self) -> bool:
        return self.chain_ok and self.name_ok is not False

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "trust": self.trust,
            "chain_ok": self.chain_ok,
            "name": self.name,
            "name_ok": self.name_ok,
            "reason": self.reason,
            "position": self.position,
            "detail": self.detail,
            "subject": self.subject,
            "issuer": self.issuer,
            "anchor": self.anchor,
        }


@dataclass(frozen=True, slots=True)
class Chain:
    """The certificates as sent (DER kept for PEM export and DANE)."""

    certs: tuple[CertInfo, ...]
    der: tuple[bytes, ...] = field(repr=False)

    def pem(self) -> str:
        return "".join(ssl.DER_cert_to_PEM_cert(d) for d in self.der)


def describe_chain(der_chain: tuple[bytes, ...] | list[bytes]) -> Chain:
    return Chain(
        tuple(describe_certificate(d, i) for i, d in enumerate(der_chain)), tuple(der_chain)
    )


def describe_certificate(der: bytes, position: int = 0) -> CertInfo:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    cert = x509.load_der_x509_certificate(der)
    key = cert.public_key()
    detail = None
    if isinstance(key, rsa.RSAPublicKey):
        kind, bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        kind, bits, detail = "EC", key.key_size, key.curve.name
    elif isinstance(key, ed25519.Ed25519PublicKey):
        kind, bits = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        kind, bits = "Ed448", 456
    elif isinstance(key, dsa.DSAPublicKey):
        kind, bits = "DSA", key.key_size
    else:
        kind, bits = type(key).__name__, None
    spki = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(spki)
    try:
        sans_ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = tuple(
            [str(n) for n in sans_ext.get_values_for_type(x509.DNSName)]
            + [str(ip) for ip in sans_ext.get_values_for_type(x509.IPAddress)]
        )
    except x509.ExtensionNotFound:
        sans = ()
    try:
        is_ca: bool | None = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = None
    try:
        signature = cert.signature_algorithm_oid._name or cert.signature_algorithm_oid.dotted_string
    except AttributeError:  # pragma: no cover - every OID has a name or a dotted string
        signature = "unknown"
    # Names come from whoever made the certificate: escaped before any screen.
    return CertInfo(
        position=position,
        subject=escape_text(cert.subject.rfc4514_string()) or "(empty)",
        issuer=escape_text(cert.issuer.rfc4514_string()) or "(empty)",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        sans=tuple(escape_text(s) for s in sans),
        key_type=kind,
        key_bits=bits,
        key_detail=detail,
        signature_algorithm=signature,
        sha256=cert.fingerprint(hashes.SHA256()).hex(":").upper(),
        spki_sha256=digest.finalize().hex(":").upper(),
        serial=format(cert.serial_number, "x"),
        is_ca=is_ca,
        self_issued=cert.subject == cert.issuer,
    )


def trust_store(ca_file: str | None) -> Any:
    """The CA file given, else the system's store — the same files Python's
    ``ssl`` (and so a smtptui session) trusts on this machine."""
    from OpenSSL import crypto

    store = crypto.X509Store()
    if ca_file:
        store.load_locations(ca_file)
        return store
    paths = ssl.get_default_verify_paths()
    cafile = paths.cafile or paths.openssl_cafile
    capath = paths.capath or paths.openssl_capath
    import os

    store.load_locations(
        cafile if cafile and os.path.isfile(cafile) else None,
        capath if capath and os.path.isdir(capath) else None,
    )
    return store


def verify_chain(
    der_chain: tuple[bytes, ...],
    name: str | None,
    *,
    ca_file: str | None = None,
    at: _dt.datetime | None = None,
) -> Verification:
    """Verify the chain as sent against the trust store, then the name."""
    from cryptography import x509
    from OpenSSL import crypto

    trust = ca_file or "system"
    if not der_chain:
        return Verification(trust, False, name, None, reason="no_certificate")
    certs = [x509.load_der_x509_certificate(d) for d in der_chain]
    store = trust_store(ca_file)
    if at is not None:
        store.set_time(at.replace(tzinfo=None))
    leaf = crypto.X509.from_cryptography(certs[0])
    rest = [crypto.X509.from_cryptography(c) for c in certs[1:]]
    context = crypto.X509StoreContext(store, leaf, rest)
    chain_ok = True
    reason = detail = subject = issuer = anchor = None
    position: int | None = None
    try:
        built = context.get_verified_chain()
        anchor = (
            escape_text(built[-1].to_cryptography().subject.rfc4514_string()) if built else None
        )
    except crypto.X509StoreContextError as exc:
        chain_ok = False
        code, _depth, detail = exc.errors[0], exc.errors[1], str(exc.errors[2])
        reason = _REASONS.get(int(code), "other")
        failing = exc.certificate.to_cryptography()
        subject = escape_text(failing.subject.rfc4514_string())
        issuer = escape_text(failing.issuer.rfc4514_string())
        position = next((i for i, c in enumerate(certs) if c == failing), None)
        if reason == "unknown_issuer" and not any(c.subject == failing.issuer for c in certs):
            reason = "issuer_not_sent"
    name_ok = matches_name(certs[0], name) if name else None
    return Verification(
        trust, chain_ok, name, name_ok, reason, position, detail, subject, issuer, anchor
    )


def matches_name(cert: Any, name: str) -> bool:
    """RFC 6125 / RFC 9525: the name must be in subjectAltName (DNS names;
    ``*`` only as the whole left-most label, matching one label); an IP address
    must be an IP entry.  The subject's CN is not consulted when SANs exist."""
    from cryptography import x509

    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    bare = name.strip("[]")
    try:
        ip = ipaddress.ip_address(bare)
    except ValueError:
        ip = None
    if ip is not None:
        return ip in sans.get_values_for_type(x509.IPAddress)
    wanted = bare.rstrip(".").lower()
    try:
        wanted = wanted.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    for pattern in sans.get_values_for_type(x509.DNSName):
        pattern = pattern.rstrip(".").lower()
        if pattern == wanted:
            return True
        if pattern.startswith("*.") and "." in wanted:
            head, _, tail = wanted.partition(".")
            if head and tail == pattern[2:] and "." in tail:
                return True
    return False
