"""CPU per SMS inside one process, without sockets: POST /sms/json through the ASGI app as
uvicorn would call it (16 at a time, one commit group per turn), then the delivery jobs, which
enqueue the receipts (the dispatcher is not run). A steadier yardstick than the wrk run on a
shared machine: no other process is involved, and `time.process_time` counts only this one.

    .venv/bin/python bench/sms_inproc.py [--messages 4000] [--synchronous OFF|NORMAL|FULL]
        [--profile out.prof]   (cProfile of the timed part)
        [--delay 0]   (the handsets' delay: 0 lands each message in its send, s14-inline)
        [--trace]   (SQLite statements per message, by kind, instead of timings; an
                     executemany counts once per row, as SQLite runs it)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import gc
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import uvloop
from inproc_common import DELAY, advance, call, set_delay

from ringback.app import bootstrap_default_account, build_services, create_app
from ringback.config import Settings
from ringback.state import accounts as account_state
from ringback.state.webhook_deliveries import Filter, find

CONCURRENCY = 16


async def post(app: Any, body: bytes, auth: bytes) -> int:
    headers = [(b"content-type", b"application/x-www-form-urlencoded"), (b"authorization", auth)]
    status, _ = await call(app, "POST", "/sms/json", body, headers)
    return status


class Tracer:
    """Counts the statements SQLite runs, by their first words, in the current phase."""

    def __init__(self) -> None:
        self.phases: dict[str, Counter[str]] = {}
        self.current: Counter[str] | None = None

    def phase(self, name: str | None) -> None:
        self.current = None if name is None else self.phases.setdefault(name, Counter())

    def __call__(self, sql: str) -> None:
        if self.current is not None:
            words = sql.split()
            head = words[0].upper()
            if head in ("INSERT", "DELETE") and len(words) > 2:
                head = f"{head} {words[2]}"
            elif head == "UPDATE" or (head == "SELECT" and "FROM" in words):
                table = words[1] if head == "UPDATE" else words[words.index("FROM") + 1]
                head = f"{head} {table}"
            self.current[head] += 1

    def report(self, messages: int) -> None:
        for name, counts in self.phases.items():
            total = sum(counts.values()) / messages
            print(f"{name}: {total:.2f} statements per message")
            for head, count in counts.most_common():
                print(f"  {count / messages:6.2f}  {head}")


async def scenario(
    args: argparse.Namespace, data_dir: Path, tracer: Tracer | None = None
) -> tuple[float, float]:
    settings = Settings(
        data_dir=data_dir,
        sqlite_synchronous=args.synchronous,
        rate_limits=False,
        default_balance="1000000",
        log_level="warning",
    )
    services = build_services(settings)
    account, secret = bootstrap_default_account(services)
    with services.store.begin() as tx:
        account_state.update_account(tx, account.api_key, dr_callback_url="http://127.0.0.1:9/dr")
    wait = set_delay(services, args.delay)
    app = create_app(services)
    gc.collect()
    gc.freeze()  # as `ringback serve` does after start-up (server.py)
    auth = b"Basic " + base64.b64encode(f"{account.api_key}:{secret}".encode())
    bodies = [
        f"from=Ringback&to=4477009{n % 100:05d}&text=Hello+number+{n}".encode()
        for n in range(args.messages)
    ]

    async def run(chunk: list[bytes]) -> None:
        statuses = await asyncio.gather(*(post(app, b, auth) for b in chunk))
        assert set(statuses) == {200}, statuses

    await run(bodies[:CONCURRENCY])  # warm: statements compiled, caches filled
    services.clock.advance(DELAY)  # the handsets' default delay: every job due
    await services.scheduler.run_due()
    profiler = cProfile.Profile() if args.profile else None
    if tracer is not None:
        services.store.raw_connection().set_trace_callback(tracer)  # type: ignore[attr-defined]
        tracer.phase("send")
    started = time.process_time()
    if profiler:
        profiler.enable()
    for i in range(CONCURRENCY, len(bodies), CONCURRENCY):
        await run(bodies[i : i + CONCURRENCY])
    sent_at = time.process_time()
    if tracer is not None:
        tracer.phase("delivery jobs")
    advance(services, wait)
    await services.scheduler.run_due()
    done_at = time.process_time()
    if tracer is not None:
        tracer.phase(None)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    n = len(bodies) - CONCURRENCY
    with services.store.begin() as tx:
        owed = len(find(tx, Filter(limit=len(bodies) + 1)))
    assert owed == len(bodies), f"{owed} receipts owed for {len(bodies)} messages"
    services.store.close()
    return (sent_at - started) / n * 1000, (done_at - sent_at) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--synchronous", default="OFF", choices=["OFF", "NORMAL", "FULL"])
    parser.add_argument("--profile", default=None)
    parser.add_argument(
        "--delay",
        type=float,
        default=None,
        help="the handsets' delay_seconds (default: their own, 1 s); 0: due at the send",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs; the fastest is reported")
    parser.add_argument("--trace", action="store_true", help="statements per message, one run")
    args = parser.parse_args()
    if args.trace:
        tracer = Tracer()
        with tempfile.TemporaryDirectory() as tmp:
            uvloop.run(scenario(args, Path(tmp), tracer))
        tracer.report(args.messages - CONCURRENCY)
        return
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(uvloop.run(scenario(args, Path(tmp))))
    send, job = min(runs, key=sum)
    print(
        f"CPU ms per message, fastest of {len(runs)} runs of {args.messages}: send {send:.3f}, "
        f"delivery job {job:.3f}, total {send + job:.3f} (synchronous={args.synchronous}; "
        f"all runs' totals: {', '.join(f'{a + b:.3f}' for a, b in runs)})"
    )


if __name__ == "__main__":
    main()
