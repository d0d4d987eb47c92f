from __future__ import annotations

import asyncio
import time

import pytest

from smtptui.protocol.deadline import Deadline


async def test_deadline_cancels_a_wait_and_says_so():
    d = Deadline()
    d.arm(0.05)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.sleep(5)
    assert d.consume_expiry()
    assert asyncio.current_task().cancelling() == 0  # bookkeeping undone


async def test_a_shorter_deadline_after_a_longer_one_fires_on_time():
    d = Deadline()
    d.arm(300)
    d.disarm()
    d.arm(0.05)
    started = time.monotonic()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.sleep(5)
    assert time.monotonic() - started < 1
    assert d.consume_expiry()
    d.close()


async def test_a_disarmed_deadline_never_cancels():
    d = Deadline()
    d.arm(0.02)
    d.disarm()
    await asyncio.sleep(0.1)
    assert not d.expired
    d.close()


async def test_outside_cancellation_is_not_mistaken_for_a_timeout():
    d = Deadline()

    async def waiter():
        d.arm(10)
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            assert not d.consume_expiry()
            raise

    task = asyncio.create_task(waiter())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    d.close()
