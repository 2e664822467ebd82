"""The pieces of the SMS benchmark (bench/sms_run.py) that both its main run and its growth
study use: the account set-up, the destinations, wrk with rotating bodies, reading Ringback's
SQLite file read-only, the receiver's count, and waiting for the receipts to drain."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from run import BenchError

from ringback.testing.server import RingbackProcess

BENCH = Path(__file__).resolve().parent
BODIES_LUA = BENCH / "wrk" / "bodies.lua"
FORM = "application/x-www-form-urlencoded"
# Ofcom's drama range 07700 900000-900999: never a real subscriber. 900-909 are Ringback's
# magic numbers; the benchmark rotates over numbers from 100 up.
FIRST_DESTINATION = 447700900100
MAGIC_DELIVERS = "447700900900"  # delivers after 0.5 s (network/behaviours.py)
SENDER = "Ringback"
TEXT = "Your Ringback code is 482913. It expires in 10 minutes."  # GSM-7, 1 part


# --- Ringback set-up -------------------------------------------------------------------------


@dataclass
class Setup:
    api_key: str
    api_secret: str
    dr_url: str
    destinations: list[str]
    delay_seconds: float
    notes: list[str] = field(default_factory=list)


def create_account(ringback: RingbackProcess, balance: str = "1000000") -> tuple[str, str]:
    response = ringback.control("POST", "/accounts", json={"balance": balance})
    if response.status_code != 201:
        raise BenchError(f"POST /_ringback/accounts: {response.status_code} {response.text}")
    body = response.json()
    return body["api_key"], body["api_secret"]


def set_dr_url(ringback: RingbackProcess, api_key: str, api_secret: str, url: str) -> str:
    """The account's DR URL through the SMS user's own route, POST /account/settings."""
    response = httpx.post(
        f"{ringback.http_url}/account/settings",
        data={"api_key": api_key, "api_secret": api_secret, "drCallBackUrl": url},
        timeout=30,
    )
    if response.status_code != 200 or response.json().get("dr-callback-url") != url:
        raise BenchError(f"POST /account/settings: {response.status_code} {response.text}")
    return "POST /account/settings drCallBackUrl"


def set_destinations(
    ringback: RingbackProcess, count: int, delay: float
) -> tuple[list[str], list[str]]:
    """`count` numbers whose handsets answer after `delay` s (PUT .../behaviour). They are in
    Ofcom's drama range, valid mobiles on Ringback's fictional network; the profile also
    says `valid: true` (as the magic numbers' profiles do). Without the handsets control routes,
    the magic number that delivers after 0.5 s is the only one."""
    numbers = [str(FIRST_DESTINATION + i) for i in range(count)]
    notes: list[str] = []
    for number in numbers:
        response = ringback.control(
            "PUT", f"/handsets/{number}/behaviour", json={"delay_seconds": delay, "valid": True}
        )
        if response.status_code in (404, 405):
            notes.append(
                "PUT /_ringback/handsets/{msisdn}/behaviour is not available: every message "
                f"goes to the magic number {MAGIC_DELIVERS} (receipt after 0.5 s)"
            )
            return [MAGIC_DELIVERS], notes
        if not 200 <= response.status_code < 300:
            raise BenchError(f"PUT behaviour of {number}: {response.status_code} {response.text}")
    return numbers, notes


def write_bodies(path: Path, api_key: str, api_secret: str, destinations: list[str]) -> Path:
    lines = [
        urlencode(
            {"api_key": api_key, "api_secret": api_secret, "from": SENDER, "to": to, "text": TEXT}
        )
        for to in destinations
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def first_body(path: Path) -> str:
    return path.read_text().splitlines()[0]


def preflight(url: str, body: str) -> tuple[int, Any]:
    """One submission by hand: HTTP status and the JSON answer (None if it is not JSON)."""
    response = httpx.post(url, content=body, headers={"Content-Type": FORM}, timeout=30)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, response.text[:500]


def accepted(answer: Any) -> bool:
    """An SMS API success: every message of the answer has status "0"."""
    if not isinstance(answer, dict) or not answer.get("messages"):
        return False
    return all(m.get("status") == "0" for m in answer["messages"])


# --- wrk -------------------------------------------------------------------------------------


def run_wrk(
    wrk: str,
    url: str,
    *,
    seconds: float,
    threads: int,
    connections: int,
    timeout: int = 30,
    bodies: Path | None = None,
    method: str = "POST",
    body_file: Path | None = None,
    content_type: str = FORM,
    headers: tuple[str, ...] = (),
) -> dict[str, Any]:
    """wrk POSTing the lines of `bodies` in turn (bench/wrk/bodies.lua), or one request
    (bench/wrk/request.lua) with `body_file`. Adds wall-clock start and stop times."""
    command = [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={round(seconds)}s",
        f"--timeout={timeout}s",
        "--header",
        f"Content-Type: {content_type}",
    ]
    for header in headers:  # e.g. "Authorization: Bearer ..." (bench/messages_run.py)
        command += ["--header", header]
    if bodies is not None:
        command += ["--script", str(BODIES_LUA), url, "--", str(bodies)]
    else:
        command += ["--script", str(BENCH / "wrk" / "request.lua"), url, "--", method]
        if body_file is not None:
            command.append(str(body_file))
    started = time.time()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    stopped = time.time()
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            result["started_at"] = started
            result["stopped_at"] = stopped
            return result
    raise BenchError(
        f"wrk gave no result (exit {done.returncode}): {' '.join(command)}\n"
        f"{done.stdout}\n{done.stderr}"
    )


# --- what Ringback stored, read-only ---------------------------------------------------------


class Probe:
    """Ringback's SQLite file, read-only, on its own connection (WAL: readers never block the
    server's writer). Cheap queries only: it runs while Ringback is under load."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._conn: sqlite3.Connection | None = None

    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        return self._conn

    def scalar(self, sql: str, *args: Any) -> int:
        row = self.conn().execute(sql, args).fetchone()
        return int(row[0] or 0) if row else 0

    def parts_rowid(self) -> int:
        """sms_messages is a rowid table (its key is TEXT): max(rowid) grows by one per part
        stored and costs one B-tree descent, whatever the table's size."""
        return self.scalar("SELECT max(rowid) FROM sms_messages")

    def overdue_jobs(self) -> int:
        """Delivery jobs already due and not run yet: the scheduler's lag."""
        return self.scalar(
            "SELECT count(*) FROM jobs WHERE kind = 'sms.deliver' AND due_at <= ?", time.time()
        )

    def pending_deliveries(self) -> int:
        return self.scalar("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'")

    def pending_jobs(self) -> int:
        return self.scalar("SELECT count(*) FROM jobs WHERE kind = 'sms.deliver'")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class ReceiverClient:
    def __init__(self, url: str) -> None:
        self.url = url
        self._client = httpx.Client(timeout=10)

    def count(self) -> dict[str, Any]:
        body: dict[str, Any] = self._client.get(f"{self.url}/count").json()
        return body

    def reset(self) -> None:
        self._client.post(f"{self.url}/reset")

    def close(self) -> None:
        self._client.close()


class Sampler(threading.Thread):
    """Every `interval` s: parts stored since `base_rowid`, receipts received, pending delivery
    jobs (handset not reached yet) and pending receipts in the outbox."""

    def __init__(self, db: Path, receiver_url: str, base_rowid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.receiver_url = receiver_url
        self.base_rowid = base_rowid
        self.interval = interval
        self.samples: list[dict[str, Any]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        probe = Probe(self.db)
        receiver = ReceiverClient(self.receiver_url)
        try:
            while not self._halt.is_set():
                at = time.time()
                try:
                    self.samples.append(
                        {
                            "at": at,
                            "stored": probe.parts_rowid() - self.base_rowid,
                            "received": receiver.count()["count"],
                            "pending_jobs": probe.pending_jobs(),
                            "overdue_jobs": probe.overdue_jobs(),
                            "pending_deliveries": probe.pending_deliveries(),
                        }
                    )
                except (sqlite3.Error, httpx.HTTPError) as exc:
                    self.samples.append({"at": at, "error": repr(exc)})
                self._halt.wait(max(0.0, self.interval - (time.time() - at)))
        finally:
            probe.close()
            receiver.close()

    def stop(self) -> list[dict[str, Any]]:
        self._halt.set()
        self.join(10)
        return self.samples


def wait_drained(
    probe: Probe,
    receiver: ReceiverClient,
    base_rowid: int,
    stopped_at: float,
    timeout: float,
) -> dict[str, Any]:
    """Until the receiver has had one receipt per part stored since `base_rowid` (and the
    stored count has not moved for 0.2 s: requests in flight when wrk stopped still land).
    The drain time is the last receipt's arrival (the receiver's clock, the same machine's)
    minus the moment wrk stopped."""
    deadline = time.time() + timeout
    last_stored, stable_since = -1, time.time()
    counts: dict[str, Any] = {}
    stored = 0
    while time.time() < deadline:
        stored = probe.parts_rowid() - base_rowid
        counts = receiver.count()
        now = time.time()
        if stored != last_stored:
            last_stored, stable_since = stored, now
        if counts["count"] >= stored and now - stable_since >= 0.2:
            last_at = counts["last_at"] or stopped_at
            return {
                "drained": True,
                "drain_s": max(0.0, last_at - stopped_at),
                "stored": stored,
                "receipts": counts,
            }
        time.sleep(0.01)
    return {"drained": False, "drain_s": None, "stored": stored, "receipts": counts}


def backlog_lines(samples: list[dict[str, Any]], origin: float, every: float = 1.0) -> list[str]:
    """One line per `every` seconds of the samples: stored, received, the backlog."""
    lines, next_at = [], 0.0
    for sample in samples:
        if "error" in sample:
            continue
        t = sample["at"] - origin
        if t + 1e-9 < next_at:
            continue
        next_at = t + every
        lines.append(
            f"    t={t:5.1f}s  stored {sample['stored']:>7}  receipts {sample['received']:>7}  "
            f"backlog {sample['stored'] - sample['received']:>6} (jobs {sample['pending_jobs']}, "
            f"{sample['overdue_jobs']} of them due; outbox {sample['pending_deliveries']})"
        )
    return lines


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (/proc/<pid>/stat): divided by the
    work done, a cost that does not depend on how busy the rest of the machine is."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # after the command name: state is field 3, utime 14 and stime 15 (1-based, proc(5))
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def db_size(data_dir: Path) -> dict[str, int]:
    sizes = {}
    for name in ("ringback.db", "ringback.db-wal", "ringback.db-shm"):
        path = data_dir / name
        sizes[name] = path.stat().st_size if path.exists() else 0
    return sizes
