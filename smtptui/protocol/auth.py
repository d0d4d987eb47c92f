"""SASL mechanisms for SMTP AUTH (RFC 4954): PLAIN, LOGIN, CRAM-MD5, XOAUTH2.

Each mechanism produces :class:`AuthLine` values: the exact wire text plus what
a screen may show (password masked, base64 decoded into words) and what an
export may show (user name masked too).  Pure functions, no I/O — the session
does the talking, and tests check these against the RFC test vectors.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from smtptui.protocol.errors import AuthError
from smtptui.protocol.secret import MASK, Secret
from smtptui.protocol.text import escape_text

#: Preference of ``auto``: strongest first.  XOAUTH2 needs a token, not a
#: password, so it is only used when asked for by name.
AUTO_PREFERENCE = ("CRAM-MD5", "PLAIN", "LOGIN")
MECHANISMS = ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2")
MAX_CHALLENGES = 5


@dataclass(frozen=True, slots=True)
class AuthLine:
    wire: str
    text: str
    annotation: str | None
    redacted: str
    redacted_annotation: str | None
    secret: bool = True


def b64(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.b64encode(data).decode("ascii")


def decode_challenge(text: str) -> str | None:
    """The decoded meaning of a 334 challenge for display (``VXNlcm5hbWU6`` →
    ``Username:``); ``None`` when it is not base64 of readable text."""
    text = text.strip()
    if not text:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not decoded or not decoded.isprintable():
        return escape_text(decoded) if decoded.strip() else None
    return decoded


def choose_mechanism(requested: str, offered: tuple[str, ...]) -> str:
    """Resolve ``auto`` (or a name) against what the server offers."""
    requested = requested.upper()
    if requested == "AUTO":
        for mech in AUTO_PREFERENCE:
            if mech in offered:
                return mech
        if not offered:
            raise AuthError("the server does not offer AUTH at all (no AUTH in its EHLO reply)")
        raise AuthError(
            f"the server offers AUTH {' '.join(offered)}, none of which smtptui can do "
            f"({', '.join(MECHANISMS)})"
        )
    if requested not in MECHANISMS:
        raise AuthError(
            f"unknown AUTH mechanism {requested!r}; use one of auto, {', '.join(MECHANISMS).lower()}"
        )
    return requested


class Mechanism:
    """A running SASL exchange: :meth:`start` once, then :meth:`respond` per 334."""

    name = ""

    def __init__(self, username: str, secret: Secret) -> None:
        self.username = username
        self.secret = secret
        self.rounds = 0

    def start(self) -> AuthLine:
        line = f"AUTH {self.name}"
        return AuthLine(line, line, None, line, None, secret=False)

    def respond(self, challenge: str) -> AuthLine:
        self.rounds += 1
        if self.rounds > MAX_CHALLENGES:
            raise AuthError(
                f"the server sent more than {MAX_CHALLENGES} AUTH challenges; giving up"
            )
        return self._respond(challenge)

    def _respond(self, challenge: str) -> AuthLine:  # pragma: no cover - overridden
        raise AuthError(f"AUTH {self.name} does not expect a challenge")


class Plain(Mechanism):
    """RFC 4616, sent with an initial response (RFC 4954 §4)."""

    name = "PLAIN"

    def _token(self) -> str:
        return b64(f"\0{self.username}\0{self.secret.reveal()}")

    def start(self) -> AuthLine:
        return AuthLine(
            wire=f"AUTH PLAIN {self._token()}",
            text=f"AUTH PLAIN {MASK}",
            annotation=f"user {self.username!r}, password {MASK}",
            redacted=f"AUTH PLAIN {MASK}",
            redacted_annotation=f"user {MASK}, password {MASK}",
        )

    def _respond(self, challenge: str) -> AuthLine:
        # A server that ignored the initial response asks again with an empty 334.
        return AuthLine(
            self._token(),
            MASK,
            f"user {self.username!r}, password {MASK}",
            MASK,
            f"user {MASK}, password {MASK}",
        )


class Login(Mechanism):
    """The widespread non-standard LOGIN: base64 user name, then password."""

    name = "LOGIN"

    def _respond(self, challenge: str) -> AuthLine:
        prompt = (decode_challenge(challenge) or "").lower()
        wants_password = "pass" in prompt or (self.rounds >= 2 and "user" not in prompt)
        if wants_password:
            return AuthLine(b64(self.secret.reveal()), MASK, "password", MASK, "password")
        user64 = b64(self.username)
        return AuthLine(user64, user64, f"user name {self.username!r}", MASK, "user name")


class CramMd5(Mechanism):
    """RFC 2195: HMAC-MD5 of the server's challenge, keyed with the password."""

    name = "CRAM-MD5"

    def _respond(self, challenge: str) -> AuthLine:
        try:
            raw = base64.b64decode(challenge.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise AuthError("the server's CRAM-MD5 challenge is not valid base64") from exc
        digest = hmac.new(self.secret.reveal().encode("utf-8"), raw, hashlib.md5).hexdigest()
        return AuthLine(
            wire=b64(f"{self.username} {digest}"),
            text=MASK,
            annotation=f"user {self.username!r} + HMAC-MD5 digest of the challenge",
            redacted=MASK,
            redacted_annotation="user name + HMAC-MD5 digest of the challenge",
        )


class XOAuth2(Mechanism):
    """Google/Microsoft XOAUTH2: user name and OAuth 2.0 bearer token."""

    name = "XOAUTH2"

    def start(self) -> AuthLine:
        token = b64(f"user={self.username}\x01auth=Bearer {self.secret.reveal()}\x01\x01")
        return AuthLine(
            wire=f"AUTH XOAUTH2 {token}",
            text=f"AUTH XOAUTH2 {MASK}",
            annotation=f"user {self.username!r}, bearer token {MASK}",
            redacted=f"AUTH XOAUTH2 {MASK}",
            redacted_annotation=f"user {MASK}, bearer token {MASK}",
        )

    def _respond(self, challenge: str) -> AuthLine:
        # The 334 carries a JSON error; the client must answer with an empty line.
        return AuthLine(
            "", "", "empty line: acknowledges the error", "", "empty line", secret=False
        )


_CLASSES: dict[str, type[Mechanism]] = {
    "PLAIN": Plain,
    "LOGIN": Login,
    "CRAM-MD5": CramMd5,
    "XOAUTH2": XOAuth2,
}


def mechanism(name: str, username: str, secret: Secret) -> Mechanism:
    return _CLASSES[name.upper()](username, secret)
