"""A mixed fleet of real loopback servers, described once for the fleet tests."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from smtptui.profiles import Profile
from smtptui.server import ServerConfig
from tests.fleet.servers import Certificates, profile_for, server_config

PASSWORD_ENV = "FLEET_TEST_PW"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def certs(tmp_path: Path) -> Certificates:
    return Certificates(tmp_path)


@pytest.fixture(autouse=True)
def _demo_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "demo")


@dataclass
class FleetSpec:
    """Server configs plus, per server, how to make its profile once it listens."""

    configs: list[ServerConfig] = field(default_factory=list)
    makers: list = field(default_factory=list)  # (servers) -> Profile
    expected: dict[str, str] = field(default_factory=dict)  # name -> "ok" | phase

    def add(self, name: str, config: ServerConfig, expect: str = "ok", **profile_kw) -> None:
        index = len(self.configs)
        self.configs.append(config)
        self.makers.append(lambda servers, i=index: profile_for(name, servers[i], **profile_kw))
        self.expected[name] = expect

    def profiles(self, servers) -> list[Profile]:
        out = [make(servers) for make in self.makers]
        closed = Profile(name="closed-port", host="127.0.0.1", port=free_port(), tags=("bad",))
        self.expected.setdefault("closed-port", "connect")
        return [*out, closed]


def mixed_fleet(certs: Certificates, *, delay: float = 0.3) -> FleetSpec:
    """23 servers and a closed port: STARTTLS, implicit TLS and plain ones,
    logins, slow ones, refusing ones, expired / expiring / untrusted certificates."""
    spec = FleetSpec()
    valid = certs.valid()
    for i in range(10):
        spec.add(
            f"starttls-{i:02d}",
            server_config(valid),
            ca_file=certs.ca_file,
            login=i % 2 == 0,
            tags=("good",),
        )
    for i in range(3):
        spec.add(
            f"tls-{i}",
            server_config(valid),
            security="tls",
            ca_file=certs.ca_file,
            login=True,
            tags=("good",),
        )
    for i in range(2):
        spec.add(f"plain-{i}", server_config(valid), security="plain", tags=("good",))
    for i in range(3):
        spec.add(
            f"slow-{i}",
            server_config(valid, reply_delay=delay),
            ca_file=certs.ca_file,
            tags=("slow",),
        )
    for i in range(2):
        spec.add(
            f"refusing-{i}",
            server_config(valid, refuse_greeting=True),
            expect="greeting",
            ca_file=certs.ca_file,
            tags=("bad",),
        )
    spec.add(
        "expired",
        server_config(certs.expired()),
        expect="tls",
        ca_file=certs.ca_file,
        tags=("bad",),
    )
    spec.add("expiring", server_config(certs.expiring()), ca_file=certs.ca_file, tags=("good",))
    spec.add("untrusted", server_config(), expect="tls", ca_file=certs.ca_file, tags=("bad",))
    return spec
