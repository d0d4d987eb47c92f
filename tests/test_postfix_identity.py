"""The Postfix tests run only against the peer tests/peers/postfix.sh
configured: another SMTP server on the port (another user, AUTH before TLS,
no ::1) makes them skip with a sentence saying so (and fail under CI=true),
instead of failing one by one."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

import pytest

from tests.peers.postfix import PEER_MARKER, probe_postfix


@contextmanager
def greeting_server(greeting: bytes):
    """A loopback server that sends ``greeting`` to each client and hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with client:
                client.sendall(greeting + b"\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@pytest.fixture
def peer_env(monkeypatch, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("not checked by the probe\n")
    monkeypatch.setenv("SMTPTUI_POSTFIX_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTPTUI_POSTFIX_HOST6", "")
    monkeypatch.setenv("SMTPTUI_POSTFIX_CA_FILE", str(ca))

    def at(port: int) -> None:
        monkeypatch.setenv("SMTPTUI_POSTFIX_PORT", str(port))

    return at


def test_another_postfix_on_the_port_is_not_taken_for_the_peer(peer_env):
    with greeting_server(b"220 mail.example.com ESMTP Postfix (Debian/GNU)") as port:
        peer_env(port)
        peer, reason = probe_postfix(timeout=5)
    assert peer is None
    assert f"127.0.0.1:{port} is not the test peer tests/peers/postfix.sh configures" in reason
    assert PEER_MARKER in reason and "postfix.sh" in reason


def test_the_configured_peer_is_recognised_by_its_greeting(peer_env):
    with greeting_server(f"220 postfix.test ESMTP {PEER_MARKER}".encode()) as port:
        peer_env(port)
        peer, reason = probe_postfix(timeout=5)
    assert reason == ""
    assert peer is not None and peer.port == port
