"""The workers study of bench/sms_run.py (`--workers 1,2`): the same SMS run on PostgreSQL, one
`ringback serve --workers N` after another, each next to the bare form endpoint in the same run.

A durable throwaway PostgreSQL (`ThrowawayPostgres(durable=True)`: fsync on, as a user's would
be) with a fresh database per run; the receiver of bench/receiver_app.py takes the receipts and
counts duplicates. Per N: Ringback started on the database, an account whose DR URL is the
receiver, the destinations, a warm-up and its drain, the baseline measured, then Ringback
measured and the drain (the last receipt after wrk stops) timed from the receiver's count.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from run import Baseline, wrk_problems
from sms_parts import (
    ReceiverClient,
    accepted,
    create_account,
    first_body,
    preflight,
    run_wrk,
    set_destinations,
    set_dr_url,
    write_bodies,
)

from ringback.testing.postgres import ThrowawayPostgres
from ringback.testing.server import RingbackProcess

BENCH = Path(__file__).resolve().parent


def drain(receiver: ReceiverClient, at_least: int, timeout: float) -> dict[str, Any]:
    """Until `at_least` receipts arrived and no more come for a second; when the last came."""
    deadline = time.monotonic() + timeout
    last = receiver.count()
    last_change = time.time()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = receiver.count()
        if now["count"] != last["count"]:
            last, last_change = now, time.time()
        elif now["count"] >= at_least and time.time() - last_change > 1.0:
            return {"drained": True, "receipts": now, "last_at": last_change}
    return {"drained": False, "receipts": last, "last_at": last_change}


def run_workers(wrk: str, work: Path, args: argparse.Namespace, info: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    counts = [int(n) for n in args.workers.split(",")]
    postgres = ThrowawayPostgres(durable=True).start()
    baseline = Baseline(work / "baseline").start()
    receiver_app = Baseline(work / "receiver", script=BENCH / "receiver_app.py").start()
    receiver_url = f"http://127.0.0.1:{receiver_app.info['http_port']}"
    receiver = ReceiverClient(receiver_url)
    rows: list[dict[str, Any]] = []
    wrk_options = {"threads": args.threads, "connections": args.connections}
    try:
        for workers in counts:
            ringback = RingbackProcess(
                work / f"ringback-{workers}",
                "--no-rate-limits",
                "--database",
                postgres.create_database(),
                "--workers",
                str(workers),
            ).start(timeout=90)
            try:
                api_key, api_secret = create_account(ringback)
                set_dr_url(ringback, api_key, api_secret, f"{receiver_url}/receipt")
                destinations, _ = set_destinations(ringback, args.destinations, args.delay)
                bodies = write_bodies(work / "bodies.txt", api_key, api_secret, destinations)
                url = f"{ringback.http_url}/sms/json"
                status, answer = preflight(url, first_body(bodies))
                if status != 200 or not accepted(answer):
                    failures.append(f"{workers} workers: preflight {status} {answer}")
                    continue
                if args.warmup:
                    receiver.reset()
                    warm = run_wrk(wrk, url, seconds=args.warmup, bodies=bodies, **wrk_options)
                    drain(receiver, warm["requests"], args.drain_timeout)
                base = run_wrk(
                    wrk,
                    f"http://127.0.0.1:{baseline.info['http_port']}/sms/json",
                    seconds=args.duration,
                    bodies=bodies,
                    **wrk_options,
                )
                receiver.reset()
                measured = run_wrk(wrk, url, seconds=args.duration, bodies=bodies, **wrk_options)
                drained = drain(receiver, measured["requests"], args.drain_timeout)
                problems = wrk_problems(base) + wrk_problems(measured)
                receipts = drained["receipts"]
                if not drained["drained"]:
                    problems.append(f"receipts did not drain: {receipts}")
                if receipts.get("duplicates"):
                    problems.append(f"{receipts['duplicates']} receipts arrived twice")
                failures += [f"{workers} workers: {p}" for p in problems]
                rows.append(
                    {
                        "workers": workers,
                        "baseline": base,
                        "ringback": measured,
                        "receipts": receipts,
                        "drain_s": drained["last_at"] - measured["stopped_at"],
                        "ratio": measured["requests_per_s"] / base["requests_per_s"],
                    }
                )
                print(
                    f"  {workers} worker(s): ringback {measured['requests_per_s']:.0f} req/s, "
                    f"baseline {base['requests_per_s']:.0f} req/s"
                )
            finally:
                ringback.stop()
    finally:
        receiver.close()
        receiver_app.stop()
        baseline.stop()
        postgres.stop()
    info["workers_runs"] = rows
    print()
    print(
        f"{'workers':>7} {'baseline req/s':>14} {'ringback req/s':>14} {'ratio':>7} "
        f"{'p99 ms':>8} {'receipts':>9} {'dupes':>6} {'drain s':>8}"
    )
    for row in rows:
        rb = row["ringback"]
        print(
            f"{row['workers']:>7} {row['baseline']['requests_per_s']:>14.0f} "
            f"{rb['requests_per_s']:>14.0f} {row['ratio']:>7.3f} "
            f"{rb['latency_us']['p99'] / 1000:>8.1f} {row['receipts'].get('count', 0):>9} "
            f"{row['receipts'].get('duplicates', 0):>6} {row['drain_s']:>8.2f}"
        )
    return failures
