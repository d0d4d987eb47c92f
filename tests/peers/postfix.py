"""The real Postfix test peer, as started by ``tests/peers/postfix.sh``.

Importable without pytest (benchmarks use it too)::

    from tests.peers.postfix import postfix_peer, SMTP_SINK, SMTP_SOURCE

    peer = postfix_peer()          # None when nothing answers 220 within ~2 s
    if peer:
        print(peer.host, peer.port, peer.user, peer.ca_file, peer.server_name)

Connection facts (defaults match ``postfix.sh``; each can be overridden by the
environment variable named in brackets, e.g. when the peer runs elsewhere):

- host ``127.0.0.1`` [SMTPTUI_POSTFIX_HOST], port ``2526`` [SMTPTUI_POSTFIX_PORT];
  also ``::1`` on the same port when the machine has IPv6 loopback
  [SMTPTUI_POSTFIX_HOST6; empty = none].
- plain SMTP with STARTTLS; AUTH (PLAIN, LOGIN, CRAM-MD5) is only offered after
  STARTTLS.
- user ``testuser@postfix.test`` [SMTPTUI_POSTFIX_USER], password ``testpass``
  [SMTPTUI_POSTFIX_PASSWORD]; the Cyrus sasldb realm is ``postfix.test``
  [SMTPTUI_POSTFIX_DOMAIN], which is also Postfix's ``myhostname`` (the name in
  the greeting). The bare name ``testuser`` logs in as the same user.
- CA file = Debian's ssl-cert snakeoil certificate
  ``/etc/ssl/certs/ssl-cert-snakeoil.pem`` [SMTPTUI_POSTFIX_CA_FILE]. It is
  self-signed and its only name (CN and DNS SAN) is the machine's ``hostname -f``,
  not ``127.0.0.1`` and not ``postfix.test``. So verify with the CA file *and*
  ``server_name`` (read from the certificate) while connecting to ``host``
  [override: SMTPTUI_POSTFIX_SERVER_NAME].
- every accepted message is discarded (``discard(8)``); the log line is
  ``<queue id>: to=<...>, relay=none, ..., status=sent (smtptui test peer discards
  everything)`` in ``/var/log/postfix.log`` [SMTPTUI_POSTFIX_LOG].
- unauthenticated RCPT to any domain: ``554 5.7.1 <rcpt>: Relay access denied``;
  a wrong password: ``535 5.7.8 Error: authentication failed: ...``.

Postfix's benchmark tools ship in Debian's ``postfix`` package:
``SMTP_SINK`` (``/usr/sbin/smtp-sink``, a fast C SMTP sink server) and
``SMTP_SOURCE`` (``/usr/sbin/smtp-source``, a fast C SMTP client). ``/usr/sbin``
is often not on a normal user's PATH, hence the absolute fallbacks.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

SETUP_SCRIPT = Path(__file__).with_name("postfix.sh")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_HOST6 = "::1"
DEFAULT_PORT = 2526
DEFAULT_DOMAIN = "postfix.test"
DEFAULT_USER = f"testuser@{DEFAULT_DOMAIN}"
DEFAULT_PASSWORD = "testpass"
DEFAULT_CA_FILE = "/etc/ssl/certs/ssl-cert-snakeoil.pem"
DEFAULT_LOG_FILE = "/var/log/postfix.log"
#: What postfix.sh puts in the greeting (``smtpd_banner``): the peer on the
#: port is the one these tests expect only when its greeting has it.
PEER_MARKER = "smtptui-test-peer"
#: The reason text postfix.sh gives the discard transport; it ends every
#: delivery log line as ``status=sent (DISCARD_REASON)``.
DISCARD_REASON = "smtptui test peer discards everything"

SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
SMTP_SOURCE = shutil.which("smtp-source") or "/usr/sbin/smtp-source"
POSTQUEUE = shutil.which("postqueue") or "/usr/sbin/postqueue"

QUEUED_AS = re.compile(rb"queued as ([0-9A-Za-z]+)")


def running_in_ci() -> bool:
    """True when the CI variable says so; then a missing peer is an error."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def how_to_start() -> str:
    return f"start it with: sudo {SETUP_SCRIPT}"


