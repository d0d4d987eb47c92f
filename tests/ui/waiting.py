"""Waiting in Pilot tests: for a condition, never for a fixed time."""

from __future__ import annotations

import asyncio


async def _poll(pilot, predicate, timeout: float, failure: str) -> None:
    """Until ``predicate()`` holds; a ``KeyError`` means "not yet" (a profile's
    session exists only once it is first used)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout

    def holds() -> bool:
        try:
            return bool(predicate())
        except KeyError:
            return False

    while not holds():
        if loop.time() > deadline:
            raise AssertionError(failure)
        await pilot.pause(0.02)


async def wait_until(pilot, predicate, timeout: float = 10.0) -> None:
    """Until ``predicate()`` holds, at most ``timeout`` seconds."""
    await _poll(pilot, predicate, timeout, "condition never became true")


async def until(pilot, predicate, what: str, timeout: float = 20.0) -> None:
    """The same, saying ``what`` never happened when it fails (a busy machine
    makes a widget's short delays longer, never a reason to fail)."""
    await _poll(pilot, predicate, timeout, f"{what} never happened within {timeout} s")
