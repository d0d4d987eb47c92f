"""Waiting in Pilot tests: for a condition, never for a fixed time."""

from __future__ import annotations

import asyncio


async def wait_until(pilot, predicate, timeout: float = 10.0) -> None:
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
            raise AssertionError("condition never became true")
        await pilot.pause(0.02)
