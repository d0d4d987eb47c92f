"""Talking to a domain the way a mail server would: its MX hosts in order,
each host's addresses in turn, on to the next when one cannot be reached or
turns the client away in its greeting (RFC 5321 §5.1: "try each of the
relevant addresses in this list in order").  A refusal later in the
conversation is the server's answer and ends the search.

Every decision is a note in the transcript: the MX list, which host and
address is tried, why one was skipped, which was chosen.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from smtptui.i18n import t
from smtptui.inspection.mx import MxHost, MxRoute, host_addresses, mx_route
from smtptui.protocol import events as ev
from smtptui.protocol.connect import host_label
from smtptui.protocol.errors import ConnectError, Phase, SmtpError, SmtpTimeout

if TYPE_CHECKING:
    from collections.abc import Callable

    from smtptui.protocol.config import SessionConfig
    from smtptui.protocol.session import Session
    from smtptui.protocol.transaction import Outcome, Plan


@dataclass(frozen=True, slots=True)
class Skipped:
    host: MxHost
    address: str | None
    reason: str


@dataclass(slots=True)
class Routed:
    route: MxRoute
    outcome: Outcome | None  # None: nothing could be tried (null MX)
    session: Session | None
    chosen: MxHost | None
    skipped: list[Skipped]


def _short(reason: str, limit: int = 120) -> str:
    """A skip reason short enough for one line of the transcript."""
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


def _worth_next(error: SmtpError | None) -> bool:
    """Try the next address after this failure?"""
    if error is None:
        return False
    if isinstance(error, (ConnectError, SmtpTimeout)) and error.phase is Phase.CONNECT:
        return True
    return error.phase is Phase.GREETING


async def route_and_converse(
    domain: str,
    cfg: SessionConfig,
    plan: Plan,
    *,
    resolver: Any,
    subscriber: Callable[[ev.Event], None],
    lang: str | None = None,
    rng: random.Random | None = None,
    session_factory: Callable[[SessionConfig], Session] | None = None,
) -> Routed:
    """Look up ``domain``'s MX hosts and run ``plan`` against the first that
    answers.  ``cfg`` is the template (port, security, TLS, timeouts); each
    attempt connects to one address and verifies the certificate against the
    MX host's name (unless ``cfg.tls.server_hostname`` names another)."""
    from smtptui.protocol.transaction import converse

    async def attempt(session: Session) -> tuple[Outcome | None, SmtpError | None]:
        outcome = await converse(session, plan)
        return outcome, outcome.error

    return await _route(
        domain, cfg, attempt, resolver=resolver, subscriber=subscriber, lang=lang, rng=rng,
        session_factory=session_factory,
    )  # fmt: skip


async def route_and_connect(
    domain: str,
    cfg: SessionConfig,
    plan: Plan,
    *,
    resolver: Any,
    subscriber: Callable[[ev.Event], None],
    lang: str | None = None,
) -> Routed:
    """Like :func:`route_and_converse`, but the chosen MX's session stays open
    after ``plan``'s handshake (``establish``): a live session for the
    dashboard.  A host that cannot be reached or refuses the greeting is
    closed and skipped; any later refusal is the answer (raised)."""
    from smtptui.protocol.transaction import establish

    async def attempt(session: Session) -> tuple[None, SmtpError | None]:
        try:
            await establish(session, plan)
        except SmtpError as exc:
            if not _worth_next(exc):
                await session.aclose()
                raise
            await session.aclose()
            return None, exc
        return None, None

    return await _route(domain, cfg, attempt, resolver=resolver, subscriber=subscriber, lang=lang)


async def _route(
    domain: str,
    cfg: SessionConfig,
    attempt: Callable[[Session], Any],
    *,
    resolver: Any,
    subscriber: Callable[[ev.Event], None],
    lang: str | None,
    rng: random.Random | None = None,
    session_factory: Callable[[SessionConfig], Session] | None = None,
) -> Routed:
    """The MX walk itself: every decision a note; ``attempt(session)`` returns
    ``(outcome, error)`` — an error worth trying the next address for moves on."""
    from smtptui.protocol.session import Session

    def note(key: str, level: str = "info", **values: Any) -> None:
        subscriber(ev.Note(text=t(f"inspect.route.{key}", lang, **values), level=level))

    route = await mx_route(domain, resolver, rng=rng)
    if route.null_mx:
        note("null_mx", "warning", domain=domain)
        return Routed(route, None, None, None, [])
    if route.hosts[0].implicit:
        note("implicit", domain=domain)
    else:
        listed = ", ".join(f"{h.preference} {h.name}" for h in route.hosts)
        note("list", domain=domain, hosts=listed)
    if route.ignored_null:
        note("ignored_null", "warning", domain=domain)
    skipped: list[Skipped] = []
    outcome: Outcome | None = None
    session: Session | None = None
    make = session_factory or Session
    for host in route.hosts:
        try:
            found = await host_addresses(resolver, host, cfg.family)
        except Exception as exc:  # an InspectionError: one sentence, next host
            reason = exc.text(lang) if hasattr(exc, "text") else str(exc)
            skipped.append(Skipped(host, None, reason))
            note("no_address", "warning", host=host.name, reason=reason)
            continue
        if not found:
            reason = t("inspect.route.reason_no_address", lang)
            skipped.append(Skipped(host, None, reason))
            note("no_address", "warning", host=host.name, reason=reason)
            continue
        for address in found:
            note(
                "trying",
                host=host.name,
                preference=host.preference,
                address=host_label(address, cfg.port),
            )
            tls = (
                cfg.tls if cfg.tls.server_hostname else replace(cfg.tls, server_hostname=host.name)
            )
            session = make(replace(cfg, host=address, tls=tls))
            session.subscribe(subscriber)
            outcome, error = await attempt(session)
            if _worth_next(error):
                assert error is not None
                skipped.append(Skipped(host, address, error.sentence))
                note("skipped", "warning", host=host.name, address=address)
                continue
            note(
                "chosen",
                host=host.name,
                preference=host.preference,
                skipped="; ".join(f"{s.host.name} ({_short(s.reason)})" for s in skipped)
                or t("inspect.route.none_skipped", lang),
            )
            return Routed(route, outcome, session, host, skipped)
    note("all_failed", "warning", domain=domain)
    return Routed(route, outcome, session, None, skipped)
