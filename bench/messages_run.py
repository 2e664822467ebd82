"""The Messages benchmark: POST /v1/messages on the SMS channel under wrk, with an application
JWT and with Basic, while the status webhooks (`submitted`, then `delivered`) flow to a local
receiver; next to a bare Starlette JSON endpoint, and the SMS API (POST /sms/json, receipts to
the same receiver) next to its bare form endpoint, in the same run.

    .venv/bin/python bench/messages_run.py [--duration 10] [--warmup 2] [--connections 16]
                                           [--threads 2] [--no-sms] [--profile]
                                           [--profile-row jwt|basic]

Reuses the SMS benchmark's pieces (bench/sms_parts.py, sms_measure.py): the same three
processes (Ringback with rate limits off, bench/baseline_app.py, bench/receiver_app.py), wrk
with rotating bodies over 100 destinations whose handsets deliver at once, the drain timed
from wrk's stop to the last status webhook. Each message owes two webhooks (submitted and
delivered), so the receiver gets twice as many requests as an SMS run. `--profile` adds a
py-spy profile of the JWT path (`--profile-row basic`: of the Basic one). Results go to
bench/results/messages-<timestamp>.json. See bench/README.md, "Messages benchmark".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from profile_summary import render, summarise
from run import RESULTS, BenchError, git_state, machine, memory_kb, wrk_problems, wrk_version
from sms_measure import Stack, measure_baseline, py_spy, send_and_drain
from sms_parts import (
    SENDER,
    TEXT,
    Probe,
    ReceiverClient,
    cpu_seconds,
    create_account,
    run_wrk,
    set_destinations,
    set_dr_url,
    write_bodies,
)
from sms_run import rate, receiver_capacity
from vonage_jwt import JwtClient

JSON = "application/json"
STATUSES_PER_MESSAGE = 2  # submitted, delivered


class MessagesProbe(Probe):
    def messages_rowid(self) -> int:
        """`messages` is a rowid table (its key is TEXT): max(rowid) grows by one a message."""
        return self.scalar("SELECT max(rowid) FROM messages")

    def pending_message_jobs(self) -> int:
        return self.scalar("SELECT count(*) FROM jobs WHERE kind LIKE 'messages.%'")


def create_application(ringback_url: str, api_key: str, api_secret: str, status_url: str) -> Any:
    application = {
        "name": "bench",
        "capabilities": {
            "messages": {
                "webhooks": {
                    "status_url": {"address": status_url, "http_method": "POST"},
                    "inbound_url": {"address": status_url + "/in", "http_method": "POST"},
                },
                "version": "v1",
            }
        },
    }
    response = httpx.post(
        f"{ringback_url}/v2/applications", json=application, auth=(api_key, api_secret), timeout=30
    )
    if response.status_code != 201:
        raise BenchError(f"POST /v2/applications: {response.status_code} {response.text}")
    return response.json()


def write_message_bodies(path: Path, destinations: list[str], webhook_url: str | None) -> Path:
    """One SMS-channel text per destination; with Basic (no application) each names its
    `webhook_url`, with a JWT the statuses go to the application's status_url."""
    lines = []
    for to in destinations:
        body: dict[str, Any] = {
            "channel": "sms",
            "message_type": "text",
            "to": to,
            "from": SENDER,
            "text": TEXT,
        }
        if webhook_url:
            body["webhook_url"] = webhook_url
        lines.append(json.dumps(body, separators=(",", ":")))
    path.write_text("\n".join(lines) + "\n")
    return path


def preflight(url: str, bodies: Path, headers: dict[str, str]) -> dict[str, Any]:
    body = bodies.read_text().splitlines()[0]
    response = httpx.post(url, content=body, headers={"Content-Type": JSON, **headers}, timeout=30)
    answer = response.json()
    if response.status_code != 202 or "message_uuid" not in answer:
        raise BenchError(f"preflight {url}: {response.status_code} {response.text}")
    return {"status": response.status_code, "answer": answer}


def wait_idle(stack: Stack, timeout: float) -> bool:
    """Until no message delivery job and no webhook is pending."""
    probe = MessagesProbe(stack.db)
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            idle = probe.pending_message_jobs() + probe.pending_deliveries() + probe.pending_jobs()
            if idle == 0:
                return True
            time.sleep(0.05)
        return False
    finally:
        probe.close()


