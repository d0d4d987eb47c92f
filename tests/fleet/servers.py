"""Real servers on loopback for the fleet tests: many DemoServers (some slow,
some refusing, some with expired, soon-expiring or untrusted certificates made
with trustme), started together, in the test's loop or in a thread of their
own (for CLI runs and subprocesses)."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme

from smtptui.profiles import AuthSettings, PasswordSource, Profile, TlsSettings
from smtptui.server import DemoServer, ServerConfig

NOW = dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class CertFiles:
    cert: str
    key: str


class Certificates:
    """A throw-away CA and leaf certificates for 127.0.0.1, written to ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ca = trustme.CA(organization_name="smtptui fleet test CA")
        self.ca_file = str(folder / "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_file)

    def leaf(
        self,
        name: str,
        *,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
    ) -> CertFiles:
        leaf = self.ca.issue_cert(
            "127.0.0.1", "localhost", not_before=not_before, not_after=not_after
        )
        cert, key = self.folder / f"{name}.pem", self.folder / f"{name}.key"
        leaf.cert_chain_pems[0].write_to_path(str(cert))
        leaf.private_key_pem.write_to_path(str(key))
        return CertFiles(str(cert), str(key))

    def valid(self) -> CertFiles:
        return self.leaf("valid")

    def expired(self) -> CertFiles:
        return self.leaf(
            "expired", not_before=NOW - dt.timedelta(days=60), not_after=NOW - dt.timedelta(days=2)
        )

    def expiring(self, days: int = 7) -> CertFiles:
        return self.leaf(
            "expiring",
            not_before=NOW - dt.timedelta(days=1),
            not_after=NOW + dt.timedelta(days=days, hours=12),
        )


def server_config(cert: CertFiles | None = None, **kw: Any) -> ServerConfig:
    files = {"cert_file": cert.cert, "key_file": cert.key} if cert else {}
    return ServerConfig(host="127.0.0.1", port=0, tls_port=0, **files, **kw)


class Servers:
    """Start many DemoServers at once in the running loop: ``async with``."""

    def __init__(self, configs: list[ServerConfig]) -> None:
        self.servers = [DemoServer(c) for c in configs]

    async def __aenter__(self) -> list[DemoServer]:
        await asyncio.gather(*(s.start() for s in self.servers))
        return self.servers

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(s.stop() for s in self.servers))


class ThreadedServers:
    """The same in a background thread with its own loop, for code that runs
    its own loop (the CLI under CliRunner) or another process (swaks)."""

    def __init__(self, configs: list[ServerConfig]) -> None:
        self.configs = configs
        self.servers: list[DemoServer] = []
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="fleet-test-servers")

    def _run(self) -> None:
        async def main() -> None:
            self._stop = asyncio.Event()
            try:
                async with Servers(self.configs) as servers:
                    self.servers = servers
                    self._ready.set()
                    await self._stop.wait()
            except BaseException as exc:  # report start errors to the test
                self._error = exc
                self._ready.set()

        self._loop.run_until_complete(main())
        self._loop.close()

    def __enter__(self) -> list[DemoServer]:
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError("test servers did not start within 15 s")
        if self._error is not None:
            raise self._error
        return self.servers

    def __exit__(self, *exc: object) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def profile_for(
    name: str,
    server: DemoServer,
    *,
    security: str = "starttls",
    ca_file: str | None = None,
    login: bool = False,
    password_env: str = "FLEET_TEST_PW",
    tags: tuple[str, ...] = (),
    **kw: Any,
) -> Profile:
    """A profile pointing at ``server`` (its implicit-TLS port for ``tls``)."""
    port = server.tls_port if security == "tls" else server.port
    assert port is not None
    auth = AuthSettings()
    if login:
        auth = AuthSettings(
            mechanism="login",
            username="demo",
            password=PasswordSource(kind="env", env=password_env),
        )
    return Profile(
        name=name,
        host="127.0.0.1",
        port=port,
        security=security,
        tags=tags,
        auth=auth,
        tls=TlsSettings(ca_file=ca_file),
        **kw,
    )


def profile_toml(profile: Profile) -> str:
    return profile.to_toml(reveal_secrets=True)


def write_profiles(folder: Path, profiles: list[Profile]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for profile in profiles:
        path = folder / f"{profile.slug}.toml"
        path.write_text(profile_toml(profile), encoding="utf-8")
        path.chmod(0o600)
    return folder
