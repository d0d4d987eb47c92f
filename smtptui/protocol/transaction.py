"""Whole conversations: one mail transaction, and the connect-to-QUIT plan that
``smtptui check``, ``smtptui send``, the TUI's "send" and the fleet checks run.

Refusals become :class:`ReplyError` (or :class:`AuthError`/:class:`TlsError`)
with the phase they happened in, after a ``Failed`` event, so every renderer
shows the same one-sentence reason and the CLI the same exit code.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from smtptui.protocol.data import dot_stuff, needs_8bitmime, normalise_line_ends
from smtptui.protocol.envelope import Envelope
from smtptui.protocol.errors import Phase, ReplyError, SmtpError, UsageError, exit_code_for
from smtptui.protocol.exchange import Step, exchange
from smtptui.protocol.reply import Reply
from smtptui.protocol.secret import Secret
from smtptui.protocol.session import Session
from smtptui.protocol.wire import WRITE_CHUNK


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    secret: Secret
    mechanism: str = "auto"


@dataclass(frozen=True, slots=True)
class TransactionResult:
    mail: Reply
    rcpt: tuple[tuple[str, Reply], ...]
    data: Reply | None  # the reply to DATA (354) or to the last BDAT
    final: Reply | None  # the reply after the message
    pipelined: bool

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(a for a, r in self.rcpt if r.ok)

    @property
    def refused(self) -> tuple[tuple[str, Reply], ...]:
        return tuple((a, r) for a, r in self.rcpt if not r.ok)


@dataclass(slots=True)
class Plan:
    """What one conversation does.  ``envelope``/``message`` absent: a check
    (connect, EHLO, TLS, AUTH, QUIT — never mail)."""

    credentials: Credentials | None = None
    envelope: Envelope | None = None
    message: bytes | None = None
    quit_after: str | None = None
    pipelining: bool | None = None  # None: when offered
    chunking: bool = False  # BDAT when offered (opt-in)
    helo: str | None = None
    progress: Callable[[int, int], None] | None = None
    smtputf8: bool = False  # the message needs SMTPUTF8 (e.g. a UTF-8 Reply-To)


@dataclass(slots=True)
class Outcome:
    greeting: Reply | None = None
    transaction: TransactionResult | None = None
    stopped_after: str | None = None
    error: SmtpError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else exit_code_for(self.error)


def mail_params(
    session: Session, envelope: Envelope, message: bytes, *, smtputf8: bool = False
) -> tuple[str, ...]:
    """SIZE=, BODY=8BITMIME and SMTPUTF8 as the server offers and the message
    needs.  ``message`` has CRLF line ends already (RFC 1870 counts them)."""
    caps = session.capabilities
    params: list[str] = []
    if caps is None or not caps.esmtp:
        return ()
    if caps.size is not None:
        size = len(message)
        params.append(f"SIZE={size}")
        if caps.size and size > caps.size:
            session.note(
                f"the message ({size:,} bytes) is larger than the server's SIZE limit "
                f"({caps.size:,} bytes); expect a 552",
                level="warning",
            )
    if needs_8bitmime(message):
        if caps.eightbitmime:
            params.append("BODY=8BITMIME")
        else:
            session.note(
                "the message has 8-bit bytes but the server does not offer 8BITMIME", "warning"
            )
    if envelope.needs_smtputf8 or smtputf8:
        if not caps.smtputf8:
            raise ReplyError(
                "an address is internationalised (non-ASCII) but the server does not offer SMTPUTF8",
                phase=Phase.MAIL,
                hint="Use an ASCII address for this server.",
            )
        params.append("SMTPUTF8")
    return tuple(params)


async def send_transaction(
    session: Session,
    envelope: Envelope,
    message: bytes,
    *,
    pipelining: bool | None = None,
    chunking: bool = False,
    quit_after: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    smtputf8: bool = False,
) -> TransactionResult:
    """MAIL, RCPT…, DATA (or BDAT) and the message, holding the session for
    the whole transaction.  Raises :class:`ReplyError` for the failing phase;
    a partially refused recipient list is not an error (see
    ``TransactionResult.refused``).  ``smtputf8``: the message needs SMTPUTF8
    even if the envelope is ASCII (an internationalised header address)."""
    async with session.exclusive():
        if not envelope.recipients:
            raise UsageError("a message needs at least one recipient", phase=Phase.RCPT)
        caps = session.capabilities
        message = normalise_line_ends(message)
        params = mail_params(session, envelope, message, smtputf8=smtputf8)
        use_bdat = chunking and caps is not None and caps.chunking
        if chunking and not use_bdat:
            session.note("the server does not offer CHUNKING; using DATA", "warning")
        offered = caps is not None and caps.pipelining
        use_pipe = offered if pipelining is None else (pipelining and offered)
        if pipelining and not offered:
            session.note(
                "the server does not offer PIPELINING; sending commands one by one", "warning"
            )
        stop_early = quit_after in ("mail", "rcpt")
        if use_pipe and not use_bdat and not stop_early:
            return await _pipelined(session, envelope, message, params, progress)
        payload = None if use_bdat else dot_stuff(message) + b".\r\n"
        if payload is not None and quit_after is None and _lockstep_fits(payload, progress):
            return await _in_lockstep(session, envelope, params, payload)

        mail = _unless_closing(session, await session.mail(envelope.sender, params), Phase.MAIL)
        if not mail.ok:
            raise _refused(session, Phase.MAIL, "the server refused the sender (MAIL FROM)", mail)
        if quit_after == "mail":
            return TransactionResult(mail, (), None, None, pipelined=False)
        rcpts = []
        for rcpt_addr in envelope.recipients:
            reply = _unless_closing(session, await session.rcpt(rcpt_addr), Phase.RCPT)
            rcpts.append((rcpt_addr, reply))
        result = TransactionResult(mail, tuple(rcpts), None, None, pipelined=False)
        if not result.accepted:
            await session.rset()
            raise _refused(session, Phase.RCPT, "the server refused every recipient", rcpts[-1][1])
        if quit_after == "rcpt":
            return result
        if use_bdat:
            final = await session.bdat(message, progress=progress)
            if final.code != 250:
                raise _refused(session, Phase.DATA, "the server refused the message", final)
            return TransactionResult(mail, tuple(rcpts), final, final, pipelined=False)
        data = _unless_closing(session, await session.data_command(), Phase.DATA)
        if data.code != 354:
            await session.rset()
            raise _refused(session, Phase.DATA, "the server refused DATA", data)
        assert payload is not None
        final = _unless_closing(
            session, await session.send_payload(payload, progress=progress), Phase.DATA
        )
        if not final.ok:
            raise _refused(session, Phase.DATA, "the server refused the message", final)
        return TransactionResult(mail, tuple(rcpts), data, final, pipelined=False)


def _unless_closing(session: Session, reply: Reply, phase: Phase) -> Reply:
    """``reply``, unless it is a ``421``: the server closed the connection,
    which ends the transaction whatever step it was."""
    if reply.code == 421:
        raise session.goodbye_error(reply, phase)
    return reply


def _lockstep_fits(payload: bytes, progress: Callable[[int, int], None] | None) -> bool:
    """Small enough to write from a callback (no flow control, no progress)."""
    return progress is None and len(payload) <= WRITE_CHUNK


def _mail_accepted(replies: list[Reply]) -> bool:
    return replies[0].ok


def _any_recipient(replies: list[Reply]) -> bool:
    return any(r.ok for r in replies[1:])


def _data_accepted(replies: list[Reply]) -> bool:
    return replies[-1].code == 354


@functools.lru_cache(maxsize=8)
def _envelope_steps(
    sender: str, recipients: tuple[str, ...], params: tuple[str, ...]
) -> tuple[Step, ...]:
    """MAIL, RCPT… and DATA of one transaction (the same for every copy a
    bulk sender sends, so they are built once).  The message is not part of
    the key: hashing and comparing it would read the whole payload twice per
    message, more work than building its step."""
    last = len(recipients) - 1
    mail = Step.lines([" ".join((f"MAIL FROM:<{sender}>", *params))], _mail_accepted)
    rcpts = [
        Step.lines([f"RCPT TO:<{a}>"], _any_recipient if i == last else None)
        for i, a in enumerate(recipients)
    ]
    return (mail, *rcpts, Step.lines(["DATA"], _data_accepted))


async def _in_lockstep(
    session: Session, envelope: Envelope, params: tuple[str, ...], payload: bytes
) -> TransactionResult:
    """MAIL, RCPT…, DATA and the message one after another, each written as
    soon as the reply before it allows (see :mod:`smtptui.protocol.exchange`);
    refusals are handled exactly as in the step-by-step path."""
    recipients = envelope.recipients
    last = len(recipients) - 1
    steps = _envelope_steps(envelope.sender, recipients, params)
    replies = await exchange(session, [*steps, Step.message(payload)])
    mail = replies[0]
    if not mail.ok:
        raise _refused(session, Phase.MAIL, "the server refused the sender (MAIL FROM)", mail)
    rcpts = tuple(zip(recipients, replies[1 : 2 + last], strict=True))
    if not any(r.ok for _, r in rcpts):
        await session.rset()
        raise _refused(session, Phase.RCPT, "the server refused every recipient", rcpts[-1][1])
    data = replies[2 + last]
    if data.code != 354:
        await session.rset()
        raise _refused(session, Phase.DATA, "the server refused DATA", data)
    final = replies[3 + last]
    if not final.ok:
        raise _refused(session, Phase.DATA, "the server refused the message", final)
    return TransactionResult(mail, rcpts, data, final, pipelined=False)


def _group(envelope: Envelope, params: tuple[str, ...]) -> list[str]:
    """One pipelined transaction: MAIL, every RCPT, and DATA to end the group."""
    return [
        " ".join((f"MAIL FROM:<{envelope.sender}>", *params)),
        *(f"RCPT TO:<{a}>" for a in envelope.recipients),
        "DATA",
    ]


def _group_accepted(replies: list[Reply]) -> bool:
    """A pipelined MAIL/RCPT…/DATA group after which the message may follow."""
    return replies[-1].code == 354 and replies[0].ok and any(r.ok for r in replies[1:-1])


async def _unwind_refused_group(
    session: Session, mail: Reply, rcpt_replies: list[Reply], data: Reply
) -> ReplyError | None:
    """After a pipelined MAIL/RCPT…/DATA group: ``None`` when the message can
    follow; otherwise the refusal, with the session back to a clean state."""
    accepted = any(r.ok for r in rcpt_replies)
    if mail.ok and accepted and data.code == 354:
        return None
    if data.code == 354:
        # RFC 2920 §3.1: DATA was accepted although nothing can be delivered;
        # close it with an empty message, which the server must refuse.
        await session.end_data_empty()
    await session.rset()
    if not mail.ok:
        return _refused(session, Phase.MAIL, "the server refused the sender (MAIL FROM)", mail)
    if not accepted:
        return _refused(session, Phase.RCPT, "the server refused every recipient", rcpt_replies[-1])
    return _refused(session, Phase.DATA, "the server refused DATA", data)


async def _pipelined(
    session: Session,
    envelope: Envelope,
    message: bytes,
    params: tuple[str, ...],
    progress: Callable[[int, int], None] | None,
) -> TransactionResult:
    group = _group(envelope, params)
    payload = dot_stuff(message) + b".\r\n"
    if _lockstep_fits(payload, progress) and not any("\r" in c or "\n" in c for c in group):
        # the message follows the group's replies as soon as they allow it
        replies = await exchange(
            session, [Step.lines(group, _group_accepted), Step.message(payload)]
        )
        if len(replies) > len(group):
            *replies, final = replies
            mail, *rcpt_replies, data = replies
            rcpts = tuple(zip(envelope.recipients, rcpt_replies, strict=True))
            if not final.ok:
                raise _refused(session, Phase.DATA, "the server refused the message", final)
            return TransactionResult(mail, rcpts, data, final, pipelined=True)
    else:
        replies = await session.pipeline(group)
    mail, *rcpt_replies, data = replies
    rcpts = tuple(zip(envelope.recipients, rcpt_replies, strict=True))
    refusal = await _unwind_refused_group(session, mail, rcpt_replies, data)
    if refusal is not None:
        raise refusal
    final = _unless_closing(
        session, await session.send_payload(payload, progress=progress), Phase.DATA
    )
    if not final.ok:
        raise _refused(session, Phase.DATA, "the server refused the message", final)
    return TransactionResult(mail, rcpts, data, final, pipelined=True)


async def send_stream(
    session: Session,
    envelope: Envelope,
    message: bytes,
    count: int,
    *,
    on_result: Callable[[TransactionResult | ReplyError, float], None],
    should_continue: Callable[[], bool] = lambda: True,
) -> int:
    """Send ``message`` up to ``count`` times on one session (a load test).

    With PIPELINING, transactions are pipelined back to back: each write
    carries the end of one message and the next MAIL/RCPT/DATA group (RFC 2920
    §3.1 only requires DATA to end a group), so one round trip sends one
    message.  ``on_result(result_or_refusal, began)`` is called per message with
    the :func:`time.perf_counter` time its first command was written.  Returns
    how many messages got a final answer; a broken connection raises
    :class:`SmtpError` (the message in flight then has none).
    ``should_continue()`` is asked once before each message is started (a
    load test shares one budget between connections)."""
    async with session.exclusive():
        clock = time.perf_counter
        caps = session.capabilities
        if caps is None or not caps.pipelining:
            done = 0
            while done < count and should_continue():
                began = clock()
                try:
                    on_result(
                        await send_transaction(session, envelope, message, pipelining=False), began
                    )
                except ReplyError as exc:
                    if exc.reply is None:
                        raise
                    on_result(exc, began)
                done += 1
            return done
        message = normalise_line_ends(message)
        group = _group(envelope, mail_params(session, envelope, message))
        payload = dot_stuff(message) + b".\r\n"
        done = 0
        if count <= 0 or not should_continue():
            return 0
        began = clock()
        replies = await session.pipeline(group)
        while True:
            mail, *rcpt_replies, data = replies
            rcpts = tuple(zip(envelope.recipients, rcpt_replies, strict=True))
            refusal = (
                None
                if _group_accepted(replies)
                else await _unwind_refused_group(session, mail, rcpt_replies, data)
            )
            if refusal is not None:
                on_result(refusal, began)
                done += 1
                if done >= count or not should_continue():
                    return done
                began = clock()
                replies = await session.pipeline(group)
                continue
            done += 1
            more = done < count and should_continue()
            if more:
                next_began = clock()
                final, replies = await session.pipeline_after_payload(payload, group)
            else:
                final = await session.send_payload(payload)
            if final.ok:
                on_result(TransactionResult(mail, rcpts, data, final, pipelined=True), began)
            else:
                on_result(
                    _refused(session, Phase.DATA, "the server refused the message", final), began
                )
            if not more:
                return done
            began = next_began


def _refused(session: Session, phase: Phase, what: str, reply: Reply) -> ReplyError:
    return session.report_failure(
        ReplyError(f"{what}: {reply.summary()}", phase=phase, reply=reply)
    )


async def establish(session: Session, plan: Plan) -> str | None:
    """Everything before mail: connect, EHLO, STARTTLS and EHLO again (when the
    security mode says so), AUTH (when credentials are given).  Returns the
    breakpoint it stopped at, or ``None``; raises :class:`SmtpError` after a
    ``Failed`` event.  The session stays open (the TUI keeps it for more).

    On a session that is already part-way (connected, maybe greeted, maybe in
    TLS — e.g. a learner stepped through the greeting by hand), only the steps
    not yet done are taken: it is how a transaction is never sent before the
    EHLO, TLS and AUTH its profile requires."""
    try:
        async with session.exclusive():
            return await _establish(session, plan)
    except SmtpError as exc:
        raise session.report_failure(exc) from None


async def _establish(session: Session, plan: Plan) -> str | None:
    if not session.connected:
        await session.connect()
    if plan.quit_after == "connect":
        return "connect"
    if session.capabilities is None:
        await _ehlo(session, plan)
    if plan.quit_after == "ehlo":
        return "ehlo"
    if session.config.security == "starttls" and not session.tls_active:
        await session.starttls(ehlo=False)
        if plan.quit_after == "tls":
            return "tls"
        await _ehlo(session, plan)
    elif plan.quit_after == "tls":
        return "tls"
    if plan.credentials is not None and session.authenticated_as is None:
        creds = plan.credentials
        await session.auth(creds.mechanism, creds.username, creds.secret)
    if plan.quit_after == "auth":
        return "auth"
    return None


async def converse(session: Session, plan: Plan) -> Outcome:
    """Run a whole conversation per ``plan``; always ends with QUIT and a closed
    socket.  Errors are returned in the :class:`Outcome`, not raised."""
    outcome = Outcome()
    try:
        outcome.stopped_after = await establish(session, plan)
        outcome.greeting = session.greeting
        if outcome.stopped_after is None and plan.envelope is not None and plan.message is not None:
            outcome.transaction = await send_transaction(
                session,
                plan.envelope,
                plan.message,
                pipelining=plan.pipelining,
                chunking=plan.chunking,
                quit_after=plan.quit_after,
                progress=plan.progress,
                smtputf8=plan.smtputf8,
            )
            if plan.quit_after in ("mail", "rcpt", "data"):
                outcome.stopped_after = plan.quit_after
    except SmtpError as exc:
        session.report_failure(exc)
        outcome.error = exc
    finally:
        if outcome.stopped_after:
            session.note(f"stopping after {outcome.stopped_after.upper()} as asked (--quit-after)")
        await session.aclose()
    return outcome


async def _ehlo(session: Session, plan: Plan) -> Reply:
    reply = await session.ehlo(plan.helo)
    if reply.code != 250:
        raise _refused(session, Phase.EHLO, "the server refused EHLO/HELO", reply)
    return reply
