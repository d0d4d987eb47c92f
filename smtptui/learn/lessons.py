"""The lessons of ``smtptui learn``: the telnet tutorial, done right.

Each lesson runs against the built-in server; the texts are in the catalogue
(``lesson.<lesson>.<step>.do/hint/done``, or ``lesson.common.<step>.…`` for
steps many lessons share).  The demo server's account is ``demo`` / ``demo``
and its local domain ``demo.local``; anything else is relayed only after AUTH.
"""

from __future__ import annotations

from dataclasses import replace

from smtptui.learn.model import AuthAnswer, Command, Lesson, Message, Reach, Step
from smtptui.reference.states import State

__all__ = ["LESSONS", "lesson"]

S = State
_ADDRESS = r"<[^<>\s@]+@[^<>\s@]+>"
_START = (S.CONNECTED, S.GREETED)

EHLO = Step(
    "ehlo",
    Command(("EHLO",), (250,), pattern=r"EHLO\s+\S+", tls=False),
    ("EHLO learner.example",),
    when=_START,
)
STARTTLS = Step(
    "starttls", Command(("STARTTLS",), (220,), tls=False), ("STARTTLS",), when=(S.GREETED,)
)
EHLO_TLS = Step(
    "ehlo_tls",
    Command(("EHLO",), (250,), pattern=r"EHLO\s+\S+", tls=True),
    ("EHLO learner.example",),
    when=(S.CONNECTED, S.GREETED),
    show="capabilities",
)
MAIL = Step(
    "mail",
    Command(("MAIL",), (250,), pattern=rf"MAIL FROM:\s*{_ADDRESS}.*"),
    ("MAIL FROM:<demo@demo.local>",),
    when=(S.GREETED,),
)
_PREPARE_ANSWER = ("MAIL FROM:<demo@demo.local>", "RCPT TO:<friend@demo.local>", "DATA")


def prepare(step_id: str) -> Step:
    """MAIL FROM, RCPT TO and DATA again, any legal way: a message can follow."""
    return Step(step_id, Reach(S.DATA), _PREPARE_ANSWER, when=(S.GREETED, S.MAIL, S.RCPT))


GREETING = Lesson(
    "greeting",
    (
        Step(
            "helo",
            Command(("HELO",), (250,), pattern=r"HELO\s+\S+"),
            ("HELO learner.example",),
            when=_START,
        ),
        Step(
            "ehlo",
            Command(("EHLO",), (250,), pattern=r"EHLO\s+\S+"),
            ("EHLO learner.example",),
            when=_START,
            show="capabilities",
        ),
        Step("quit", Command(("QUIT",), (221,)), ("QUIT",), when=_START),
    ),
)

ENVELOPE = Lesson(
    "envelope",
    (
        EHLO,
        MAIL,
        Step(
            "rcpt",
            Command(("RCPT",), (250, 251), pattern=rf"RCPT TO:\s*{_ADDRESS}.*"),
            ("RCPT TO:<friend@demo.local>",),
            when=(S.MAIL, S.RCPT),
        ),
        Step(
            "bcc",
            Command(("RCPT",), (250, 251), pattern=rf"RCPT TO:\s*{_ADDRESS}.*", recipients=2),
            ("RCPT TO:<boss@demo.local>",),
            when=(S.RCPT,),
        ),
        Step("data", Command(("DATA",), (354,)), ("DATA",), when=(S.RCPT,)),
        Step(
            "message",
            Message("bcc"),
            (
                "From: demo@demo.local",
                "To: friend@demo.local",
                "Subject: The envelope lesson",
                "",
                "Only friend is named in To:, and boss got it too.",
                ".",
            ),
            when=(S.DATA,),
            show="envelope",
        ),
    ),
)

DATA = Lesson(
    "data",
    (
        EHLO,
        prepare("prepare"),
        Step(
            "no_headers",
            Message("no_subject"),
            ("Hello, this is my first message", "."),
            when=(S.DATA,),
            show="received",
        ),
        prepare("prepare2"),
        Step(
            "no_blank",
            Message("no_blank_line"),
            ("Subject: Hello", "This line was meant to be the body", "."),
            when=(S.DATA,),
            show="received",
        ),
        prepare("prepare3"),
        Step(
            "correct",
            Message("correct"),
            (
                "From: demo@demo.local",
                "To: friend@demo.local",
                "Subject: Hello",
                "",
                "This is the body.",
                ".",
            ),
            when=(S.DATA,),
            show="compare",
        ),
    ),
)

