"""``check --all --inspect``: each profile's transport security after its health
check — the chain's verification, DANE and its mail domain's MTA-STS — folded
into the :class:`CheckResult` as :class:`TransportFacts`.

Kept fast:

- a second TLS handshake (the inspector's, which sees the whole chain) is
  made only when it tells something new: DANE needs the chain, and a chain
  the check could not verify needs the reason; a chain the check verified
  against the server's name is ``ok`` as it is;
- DNS and HTTPS look-ups run concurrently with the other profiles' checks,
  each bounded in time; a domain's MTA-STS policy and TLS-RPT record are
  looked up once per run however many of its MX hosts are profiles;
- a profile that names an IP address (or the built-in server) has no DNS
  name to look up: DANE and MTA-STS are ``n/a``, never a failure.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from smtptui.fleet.transport_facts import TransportFacts
from smtptui.i18n.sentence import Sentence

if TYPE_CHECKING:
    from collections.abc import Callable

    from smtptui.builtin import BuiltinServer
    from smtptui.fleet.results import CheckResult
    from smtptui.inspection.sts import Published
    from smtptui.profiles import Profile
    from smtptui.protocol.config import SessionConfig

#: Seconds for one DNS or HTTPS look-up.
LOOKUP_TIMEOUT = 10.0


class TransportLookups:
    """What one run shares: the resolver, the HTTPS client and each mail
    domain's published policy (looked up once).  Both are made on first use
    by ``resolver_factory`` and ``http_factory`` (tests: a stub resolver and
    a client for a local server; by default dnspython's resolver and an
    httpx client); :meth:`aclose` closes the client."""

    def __init__(
        self,
        *,
        resolver_factory: Callable[[], Any] | None = None,
        http_factory: Callable[[], Any] | None = None,
        timeout: float = LOOKUP_TIMEOUT,
    ) -> None:
        self.timeout = timeout
        self._resolver_factory = resolver_factory
        self._http_factory = http_factory
        self._resolver: Any = None
        self._resolver_error: Sentence | None = None
        self._http: Any = None
        self._domains: dict[str, asyncio.Task[Published]] = {}

    @property
    def resolver(self) -> Any:
        """The resolver, or ``None`` (then :attr:`resolver_error` says why)."""
        if self._resolver is None and self._resolver_error is None:
            from smtptui.inspection.errors import InspectionError
            from smtptui.inspection.mx import default_resolver

            try:
                make = self._resolver_factory or (lambda: default_resolver(self.timeout))
                self._resolver = make()
            except InspectionError as exc:
                self._resolver_error = exc.sentence
        return self._resolver

    @property
    def resolver_error(self) -> Sentence | None:
        return self._resolver_error

    def http(self) -> Any:
        if self._http is None:
            if self._http_factory is not None:
                self._http = self._http_factory()
            else:
                import httpx

                from smtptui import __version__

                agent = f"smtptui/{__version__} (fleet)"
                self._http = httpx.AsyncClient(headers={"User-Agent": agent})
        return self._http

    def prefetch(self, domain: str) -> None:
        """Start looking up ``domain``'s policy now (once per run)."""
        from smtptui.inspection.sts import lookup_published

        if domain not in self._domains and self.resolver is not None:
            work = lookup_published(
                domain, resolver=self.resolver, http=self.http(), timeout=self.timeout
            )
            self._domains[domain] = asyncio.ensure_future(work)

    async def published(self, domain: str) -> Published:
        from smtptui.inspection.sts import Published

        if self.resolver is None:
            return Published(domain, lookup_error=self.resolver_error)
        self.prefetch(domain)
        return await asyncio.shield(self._domains[domain])

    async def aclose(self) -> None:
        for task in self._domains.values():
            task.cancel()
        if self._http is not None:
            await self._http.aclose()


def dns_name(profile: Profile, cfg: SessionConfig) -> str | None:
    """The name DANE and MTA-STS are about (the TLS name, else the host), or
    ``None`` when there is none to look up."""
    if profile.builtin_server:
        return None
    from smtptui.profiles.schema import is_ip_address

    name = (cfg.tls.server_hostname or cfg.host).strip("[]").rstrip(".").lower()
    if is_ip_address(name) or name == "localhost" or name.endswith(".localhost"):
        return None
    return name if "." in name else None


def _na(key: str) -> Sentence:
    return Sentence.of(f"inspect.fleet.na.{key}")


def _raw(text: str) -> Sentence:
    return Sentence.of("inspect.sts.raw", text=text)


