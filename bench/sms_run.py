"""The SMS benchmark: POST /sms/json under wrk while the receipts flow to a local receiver.

    .venv/bin/python bench/sms_run.py [--duration 15] [--connections 16] [--threads 2]
                                      [--sqlite-synchronous FULL|NORMAL] [--profile] [--growth]

Starts Ringback (fresh data directory, rate limits off), a bare Starlette form endpoint
(bench/baseline_app.py POST /sms/json) and a webhook receiver (bench/receiver_app.py), each in
its own process; measures the receiver's own capacity; sets up an account whose DR URL is the
receiver; runs wrk against the baseline and then Ringback with rotating destinations; and
measures how long after wrk stops the last receipt arrives (the drain). `--profile` adds py-spy
profiles of the send and receipt paths; `--growth` runs the store-growth study instead
(bench/sms_growth.py); `--workers 1,2` the same run on PostgreSQL with 1 and 2 workers
(bench/sms_workers.py). Results go to bench/results/sms-<timestamp>.json.
See bench/README.md, "SMS benchmark", for what is measured and how to read it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from profile_summary import render, summarise
from run import (
    RESULTS,
    BenchError,
    git_state,
    machine,
    memory_kb,
    wrk_problems,
    wrk_version,
)
from sms_growth import run_growth
from sms_measure import Stack, measure_baseline, send_and_drain, wait_idle
from sms_parts import (
    MAGIC_DELIVERS,
    ReceiverClient,
    accepted,
    backlog_lines,
    create_account,
    db_size,
    first_body,
    preflight,
    run_wrk,
    set_destinations,
    set_dr_url,
    write_bodies,
)

BENCH = Path(__file__).resolve().parent
RECEIPT_BODY = {
    "msisdn": "447700900100",
    "to": "Ringback",
    "network-code": "23410",
    "messageId": "0a7e7f1c-5f7d-4b61-9f3e-2d1c1f1f0b11",
    "price": "0.04870000",
    "status": "delivered",
    "scts": "2611261010",
    "err-code": "0",
    "api-key": "abcd1234",
    "message-timestamp": "2026-11-26 10:10:00",
}


def rate(result: dict[str, Any]) -> str:
    lat = result["latency_us"]
    return (
        f"{result['requests_per_s']:.0f} req/s, p50 {lat['p50'] / 1000:.2f} ms, "
        f"p99 {lat['p99'] / 1000:.2f} ms"
    )


def receiver_capacity(wrk: str, stack: Stack, work: Path) -> dict[str, Any]:
    """wrk POSTing a receipt to the receiver: with 1 connection (what one dispatcher sending
    to one destination at a time can use) and with 16."""
    body = work / "receipt.json"
    body.write_text(json.dumps(RECEIPT_BODY))
    url = f"{stack.receiver_url}/webhooks/delivery-receipt"
    found = {}
    for connections in (1, 16):
        result = run_wrk(
            wrk,
            url,
            seconds=3,
            threads=1 if connections == 1 else 2,
            connections=connections,
            body_file=body,
            content_type="application/json",
        )
        if wrk_problems(result):
            raise BenchError(f"receiver: {wrk_problems(result)}")
        found[f"{connections} connection{'s' if connections > 1 else ''}"] = result
        print(f"  receiver, {connections:>2} connection(s): {rate(result)}")
    ReceiverClient(stack.receiver_url).reset()
    return found


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="wrk benchmark of POST /sms/json with receipts to a local receiver"
    )
    parser.add_argument("--duration", type=int, default=15, help="seconds measured")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--timeout", type=int, default=30, help="wrk request timeout, seconds")
    parser.add_argument(
        "--sqlite-synchronous",
        default="FULL",
        choices=["NORMAL", "FULL"],
        help="passed to ringback serve (its default is FULL)",
    )
    parser.add_argument(
        "--destinations",
        type=int,
        default=100,
        help="how many destination numbers the messages rotate over",
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=0.0,
        help="the destinations' delay_seconds (submission to receipt); 0 makes the drain "
        "time all Ringback's own backlog",
    )
    parser.add_argument("--drain-timeout", type=float, default=120)
    parser.add_argument("--sample-interval", type=float, default=0.25)
    parser.add_argument("--profile", action="store_true", help="py-spy profiles afterwards")
    parser.add_argument("--growth", action="store_true", help="the store-growth study instead")
    parser.add_argument(
        "--growth-sizes",
        default="0,100000,300000,1000000",
        help="messages stored before each growth measurement",
    )
    parser.add_argument("--growth-duration", type=int, default=8)
    parser.add_argument(
        "--workers",
        help="the workers study instead: the run on a durable throwaway PostgreSQL with "
        "`ringback serve --workers N` for each N given, e.g. 1,2 (bench/sms_workers.py)",
    )
    parser.add_argument(
        "--src",
        type=Path,
        help="run Ringback from this source tree (PYTHONPATH), e.g. a scratch copy with a patch",
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument("--keep", type=Path, help="keep the data directories here")
    return parser.parse_args()


def run_main(wrk: str, work: Path, args: argparse.Namespace, info: dict[str, Any]) -> list[str]:
    stack = Stack(work, args)
    failures: list[str] = []
    try:
        stack.start()
        info["memory_kb"] = {"ringback at start": memory_kb(stack.ringback_pid)}
        print(
            f"ringback {stack.ringback.http_url}, baseline {stack.baseline_url}, "
            f"receiver {stack.receiver_url}"
        )
        info["receiver_capacity"] = receiver_capacity(wrk, stack, work)
        api_key, api_secret = create_account(stack.ringback)
        dr_url = f"{stack.receiver_url}/webhooks/delivery-receipt"
        info["dr_url_set_by"] = set_dr_url(stack.ringback, api_key, api_secret, dr_url)
        destinations, notes = set_destinations(stack.ringback, args.destinations, args.delay)
        info["destinations"] = {"count": len(destinations), "first": destinations[0]}
        info["delay_seconds"] = 0.5 if destinations == [MAGIC_DELIVERS] else args.delay
        info["notes"] = notes
        for note in notes:
            print(f"  note: {note}")
        bodies = write_bodies(work / "bodies.txt", api_key, api_secret, destinations)
        ringback_url = f"{stack.ringback.http_url}/sms/json"
        baseline_url = f"{stack.baseline_url}/sms/json"
        for name, url in (("ringback", ringback_url), ("baseline", baseline_url)):
            status, answer = preflight(url, first_body(bodies))
            info.setdefault("preflight", {})[name] = {"status": status, "answer": answer}
            if status in (404, 405):
                raise BenchError(f"{name} POST /sms/json is not available yet ({status})")
            if status != 200 or not accepted(answer):
                raise BenchError(f"{name} preflight refused: {status} {answer}")
        print(
            f"  preflight: ringback answered {json.dumps(info['preflight']['ringback']['answer'])}"
        )

        if args.warmup:
            warm = send_and_drain(
                wrk,
                ringback_url,
                stack,
                bodies,
                seconds=args.warmup,
                args=args,
                drain_timeout=args.drain_timeout,
            )
            info["warmup"] = {k: v for k, v in warm.items() if k != "backlog"}
            print(
                f"  ringback warm-up: {rate(warm['wrk'])}, drained in "
                f"{warm['drain']['drain_s'] or float('nan'):.2f} s"
            )
            failures += [f"warm-up: {p}" for p in warm["problems"]]
            run_wrk(
                wrk,
                baseline_url,
                seconds=args.warmup,
                threads=args.threads,
                connections=args.connections,
                bodies=bodies,
            )
        idle = wait_idle(stack, args.drain_timeout)
        if not idle["idle"]:
            failures.append("Ringback still had pending jobs or receipts before the measurement")

        base = measure_baseline(wrk, stack, bodies, args.duration, args)
        info["baseline"] = base
        failures += [f"baseline: {p}" for p in wrk_problems(base)]
        print(f"  baseline POST /sms/json (form): {rate(base)}")

        measured = send_and_drain(
            wrk,
            ringback_url,
            stack,
            bodies,
            seconds=args.duration,
            args=args,
            drain_timeout=args.drain_timeout,
        )
        info["ringback"] = measured
        failures += [f"ringback: {p}" for p in measured["problems"]]
        print(f"  ringback POST /sms/json: {rate(measured['wrk'])}")
        info["memory_kb"]["ringback after the run"] = memory_kb(stack.ringback_pid)
        info["memory_kb"]["receiver after the run"] = memory_kb(int(stack.receiver.info["pid"]))
        info["db_size"] = db_size(stack.ringback.data_dir)

        if args.profile:
            out = args.results_dir / f"sms-{info['stamp']}-profile-send.txt"
            args.results_dir.mkdir(parents=True, exist_ok=True)
            profiled = send_and_drain(
                wrk,
                ringback_url,
                stack,
                bodies,
                seconds=10,
                args=args,
                drain_timeout=args.drain_timeout,
                profile_to=out,
            )
            info["profile_run"] = {k: v for k, v in profiled.items() if k != "backlog"}
            info["profiles"] = {}
            for path in (out, out.with_name(out.stem + "-drain.txt")):
                if path.exists():
                    info["profiles"][path.name] = summarise(path)
    except BaseException:
        log = stack.ringback.log_path
        if log.exists():
            print(f"--- {log}:\n{log.read_text()[-3000:]}")
        raise
    finally:
        stack.stop()
    report(info)
    return failures


def report(info: dict[str, Any]) -> None:
    base, ringback = info["baseline"], info["ringback"]
    rb = ringback["wrk"]
    ratio = rb["requests_per_s"] / base["requests_per_s"]
    p99_ratio = rb["latency_us"]["p99"] / max(base["latency_us"]["p99"], 1)
    info["ratios"] = {"throughput": ratio, "p99": p99_ratio}
    print()
    header = (
        f"{'row':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'req/s ratio':>11} {'p99 ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    rows = [("baseline POST /sms/json (bare form endpoint)", base, "", "")]
    rows.append(("ringback POST /sms/json", rb, f"{ratio:.3f}", f"{p99_ratio:.1f}"))
    for name, result in info["receiver_capacity"].items():
        rows.append((f"receiver POST receipt ({name})", result, "", ""))
    for label, result, r1, r2 in rows:
        lat = result["latency_us"]
        print(
            f"{label:<44} {result['requests_per_s']:>8.0f} {lat['p50'] / 1000:>8.2f} "
            f"{lat['p99'] / 1000:>8.2f} {r1:>11} {r2:>9}"
        )
    drain = ringback["drain"]
    print()
    print(
        f"CPU per message: ringback {ringback['cpu_ms_per_message']:.2f} ms (send + delivery job "
        f"+ receipt, load and drain), baseline {base['cpu_ms_per_request']:.3f} ms per request; "
        f"CPU share during the run: ringback {ringback['cpu_share_during_load']:.0%}, baseline "
        f"{base['cpu_share']:.0%} of a core"
    )
    print(
        f"accepted {ringback['accepted']} messages ({rb['requests']} answers counted by wrk, "
        f"{ringback['in_flight_at_stop']} in flight at the stop), receipts "
        f"{drain['receipts'].get('count')} ({drain['receipts'].get('statuses')})"
    )
    if drain["drained"]:
        during = ringback["receipts_at_stop"] / max(1e-9, rb["stopped_at"] - rb["started_at"])
        print(
            f"drain: last receipt {drain['drain_s']:.2f} s after wrk stopped (handset delay "
            f"{info['delay_seconds']:g} s); backlog at the stop "
            f"{ringback['accepted'] - ringback['receipts_at_stop']} receipts (largest sampled "
            f"{ringback['max_backlog']}); receipts arrived at {during:.0f}/s under load"
            + (
                f", {ringback['receipts_per_s_in_drain']:.0f}/s after it "
                f"({ringback['cpu_ms_per_receipt_in_drain']:.2f} ms of CPU each)"
                if ringback["accepted"] - ringback["receipts_at_stop"] >= 500
                else ""
            )
        )
    else:
        print(f"drain: NOT DRAINED: {drain}")
    print("  backlog (stored = parts accepted since wrk started; backlog = stored - receipts):")
    for line in backlog_lines(ringback["backlog"], rb["started_at"]):
        print(line)
    for name, values in info["memory_kb"].items():
        print(
            f"RSS {name}: {values.get('VmRSS', 0) / 1024:.1f} MiB "
            f"(peak {values.get('VmHWM', 0) / 1024:.1f} MiB)"
        )
    sizes = info.get("db_size", {})
    print("database: " + ", ".join(f"{k} {v / 2**20:.1f} MiB" for k, v in sizes.items()))
    print(
        f"targets: throughput >= 0.5 x baseline: {'MET' if ratio >= 0.5 else 'NOT MET'} "
        f"({ratio:.3f}); drain <= 2 s: "
        f"{'MET' if drain['drained'] and drain['drain_s'] <= 2 else 'NOT MET'}"
    )
    for summary in info.get("profiles", {}).values():
        print()
        print(
            render(
                {**summary, "inclusive": summary["inclusive"][:20], "self": summary["self"][:15]}
            )
        )


def main() -> int:
    args = parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    started = dt.datetime.now(dt.UTC)
    load = os.getloadavg()
    if load[0] > 0.5:
        print(
            f"warning: load average {load[0]:.2f} at start: the figures will be noisy",
            file=sys.stderr,
        )
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    info: dict[str, Any] = {
        "benchmark": "sms-workers" if args.workers else "sms-growth" if args.growth else "sms",
        "stamp": stamp,
        "started_at": started.isoformat(timespec="seconds"),
        "loadavg_at_start": load,
        "machine": machine(),
        "wrk": wrk_version(wrk),
        "git": git_state(),
        "src": str(args.src) if args.src else None,
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    with tempfile.TemporaryDirectory(prefix="ringback-sms-bench-") as tmp:
        if args.workers:
            from sms_workers import run_workers

            failures = run_workers(wrk, Path(tmp), args, info)
        elif args.growth:
            failures = run_growth(wrk, Path(tmp), args, info)
        else:
            failures = run_main(wrk, Path(tmp), args, info)
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True)
    finished = dt.datetime.now(dt.UTC)
    info["finished_at"] = finished.isoformat(timespec="seconds")
    info["loadavg_at_end"] = os.getloadavg()
    info["failures"] = failures
    args.results_dir.mkdir(parents=True, exist_ok=True)
    path = args.results_dir / f"{info['benchmark']}-{stamp}.json"
    path.write_text(json.dumps(info, indent=2, default=str) + "\n")
    print(f"results: {path} (run took {(finished - started).total_seconds():.0f} s)")
    if failures:
        print("\nBENCHMARK FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
