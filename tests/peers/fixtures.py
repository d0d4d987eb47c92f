"""Pytest fixtures for real external peers, loaded with
``pytest_plugins = ["tests.peers.fixtures"]`` in ``tests/conftest.py``.

Rule for every peer: on a developer machine without it the test is *skipped*;
under ``CI=true`` a missing peer is a *failure* (CI must have started it).
"""

from __future__ import annotations

import shutil

import pytest

from tests.peers.postfix import PostfixPeer, probe_postfix, running_in_ci


def require_peer(reason: str) -> None:
    """Skip with ``reason`` locally; fail under CI=true."""
    if running_in_ci():
        pytest.fail(f"CI=true and a required test peer is missing: {reason}", pytrace=False)
    pytest.skip(reason)


def require_tool(name: str) -> str:
    """The path of the program ``name`` a test drives (swaks, a shell, man,
    groff); skipped on a laptop without it, a failure under CI=true, where
    .ci/run installs every one of them."""
    path = shutil.which(name)
    if path is None:
        require_peer(f"{name} is not installed")
    return path


@pytest.fixture(scope="session")
def postfix() -> PostfixPeer:
    """The real Postfix started by tests/peers/postfix.sh (see tests/peers/postfix.py)."""
    peer, reason = probe_postfix(timeout=2.0)
    if peer is None:
        require_peer(reason)
    return peer


@pytest.fixture(scope="session")
def tmux() -> str:
    """Absolute path of the tmux binary."""
    path = shutil.which("tmux")
    if path is None:
        require_peer("tmux is not installed (Debian: apt-get install tmux)")
    return path