DOTS = Lesson(
    "dots",
    (
        EHLO,
        prepare("prepare"),
        Step(
            "dot_lost",
            Message("dot_lost"),
            ("Subject: Dots", "", ".hidden", "."),
            when=(S.DATA,),
            show="received",
        ),
        prepare("prepare2"),
        Step(
            "dot_kept",
            Message("dot_kept"),
            ("Subject: Dots", "", "..visible", "."),
            when=(S.DATA,),
            show="received",
        ),
    ),
)

STARTTLS_LESSON = Lesson(
    "starttls",
    (
        replace(EHLO, show="capabilities"),
        Step("starttls", STARTTLS.check, STARTTLS.answer, when=(S.GREETED,), show="tls"),
        EHLO_TLS,
        Step("quit", Command(("QUIT",), (221,), tls=True), ("QUIT",), when=(S.GREETED,)),
    ),
)

AUTH = Lesson(
    "auth",
    (
        EHLO,
        Step(
            "too_early",
            Command(("AUTH",), (538, 530, 503, 502, 504), tls=False),
            ("AUTH LOGIN",),
            when=(S.GREETED,),
        ),
        STARTTLS,
        EHLO_TLS,
        Step(
            "login",
            Command(("AUTH",), (334,), pattern=r"AUTH\s+LOGIN", tls=True),
            ("AUTH LOGIN",),
            when=(S.GREETED,),
        ),
        Step("user", AuthAnswer((334,), user="demo"), ("ZGVtbw==",), when=(S.AUTH,)),
        Step("password", AuthAnswer((235,)), ("ZGVtbw==",), when=(S.AUTH,), secret=True),
    ),
)

AUTH_ERRORS = Lesson(
    "auth_errors",
    (
        EHLO,
        Step(
            "mail_530",
            Command(("MAIL",), (530,)),
            ("MAIL FROM:<demo@demo.local>",),
            when=(S.GREETED,),
        ),
        STARTTLS,
        EHLO_TLS,
        Step(
            "wrong_password",
            Command(("AUTH",), (535,), pattern=r"AUTH\s+PLAIN\s+\S+", tls=True),
            ("AUTH PLAIN AGRlbW8Ad3Jvbmc=",),
            when=(S.GREETED,),
        ),
        Step(
            "right_password",
            Command(("AUTH",), (235,), pattern=r"AUTH\s+PLAIN\s+\S+", tls=True),
            ("AUTH PLAIN AGRlbW8AZGVtbw==",),
            when=(S.GREETED,),
            secret=True,
        ),
        Step(
            "mail_ok",
            Command(("MAIL",), (250,), tls=True),
            ("MAIL FROM:<demo@demo.local>",),
            when=(S.GREETED,),
        ),
    ),
    server=(("require_auth", True),),
)

ADDRESS_ERRORS = Lesson(
    "address_errors",
    (
        EHLO,
        MAIL,
        Step(
            "unknown",
            Command(("RCPT",), (550,)),
            ("RCPT TO:<nobody@demo.local>",),
            when=(S.MAIL, S.RCPT),
        ),
        Step(
            "malformed",
            Command(("RCPT",), (553,)),
            ("RCPT TO:<friend@@demo.local>",),
            when=(S.MAIL, S.RCPT),
        ),
        Step(
            "relay",
            Command(("RCPT",), (554,)),
            ("RCPT TO:<friend@example.com>",),
            when=(S.MAIL, S.RCPT),
        ),
        Step(
            "fixed",
            Command(("RCPT",), (250, 251)),
            ("RCPT TO:<friend@demo.local>",),
            when=(S.MAIL, S.RCPT),
        ),
    ),
    server=(("mailboxes", ("demo@demo.local", "friend@demo.local")),),
)

#: In the order a beginner takes them.
LESSONS: tuple[Lesson, ...] = (
    GREETING,
    ENVELOPE,
    DATA,
    DOTS,
    STARTTLS_LESSON,
    AUTH,
    AUTH_ERRORS,
    ADDRESS_ERRORS,
)


def lesson(lesson_id: str) -> Lesson:
    """The lesson called ``lesson_id``; ``KeyError`` if there is none."""
    for item in LESSONS:
        if item.id == lesson_id:
            return item
    raise KeyError(lesson_id)
