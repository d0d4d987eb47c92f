from __future__ import annotations

import asyncio
import contextlib
import time

from smtptui.protocol.deadline import Deadline


async def test_deadline_ends_a_wait_and_says_so():
    loop = asyncio.get_running_loop()
    d = Deadline(loop)
    waiter = loop.create_future()
    d.arm(0.05, waiter)
    await asyncio.wait_for(waiter, 5)
    assert d.expired
    assert asyncio.current_task().cancelling() == 0  # no cancellation involved
    d.close()


async def test_a_shorter_deadline_after_a_longer_one_fires_on_time():
    loop = asyncio.get_running_loop()
    d = Deadline(loop)
    d.arm(300, loop.create_future())
    d.disarm()
    waiter = loop.create_future()
    d.arm(0.05, waiter)
    started = time.monotonic()
    await asyncio.wait_for(waiter, 5)
    assert time.monotonic() - started < 1
    assert d.expired
    d.close()


async def test_a_longer_deadline_after_a_shorter_one_waits_its_full_time():
    loop = asyncio.get_running_loop()
    d = Deadline(loop)
    first = loop.create_future()
    d.arm(0.02, first)
    first.set_result(None)  # the reply came in time
    d.disarm()
    second = loop.create_future()
    d.arm(0.3, second)
    await asyncio.sleep(0.1)  # the first timer has fired by now and re-armed itself
    assert not second.done() and not d.expired
    await asyncio.wait_for(second, 5)
    assert d.expired
    d.close()


async def test_a_disarmed_deadline_never_fires():
    loop = asyncio.get_running_loop()
    d = Deadline(loop)
    waiter = loop.create_future()
    d.arm(0.02, waiter)
    d.disarm()
    await asyncio.sleep(0.1)
    assert not d.expired and not waiter.done()
    d.close()


async def test_outside_cancellation_is_not_mistaken_for_a_timeout():
    loop = asyncio.get_running_loop()
    d = Deadline(loop)

    async def wait():
        waiter = loop.create_future()
        d.arm(10, waiter)
        try:
            await waiter
        finally:
            d.disarm()

    task = asyncio.create_task(wait())
    await asyncio.sleep(0.01)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled() and not d.expired
    d.close()