def send_messages(
    wrk: str,
    url: str,
    stack: Stack,
    bodies: Path,
    headers: dict[str, str],
    *,
    seconds: float,
    args: argparse.Namespace,
    profile_to: Path | None = None,
) -> dict[str, Any]:
    """wrk against POST /v1/messages, then the drain: until the receiver has two status
    webhooks per message stored since the start."""
    receiver = ReceiverClient(stack.receiver_url)
    probe = MessagesProbe(stack.db)
    receiver.reset()
    base = probe.messages_rowid()
    cpu_start = cpu_seconds(stack.ringback_pid)
    profiler = None
    if profile_to is not None:
        profiler = py_spy(stack.ringback_pid, profile_to, seconds=max(1, int(seconds) - 2), delay=1)
    result = run_wrk(
        wrk,
        url,
        seconds=seconds,
        threads=args.threads,
        connections=args.connections,
        timeout=args.timeout,
        bodies=bodies,
        content_type=JSON,
        headers=tuple(f"{name}: {value}" for name, value in headers.items()),
    )
    cpu_at_stop = cpu_seconds(stack.ringback_pid)
    at_stop = receiver.count()["count"]
    deadline = time.time() + args.drain_timeout
    last_stored, stable_since, drained = -1, time.time(), False
    counts: dict[str, Any] = {}
    stored = 0
    while time.time() < deadline:
        stored = probe.messages_rowid() - base
        counts = receiver.count()
        now = time.time()
        if stored != last_stored:
            last_stored, stable_since = stored, now
        if counts["count"] >= STATUSES_PER_MESSAGE * stored and now - stable_since >= 0.2:
            drained = True
            break
        time.sleep(0.01)
    cpu_end = cpu_seconds(stack.ringback_pid)
    if profiler is not None:
        profiler.wait(30)
    probe.close()
    receiver.close()
    problems = wrk_problems(result)
    if stored < result["requests"]:
        problems.append(f"{result['requests'] - stored} answers stored no message")
    if not drained:
        problems.append(
            f"statuses not drained after {args.drain_timeout:.0f} s: {counts.get('count')} "
            f"of {STATUSES_PER_MESSAGE * stored}"
        )
    statuses = counts.get("statuses") or {}
    if set(statuses) - {"submitted", "delivered"}:
        problems.append(f"statuses other than submitted and delivered: {statuses}")
    stopped = result["stopped_at"]
    return {
        "wrk": result,
        "accepted": stored,
        "statuses": counts,
        "cpu_s": {"load": cpu_at_stop - cpu_start, "drain": cpu_end - cpu_at_stop},
        "cpu_ms_per_message": (cpu_end - cpu_start) * 1000 / max(1, stored),
        "cpu_share_during_load": (cpu_at_stop - cpu_start)
        / max(1e-9, stopped - result["started_at"]),
        "statuses_at_stop": at_stop,
        "drained": drained,
        "drain_s": max(0.0, (counts.get("last_at") or stopped) - stopped) if drained else None,
        "problems": problems,
    }


def baseline_json(
    wrk: str, stack: Stack, bodies: Path, seconds: float, args: argparse.Namespace
) -> dict[str, Any]:
    pid = int(stack.baseline.info["pid"])
    cpu_start = cpu_seconds(pid)
    result = run_wrk(
        wrk,
        f"{stack.baseline_url}/v1/messages",
        seconds=seconds,
        threads=args.threads,
        connections=args.connections,
        timeout=args.timeout,
        bodies=bodies,
        content_type=JSON,
    )
    cpu = cpu_seconds(pid) - cpu_start
    result["cpu_ms_per_request"] = cpu * 1000 / max(1, result["requests"])
    result["cpu_share"] = cpu / max(1e-9, result["stopped_at"] - result["started_at"])
    return result


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="wrk benchmark of POST /v1/messages (SMS channel) with status webhooks"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per row")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--timeout", type=int, default=30, help="wrk request timeout, seconds")
    parser.add_argument("--destinations", type=int, default=100)
    parser.add_argument("--drain-timeout", type=float, default=120)
    parser.add_argument("--sample-interval", type=float, default=0.25)
    parser.add_argument("--sqlite-synchronous", default="FULL", choices=["NORMAL", "FULL"])
    parser.add_argument("--no-sms", action="store_true", help="skip the SMS API rows")
    parser.add_argument("--profile", action="store_true", help="a py-spy profile afterwards")
    parser.add_argument("--profile-row", default="jwt", choices=["jwt", "basic"])
    parser.add_argument("--src", type=Path, help="run Ringback from this source tree")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    return parser.parse_args()


