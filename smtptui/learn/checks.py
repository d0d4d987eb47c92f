"""Judging one exchange of the real conversation against a lesson step.

The evidence is the :class:`~smtptui.flow.conversation.Exchange` (the command
as sent, the server's reply, the state before and after) and, for the reply
that ends a message, the :class:`~smtptui.server.ReceivedMessage` the demo
server stored.  A step passes only when all of it is right: the right verb,
in the right place (inside TLS or not), answered with the right code, in the
right form; a message passes only when what *arrived* shows the point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtptui.learn.model import (
    AuthAnswer,
    Check,
    Command,
    Message,
    Outcome,
    Reach,
    Verdict,
    verdict,
)
from smtptui.message import parse_address_list
from smtptui.protocol import events as ev
from smtptui.protocol.auth import decode_challenge
from smtptui.protocol.secret import MASK
from smtptui.reference.states import State

if TYPE_CHECKING:
    from smtptui.flow.conversation import Exchange
    from smtptui.server import ReceivedMessage

__all__ = ["Attempt", "evaluate", "judge_message"]


@dataclass(frozen=True, slots=True)
class Attempt:
    """What happened: one exchange, and the message it delivered (if any)."""

    exchange: Exchange
    message: ReceivedMessage | None = None
    example: str = ""  # the step's model answer, for explanations


def evaluate(check: Check, attempt: Attempt) -> Verdict:
    ex = attempt.exchange
    if ex.command is None:  # a reply nobody asked for (a 421 before a timeout)
        return _refused_reply(ex)
    if isinstance(check, Command):
        return _command(check, attempt)
    if isinstance(check, AuthAnswer):
        return _auth_answer(check, ex)
    if isinstance(check, Reach):
        return _reach(check, ex)
    return _message(check, attempt)


def _refused_reply(ex: Exchange) -> Verdict:
    return verdict(Outcome.REFUSE, "lesson.refuse.reply", code=ex.code, text=ex.reply.reply.message)


def _command(check: Command, attempt: Attempt) -> Verdict:
    ex = attempt.exchange
    verb = ex.verb or ""
    if ex.before.state is State.AUTH:
        return verdict(Outcome.REFUSE, "lesson.refuse.in_auth")
    if verb not in check.verbs:
        want = " / ".join(check.verbs)
        return verdict(Outcome.REFUSE, "lesson.refuse.verb", want=want, got=verb or ex.line)
    sent_in_tls = isinstance(ex.command, ev.Sent | ev.DataSent) and ex.command.tls
    if check.tls is True and not sent_in_tls:
        return verdict(Outcome.REFUSE, "lesson.refuse.needs_tls", verb=verb)
    if check.tls is False and sent_in_tls:
        return verdict(Outcome.REFUSE, "lesson.refuse.before_tls", verb=verb)
    if ex.code not in check.codes:
        return verdict(
            Outcome.REFUSE,
            "lesson.refuse.reply_wanted",
            code=ex.code,
            text=ex.reply.reply.message,
            want="/".join(map(str, check.codes)),
        )
    if check.pattern and not re.fullmatch(check.pattern, (ex.line or "").strip(), re.IGNORECASE):
        return verdict(Outcome.REFUSE, "lesson.refuse.form", example=attempt.example)
    if check.recipients is not None and ex.after.recipients < check.recipients:
        return verdict(Outcome.REFUSE, "lesson.refuse.recipients", n=check.recipients)
    return verdict(Outcome.PASS)


def _auth_answer(check: AuthAnswer, ex: Exchange) -> Verdict:
    if ex.before.state is not State.AUTH:
        return verdict(Outcome.REFUSE, "lesson.refuse.no_challenge")
    if ex.code == 501:  # "*" cancelled it, or the line was not base64: the exchange is over
        return verdict(
            Outcome.REFUSE, "lesson.refuse.auth_ended", code=ex.code, text=ex.reply.reply.message
        )
    if check.user is not None:
        text = ex.line or ""
        decoded = None if text == MASK else decode_challenge(text)
        if decoded != check.user:
            if decoded is None:
                return verdict(Outcome.REFUSE, "lesson.refuse.not_base64", user=check.user)
            return verdict(Outcome.REFUSE, "lesson.refuse.wrong_user", got=decoded, user=check.user)
    if ex.code not in check.codes:
        key = "lesson.refuse.auth_failed" if ex.code == 535 else "lesson.refuse.reply"
        return verdict(Outcome.REFUSE, key, code=ex.code, text=ex.reply.reply.message)
    return verdict(Outcome.PASS)


def _reach(check: Reach, ex: Exchange) -> Verdict:
    if ex.after.state is check.state:
        return verdict(Outcome.PASS)
    if ex.reply.reply.ok and not ex.out_of_sequence:
        return verdict(Outcome.CONTINUE, "lesson.continue")
    return _refused_reply(ex)


def _message(check: Message, attempt: Attempt) -> Verdict:
    ex = attempt.exchange
    if ex.before.state is not State.DATA:
        return verdict(Outcome.REFUSE, "lesson.refuse.not_in_data", got=ex.line or "")
    if ex.code != 250:
        return _refused_reply(ex)
    if attempt.message is None:
        return verdict(Outcome.REFUSE, "lesson.refuse.no_message")
    typed = [s.text for s in ex.data_lines]
    return judge_message(check.rule, attempt.message, typed)


def _body_lines(message: ReceivedMessage) -> list[str]:
    return message.summary.body.splitlines()


def judge_message(rule: str, message: ReceivedMessage, typed: list[str]) -> Verdict:
    """Whether a received message shows what ``rule`` teaches:

    ``no_subject`` — text typed with no headers at all (arrives with no subject);
    ``no_blank_line`` — a Subject, then text without the blank line;
    ``correct`` — headers, a blank line, a body;
    ``bcc`` — an envelope recipient the headers do not name;
    ``dot_lost`` — a line starting with one ``.`` (the server removes it);
    ``dot_kept`` — that line dot-stuffed (``..``), arriving with its dot.
    """
    summary = message.summary
    defects = {d.code for d in summary.defects}
    no_separator = bool(defects & {"missing-blank-line", "headers-only"})
    if rule == "no_subject":
        if summary.subject is not None:
            return verdict(Outcome.REFUSE, "lesson.refuse.has_subject")
        return verdict(Outcome.PASS)
    if rule == "no_blank_line":
        if summary.subject is None:
            return verdict(Outcome.REFUSE, "lesson.refuse.no_subject")
        if not no_separator:
            return verdict(Outcome.REFUSE, "lesson.refuse.has_blank_line")
        return verdict(Outcome.PASS)
    if rule == "correct":
        if summary.subject is None or not summary.subject.strip():
            return verdict(Outcome.REFUSE, "lesson.refuse.no_subject")
        if no_separator:
            return verdict(Outcome.REFUSE, "lesson.refuse.no_blank_line")
        if not summary.body.strip():
            return verdict(Outcome.REFUSE, "lesson.refuse.no_body")
        return verdict(Outcome.PASS)
    if rule == "bcc":
        return _bcc(message)
    if rule in ("dot_lost", "dot_kept"):
        return _dots(rule, message, typed)
    raise ValueError(f"unknown message rule {rule!r}")


def _bcc(message: ReceivedMessage) -> Verdict:
    if len(message.rcpt_tos) < 2:
        return verdict(Outcome.REFUSE, "lesson.refuse.recipients", n=2)
    named = {
        address.lower()
        for field in ("to", "cc")
        for address in _addresses(message.summary.header(field))
    }
    if not named:
        return verdict(Outcome.REFUSE, "lesson.refuse.no_to")
    hidden = [r for r in message.rcpt_tos if r.lower() not in named]
    if not hidden:
        return verdict(Outcome.REFUSE, "lesson.refuse.no_bcc")
    return verdict(Outcome.PASS)


def _addresses(value: str | None) -> list[str]:
    if not value:
        return []
    try:
        return [address for _, address in parse_address_list(value)]
    except ValueError:
        return re.findall(r"[^\s<>,;]+@[^\s<>,;]+", value)


def _dots(rule: str, message: ReceivedMessage, typed: list[str]) -> Verdict:
    body = _body_lines(message)
    if rule == "dot_lost":
        single = [line for line in typed if line.startswith(".") and not line.startswith("..")]
        if not any(line[1:] in body and line not in body for line in single):
            return verdict(Outcome.REFUSE, "lesson.refuse.no_dot_line")
        return verdict(Outcome.PASS)
    double = [line for line in typed if line.startswith("..")]
    if not any(line[1:] in body for line in double):
        return verdict(Outcome.REFUSE, "lesson.refuse.no_stuffing")
    return verdict(Outcome.PASS)
