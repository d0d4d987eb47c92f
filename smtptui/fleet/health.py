"""One health check: connect, banner, EHLO, STARTTLS as configured, EHLO
again, AUTH when credentials are available without asking, QUIT.  Never a MAIL
command.  (Many at once: :mod:`smtptui.fleet.batch`.)

Each check is bounded as a whole by ``timeout``; cancelled, it still tries a
short QUIT and closes its socket before the cancellation finishes.  Its
latencies come from the session's events, whose times are taken where the
bytes were seen (see :mod:`smtptui.protocol.stream`); a refusal is explained
from the reference catalogue (or, with ``explain=False``, later, by
:func:`explain_result`, off the loop that measures).
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from smtptui.fleet.results import (
    CapabilityFacts,
    CheckResult,
    Explained,
    PhaseLatencies,
    ReplyFacts,
    TlsFacts,
)
from smtptui.protocol import events as ev
from smtptui.protocol.capabilities import Capabilities
from smtptui.protocol.connect import host_label
from smtptui.protocol.errors import Phase, SmtpError, SmtpTimeout, TlsError, exit_code_for
from smtptui.protocol.session import Session, phase_of
from smtptui.protocol.transaction import Credentials, Plan, establish

if TYPE_CHECKING:
    from smtptui.builtin import BuiltinServer
    from smtptui.profiles import Profile
    from smtptui.protocol.config import SessionConfig

EventCallback = Callable[[str, ev.Event], Any]

#: Seconds one whole check may take when the caller gives no timeout.
DEFAULT_TIMEOUT = 30.0
#: Longest wait for the reply to QUIT (the check's own budget may be spent).
QUIT_BUDGET = 2.0
_MIN_QUIT_BUDGET = 0.2

_COMMAND_OF_PHASE = {
    Phase.CONNECT: "connect",
    Phase.GREETING: "connect",
    Phase.EHLO: "EHLO",
    Phase.TLS: "STARTTLS",
    Phase.AUTH: "AUTH",
}


async def check_profile(
    profile: Profile,
    *,
    timeout: float | None = None,
    on_event: EventCallback | None = None,
    builtin: BuiltinServer | None = None,
    config: SessionConfig | None = None,
    auth: bool = True,
    lang: str | None = None,
    probe_certificate: bool = True,
    explain: bool = True,
) -> CheckResult:
    """Check one profile (see the module docstring).  Never raises for anything
    the server or the profile does; the result says what happened.

    A built-in-server profile without a ``builtin`` gets a server of its own for
    this check.  With ``probe_certificate``, a certificate that fails
    verification is read over a second connection with verification off (TLS
    only, no credentials) so its dates and issuer can still be shown.
    ``explain=False`` leaves a refusal unexplained (see :func:`explain_result`).
    """
    if profile.builtin_server and builtin is None:
        from smtptui.builtin import BuiltinServer

        own = BuiltinServer()
        try:
            return await check_profile(
                profile,
                timeout=timeout,
                on_event=on_event,
                builtin=own,
                config=config,
                auth=auth,
                lang=lang,
                probe_certificate=probe_certificate,
                explain=explain,
            )
        finally:
            await own.stop()

    budget = timeout if timeout is not None else DEFAULT_TIMEOUT
    started_at = _dt.datetime.now(_dt.UTC)
    deadline = time.monotonic() + budget
    cfg = config or profile.session_config()
    warnings = list(profile.warnings)
    recorder = _Recorder(profile.name, on_event)
    try:
        if profile.builtin_server:
            assert builtin is not None
            cfg = await builtin.retarget(cfg)
    except Exception as exc:  # ServerStartError and the like: one sentence
        return unusable(profile, f"the built-in server did not start: {exc}", started_at)
    step = cfg.timeout if cfg.timeout is not None else budget
    cfg = replace(cfg, timeout=min(step, budget))

    creds, auth_state, note = (None, "none", None)
    if auth:
        creds, auth_state, note = await _credentials(profile, deadline)
    if note:
        warnings.append(note)

    session = Session(cfg)
    session.subscribe(recorder)
    error: SmtpError | None = None
    timed_out = False
    t0 = time.monotonic()
    try:
        try:
            async with asyncio.timeout_at(_loop_deadline(deadline)):
                await establish(session, Plan(credentials=creds))
        except TimeoutError:
            timed_out = True
            error = session.report_failure(
                SmtpTimeout(
                    f"the check did not finish within {budget:g} s "
                    f"(it was waiting in the {recorder.phase} step)",
                    phase=recorder.phase,
                    hint="The server may be overloaded or a firewall drops the traffic; "
                    "a longer --timeout may help.",
                )
            )
        except SmtpError as exc:
            error = exc
            timed_out = isinstance(exc, SmtpTimeout)
        # from the first connection attempt to the arrival of the last answer
        # (stamped where its bytes came in), or to the failure
        ended = time.monotonic() if error is not None else (recorder.last_at or time.monotonic())
        total_ms = (ended - (recorder.began or t0)) * 1000
    finally:
        await close_session(session, deadline)

    tls = TlsFacts.from_info(session.tls_info) if session.tls_info else None
    if _verification_failed(error) and probe_certificate:
        assert error is not None
        tls = await _probe_certificate(cfg, error, deadline, recorder) or TlsFacts(
            verified=False, verify_error=error.sentence
        )

    caps = session.capabilities or recorder.capabilities
    reply = error.reply if error is not None else None
    if creds is not None:
        if session.authenticated_as:
            auth_state = "ok"
        elif error is not None and error.phase is Phase.AUTH:
            auth_state = "failed"
        else:
            auth_state = "not reached"
    greeting = session.greeting
    return CheckResult(
        profile=profile.name,
        address=host_label(cfg.host, cfg.port),
        security=cfg.security,
        ok=error is None,
        exit_code=0 if error is None else exit_code_for(error),
        started_at=started_at,
        latencies=phase_latencies(recorder.events, total_ms),
        error=error.sentence if error is not None else None,
        phase=str(error.phase) if error is not None else None,
        reply=ReplyFacts.from_reply(reply) if reply is not None else None,
        explanation=_explain(reply, error.phase if error else None, profile.host, lang)
        if reply is not None and explain
        else None,
        tls=tls,
        capabilities=replace(
            CapabilityFacts.from_capabilities(caps),
            starttls=caps.starttls or recorder.starttls_offered,
        )
        if caps is not None
        else None,
        greeting=greeting.display_lines()[0] if greeting is not None else None,
        auth=auth_state,
        auth_user=creds.username if creds is not None else None,
        timed_out=timed_out,
        tags=profile.tags,
        warnings=tuple(warnings),
        events=tuple(recorder.events),
    )


async def close_session(session: Session, deadline: float | None = None) -> None:
    """QUIT (briefly) and close; the socket is closed when this returns, even
    when the caller is cancelled while waiting for the reply to QUIT."""
    budget = QUIT_BUDGET
    if deadline is not None:
        budget = min(QUIT_BUDGET, max(_MIN_QUIT_BUDGET, deadline - time.monotonic()))
    try:
        async with asyncio.timeout(budget):
            await session.aclose()
    except TimeoutError:
        pass
    finally:
        if session.connected:
            # drop the transport now, so a second cancellation cannot leave the socket open
            session.abort("closed (the check ended)")


class _Recorder:
    """Session subscriber: keeps the events, forwards them, and follows which
    step the conversation is in (for a timeout's sentence) and the last EHLO
    capabilities (STARTTLS forgets them; a failed handshake should not)."""

    def __init__(self, name: str, on_event: EventCallback | None) -> None:
        self.name = name
        self.on_event = on_event
        self.events: list[ev.Event] = []
        self.phase = Phase.CONNECT
        self.capabilities: Capabilities | None = None
        self.starttls_offered = False
        self.began: float | None = None  # the first connection attempt (monotonic)
        self.last_at: float | None = None  # the last answer before QUIT arrived
        self._verb: str | None = None

    def __call__(self, event: ev.Event) -> None:
        self.events.append(event)
        if isinstance(event, ev.Received):
            if self._verb != "QUIT" and not event.unsolicited:
                self.last_at = event.at
        elif isinstance(event, ev.TlsEstablished):
            self.last_at = event.at
        if isinstance(event, ev.Connected):
            self.phase = Phase.GREETING
            if self.began is None:
                self.began = event.at - ((event.elapsed_ms or 0) + (event.dns_ms or 0)) / 1000
        elif isinstance(event, ev.Sent):
            verb = "AUTH" if event.kind == "auth" else event.text.split(" ", 1)[0].upper()
            if verb != "QUIT":  # saying goodbye (also after a cancel) is not a step of the check
                self._verb = verb
                self.phase = phase_of(verb)
        elif (
            isinstance(event, ev.Received)
            and self._verb in ("EHLO", "HELO")
            and event.reply.code == 250
        ):
            self.capabilities = (
                Capabilities.from_ehlo(event.reply)
                if self._verb == "EHLO"
                else Capabilities.from_helo(event.reply)
            )
            self.starttls_offered |= self.capabilities.starttls
        elif (
            isinstance(event, ev.Received) and self._verb == "STARTTLS" and event.reply.code == 220
        ):
            self.phase = Phase.TLS
        if self.on_event is not None:
            self.on_event(self.name, event)


def phase_latencies(events: Iterable[ev.Event], total_ms: float | None = None) -> PhaseLatencies:
    """Per-phase milliseconds from a session's events (see :class:`PhaseLatencies`)."""
    found: dict[str, float] = {}
    pending: str | None = None

    def add(phase: str, ms: float | None) -> None:
        if ms is not None:
            found[phase] = found.get(phase, 0.0) + ms

    for event in events:
        if isinstance(event, ev.Connected):
            add("dns", event.dns_ms)
            add("connect", event.elapsed_ms)
            pending = "banner"
        elif isinstance(event, ev.TlsEstablished):
            add("tls", event.elapsed_ms)
        elif isinstance(event, ev.Sent):
            verb = "AUTH" if event.kind == "auth" else event.text.split(" ", 1)[0].upper()
            pending = {"EHLO": "ehlo", "HELO": "ehlo", "STARTTLS": "tls", "AUTH": "auth"}.get(verb)
        elif isinstance(event, ev.Received) and not event.unsolicited and pending:
            add(pending, event.elapsed_ms)
            if pending == "banner":
                pending = None
    # Microsecond precision is plenty, and a saved result then reads back equal.
    rounded = {k: round(v, 3) for k, v in found.items()}
    return PhaseLatencies(total=None if total_ms is None else round(total_ms, 3), **rounded)


async def _credentials(
    profile: Profile, deadline: float
) -> tuple[Credentials | None, str, str | None]:
    """``(credentials, auth state, warning)`` by the one shared rule
    (:func:`~smtptui.profiles.credentials.resolve_credentials`), never asking
    anybody, within the check's time (a password command may block: it runs
    in a thread)."""
    from smtptui.profiles.credentials import NONE, READY, resolve_credentials

    budget = max(0.1, deadline - time.monotonic())
    try:
        async with asyncio.timeout(budget):
            outcome = await resolve_credentials(profile, ask=None, timeout=budget)
    except TimeoutError:
        outcome = None
    if outcome is None:
        return None, "skipped", f"{profile.name}: AUTH skipped: the password command took too long"
    if outcome.state == READY:
        return outcome.credentials, "pending", None
    if outcome.state == NONE:
        return None, "none", None
    reason = outcome.reason or "no password"
    if not reason.startswith("AUTH skipped"):
        reason = f"AUTH skipped: {reason}"
    return None, "skipped", f"{profile.name}: {reason}"


def _verification_failed(error: SmtpError | None) -> bool:
    """The handshake failed because the certificate did not verify."""
    return isinstance(error, TlsError) and error.verify_error is not None


async def _probe_certificate(
    cfg: SessionConfig, error: SmtpError, deadline: float, recorder: _Recorder
) -> TlsFacts | None:
    remaining = deadline - time.monotonic()
    if remaining < _MIN_QUIT_BUDGET:
        return None
    probe = Session(replace(cfg, tls=replace(cfg.tls, verify=False)))
    try:
        async with asyncio.timeout(remaining):
            await establish(probe, Plan(quit_after="tls"))
    except (SmtpError, TimeoutError):
        pass
    finally:
        await close_session(probe, deadline)
    if probe.tls_info is None:
        return None
    recorder(
        ev.Note(
            text="certificate facts read over a second connection with verification off "
            "(TLS only; nothing else was sent on it)",
        )
    )
    return TlsFacts.from_info(probe.tls_info, verify_error=error.sentence)


def explain_result(result: CheckResult, host: str | None, lang: str | None) -> CheckResult:
    """``result`` with its refusal explained (for results made with
    ``explain=False``); the reply is the one in the result's own events."""
    if result.reply is None or result.explanation is not None:
        return result
    reply = next(
        (
            e.reply
            for e in reversed(result.events)
            if isinstance(e, ev.Received) and e.reply.code == result.reply.code
        ),
        None,
    )
    if reply is None:
        return result
    phase = Phase(result.phase) if result.phase in Phase.__members__.values() else None
    found = _explain(reply, phase, host or "", lang)
    return result if found is None else replace(result, explanation=found)


def _explain(reply: Any, phase: Phase | None, host: str, lang: str | None) -> Explained | None:
    try:
        from smtptui.reference.explanation import ExplainContext, explain

        found = explain(
            reply,
            ExplainContext(command=_COMMAND_OF_PHASE.get(phase or Phase.COMMAND), host=host),
            lang,
        )
    except (ValueError, KeyError, LookupError):
        return None
    return Explained(
        title=found.title,
        explanation=found.explanation,
        hint=found.hint,
        next_steps=found.next_steps,
    )


def unusable(
    profile: Profile, sentence: str, started_at: _dt.datetime | None = None
) -> CheckResult:
    """A result for a profile that could not even be tried (bad options, no
    server): exit code 2 and ``sentence`` as the error."""
    return CheckResult(
        profile=profile.name,
        address=profile.address,
        security=profile.security,
        ok=False,
        exit_code=2,
        started_at=started_at or _dt.datetime.now(_dt.UTC),
        error=sentence,
        tags=profile.tags,
        warnings=tuple(profile.warnings),
    )


def _loop_deadline(deadline: float) -> float:
    """A ``time.monotonic()`` deadline on the running loop's clock."""
    loop = asyncio.get_running_loop()
    return loop.time() + (deadline - time.monotonic())
