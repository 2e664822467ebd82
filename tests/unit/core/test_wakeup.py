"""Wake-ups from worker threads (PostgreSQL's store runs handlers there): they reach the loop,
only once the transaction they were asked for in is done, and long-polls never miss one."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ringback.core.changes import Changes
from ringback.core.wakeup import Wakeup, held_until_done


def test_a_worker_thread_wakes_a_waiter_on_the_loop() -> None:
    async def scenario() -> float:
        wakeup = Wakeup()
        started = time.monotonic()
        timer = threading.Timer(0.05, wakeup.set)
        timer.start()
        await asyncio.wait_for(wakeup.wait(), timeout=5)
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 2


def test_wake_ups_inside_a_transaction_arrive_when_it_ends() -> None:
    async def scenario() -> list[str]:
        wakeup = Wakeup()
        seen: list[str] = []
        committed = threading.Event()

        def transaction() -> None:
            with held_until_done():
                wakeup.set()
                time.sleep(0.2)  # still inside: the waiter must not run yet
                seen.append("committed")
                committed.set()

        async def waiter() -> None:
            await wakeup.wait()
            seen.append("woken")

        task = asyncio.create_task(waiter())
        await asyncio.sleep(0)
        with ThreadPoolExecutor(1) as pool:
            await asyncio.get_running_loop().run_in_executor(pool, transaction)
        await asyncio.wait_for(task, timeout=5)
        return seen

    assert asyncio.run(scenario()) == ["committed", "woken"]


def test_a_change_announced_while_state_was_read_elsewhere_is_not_missed() -> None:
    async def scenario() -> bool:
        changes = Changes()
        seen = changes.version
        changes.notify("inbox")  # lands between the read and the wait
        started = time.monotonic()
        changed = await changes.wait("inbox", timeout=5, since=seen)
        return changed and time.monotonic() - started < 1

    assert asyncio.run(scenario())
