"""How fast Ringback's webhook outbox drains: deliveries per second to one and to several local
receivers, and how long a flood takes to drain once the load stops.

    .venv/bin/python bench/webhooks_drain.py [--deliveries 5000] [--receivers 1 4 16]
                                             [--receiver fast|threaded|both] [--server-flood 3000]

Two measurements:

- **dispatcher**: N deliveries already in the outbox (a fresh SQLite file, synchronous=FULL as
  `ringback serve`), spread round-robin over R receivers; one `Dispatcher` (default settings,
  uvloop) drains them; deliveries/s = N / time until every attempt is recorded.
- **server flood**: a real `ringback serve`; 8 concurrent clients POST test pings
  (`/_ringback/webhooks/test`, one delivery each) to one receiver as fast as Ringback accepts
  them; reported: the enqueue rate, and the drain — from the last ping being accepted to the
  receiver holding every one of them.

Receivers run in their own processes so they do not share the GIL with the dispatcher:
`fast` is a bare asyncio + httptools server (what the dispatcher can do at best), `threaded`
is `ringback.testing.receiver.WebhookReceiver` (what a test suite gets).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import uvloop

from ringback.core.clock import Clock
from ringback.state.sqlite import SqliteStore
from ringback.webhooks import outbox
from ringback.webhooks.dispatcher import Dispatcher

PAYLOAD = {
    "msisdn": "447700900901",
    "to": "Ringback",
    "network-code": "23410",
    "messageId": "",
    "price": "0.03330000",
    "status": "delivered",
    "scts": "2611261000",
    "err-code": "0",
    "message-timestamp": "2026-11-26 10:00:00",
}


# ---- receivers (each in a child process) -------------------------------------------------


def serve_fast() -> None:
    import httptools

    count = 0

    class Receiver(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport
            self.parser = httptools.HttpRequestParser(self)

        def data_received(self, data: bytes) -> None:
            self.parser.feed_data(data)

        def on_message_complete(self) -> None:
            nonlocal count
            count += 1
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Receiver, "127.0.0.1", 0)
        print(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while await reader.readline():
            print(count, flush=True)

    uvloop.run(main())


def serve_threaded() -> None:
    from ringback.testing.receiver import WebhookReceiver

    receiver = WebhookReceiver().start()
    print(receiver.url, flush=True)
    for _ in sys.stdin:
        print(len(receiver.received), flush=True)


class ReceiverProcess:
    def __init__(self, kind: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve-receiver", kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()

    def count(self) -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.terminate()
        self.process.wait()


# ---- measurements ------------------------------------------------------------------------


def dispatcher_rate(kind: str, deliveries: int, receivers: int) -> dict[str, Any]:
    children = [ReceiverProcess(kind) for _ in range(receivers)]
    try:
        with tempfile.TemporaryDirectory() as work:
            store = SqliteStore(str(Path(work) / "bench.db"))
            store.migrate()
            clock = Clock()
            with store.begin() as tx:
                for n in range(deliveries):
                    outbox.enqueue(
                        tx,
                        clock.now(),
                        api_key=None,
                        kind="sms-dlr",
                        url=f"{children[n % receivers].url}/webhooks/delivery-receipt",
                        payload={**PAYLOAD, "messageId": f"{n:016X}"},
                    )

            async def drain() -> float:
                dispatcher = Dispatcher(store, clock)
                started = time.perf_counter()
                await dispatcher.drain(timeout=600)
                elapsed = time.perf_counter() - started
                await dispatcher.stop()
                return elapsed

            cpu_before = time.process_time()
            elapsed = uvloop.run(drain())
            cpu = time.process_time() - cpu_before
            store.close()
        received = sum(child.count() for child in children)
    finally:
        for child in children:
            child.stop()
    return {
        "measure": "dispatcher",
        "receiver": kind,
        "receivers": receivers,
        "deliveries": deliveries,
        "received": received,
        "seconds": round(elapsed, 3),
        "per_second": round(deliveries / elapsed),
        "cpu_ms_per_delivery": round(cpu / deliveries * 1000, 3),
    }


def dispatcher_trickle(
    kind: str, deliveries: int, group: int, profile: str | None = None
) -> dict[str, Any]:
    """Deliveries owed `group` at a time, each group in its own transaction with a turn of the
    loop between groups (as a loaded server's delivery jobs owe receipts), while one
    `Dispatcher` sends them to one receiver: the CPU per delivery of both sides together,
    minus the enqueueing alone (measured first, without a dispatcher)."""
    import cProfile

    child = ReceiverProcess(kind)
    try:
        url = f"{child.url}/webhooks/delivery-receipt"

        def enqueue(tx: Any, first: int, clock: Clock) -> None:
            for n in range(first, first + group):
                outbox.enqueue(
                    tx,
                    clock.now(),
                    api_key=None,
                    kind="sms-dlr",
                    url=url,
                    payload={**PAYLOAD, "messageId": f"{n:016X}"},
                )

        async def produce(store: SqliteStore, clock: Clock, wake: Any) -> None:
            for first in range(0, deliveries, group):
                await store.transact(enqueue, first, clock)
                wake()
                await asyncio.sleep(0)

        def run(with_dispatcher: bool) -> tuple[float, float]:
            with tempfile.TemporaryDirectory() as work:
                store = SqliteStore(str(Path(work) / "bench.db"))
                store.migrate()
                clock = Clock()

                async def main() -> float:
                    if not with_dispatcher:
                        await produce(store, clock, lambda: None)
                        return 0.0
                    dispatcher = Dispatcher(store, clock)
                    task = asyncio.create_task(dispatcher.run_forever())
                    await produce(store, clock, dispatcher.wake)
                    await dispatcher.drain(timeout=600)
                    await dispatcher.stop()
                    task.cancel()
                    return 0.0

                profiler = cProfile.Profile() if profile and with_dispatcher else None
                started = time.process_time()
                wall = time.perf_counter()
                if profiler:
                    profiler.enable()
                uvloop.run(main())
                if profiler:
                    profiler.disable()
                    profiler.dump_stats(profile)  # type: ignore[arg-type]
                cpu = time.process_time() - started
                store.close()
                return cpu, time.perf_counter() - wall

        enqueue_cpu, _ = run(False)
        before = child.count()
        total_cpu, elapsed = run(True)
        received = child.count() - before
    finally:
        child.stop()
    return {
        "measure": "trickle",
        "receiver": kind,
        "receivers": 1,
        "group": group,
        "deliveries": deliveries,
        "received": received,
        "per_second": round(deliveries / elapsed),
        "cpu_ms_per_delivery_enqueue": round(enqueue_cpu / deliveries * 1000, 3),
        "cpu_ms_per_delivery_dispatch": round((total_cpu - enqueue_cpu) / deliveries * 1000, 3),
    }


def server_flood(kind: str, pings: int) -> dict[str, Any]:
    from ringback.testing.server import RingbackProcess

    child = ReceiverProcess(kind)
    with tempfile.TemporaryDirectory() as work:
        server = RingbackProcess(Path(work), "--no-rate-limits").start()
        try:
            url = f"{child.url}/webhooks/delivery-receipt"

            async def flood() -> tuple[float, float]:
                async with httpx.AsyncClient(base_url=f"{server.http_url}/_ringback") as api:
                    queue = list(range(pings))

                    async def sender() -> None:
                        while queue:
                            n = queue.pop()
                            body = {"url": url, "payload": {**PAYLOAD, "messageId": f"{n:016X}"}}
                            response = await api.post("/webhooks/test", json=body)
                            response.raise_for_status()

                    started = time.perf_counter()
                    await asyncio.gather(*(sender() for _ in range(8)))
                    return started, time.perf_counter()

            started, load_stopped = uvloop.run(flood())
            at_stop = child.count()
            while child.count() < pings:
                if time.perf_counter() - load_stopped > 120:
                    raise RuntimeError(f"only {child.count()} of {pings} arrived")
                time.sleep(0.005)
            drained = time.perf_counter()
        finally:
            server.stop()
            child.stop()
    return {
        "measure": "server flood",
        "receiver": kind,
        "receivers": 1,
        "deliveries": pings,
        "enqueue_per_second": round(pings / (load_stopped - started)),
        "delivered_during_load": at_stop,
        "drain_seconds_after_load": round(drained - load_stopped, 3),
        "per_second": round(pings / (drained - started)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=5000)
    parser.add_argument("--receivers", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--receiver", choices=["fast", "threaded", "both"], default="both")
    parser.add_argument("--server-flood", type=int, default=3000, help="0 skips it")
    parser.add_argument(
        "--trickle",
        type=int,
        default=0,
        help="instead: deliveries owed this many at a time while the dispatcher runs",
    )
    parser.add_argument("--profile", help="with --trickle: a cProfile of the dispatching run")
    parser.add_argument("--serve-receiver", choices=["fast", "threaded"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_receiver:
        serve_fast() if args.serve_receiver == "fast" else serve_threaded()
        return
    kinds = ["fast", "threaded"] if args.receiver == "both" else [args.receiver]
    if args.trickle:
        for kind in kinds:
            found = dispatcher_trickle(kind, args.deliveries, args.trickle, args.profile)
            print(json.dumps(found), flush=True)
        return
    results = []
    for kind in kinds:
        for receivers in args.receivers:
            result = dispatcher_rate(kind, args.deliveries, receivers)
            print(json.dumps(result), flush=True)
            results.append(result)
        if args.server_flood:
            result = server_flood(kind, args.server_flood)
            print(json.dumps(result), flush=True)
            results.append(result)
    print()
    print(f"{'measure':<14} {'receiver':<9} {'recv':>4} {'n':>6} {'per s':>7}  drain after load")
    for r in results:
        drain = r.get("drain_seconds_after_load")
        drain_text = f"{drain:.2f} s" if drain is not None else ""
        print(
            f"{r['measure']:<14} {r['receiver']:<9} {r['receivers']:>4} {r['deliveries']:>6} "
            f"{r['per_second']:>7}  {drain_text}"
        )


if __name__ == "__main__":
    main()
