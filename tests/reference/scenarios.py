"""SMTP conversations played against real servers, shared by the live tests and
by the recorder that wrote ``transcripts/*.txt``::

    python -m tests.reference.scenarios   # re-record from the Postfix test peer

Each scenario drives a :class:`~tests.reference.wire.Wire` and returns nothing;
the transcript is the wire's record.
"""

from __future__ import annotations

import base64
import ssl
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tests.reference.wire import Wire

if TYPE_CHECKING:
    from tests.peers.postfix import PostfixPeer

TRANSCRIPTS = Path(__file__).with_name("transcripts")
CLIENT = "client.smtptui.test"
BODY = "Subject: reference test\r\n\r\nhello\r\n..a line that starts with a dot\r\n"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def plain_policy(w: Wire) -> None:
    """Unencrypted, unauthenticated: what a learner bumps into first."""
    w.cmd("MAIL FROM:<learner@example.com>")  # before EHLO
    w.cmd(f"EHLO {CLIENT}")
    w.cmd("AUTH PLAIN " + b64("\0testuser\0testpass"))  # AUTH only after STARTTLS here
    w.cmd("RCPT TO:<someone@example.net>")  # before MAIL
    w.cmd("DATA")  # before MAIL
    w.cmd("MAIL FROM:<learner@example.com>")
    w.cmd("MAIL FROM:<learner@example.com>")  # nested
    w.cmd("RCPT TO:<someone@example.net>")  # relay denied
    w.cmd("DATA")  # no valid recipients
    w.cmd("RSET")
    w.cmd("MAIL FROM:learner@example.com")  # no angle brackets
    w.cmd("VRFY postmaster")
    w.cmd("NOOP")
    w.cmd("XYZZY")
    w.cmd("QUIT")


def tls_auth_send(
    w: Wire, context: ssl.SSLContext, server_name: str, user: str, password: str
) -> None:
    """STARTTLS, a wrong password, AUTH LOGIN, a message, a second AUTH, QUIT."""
    w.cmd(f"EHLO {CLIENT}")
    w.starttls(context, server_name)
    w.cmd(f"EHLO {CLIENT}")
    w.cmd("AUTH PLAIN " + b64(f"\0{user}\0wrong-{password}"))
    w.cmd("AUTH LOGIN")
    w.cmd(b64(user))
    w.cmd(b64(password))
    w.cmd("AUTH PLAIN " + b64(f"\0{user}\0{password}"))  # already authenticated
    w.cmd(f"MAIL FROM:<{user}>")
    w.cmd("RCPT TO:<someone@example.net>")
    w.data(BODY)
    w.cmd("STARTTLS")  # already in TLS
    w.cmd("QUIT")


def pipelined_chunking(
    w: Wire, context: ssl.SSLContext, server_name: str, user: str, password: str
) -> None:
    """PIPELINING for the envelope, then BDAT (CHUNKING)."""
    w.cmd(f"EHLO {CLIENT}")
    w.starttls(context, server_name)
    w.cmd(f"EHLO {CLIENT}")
    w.cmd("AUTH PLAIN " + b64(f"\0{user}\0{password}"))
    w.pipeline(f"MAIL FROM:<{user}>", "RCPT TO:<a@example.net>", "RCPT TO:<b@example.net>")
    chunk = BODY.replace("\r\n..", "\r\n.").encode()
    w.lines.append(f"~> BDAT {len(chunk)} LAST")
    w.lines.append(f"=== ({len(chunk)} bytes of message)")
    w.sock.sendall(f"BDAT {len(chunk)} LAST\r\n".encode() + chunk)
    w.steps.append((f"BDAT {len(chunk)} LAST", w._read()))
    w.lines.extend(f"<~ {line}" for line in w.steps[-1][1].display_lines())
    w.cmd("QUIT")


SCENARIOS: dict[str, Callable[..., None]] = {
    "plain_policy": plain_policy,
    "tls_auth_send": tls_auth_send,
    "pipelined_chunking": pipelined_chunking,
}


def run_postfix(name: str, peer: PostfixPeer) -> Wire:
    """Play scenario ``name`` against the Postfix peer; returns the finished wire."""
    w = Wire(peer.host, peer.port)
    try:
        if name == "plain_policy":
            plain_policy(w)
        else:
            ctx = ssl.create_default_context(cafile=peer.ca_file)
            SCENARIOS[name](w, ctx, peer.server_name, peer.user, peer.password)
    finally:
        w.close()
    return w


def main() -> int:
    from tests.peers.postfix import postfix_peer

    peer = postfix_peer()
    if peer is None:
        print("no Postfix test peer answers; start it with tests/peers/postfix.sh", file=sys.stderr)
        return 1
    TRANSCRIPTS.mkdir(exist_ok=True)
    for name in SCENARIOS:
        w = run_postfix(name, peer)
        text = w.transcript()
        (TRANSCRIPTS / f"postfix_{name}.txt").write_text(
            f"=== recorded from Postfix (tests/peers/postfix.sh) by tests/reference/scenarios.py\n{text}"
        )
        print(f"wrote postfix_{name}.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
