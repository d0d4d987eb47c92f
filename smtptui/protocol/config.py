"""How to reach a server: everything a :class:`Session` needs before it connects."""

from __future__ import annotations

from dataclasses import dataclass, field

#: RFC 5321 §4.5.3.2 minimum client timeouts, seconds.
RFC_TIMEOUTS: dict[str, float] = {
    "connect": 30.0,  # not in the RFC: how long to wait for TCP (and a TLS handshake)
    "greeting": 300.0,
    "command": 300.0,  # EHLO, RCPT, MAIL, RSET, ... ("5 minutes")
    "data_init": 120.0,
    "data_block": 180.0,
    "data_end": 600.0,
}

SECURITY_MODES = ("plain", "starttls", "tls")
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "tls": 465}

#: swaks' --quit-after names, in conversation order (here, not in ``transaction``,
#: so the command line can offer them without loading the engine).
BREAKPOINTS = ("connect", "ehlo", "tls", "auth", "mail", "rcpt", "data")


@dataclass(frozen=True, slots=True)
class TlsConfig:
    verify: bool = True
    ca_file: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    min_version: str | None = None  # "TLSv1.2" | "TLSv1.3"
    server_hostname: str | None = None  # SNI and name to verify; defaults to the host


@dataclass(frozen=True, slots=True)
class SessionConfig:
    host: str
    port: int = 25
    security: str = "plain"  # plain | starttls | tls
    helo: str | None = None  # EHLO name; defaults to the local host name
    timeout: float | None = None  # one number overrides every RFC timeout
    family: str = "auto"  # auto | ipv4 | ipv6
    local_address: str | None = None
    tls: TlsConfig = field(default_factory=TlsConfig)
    allow_insecure_auth: bool = False  # send credentials without TLS

    def timeout_for(self, what: str) -> float:
        if self.timeout is not None:
            return self.timeout
        return RFC_TIMEOUTS[what]
