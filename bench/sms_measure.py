"""Measuring Ringback's SMS path for bench/sms_run.py and bench/sms_growth.py: the servers,
wrk against /sms/json with the backlog sampled and the drain timed, the baseline with its CPU,
py-spy in the background."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from run import Baseline, wrk_problems
from sms_parts import (
    Probe,
    ReceiverClient,
    Sampler,
    cpu_seconds,
    run_wrk,
    wait_drained,
)

from ringback.testing.server import RingbackProcess

BENCH = Path(__file__).resolve().parent
DRAIN_PROFILE_BACKLOG = 1000  # profile the drain on its own only when there is one to see


class Stack:
    """Ringback, the baseline and the receiver, started and stopped together."""

    def __init__(self, work: Path, args: argparse.Namespace) -> None:
        ringback_args = ["--no-rate-limits", "--sqlite-synchronous", args.sqlite_synchronous]
        env = {"PYTHONPATH": str(args.src)} if args.src else None
        self.ringback = RingbackProcess(work / "ringback", *ringback_args, env=env)
        self.baseline = Baseline(work / "baseline")
        self.receiver = Baseline(work / "receiver", script=BENCH / "receiver_app.py")
        self.started: list[Any] = []

    def start(self) -> Stack:
        for server in (self.ringback, self.baseline, self.receiver):
            server.start()
            self.started.append(server)
        return self

    def stop(self) -> None:
        for server in reversed(self.started):
            server.stop()
        self.started.clear()

    @property
    def ringback_pid(self) -> int:
        return int(self.ringback.info["pid"])

    @property
    def receiver_url(self) -> str:
        return f"http://127.0.0.1:{self.receiver.info['http_port']}"

    @property
    def baseline_url(self) -> str:
        return f"http://127.0.0.1:{self.baseline.info['http_port']}"

    @property
    def db(self) -> Path:
        return Path(self.ringback.data_dir) / "ringback.db"


def send_and_drain(
    wrk: str,
    url: str,
    stack: Stack,
    bodies: Path,
    *,
    seconds: float,
    args: argparse.Namespace,
    drain_timeout: float,
    profile_to: Path | None = None,
) -> dict[str, Any]:
    """wrk against Ringback's /sms/json, sampling the backlog, then the drain. The receiver is
    zeroed first, and everything stored before is already drained (checked by the caller)."""
    receiver = ReceiverClient(stack.receiver_url)
    probe = Probe(stack.db)
    receiver.reset()
    base = probe.parts_rowid()
    cpu_start = cpu_seconds(stack.ringback_pid)
    sampler = Sampler(stack.db, stack.receiver_url, base, args.sample_interval)
    sampler.start()
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
    )
    cpu_at_stop = cpu_seconds(stack.ringback_pid)
    receipts_at_stop = receiver.count()["count"]
    drain_profiler = None
    backlog_at_stop = probe.parts_rowid() - base - receipts_at_stop
    if profile_to is not None and backlog_at_stop >= DRAIN_PROFILE_BACKLOG:
        # the receipt path alone: what is still owed after the load stops
        drain_profiler = py_spy(
            stack.ringback_pid, profile_to.with_name(profile_to.stem + "-drain.txt"), seconds=6
        )
    drained = wait_drained(probe, receiver, base, result["stopped_at"], drain_timeout)
    cpu_end = cpu_seconds(stack.ringback_pid)
    samples = sampler.stop()
    for process in (profiler, drain_profiler):
        if process is not None:
            process.wait(30)
    probe.close()
    receiver.close()
    stored = drained["stored"]
    problems = wrk_problems(result)
    # every 200 answer that stored nothing was a refusal (status != "0" in the body); requests
    # still in flight when wrk stopped are stored without being counted by wrk
    if stored < result["requests"]:
        problems.append(
            f"{result['requests'] - stored} answers were refusals (wrk counted "
            f"{result['requests']} answers, Ringback stored {stored} parts)"
        )
    if stored > result["requests"] + args.connections:
        problems.append(f"{stored} parts stored for {result['requests']} answers")
    receipts = drained["receipts"]
    if not drained["drained"]:
        problems.append(
            f"receipts not drained after {drain_timeout:.0f} s: {receipts.get('count')} of {stored}"
        )
    if receipts.get("duplicates"):
        problems.append(f"{receipts['duplicates']} duplicate receipts")
    other = {k: v for k, v in (receipts.get("statuses") or {}).items() if k != "delivered"}
    if other:
        problems.append(f"receipts with another status than delivered: {other}")
    return {
        "wrk": result,
        "accepted": stored,
        # Ringback's CPU while wrk ran and until the last receipt (the sampler's queries and the
        # receiver's /count polls are the only other work it did meanwhile: none, they run
        # elsewhere), per message accepted: send, delivery job, receipt
        "cpu_s": {"load": cpu_at_stop - cpu_start, "drain": cpu_end - cpu_at_stop},
        "cpu_ms_per_message": (cpu_end - cpu_start) * 1000 / max(1, stored),
        "receipts_at_stop": receipts_at_stop,
        # after the stop Ringback mostly sends receipts: what one costs, alone
        "cpu_ms_per_receipt_in_drain": (cpu_end - cpu_at_stop)
        * 1000
        / max(1, (receipts.get("count") or 0) - receipts_at_stop),
        "receipts_per_s_in_drain": ((receipts.get("count") or 0) - receipts_at_stop)
        / max(1e-9, drained["drain_s"] or 0),
        "cpu_share_during_load": (cpu_at_stop - cpu_start)
        / max(1e-9, result["stopped_at"] - result["started_at"]),
        "in_flight_at_stop": stored - result["requests"],
        "drain": drained,
        "backlog": samples,
        "max_backlog": max(
            (s["stored"] - s["received"] for s in samples if "error" not in s), default=0
        ),
        "problems": problems,
    }


def measure_baseline(
    wrk: str, stack: Stack, bodies: Path, seconds: int, args: argparse.Namespace
) -> dict[str, Any]:
    """wrk against the bare form endpoint, with the CPU it used per request."""
    pid = int(stack.baseline.info["pid"])
    cpu_start = cpu_seconds(pid)
    result = run_wrk(
        wrk,
        f"{stack.baseline_url}/sms/json",
        seconds=seconds,
        threads=args.threads,
        connections=args.connections,
        timeout=args.timeout,
        bodies=bodies,
    )
    cpu = cpu_seconds(pid) - cpu_start
    result["cpu_s"] = cpu
    result["cpu_ms_per_request"] = cpu * 1000 / max(1, result["requests"])
    result["cpu_share"] = cpu / max(1e-9, result["stopped_at"] - result["started_at"])
    return result


def py_spy(pid: int, out: Path, *, seconds: int, delay: float = 0) -> subprocess.Popen[bytes]:
    """`py-spy record` in the background (it stops the process for each sample: never during a
    measured run)."""
    py_spy_bin = Path(sys.executable).parent / "py-spy"
    command = [
        str(py_spy_bin),
        "record",
        "-p",
        str(pid),
        "-d",
        str(seconds),
        "-r",
        "200",
        "-f",
        "raw",
        "-o",
        str(out),
    ]
    if delay:
        command = ["sh", "-c", f"sleep {delay} && exec {' '.join(command)}"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_idle(stack: Stack, timeout: float) -> dict[str, Any]:
    """Until every part stored so far has its receipt at the receiver (after a warm-up)."""
    probe = Probe(stack.db)
    receiver = ReceiverClient(stack.receiver_url)
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            jobs, deliveries = probe.pending_jobs(), probe.pending_deliveries()
            if jobs == 0 and deliveries == 0:
                return {"idle": True, "receipts": receiver.count()}
            time.sleep(0.05)
        return {"idle": False, "jobs": jobs, "deliveries": deliveries, "receipts": receiver.count()}
    finally:
        probe.close()
        receiver.close()
