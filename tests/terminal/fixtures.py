"""Pytest fixtures for the real-terminal tests (loaded for every test module by
``tests/conftest.py``): private tmux terminals, never one left running, and
the misbehaving servers their profiles point at."""

from __future__ import annotations

import pytest

from tests.terminal.harness import Terminal, write_profile
from tests.terminal.servers import MisbehavingServers


@pytest.fixture
def terminals(tmux, tmp_path):
    """``terminals(width, height)`` → a new :class:`Terminal`; all closed after."""
    made: list[Terminal] = []

    def make(width: int = 120, height: int = 40) -> Terminal:
        terminal = Terminal(tmux, tmp_path / f"home{len(made)}", width, height)
        made.append(terminal)
        return terminal

    yield make
    for terminal in made:
        terminal.close()


@pytest.fixture(scope="module")
def misbehaving():
    """Ports of the misbehaving servers (tests/terminal/servers.py)."""
    with MisbehavingServers() as ports:
        yield ports


def point_profiles_at(terminal: Terminal, ports: dict[str, int], *, timeout: float = 3) -> None:
    """One profile per misbehaving server (beside the bundled demo)."""
    for name, port in ports.items():
        write_profile(terminal.profiles, name.replace("_", "-"), port, timeout=timeout)
