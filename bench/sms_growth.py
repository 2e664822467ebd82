"""The growth study of bench/sms_run.py (`--growth`): send latency, throughput, drain time,
RSS and file size as the store grows to a million messages, the store seeded between sizes
with copies of what real sends wrote (bench/sms_seed.py).

At each size: Ringback restarted on the database, RSS after start (1 s idle), a 2 s warm-up and
its drain, the baseline and then Ringback measured for `--growth-duration` s each, the drain,
RSS after, the database size. The live runs add their own messages, so "stored" is what the
table held when the measurement started.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from run import memory_kb, wrk_problems
from sms_measure import Stack, measure_baseline, send_and_drain, wait_idle
from sms_parts import (
    accepted,
    create_account,
    db_size,
    first_body,
    preflight,
    set_destinations,
    set_dr_url,
    write_bodies,
)
from sms_seed import capture, max_rowids, rotating, seed, stored_parts

TEMPLATE_MESSAGES = 20
SEED_DESTINATIONS = 900  # 447700900100 .. 447700900999


def run_growth(wrk: str, work: Path, args: argparse.Namespace, info: dict[str, Any]) -> list[str]:
    sizes = sorted(int(s) for s in args.growth_sizes.split(","))
    stack = Stack(work, args)
    failures: list[str] = []
    rows: list[dict[str, Any]] = []
    info["growth"] = rows
    try:
        stack.start()
        api_key, api_secret = create_account(stack.ringback)
        dr_url = f"{stack.receiver_url}/webhooks/delivery-receipt"
        set_dr_url(stack.ringback, api_key, api_secret, dr_url)
        destinations, notes = set_destinations(stack.ringback, args.destinations, args.delay)
        info["notes"] = notes
        bodies = write_bodies(work / "bodies.txt", api_key, api_secret, destinations)

        # the template: a few real sends, their receipts delivered
        before = max_rowids(stack.db)
        for body in bodies.read_text().splitlines()[:TEMPLATE_MESSAGES]:
            status, answer = preflight(f"{stack.ringback.http_url}/sms/json", body)
            if status != 200 or not accepted(answer):
                raise RuntimeError(f"template send refused: {status} {answer}")
        idle = wait_idle(stack, 60)
        if not idle["idle"]:
            raise RuntimeError(f"the template messages' receipts were not delivered: {idle}")
        stack.ringback.stop()
        template = capture(stack.db, before, api_key)
        info["template"] = {
            "rows_per_message": template.per_message,
            "references": template.refs,
            "rows": {t: [list(r) for r in v[1]] for t, v in template.rows.items()},
        }
        print(f"  template: each sent message left {template.per_message}")
        seed_numbers = rotating(int(destinations[0]), SEED_DESTINATIONS)
        seeded = 0
        for size in sizes:
            stored = stored_parts(stack.db)
            if size > stored:
                started = time.monotonic()
                seed(stack.db, template, size - stored, seed_numbers, first_index=seeded)
                seeded += size - stored
                print(f"  seeded {size - stored} messages in {time.monotonic() - started:.0f} s")
            rows.append(measure_size(wrk, stack, bodies, args))
            failures += [f"{rows[-1]['stored']} stored: {p}" for p in rows[-1]["problems"]]
            stack.ringback.stop()
    finally:
        stack.stop()
    report_growth(rows)
    return failures


def measure_size(wrk: str, stack: Stack, bodies: Path, args: argparse.Namespace) -> dict[str, Any]:
    stack.ringback.start()
    pid = stack.ringback_pid
    time.sleep(1)
    row: dict[str, Any] = {
        "stored": stored_parts(stack.db),
        "db_size_at_start": db_size(stack.ringback.data_dir),
        "rss_kb_at_start": memory_kb(pid),
    }
    url = f"{stack.ringback.http_url}/sms/json"
    status, answer = preflight(url, first_body(bodies))
    if status != 200 or not accepted(answer):
        raise RuntimeError(f"preflight refused: {status} {answer}")
    warm = send_and_drain(
        wrk, url, stack, bodies, seconds=2, args=args, drain_timeout=args.drain_timeout
    )
    wait_idle(stack, args.drain_timeout)
    base = measure_baseline(wrk, stack, bodies, args.growth_duration, args)
    measured = send_and_drain(
        wrk,
        url,
        stack,
        bodies,
        seconds=args.growth_duration,
        args=args,
        drain_timeout=args.drain_timeout,
    )
    row.update(
        {
            "baseline": base,
            "warmup_problems": warm["problems"],
            "wrk": measured["wrk"],
            "accepted": measured["accepted"],
            "drain": measured["drain"],
            "max_backlog": measured["max_backlog"],
            "receipts_at_stop": measured["receipts_at_stop"],
            "cpu_ms_per_message": measured["cpu_ms_per_message"],
            "backlog": measured["backlog"],
            "rss_kb_after": memory_kb(pid),
            "db_size_after": db_size(stack.ringback.data_dir),
            "problems": measured["problems"] + wrk_problems(base),
        }
    )
    rb, lat = measured["wrk"], measured["wrk"]["latency_us"]
    drain = measured["drain"]["drain_s"]
    print(
        f"  {row['stored']:>8} stored: {rb['requests_per_s']:.0f} req/s "
        f"({rb['requests_per_s'] / base['requests_per_s']:.3f} x baseline), p50 "
        f"{lat['p50'] / 1000:.2f} ms, p99 {lat['p99'] / 1000:.2f} ms, drain "
        f"{'-' if drain is None else f'{drain:.2f} s'}, "
        f"RSS {row['rss_kb_at_start']['VmRSS'] / 1024:.0f}"
        f" -> {row['rss_kb_after']['VmRSS'] / 1024:.0f} MiB"
    )
    return row


def report_growth(rows: list[dict[str, Any]]) -> None:
    """stored: parts in the table when the measurement started; ratio: req/s over the
    baseline's req/s measured just before; CPU ms: Ringback's CPU per message (send, delivery
    job, receipt); backlog: receipts still owed when wrk stopped."""
    print()
    header = (
        f"{'stored':>9} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>7} "
        f"{'backlog':>8} {'drain s':>8} {'RSS start':>10} {'RSS after':>10} {'DB MiB':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        rb, lat = row["wrk"], row["wrk"]["latency_us"]
        drain = row["drain"]["drain_s"]
        size = sum(row["db_size_after"].values()) / 2**20
        print(
            f"{row['stored']:>9} {rb['requests_per_s']:>7.0f} "
            f"{rb['requests_per_s'] / row['baseline']['requests_per_s']:>6.3f} "
            f"{lat['p50'] / 1000:>7.2f} {lat['p99'] / 1000:>7.2f} "
            f"{row['cpu_ms_per_message']:>7.2f} {row['accepted'] - row['receipts_at_stop']:>8} "
            f"{'-' if drain is None else f'{drain:.2f}':>8} "
            f"{row['rss_kb_at_start']['VmRSS'] / 1024:>8.0f} M "
            f"{row['rss_kb_after']['VmRSS'] / 1024:>8.0f} M "
            f"{size:>7.0f}"
        )
