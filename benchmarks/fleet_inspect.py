"""What ``check --all --inspect`` costs over ``check --all`` (issue 13 §6: "keep
the fleet checks fast").

Run from the repository root (the venv active)::

    python benchmarks/fleet_inspect.py              # 20 MX hosts, 3 rounds (~30 s)
    python benchmarks/fleet_inspect.py --servers 40 --delay 0.05 --dns-delay 0.03

A fleet of ``--servers`` built-in servers (STARTTLS, a trustme chain each for
``mxNN.example.test``, every reply delayed by ``--delay`` s like a network
round trip) runs in a process of its own with a local HTTPS server for the
MTA-STS policies of five mail domains.  The profiles (one per server, each an
MX host of one of the domains, verified against the trustme root) are checked
by the engine in this process:

- ``check_many(profiles)``: the plain fleet check (the baseline, same run);
- ``check_many(profiles, transport=…)``: plus the chain, DANE and MTA-STS —
  a second handshake per profile (DANE needs the chain), a TLSA look-up per
  host and the five domains' TXT, policy and TLS-RPT look-ups, answered by an
  in-process stub resolver that waits ``--dns-delay`` s per query.

Target (ours): the inspected run takes at most twice the plain one.  Exit 0
when met, 1 when missed, 2 when the benchmark could not run.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(REPO))

from common import machine_facts, table  # noqa: E402

DOMAINS = [f"d{i}.example.test" for i in range(5)]
TARGET_RATIO = 2.0


def host_name(i: int) -> str:
    return f"mx{i:02d}.{DOMAINS[i % len(DOMAINS)]}"


def _serve(folder: str, count: int, delay: float, conn) -> None:  # pragma: no cover
    """The servers' process: the SMTP fleet and the policy server."""
    import trustme

    from smtptui.server import DemoServer, ServerConfig
    from tests.inspection.policy_server import PolicyServer, Reply, policy

    async def main() -> None:
        ca = trustme.CA()
        ca.cert_pem.write_to_path(f"{folder}/root.pem")
        servers = []
        for i in range(count):
            leaf = ca.issue_cert(host_name(i))
            cert, key = f"{folder}/{i}.pem", f"{folder}/{i}.key"
            for n, blob in enumerate(leaf.cert_chain_pems):
                blob.write_to_path(cert, append=n > 0)
            leaf.private_key_pem.write_to_path(key)
            servers.append(
                DemoServer(
                    ServerConfig(
                        host="127.0.0.1", port=0, cert_file=cert, key_file=key, reply_delay=delay
                    )
                )
            )
        await asyncio.gather(*(s.start() for s in servers))
        web = PolicyServer(ca, [f"mta-sts.{d}" for d in DOMAINS]).start()
        for d in DOMAINS:
            web.routes[f"mta-sts.{d}"] = Reply(body=policy("enforce", f"*.{d}"))
        conn.send(([s.port for s in servers], web.port))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told to stop
        web.stop()
        await asyncio.gather(*(s.stop() for s in servers))

    asyncio.run(main())


class SlowStub:
    """The stub resolver of the tests, waiting ``delay`` s per query."""

    def __init__(self, answers: dict, delay: float) -> None:
        from tests.inspection.conftest import StubResolver

        self.inner = StubResolver(answers)
        self.delay = delay

    async def resolve(self, qname: str, rdtype: str):
        await asyncio.sleep(self.delay)
        return await self.inner.resolve(qname, rdtype)


def answers(ports: list[int], folder: str) -> dict:
    import hashlib
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from tests.inspection.conftest import TXT, Answer, tlsa

    out: dict = {}
    for i, port in enumerate(ports):
        pem = Path(f"{folder}/{i}.pem").read_text().split("-----END CERTIFICATE-----")[0]
        der = ssl.PEM_cert_to_DER_cert(pem + "-----END CERTIFICATE-----\n")
        spki = (
            x509.load_der_x509_certificate(der)
            .public_key()
            .public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        )
        record = tlsa(f"3 1 1 {hashlib.sha256(spki).hexdigest()}")
        out[(f"_{port}._tcp.{host_name(i)}", "TLSA")] = Answer([record], ad=True)
    for d in DOMAINS:
        out[(f"_mta-sts.{d}", "TXT")] = [TXT.of("v=STSv1; id=1;")]
        out[(f"_smtp._tls.{d}", "TXT")] = [TXT.of(f"v=TLSRPTv1; rua=mailto:tls@{d}")]
    return out