@dataclass(frozen=True)
class PostfixPeer:
    host: str
    port: int
    user: str
    password: str
    ca_file: str
    domain: str
    host6: str | None = None
    log_file: str = DEFAULT_LOG_FILE
    server_name_override: str | None = None

    @classmethod
    def from_env(cls) -> PostfixPeer:
        env = os.environ.get
        host6 = env("SMTPTUI_POSTFIX_HOST6", DEFAULT_HOST6 if _has_ipv6_loopback() else "")
        return cls(
            host=env("SMTPTUI_POSTFIX_HOST", DEFAULT_HOST),
            port=int(env("SMTPTUI_POSTFIX_PORT", str(DEFAULT_PORT))),
            user=env("SMTPTUI_POSTFIX_USER", DEFAULT_USER),
            password=env("SMTPTUI_POSTFIX_PASSWORD", DEFAULT_PASSWORD),
            ca_file=env("SMTPTUI_POSTFIX_CA_FILE", DEFAULT_CA_FILE),
            domain=env("SMTPTUI_POSTFIX_DOMAIN", DEFAULT_DOMAIN),
            host6=host6 or None,
            log_file=env("SMTPTUI_POSTFIX_LOG", DEFAULT_LOG_FILE),
            server_name_override=env("SMTPTUI_POSTFIX_SERVER_NAME") or None,
        )

    @property
    def server_name(self) -> str:
        """The name the certificate is valid for: verify TLS against this
        (SNI / check_hostname) while connecting to ``host``."""
        if self.server_name_override:
            return self.server_name_override
        return certificate_names(self.ca_file)[0]

    @property
    def username_only(self) -> str:
        """The user name without the realm (``testuser``); also accepted."""
        return self.user.split("@", 1)[0]

    # -- what happened to a message ------------------------------------------
    def read_log(self) -> str:
        """The whole mail log (raises OSError when it cannot be read)."""
        return Path(self.log_file).read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, pattern: str, timeout: float = 10.0) -> list[str]:
        """Wait until some log line matches the regex ``pattern``; returns the
        matching lines. Raises TimeoutError (with the log's tail) otherwise."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            lines = self.read_log().splitlines()
            hits = [line for line in lines if rx.search(line)]
            if hits:
                return hits
            if time.monotonic() > deadline:
                tail = "\n".join(lines[-15:])
                raise TimeoutError(
                    f"no line matching {pattern!r} in {self.log_file} after {timeout} s; "
                    f"last lines:\n{tail}"
                )
            time.sleep(0.05)

    def wait_for_discard(self, queue_id: str, timeout: float = 10.0) -> list[str]:
        """Wait until Postfix logged the discard of every recipient of
        ``queue_id`` and removed it from the queue; returns the discard lines."""
        qid = re.escape(queue_id)
        self.wait_for_log(rf"\b{qid}: removed\b", timeout)
        return self.wait_for_log(
            rf"\b{qid}: to=<[^>]*>.*\bstatus=sent \({re.escape(DISCARD_REASON)}\)", 0
        )


def queue_id_from_reply(reply: bytes | str) -> str | None:
    """``250 2.0.0 Ok: queued as 4Xy...`` → ``4Xy...``."""
    data = reply.encode() if isinstance(reply, str) else reply
    m = QUEUED_AS.search(data)
    return m.group(1).decode() if m else None


def queued_ids() -> set[str]:
    """Queue IDs currently in Postfix's queue (``postqueue -j``; any user may run it)."""
    out = subprocess.run(
        [POSTQUEUE, "-j"], capture_output=True, text=True, timeout=10, check=True
    ).stdout
    return set(re.findall(r'"queue_id":\s*"([0-9A-Za-z]+)"', out))


def certificate_names(cert_file: str) -> list[str]:
    """DNS names in the certificate's SAN, else its CN; first = the one to use."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    cert = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        names = san.value.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        names = []
    if not names:
        names = [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    if not names:
        raise ValueError(f"{cert_file}: certificate has neither a DNS SAN nor a CN")
    return names


def read_greeting(host: str, port: int, timeout: float = 2.0) -> bytes:
    """Connect, read the first reply line, send QUIT; raises OSError on failure."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        data = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in data and time.monotonic() < deadline:
            chunk = sock.recv(1024)
            if not chunk:
                break
            data += chunk
        with contextlib.suppress(OSError):
            sock.sendall(b"QUIT\r\n")
    return data.split(b"\n", 1)[0].rstrip(b"\r")


def probe_postfix(timeout: float = 2.0) -> tuple[PostfixPeer | None, str]:
    """(peer, "") when the peer ``postfix.sh`` configures answers within
    ``timeout`` seconds — a 220 greeting with :data:`PEER_MARKER`, so another
    SMTP server on the port (another user, AUTH before TLS, no ``::1``) is not
    mistaken for it — and its CA file is readable; otherwise (None, reason).
    ``host6`` is dropped when ``::1`` does not answer as the same peer."""
    peer = PostfixPeer.from_env()
    where = f"{peer.host}:{peer.port}"
    try:
        line = read_greeting(peer.host, peer.port, timeout)
    except OSError as exc:
        return None, f"no Postfix test peer at {where} ({exc}); {how_to_start()}"
    if not line.startswith(b"220"):
        return None, f"{where} did not greet with 220 (got {line!r}); {how_to_start()}"
    if PEER_MARKER.encode() not in line:
        return None, (
            f"the SMTP server at {where} is not the test peer tests/peers/postfix.sh "
            f"configures (its greeting {line.decode(errors='replace')!r} lacks "
            f"{PEER_MARKER!r}); {how_to_start()} (it takes over this machine's Postfix), "
            "or point SMTPTUI_POSTFIX_HOST/SMTPTUI_POSTFIX_PORT at that peer"
        )
    if not os.access(peer.ca_file, os.R_OK):
        return None, f"the peer's CA file {peer.ca_file} is not readable; {how_to_start()}"
    if peer.host6 is not None:
        try:
            same = PEER_MARKER.encode() in read_greeting(peer.host6, peer.port, timeout)
        except OSError:
            same = False
        if not same:
            peer = replace(peer, host6=None)
    return peer, ""


def postfix_peer(timeout: float = 2.0) -> PostfixPeer | None:
    """The running Postfix test peer, or None when it does not answer 220."""
    return probe_postfix(timeout)[0]


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False
