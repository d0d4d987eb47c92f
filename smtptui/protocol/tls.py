"""TLS for SMTP: building the client context and describing what was negotiated.

Verification is on by default (system CAs, or exactly the ``ca_file`` given).
Turning it off is allowed but never silent: the session emits a warning every
time.  After a handshake we record the facts an administrator asks for first —
version, cipher, who the certificate names, who issued it, when it expires —
and, when verification fails, the reason in plain words.

Building a verifying context reads the system's CA store (about 20 ms), so
contexts are reused: one per configuration and per version of the files it
names, rebuilt after :data:`CONTEXT_REUSE` seconds.  A check of fifty servers
then does not spend a second of its loop's time before its first byte.
"""

from __future__ import annotations

import datetime as _dt
import os
import ssl
import time
from dataclasses import dataclass

from smtptui.protocol.config import TlsConfig
from smtptui.protocol.errors import TlsError
from smtptui.protocol.text import escape_text


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    subject: str
    issuer: str
    sans: tuple[str, ...]
    not_before: _dt.datetime
    not_after: _dt.datetime
    serial: str
    fingerprint_sha256: str

    def days_to_expiry(self, now: _dt.datetime | None = None) -> int:
        now = now or _dt.datetime.now(_dt.UTC)
        return (self.not_after - now).days


@dataclass(frozen=True, slots=True)
class TlsInfo:
    version: str
    cipher: str
    bits: int | None
    server_name: str | None
    verified: bool | None  # None: verification was turned off
    certificate: CertificateFacts | None

    @property
    def days_to_expiry(self) -> int | None:
        return self.certificate.days_to_expiry() if self.certificate else None

    def summary(self) -> str:
        parts = [f"{self.version} {self.cipher}"]
        if self.bits:
            parts[0] += f" ({self.bits} bits)"
        if self.verified is None:
            parts.append("certificate NOT verified (verification turned off)")
        elif self.verified:
            parts.append("certificate verified")
        return ", ".join(parts)

    def fact_lines(self) -> list[str]:
        """Human-readable lines, as the CLI prints them after a handshake."""
        lines = [f"TLS {self.summary()}"]
        cert = self.certificate
        if cert:
            lines.append(f"  subject: {cert.subject}")
            lines.append(f"  issuer:  {cert.issuer}")
            if cert.sans:
                lines.append(f"  names:   {', '.join(cert.sans)}")
            days = cert.days_to_expiry()
            expiry = "EXPIRED" if days < 0 else f"{days} days left"
            lines.append(
                f"  valid:   {cert.not_before:%Y-%m-%d} .. {cert.not_after:%Y-%m-%d} ({expiry})"
            )
        return lines


_MIN_VERSIONS = {
    "TLSv1": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}


#: Seconds a built client context is reused (the system's CA store may change).
CONTEXT_REUSE = 600.0
_contexts: dict[tuple[object, ...], tuple[float, ssl.SSLContext]] = {}


def build_context(cfg: TlsConfig) -> ssl.SSLContext:
    """A client context for ``cfg``; raises :class:`TlsError` with a clear reason
    when a CA or client certificate file cannot be used.  Reused while ``cfg``
    and its files are unchanged (see the module docstring)."""
    key = (cfg, _version(cfg.ca_file), _version(cfg.client_cert), _version(cfg.client_key))
    now = time.monotonic()
    found = _contexts.get(key)
    if found is not None and now - found[0] < CONTEXT_REUSE:
        return found[1]
    ctx = _build_context(cfg)
    if len(_contexts) >= 64:
        _contexts.clear()
    _contexts[key] = (now, ctx)
    return ctx


def _version(path: str | None) -> tuple[int, int] | None:
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _build_context(cfg: TlsConfig) -> ssl.SSLContext:
    try:
        if cfg.verify:
            ctx = ssl.create_default_context(cafile=cfg.ca_file)
        else:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
    except FileNotFoundError as exc:
        raise TlsError(f"the CA file {cfg.ca_file} does not exist") from exc
    except OSError as exc:  # a folder, no permission, ...
        raise TlsError(f"cannot read the CA file {cfg.ca_file}: {exc.strerror or exc}") from exc
    except ssl.SSLError as exc:
        raise TlsError(
            f"the CA file {cfg.ca_file} is not a usable PEM certificate ({exc.reason})"
        ) from exc
    if cfg.min_version:
        try:
            ctx.minimum_version = _MIN_VERSIONS[cfg.min_version]
        except KeyError as exc:
            raise TlsError(
                f"unknown minimum TLS version {cfg.min_version!r}; use one of {', '.join(_MIN_VERSIONS)}"
            ) from exc
    if cfg.client_cert:
        try:
            ctx.load_cert_chain(cfg.client_cert, cfg.client_key)
        except OSError as exc:
            raise TlsError(
                f"cannot read the client certificate {cfg.client_cert}: {exc.strerror or exc}"
            ) from exc
        except ssl.SSLError as exc:
            raise TlsError(
                f"cannot use the client certificate {cfg.client_cert}: it must be a PEM certificate "
                f"with its private key (in the same file or --client-key), and they must match "
                f"({exc.reason or exc})"
            ) from exc
    return ctx


