"""A throw-away TLS certificate for the demo server.

The demo server must offer STARTTLS without the user creating a certificate,
and a client must be able to *verify* it (not just switch verification off), so
we write the certificate to a PEM file the client can pass as ``--ca-file``.

The certificate is self-signed, marked as its own CA and carries the extensions
that OpenSSL's strict verification (``VERIFY_X509_STRICT``, the default from
Python 3.13) insists on, so it is accepted as a trust anchor and as the server
certificate at the same time.  ``cryptography`` is imported only when a
certificate is actually generated, to keep it out of the TUI's start-up.

The built-in demo server (:mod:`smtptui.builtin`) reuses one certificate from
the user's cache folder (:func:`cached_self_signed`: folder 0700, files 0600,
valid for 30 days and replaced after 7), so starting it usually costs
neither ``cryptography``'s import nor a key generation.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import ssl
import stat
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

#: How long a generated certificate is valid; it lives only as long as the server.
VALIDITY = timedelta(days=30)
#: A cached demo certificate: valid this long, and replaced once it is older
#: than :data:`CACHE_REUSE` (so one in use always has more than the fleet
#: view's 14-day expiry warning left, and the demo is never shown as expiring).
CACHE_VALIDITY = timedelta(days=30)
CACHE_REUSE = timedelta(days=7)


@dataclass(frozen=True)
class CertificateFiles:
    """PEM files of one certificate: ``cert`` is also what clients should trust."""

    cert: Path
    key: Path


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` readable only by the owner, created with that mode (no window
    in which another user could open the private key)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def generate_self_signed(
    directory: Path, hostname: str, validity: timedelta = VALIDITY
) -> CertificateFiles:
    """Generate an EC P-256 key and a self-signed certificate for ``hostname``,
    ``localhost``, ``127.0.0.1`` and ``::1``; write ``cert.pem`` and ``key.pem``
    (mode 0600) into ``directory`` and return their paths.

    EC keys take milliseconds, so a test fleet of fifty servers starts quickly.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "smtptui demo server"),
            x509.NameAttribute(NameOID.COMMON_NAME, hostname[:64] or "localhost"),
        ]
    )
    dns_names = list(dict.fromkeys(["localhost", hostname]))
    san: list[x509.GeneralName] = [x509.DNSName(n) for n in dns_names if n]
    san += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ("127.0.0.1", "::1")]
    now = datetime.now(UTC)
    public_key = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + validity)
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    files = CertificateFiles(cert=directory / "cert.pem", key=directory / "key.pem")
    _write_private(files.cert, cert.public_bytes(serialization.Encoding.PEM))
    _write_private(
        files.key,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    return files


def server_context(files: CertificateFiles) -> ssl.SSLContext:
    """A server-side TLS context (TLS 1.2 or newer) serving ``files``.

    Raises ``ssl.SSLError`` or ``OSError`` when the files cannot be loaded; the
    caller turns that into one sentence naming the file.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(files.cert), str(files.key))
    return context


def default_cache_folder() -> Path:
    import platformdirs

    return platformdirs.user_cache_path("smtptui") / "demo-tls"


def cached_self_signed(hostname: str, folder: Path | None = None) -> CertificateFiles:
    """The demo certificate for ``hostname`` from the cache folder, generated
    when missing, older than :data:`CACHE_REUSE`, or not private to this user
    (anything but owner-only permissions is never trusted)."""
    root = folder or default_cache_folder()
    safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in hostname)[:64] or "localhost"
    current = root / safe
    files = CertificateFiles(current / "cert.pem", current / "key.pem")
    if _private(root) and _private(current) and _fresh(files):
        return files
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root, 0o700)
    fresh = Path(tempfile.mkdtemp(prefix=".new-", dir=root))  # created 0700
    generate_self_signed(fresh, hostname, CACHE_VALIDITY)
    if current.exists():
        stale = Path(tempfile.mkdtemp(prefix=".old-", dir=root))
        with contextlib.suppress(OSError):  # another process replaced it first
            os.replace(current, stale / "old")
        shutil.rmtree(stale, ignore_errors=True)
    try:
        os.rename(fresh, current)
    except OSError:  # another process put its own there first: use ours from where it is
        return CertificateFiles(fresh / "cert.pem", fresh / "key.pem")
    return files


def _private(path: Path) -> bool:
    """Exists, belongs to this user, and nobody else may read or write it."""
    try:
        st = path.lstat()
    except OSError:
        return False
    if stat.S_ISLNK(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        return False
    return not st.st_mode & 0o077


def _fresh(files: CertificateFiles) -> bool:
    if not (_private(files.cert) and _private(files.key)):
        return False
    age = time.time() - files.cert.stat().st_mtime
    return 0 <= age < CACHE_REUSE.total_seconds()
