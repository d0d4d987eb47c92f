"""Inspector fixtures: a stub DNS resolver (MX, A/AAAA, TLSA with or without
the AD bit) and certificate chains made by trustme, served by the built-in
SMTP server on loopback.  No network beyond 127.0.0.0/8."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dns.flags
import dns.rdata
import dns.resolver
import pytest
import trustme

from smtptui.server import DemoServer, ServerConfig

MX_NAME = "mx.example.test"


@dataclass(frozen=True)
class MX:
    preference: int
    exchange: str


@dataclass(frozen=True)
class A:
    address: str


@dataclass(frozen=True)
class TXT:
    strings: tuple[bytes, ...]

    @classmethod
    def of(cls, text: str) -> TXT:
        return cls((text.encode(),))


@dataclass
class _Response:
    flags: int


@dataclass
class Answer:
    """An iterable of records with a ``response`` carrying DNS flags, as
    dnspython's answers have."""

    records: list[Any]
    ad: bool = False
    response: _Response = field(init=False)

    def __post_init__(self) -> None:
        flags = dns.flags.QR | dns.flags.RD | dns.flags.RA | (dns.flags.AD if self.ad else 0)
        self.response = _Response(int(flags))

    def __iter__(self):
        return iter(self.records)


class StubResolver:
    """``{(name, type): records | Answer | exception}``; NXDOMAIN otherwise."""

    def __init__(self, answers: dict[tuple[str, str], Any] | None = None) -> None:
        self.answers = dict(answers or {})
        self.queries: list[tuple[str, str]] = []

    async def resolve(self, qname: str, rdtype: str):
        self.queries.append((qname, rdtype))
        await asyncio.sleep(0)
        answer = self.answers.get((qname, rdtype), dns.resolver.NXDOMAIN())
        if isinstance(answer, BaseException):
            raise answer
        return answer


def tlsa(text: str) -> Any:
    """A real dnspython TLSA record from its presentation form."""
    return dns.rdata.from_text("IN", "TLSA", text)


@dataclass
class Chains:
    """Certificate chains for one name, all under one root CA."""

    root: trustme.CA
    intermediate: trustme.CA
    folder: Path

    def ca_file(self) -> str:
        path = self.folder / "root.pem"
        self.root.cert_pem.write_to_path(path)
        return str(path)

    def leaf(self, kind: str = "valid", name: str = MX_NAME) -> tuple[str, str]:
        """(cert file, key file) for ``kind``: valid, expired, wrong_name,
        missing_intermediate, self_signed."""
        now = dt.datetime.now(dt.UTC)
        if kind == "self_signed":
            own = trustme.CA()
            leaf = own.issue_cert(name)
            # a self-signed server certificate: the CA's own cert as the leaf
            cert = self.folder / "self.pem"
            key = self.folder / "self.key"
            own.cert_pem.write_to_path(cert)
            own.private_key_pem.write_to_path(key)
            del leaf
            return str(cert), str(key)
        if kind == "expired":
            leaf = self.intermediate.issue_cert(
                name, not_before=now - dt.timedelta(days=60), not_after=now - dt.timedelta(days=3)
            )
        elif kind == "wrong_name":
            leaf = self.intermediate.issue_cert("other.example.test")
        else:
            leaf = self.intermediate.issue_cert(name)
        cert = self.folder / f"{kind}.pem"
        key = self.folder / f"{kind}.key"
        if kind == "missing_intermediate":
            leaf.cert_chain_pems[0].write_to_path(cert)
        else:
            for i, blob in enumerate(leaf.cert_chain_pems):
                blob.write_to_path(cert, append=i > 0)
        leaf.private_key_pem.write_to_path(key)
        return str(cert), str(key)


@pytest.fixture
def chains(tmp_path: Path) -> Chains:
    root = trustme.CA()
    return Chains(root, root.create_child_ca(), tmp_path)


@pytest.fixture
async def serve():
    """Start the built-in server with a given certificate; stopped afterwards."""
    servers: list[DemoServer] = []

    async def start(cert: str | None = None, key: str | None = None, **options: Any) -> DemoServer:
        server = DemoServer(
            ServerConfig(host="127.0.0.1", port=0, cert_file=cert, key_file=key, **options)
        )
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


class BackgroundServer:
    """The built-in server on its own loop, for CLI tests (click runs its own);
    with ``cert``/``key``, serving that chain."""

    def __init__(self, cert: str | None = None, key: str | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = DemoServer(
            ServerConfig(host="127.0.0.1", port=0, cert_file=cert, key_file=key)
        )
        self.loop.run_until_complete(self.server.start())
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