async def measure(ports, web_port, folder, rounds, dns_delay):
    import trustme  # noqa: F401  (the client's transport needs it importable)

    from smtptui.fleet import check_many
    from smtptui.fleet.transport import TransportLookups
    from smtptui.profiles import Profile, TlsSettings
    from tests.inspection.policy_server import ToLoopback

    class _CA:  # ToLoopback wants something with configure_trust
        def configure_trust(self, ctx):
            ctx.load_verify_locations(f"{folder}/root.pem")

    import httpx

    def http():
        # the policy server's certificate is from the same root as the MX hosts'
        return httpx.AsyncClient(transport=ToLoopback(web_port, _CA()))

    profiles = [
        Profile(
            name=f"mx{i:02d}",
            host="127.0.0.1",
            port=port,
            security="starttls",
            tls=TlsSettings(ca_file=f"{folder}/root.pem", server_hostname=host_name(i)),
            mail_domain=DOMAINS[i % len(DOMAINS)],
        )
        for i, port in enumerate(ports)
    ]
    records = answers(ports, folder)
    plain, inspected, verdicts = [], [], set()
    cpu = {"plain": [], "inspected": []}
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        results = await check_many(profiles, concurrency=64, auth=False)
        plain.append(time.perf_counter() - t0)
        cpu["plain"].append(time.process_time() - c0)
        assert all(r.ok for r in results), [r.error for r in results if not r.ok]
        lookups = TransportLookups(
            resolver_factory=lambda: SlowStub(records, dns_delay), http_factory=http
        )
        t0, c0 = time.perf_counter(), time.process_time()
        results = await check_many(profiles, concurrency=64, auth=False, transport=lookups)
        inspected.append(time.perf_counter() - t0)
        cpu["inspected"].append(time.process_time() - c0)
        verdicts |= {(r.transport.chain, r.transport.dane, r.transport.mta_sts) for r in results}
    return plain, inspected, verdicts, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds per SMTP reply")
    parser.add_argument("--dns-delay", type=float, default=0.02, help="seconds per DNS query")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    facts = machine_facts()
    print(f"# {facts['date']} · {facts['cpu']} · {facts['cpus_usable']} CPUs usable · "
          f"{facts['python']} · load {facts['loadavg']} · {facts['source']}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        ctx = multiprocessing.get_context("spawn")
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(folder, args.servers, args.delay, theirs))
        proc.start()
        try:
            if not mine.poll(60):
                print("the servers did not start", file=sys.stderr)
                return 2
            ports, web_port = mine.recv()
            plain, inspected, verdicts, cpu = asyncio.run(
                measure(ports, web_port, folder, args.rounds, args.dns_delay)
            )
        finally:
            mine.send("stop")
            proc.join(30)
    a, b = statistics.median(plain), statistics.median(inspected)
    ratio = b / a
    ca, cb = statistics.median(cpu["plain"]), statistics.median(cpu["inspected"])
    print(table(
        ["run", "wall s (median)", "range", "vs plain", "client CPU s"],
        [[f"check_many, {args.servers} profiles", f"{a:.2f}",
          f"{min(plain):.2f}–{max(plain):.2f}", "1 (baseline)", f"{ca:.2f}"],
         ["… with transport (chain, DANE, MTA-STS)", f"{b:.2f}",
          f"{min(inspected):.2f}–{max(inspected):.2f}", f"{ratio:.2f}×", f"{cb:.2f}"]],
    ))  # fmt: skip
    print(f"verdicts seen: {sorted(verdicts)}")
    ok = ratio <= TARGET_RATIO and verdicts == {("ok", "match", "enforce")}
    print(f"target: inspected ≤ {TARGET_RATIO:g} × plain, every profile ok/match/enforce: "
          f"{'PASS' if ok else 'FAIL'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