def describe(
    ssl_object: ssl.SSLObject | ssl.SSLSocket | None, server_name: str | None, verified: bool | None
) -> TlsInfo:
    if ssl_object is None:
        return TlsInfo("unknown", "unknown", None, server_name, verified, None)
    cipher = ssl_object.cipher() or ("unknown", "", None)
    der = ssl_object.getpeercert(binary_form=True)
    return TlsInfo(
        version=ssl_object.version() or "unknown",
        cipher=cipher[0],
        bits=cipher[2],
        server_name=server_name,
        verified=verified,
        certificate=certificate_facts(der) if der else None,
    )


def preload() -> None:
    """Import what describing a certificate needs (``cryptography``, about
    100 ms the first time), so a batch of checks pays it before its first
    measurement instead of in the middle of them."""
    from cryptography import x509  # noqa: F401
    from cryptography.hazmat.primitives import hashes  # noqa: F401


def certificate_facts(der: bytes) -> CertificateFacts | None:
    """Parse a DER certificate with ``cryptography`` (imported only when TLS is used)."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
    except ImportError:  # pragma: no cover - cryptography is a hard dependency
        return None
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        sans = tuple(
            str(v)
            for v in ext.value.get_values_for_type(x509.DNSName)
            + [str(ip) for ip in ext.value.get_values_for_type(x509.IPAddress)]
        )
    except x509.ExtensionNotFound:
        sans = ()
    # Names come from whoever made the certificate: escaped before any screen.
    return CertificateFacts(
        subject=escape_text(cert.subject.rfc4514_string()) or "(empty)",
        issuer=escape_text(cert.issuer.rfc4514_string()) or "(empty)",
        sans=tuple(escape_text(name) for name in sans),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        serial=format(cert.serial_number, "x"),
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(":"),
    )


def explain_handshake_error(exc: BaseException, host: str, tls: TlsConfig | None = None) -> str:
    """One sentence saying why a handshake failed, in words an admin can act
    on — with advice that fits what was already given (a CA file, a name to
    verify): the command-line option and the profile key that change it."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = (exc.verify_message or exc.reason or str(exc)).strip()
        low = reason.lower()
        ca_file = tls.ca_file if tls is not None else None
        untrusted = (
            "; use the CA file that signed it"
            if ca_file
            else "; trust its CA with --ca-file (profile: tls.ca_file)"
        )
        testing = (
            ", or (only for testing) turn verification off with --insecure (tls.verify = false)"
        )
        if "hostname mismatch" in low or "ip address mismatch" in low or "doesn't match" in low:
            given = tls is not None and tls.server_hostname
            fix = (
                f"; {host!r} was given as the name to verify: check it against the names the "
                "certificate holds (smtptui tls TARGET shows them)"
                if given
                else "; connect by a name the certificate holds, or give that name with "
                "--tls-name (profile: tls.server_hostname) — smtptui tls TARGET shows the names"
            )
            return f"the server's certificate is not valid for the name {host!r}{fix}"
        if "expired" in low:
            return (
                "the server's certificate has expired; the server's admin must renew it" + testing
            )
        if "not yet valid" in low:
            return "the server's certificate is not valid yet; check both clocks" + testing
        if "self-signed" in low or "self signed" in low:
            what = "the server's certificate is self-signed and not trusted here"
        elif "unable to get local issuer" in low or "unknown ca" in low:
            what = (
                f"the server's certificate was not issued by the CA in {ca_file}"
                if ca_file
                else "the server's certificate was issued by a CA this machine does not trust"
            )
        else:
            what = f"the server's certificate did not verify ({reason})"
        return what + untrusted + testing
    if isinstance(exc, ssl.SSLError):
        reason = exc.reason or str(exc)
        if reason and "WRONG_VERSION_NUMBER" in reason:
            return "the server did not answer with TLS (is this port plain text or STARTTLS, not implicit TLS?)"
        if reason and ("VERSION" in reason or "PROTOCOL" in reason):
            return f"no TLS version both sides accept ({reason})"
        return f"the TLS handshake failed ({reason})"
    if isinstance(exc, (ConnectionError, EOFError)):
        return "the server closed the connection during the TLS handshake"
    if isinstance(exc, TimeoutError):
        return "the TLS handshake timed out"
    return f"the TLS handshake failed ({exc})"
