"""The Voice benchmark: many concurrent calls, each a talk + input NCCO, on one worker.

    .venv/bin/python bench/voice_run.py [--calls 1000] [--clients 8] [--profile]

Ringback runs in this process (`InProcessRingback`: the app, the scheduler and the webhook
dispatcher on one event loop, as one `ringback serve` worker; SQLite, rate limits off), its
clock on real time. The calls' events go to bench/receiver_app.py in its own process. Every
call is to its own handset, which answers after 2 s (the default behaviour) and hears
"Welcome ... press a key" (`talk`), then the `input` (1 digit, timeOut 5 s) waits. The script
is the handsets: for each call a thread presses 1 half a second after the talk should have
ended, through the control API. The receiver answers the input event with an empty body, so
the NCCO runs out and Vonage (Ringback) hangs up: started, ringing, answered, input, completed
= 5 requests a call.

Measured: calls created per second; events delivered per second at the receiver (first to
last); how late each `voice.step` job (answers, alarms) started against its due time on
Ringback's clock (p50/p99/max, from a wrapper around the job's handler, the only thing added
to Ringback); digits that arrived before their input was listening (a late step shows up
here); `--profile` adds a py-spy profile (bench/profile_summary.py) of the whole run.
Results go to bench/results/voice-<timestamp>.json. See bench/README.md, "Voice benchmark".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from profile_summary import render, summarise
from run import RESULTS, Baseline, git_state, machine
from sms_measure import py_spy
from sms_parts import ReceiverClient
from vonage import Auth

from ringback.ncco import talk_seconds
from ringback.state.jobs import Job
from ringback.state.store import Tx
from ringback.testing.asgi import InProcessRingback

BENCH = Path(__file__).resolve().parent
ANSWER_SECONDS = 2.0  # the default handset behaviour
PROMPT = "Welcome to the Ringback benchmark. Press a key."
EVENTS_PER_CALL = 5  # started, ringing, answered, input, completed


def handset(n: int) -> str:
    """The n-th callee: Ofcom's drama numbers below the magic block (447700900900-914 are
    busy, voicemail ...), then NANPA's 555-01xx in a few area codes: fictional, never real."""
    if n < 900:
        return f"447700900{n:03d}"
    area = 202 + (n - 900) // 100
    return f"1{area}5550{100 + (n - 900) % 100:03d}"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Lateness:
    """Wraps the `voice.step` handler: how long after its due time each job started."""

    def __init__(self, ringback: InProcessRingback) -> None:
        self.clock = ringback.services.clock
        handlers = ringback.services.scheduler.sync_handlers
        self.inner = handlers["voice.step"]
        self.samples: list[float] = []
        handlers["voice.step"] = self.handle

    def handle(self, tx: Tx, job: Job) -> None:
        self.samples.append(self.clock.now() - job.due_at)
        self.inner(tx, job)