def start_early(
    profile: Profile,
    cfg: SessionConfig,
    lookups: TransportLookups,
    builtin: BuiltinServer | None = None,
) -> asyncio.Task[Early] | None:
    """The work that does not depend on the health check's outcome — for a
    TLS profile with a DNS name: the inspector's handshake, the TLSA look-up
    and the mail domain's policy — started now, to run alongside the check.
    ``None`` when there is nothing to start early.  Cancel it if the check's
    result will not be passed to :func:`transport_facts`."""
    name = dns_name(profile, cfg)
    if name is None or cfg.security not in ("starttls", "tls"):
        return None
    if profile.mail_domain:
        lookups.prefetch(profile.mail_domain)

    async def early() -> Early:
        try:
            hs, tlsa = await asyncio.gather(
                _handshake(profile, cfg, builtin), _tlsa(lookups, name, cfg.port)
            )
        except Exception as exc:  # never an unretrieved exception: a fact like the others
            return Early((None, (), _raw(f"{type(exc).__name__}: {exc}"[:200])), None)
        return Early(hs, tlsa)

    return asyncio.ensure_future(early())


class Early:
    """What :func:`start_early` found: the handshake and the TLSA answer."""

    def __init__(self, handshake: tuple[Any, tuple[bytes, ...], Sentence | None], tlsa: Any):
        self.handshake = handshake
        self.tlsa = tlsa


async def transport_facts(
    profile: Profile,
    result: CheckResult,
    cfg: SessionConfig,
    lookups: TransportLookups,
    *,
    builtin: BuiltinServer | None = None,
    timeout: float = 30.0,
    early: asyncio.Task[Early] | None = None,
) -> TransportFacts:
    """The facts for one checked profile; never raises (a failure is a fact).
    ``early``: :func:`start_early`'s task for this profile, if it was started."""
    published: asyncio.Future[Published] | None = None
    try:
        async with asyncio.timeout(timeout):
            name = dns_name(profile, cfg)
            if profile.mail_domain and name:
                # what MTA-STS needs from DNS and HTTPS starts now, while we handshake
                published = asyncio.ensure_future(lookups.published(profile.mail_domain))
            return await _verdicts(profile, result, cfg, lookups, builtin, early, published, name)
    except TimeoutError:
        why = Sentence.of("inspect.fleet.too_slow", seconds=f"{timeout:g}")
        return TransportFacts(chain="error", chain_why=why, dane="error", dane_why=(why,))
    except Exception as exc:  # the local library, say: one sentence, the others go on
        why = _raw(f"{type(exc).__name__}: {exc}"[:200])
        return TransportFacts(chain="error", chain_why=why)
    finally:
        for pending in (early, published):
            if pending is not None and not pending.done():
                pending.cancel()


async def _verdicts(
    profile: Profile,
    result: CheckResult,
    cfg: SessionConfig,
    lookups: TransportLookups,
    builtin: BuiltinServer | None,
    early: asyncio.Task[Early] | None,
    published: asyncio.Future[Published] | None,
    name: str | None,
) -> TransportFacts:
    uses_tls = cfg.security in ("starttls", "tls")
    reached = uses_tls and result.tls is not None
    domain = profile.mail_domain
    facts = TransportFacts(mail_domain=domain)
    # -- the chain
    verification, chain, tlsa = None, (), None
    if not uses_tls:
        facts = replace(facts, chain="n/a", chain_why=_na("no_tls"))
    elif not reached:
        facts = replace(facts, chain="n/a", chain_why=_na("not_reached"))
    elif result.tls is not None and result.tls.verified is True and name is None:
        facts = replace(facts, chain="ok")  # verified by the check; nothing more to learn
    else:
        if early is not None:
            found = await early
            (verification, chain, failure), tlsa = found.handshake, found.tlsa
        else:
            verification, chain, failure = await _handshake(profile, cfg, builtin)
        if failure is not None:
            facts = replace(facts, chain="error", chain_why=failure)
        elif verification is not None:
            from smtptui.inspection.report import verification_sentence

            state = "ok" if verification.ok else "failed"
            facts = replace(facts, chain=state, chain_why=verification_sentence(verification))
    # -- DANE
    facts = await _dane(
        facts, name, uses_tls, chain, cfg.port, lookups, tlsa, builtin=profile.builtin_server
    )
    # -- MTA-STS
    if not domain:
        facts = replace(facts, mta_sts_why=((_na("no_domain"), None),))
    elif published is None:
        facts = replace(facts, mta_sts_why=((_na("ip"), None),))
    else:
        facts = _mta_sts(facts, await published, name or "", result, verification)
    return facts