def run_main(wrk: str, work: Path, args: argparse.Namespace, info: dict[str, Any]) -> list[str]:
    stack = Stack(work, args)
    failures: list[str] = []
    try:
        stack.start()
        ringback = stack.ringback
        info["memory_kb"] = {"ringback at start": memory_kb(stack.ringback_pid)}
        info["receiver_capacity"] = receiver_capacity(wrk, stack, work)
        destinations, notes = set_destinations(ringback, args.destinations, 0.0)
        info["notes"] = notes
        api_key, api_secret = create_account(ringback)
        status_url = f"{stack.receiver_url}/messages/status"
        app = create_application(ringback.http_url, api_key, api_secret, status_url)
        # one token for the run, as a client that reuses its JWT until it expires
        token = (
            JwtClient(app["id"], app["keys"]["private_key"])
            .generate_application_jwt({"exp": int(time.time()) + 3600})
            .decode()
        )
        rows = {
            "jwt": (
                {"Authorization": f"Bearer {token}"},
                write_message_bodies(work / "jwt.txt", destinations, None),
            ),
            "basic": (
                {"Authorization": httpx.BasicAuth(api_key, api_secret)._auth_header},
                write_message_bodies(work / "basic.txt", destinations, status_url),
            ),
        }
        url = f"{ringback.http_url}/v1/messages"
        for name, (headers, bodies) in rows.items():
            info.setdefault("preflight", {})[name] = preflight(url, bodies, headers)
        if args.warmup:
            warm = send_messages(
                wrk, url, stack, rows["jwt"][1], rows["jwt"][0], seconds=args.warmup, args=args
            )
            info["warmup"] = warm
            print(f"  warm-up (jwt): {rate(warm['wrk'])}")
            baseline_json(wrk, stack, rows["jwt"][1], args.warmup, args)
        if not wait_idle(stack, args.drain_timeout):
            failures.append("Ringback still had pending jobs or webhooks before the measurement")
        base = baseline_json(wrk, stack, rows["jwt"][1], args.duration, args)
        info["baseline"] = base
        failures += [f"baseline: {p}" for p in wrk_problems(base)]
        print(f"  baseline POST /v1/messages (JSON): {rate(base)}")
        for name, (headers, bodies) in rows.items():
            measured = send_messages(
                wrk, url, stack, bodies, headers, seconds=args.duration, args=args
            )
            info[f"messages_{name}"] = measured
            failures += [f"messages {name}: {p}" for p in measured["problems"]]
            print(f"  ringback POST /v1/messages ({name}): {rate(measured['wrk'])}")
            if not wait_idle(stack, args.drain_timeout):
                failures.append(f"not idle after the {name} row")
        if not args.no_sms:
            sms_key, sms_secret = create_account(ringback)
            dr_url = f"{stack.receiver_url}/webhooks/delivery-receipt"
            set_dr_url(ringback, sms_key, sms_secret, dr_url)
            sms_bodies = write_bodies(work / "sms.txt", sms_key, sms_secret, destinations)
            sms_base = measure_baseline(wrk, stack, sms_bodies, args.duration, args)
            info["sms_baseline"] = sms_base
            print(f"  baseline POST /sms/json (form): {rate(sms_base)}")
            sms = send_and_drain(
                wrk,
                f"{ringback.http_url}/sms/json",
                stack,
                sms_bodies,
                seconds=args.duration,
                args=args,
                drain_timeout=args.drain_timeout,
            )
            info["sms"] = {k: v for k, v in sms.items() if k != "backlog"}
            failures += [f"sms: {p}" for p in sms["problems"]]
            print(f"  ringback POST /sms/json: {rate(sms['wrk'])}")
        if args.profile:
            args.results_dir.mkdir(parents=True, exist_ok=True)
            out = args.results_dir / f"messages-{info['stamp']}-profile-{args.profile_row}.txt"
            wait_idle(stack, args.drain_timeout)
            headers, bodies = rows[args.profile_row]
            send_messages(wrk, url, stack, bodies, headers, seconds=10, args=args, profile_to=out)
            if out.exists():
                info["profile"] = summarise(out)
        info["memory_kb"]["ringback after the run"] = memory_kb(stack.ringback_pid)
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
    base = info["baseline"]
    rows: list[tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, Any]]] = [
        ("baseline POST /v1/messages (bare JSON)", base, None, base),
        (
            "ringback POST /v1/messages, JWT",
            info["messages_jwt"]["wrk"],
            info["messages_jwt"],
            base,
        ),
        (
            "ringback POST /v1/messages, Basic",
            info["messages_basic"]["wrk"],
            info["messages_basic"],
            base,
        ),
    ]
    if "sms" in info:
        sms_base = info["sms_baseline"]
        rows.append(("baseline POST /sms/json (bare form)", sms_base, None, sms_base))
        rows.append(("ringback POST /sms/json", info["sms"]["wrk"], info["sms"], sms_base))
    ratios: dict[str, float] = {}
    print()
    header = (
        f"{'row':<40} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'p99 ratio':>9} "
        f"{'CPU ms/msg':>10} {'drain s':>7}"
    )
    print(header)
    print("-" * len(header))
    for label, result, measured, against in rows:
        lat = result["latency_us"]
        ratio = result["requests_per_s"] / against["requests_per_s"]
        p99 = lat["p99"] / max(against["latency_us"]["p99"], 1)
        if measured is not None:
            ratios[label] = ratio
        cpu = f"{measured['cpu_ms_per_message']:.2f}" if measured else ""
        drain_s = measured.get("drain_s") if measured else None
        if measured and drain_s is None and "drain" in measured:
            drain_s = measured["drain"].get("drain_s")
        drain = f"{drain_s:.2f}" if drain_s is not None else ""
        print(
            f"{label:<40} {result['requests_per_s']:>7.0f} {lat['p50'] / 1000:>7.2f} "
            f"{lat['p99'] / 1000:>7.2f} {ratio if measured else 1:>6.3f} "
            f"{p99 if measured else 1:>9.1f} {cpu:>10} {drain:>7}"
        )
    info["ratios"] = ratios
    for name in ("messages_jwt", "messages_basic"):
        measured = info[name]
        print(
            f"{name}: {measured['accepted']} messages, statuses {measured['statuses'].get('count')}"
            f" ({measured['statuses'].get('statuses')}), CPU share under load "
            f"{measured['cpu_share_during_load']:.0%}"
        )
    if "sms" in info:
        sms_ratio = ratios["ringback POST /sms/json"]
        for label in ("ringback POST /v1/messages, JWT", "ringback POST /v1/messages, Basic"):
            met = "MET" if ratios[label] >= sms_ratio else "NOT MET"
            print(f"target ({label} >= the SMS API's ratio {sms_ratio:.3f}): {met}")
    if "profile" in info:
        summary = info["profile"]
        print()
        print(
            render(
                {**summary, "inclusive": summary["inclusive"][:25], "self": summary["self"][:20]}
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
        print(f"warning: load average {load[0]:.2f} at start: the figures will be noisy")
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    info: dict[str, Any] = {
        "benchmark": "messages",
        "stamp": stamp,
        "started_at": started.isoformat(timespec="seconds"),
        "loadavg_at_start": load,
        "machine": machine(),
        "wrk": wrk_version(wrk),
        "git": git_state(),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    with tempfile.TemporaryDirectory(prefix="ringback-messages-bench-") as tmp:
        failures = run_main(wrk, Path(tmp), args, info)
    finished = dt.datetime.now(dt.UTC)
    info["finished_at"] = finished.isoformat(timespec="seconds")
    info["loadavg_at_end"] = os.getloadavg()
    info["failures"] = failures
    args.results_dir.mkdir(parents=True, exist_ok=True)
    path = args.results_dir / f"messages-{stamp}.json"
    path.write_text(json.dumps(info, indent=2, default=str) + "\n")
    print(f"results: {path} (run took {(finished - started).total_seconds():.0f} s)")
    if failures:
        print("\nBENCHMARK FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