def voice_application(ringback: InProcessRingback, events: str) -> tuple[str, str]:
    http = ringback.client()
    api_key, api_secret = ringback.new_account(balance=1000000)
    created = http.post(
        "/v2/applications",
        auth=(api_key, api_secret),
        json={
            "name": "bench",
            "capabilities": {"voice": {"webhooks": {"event_url": {"address": events}}}},
        },
    )
    created.raise_for_status()
    body = created.json()
    token = Auth(
        application_id=body["id"], private_key=body["keys"]["private_key"]
    ).generate_application_jwt()
    return body["id"], token.decode() if isinstance(token, bytes) else token


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    receiver = Baseline(work / "receiver", script=BENCH / "receiver_app.py").start()
    receiver_url = f"http://127.0.0.1:{receiver.info['http_port']}"
    counter = ReceiverClient(receiver_url)
    ringback = InProcessRingback(work / "ringback", rate_limits=False).start()
    lateness = Lateness(ringback)
    profiler: subprocess.Popen[bytes] | None = None
    try:
        _app_id, token = voice_application(ringback, receiver_url + "/event")
        ncco = [
            {"action": "talk", "text": PROMPT},
            {
                "action": "input",
                "type": ["dtmf"],
                "dtmf": {"maxDigits": 1, "timeOut": 5},
                "eventUrl": [receiver_url + "/input"],
            },
        ]
        headers = {"Authorization": f"Bearer {token}"}
        clients = [ringback.client(headers=headers) for _ in range(args.clients)]
        counter.reset()
        if args.profile:
            profiler = py_spy(os.getpid(), work / "voice.raw", seconds=args.profile_seconds)
            time.sleep(1)
        created: list[tuple[str, float]] = []
        lock = threading.Lock()

        def create(n: int) -> None:
            body = {
                "to": [{"type": "phone", "number": handset(n)}],
                "from": {"type": "phone", "number": "447700900000"},
                "ncco": ncco,
            }
            answer = clients[n % len(clients)].post("/v1/calls", json=body)
            answer.raise_for_status()
            with lock:
                created.append((answer.json()["uuid"], time.time()))

        started = time.time()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(create, range(args.calls)))
        create_seconds = time.time() - started
        print(f"{args.calls} calls created in {create_seconds:.2f} s", flush=True)

        # the handsets: press 1 half a second after each call's prompt should have ended
        presses: dict[str, int] = {}
        press_after = ANSWER_SECONDS + talk_seconds(PROMPT) + 0.5
        control = ringback.client()

        def press(uuid: str, at: float) -> None:
            time.sleep(max(0.0, at - time.time()))
            answer = control.post(f"/_ringback/calls/{uuid}/dtmf", json={"digits": "1"})
            with lock:
                presses[str(answer.status_code)] = presses.get(str(answer.status_code), 0) + 1

        with ThreadPoolExecutor(32) as pool:
            for uuid, at in sorted(created, key=lambda c: c[1]):
                pool.submit(press, uuid, at + press_after)
            expected = args.calls * EVENTS_PER_CALL
            deadline = time.time() + args.timeout
            while time.time() < deadline:
                if counter.count()["count"] >= expected:
                    break
                time.sleep(0.2)
        seen = counter.count()
        if profiler is not None:
            profiler.wait()
        calls = ringback.control("GET", "/calls", params={"limit": 1000}).json()["calls"]
        span = max(seen["last_at"] - seen["first_at"], 1e-9)
        samples = lateness.samples
        result = {
            "calls": args.calls,
            "create_seconds": create_seconds,
            "calls_created_per_s": args.calls / create_seconds,
            "events_expected": args.calls * EVENTS_PER_CALL,
            "events_delivered": seen["count"],
            "events_span_s": span,
            "events_per_s": seen["count"] / span,
            "dtmf_answers": presses,
            "step_jobs": len(samples),
            "step_late_ms": {
                "p50": percentile(samples, 50) * 1000,
                "p99": percentile(samples, 99) * 1000,
                "max": max(samples, default=float("nan")) * 1000,
                "mean": statistics.fmean(samples) * 1000 if samples else float("nan"),
            },
            "statuses": dict(Counter(c["status"] for c in calls)),
            # a digit pressed before its input listened is lost: the input times out (5 s)
            "durations_s": dict(Counter(str(c["duration"]) for c in calls)),
        }
        if profiler is not None:
            result["profile"] = summarise(work / "voice.raw")
        return result
    finally:
        ringback.stop()
        receiver.stop()
        counter.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8, help="threads creating calls")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-seconds", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ringback-voice-bench-") as tmp:
        result = run(args, Path(tmp))
    result.update(machine=machine(), git=git_state())
    late = result["step_late_ms"]
    print(
        f"events delivered: {result['events_delivered']}/{result['events_expected']} at "
        f"{result['events_per_s']:.0f}/s; voice.step jobs: {result['step_jobs']}, late by "
        f"p50 {late['p50']:.1f} ms, p99 {late['p99']:.1f} ms, max {late['max']:.1f} ms; "
        f"dtmf answers {result['dtmf_answers']}; statuses {result['statuses']}"
    )
    if "profile" in result:
        print(render(result["profile"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"voice-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print(out)
    if result["events_delivered"] < result["events_expected"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