async def _handshake(
    profile: Profile, cfg: SessionConfig, builtin: BuiltinServer | None
) -> tuple[Any, tuple[bytes, ...], Sentence | None]:
    """The inspector's handshake: (verification, chain, why it failed)."""
    from smtptui.inspection.chain import verify_chain
    from smtptui.inspection.handshake import TlsRefused, inspect_handshake
    from smtptui.protocol.errors import SmtpError

    if profile.builtin_server and builtin is not None:
        cfg = await builtin.retarget(cfg)
    # pyOpenSSL and cryptography load in a thread the first time, so a live
    # view (the dashboard) keeps drawing while they do
    await asyncio.to_thread(_load_tls_libraries)
    try:
        hs = await inspect_handshake(cfg)
    except TlsRefused as exc:
        return None, (), _raw(exc.reason)
    except SmtpError as exc:
        return None, (), _raw(exc.sentence)
    name = cfg.tls.server_hostname or cfg.host
    return verify_chain(hs.chain, name, ca_file=cfg.tls.ca_file), hs.chain, None


async def _tlsa(lookups: TransportLookups, name: str, port: int) -> Any:
    """``(records, AD bit)``, or a :class:`Sentence` saying why the look-up failed."""
    from smtptui.inspection.dane import lookup_tlsa
    from smtptui.inspection.errors import InspectionError

    resolver = lookups.resolver
    if resolver is None:
        return lookups.resolver_error or _raw("?")
    try:
        return await lookup_tlsa(resolver, name, port)
    except InspectionError as exc:
        return exc.sentence


def _load_tls_libraries() -> None:
    import cryptography.x509  # noqa: F401
    import OpenSSL.SSL  # noqa: F401


async def _dane(
    facts: TransportFacts,
    name: str | None,
    uses_tls: bool,
    chain: tuple[bytes, ...],
    port: int,
    lookups: TransportLookups,
    tlsa: Any,
    *,
    builtin: bool,
) -> TransportFacts:
    from smtptui.inspection.dane import check, tlsa_name

    if not uses_tls:
        return replace(facts, dane="n/a", dane_why=(_na("no_tls"),))
    if name is None:
        return replace(facts, dane="n/a", dane_why=(_na("builtin" if builtin else "ip"),))
    where = tlsa_name(name, port)
    if not chain:
        return replace(facts, dane="n/a", dane_name=where, dane_why=(_na("no_chain"),))
    if tlsa is None:
        tlsa = await _tlsa(lookups, name, port)
    if isinstance(tlsa, Sentence):
        return replace(facts, dane="error", dane_name=where, dane_why=(tlsa,))
    records, ad = tlsa
    report = check(records, chain, where, ad)
    why: list[Sentence] = []
    for r in report.results:
        if not r.matched:
            reason = Sentence.of(f"inspect.dane.why.{r.why}")
            why.append(Sentence.of("inspect.fleet.dane_record", record=r.record.text,
                                   label=r.record.label, why=reason))  # fmt: skip
    if report.outcome != "none" and report.authenticated is not True:
        why.append(Sentence.of("inspect.fleet.dane_no_ad"))
    return replace(
        facts,
        dane=report.outcome,
        dane_name=report.name,
        dane_ad=report.authenticated,
        dane_why=tuple(why),
    )


def _mta_sts(
    facts: TransportFacts,
    published: Published,
    host: str,
    result: CheckResult,
    verification: Any,
) -> TransportFacts:
    from smtptui.inspection.sts import MxCheck, evaluate, matching_pattern, mx_check

    if verification is not None:
        check = mx_check(host, published.policy, verification)
    elif result.tls is not None and result.tls.verified is True:
        pattern = matching_pattern(published.policy, host) if published.policy else None
        check = MxCheck(host, pattern, "valid")
    else:
        check = mx_check(host, published.policy, None, facts.chain_why or _na("not_reached"))
    report = evaluate(published, [check])
    why: list[tuple[Sentence, Sentence | None]] = []
    if report.status == "error" and published.lookup_error is not None:
        why.append((published.lookup_error, None))
    for problem in report.problems:
        if problem.broken:
            why.append((problem.sentence, problem.fix_sentence))
    rpt = published.tlsrpt
    return replace(
        facts,
        mta_sts=report.status,
        mta_sts_why=tuple(why),
        tlsrpt=rpt.state,
        tlsrpt_why=rpt.why,
    )
