"""Ringback's platform-core benchmark: wrk against Ringback and a bare Starlette baseline.

    .venv/bin/python bench/run.py [--duration 10] [--connections 16] [--threads 2]

Starts Ringback (fresh data directory, rate limits off) and bench/baseline_app.py on free ports,
runs wrk against each endpoint (warm-up, then the measurement), and prints requests/s, p50 and
p99 with the Ringback/baseline ratios. Results also go to bench/results/<timestamp>.json.
See bench/README.md for what is measured and how to read it.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ringback.testing.server import RingbackProcess

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
LUA = BENCH / "wrk" / "request.lua"
RESULTS = BENCH / "results"
NOT_AVAILABLE_STATUSES = (404, 405)


class BenchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Target:
    """One running server: where it listens and its process id (for RSS)."""

    name: str
    pid: int
    http_url: str
    https_url: str | None


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    target: str  # key into the targets dict
    scheme: str  # "http" or "https"
    method: str
    path: str
    headers: dict[str, str]
    body_file: Path | None = None
    baseline: str | None = None  # the scenario this one is compared with


@dataclass
class Outcome:
    key: str
    label: str
    server: str
    url: str
    status: str  # "ok", "not available", "failed"
    preflight_status: int | None = None
    detail: str | None = None
    wrk: dict[str, Any] | None = None
    warmup: dict[str, Any] | None = None
    baseline: str | None = None
    ratios: dict[str, float] = field(default_factory=dict)


# --- servers ---------------------------------------------------------------------------------


class Baseline:
    """bench/baseline_app.py in a subprocess; it writes its ports to a file when it is up.
    `script` serves another bench app the same way (bench/receiver_app.py for sms_run.py)."""

    def __init__(
        self,
        workdir: Path,
        *args: str,
        env: dict[str, str] | None = None,
        script: Path = BENCH / "baseline_app.py",
    ) -> None:
        self.script = script
        self.workdir = workdir
        self.args = list(args)
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.info: dict[str, Any] = {}
        self.log_path = workdir / "baseline.log"

    def start(self, timeout: float = 15.0) -> Baseline:
        self.workdir.mkdir(parents=True, exist_ok=True)
        port_file = self.workdir / "ports.json"
        port_file.unlink(missing_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    str(self.script),
                    "--port-file",
                    str(port_file),
                    *self.args,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.script.name} exited early:\n{self.log_path.read_text()}")
            if port_file.exists():
                self.info = json.loads(port_file.read_text())
                return self
            time.sleep(0.02)
        self.stop()
        raise BenchError(f"{self.script.name} did not start:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def target(self, name: str) -> Target:
        https = self.info.get("https_port")
        return Target(
            name=name,
            pid=int(self.info["pid"]),
            http_url=f"http://127.0.0.1:{self.info['http_port']}",
            https_url=f"https://127.0.0.1:{https}" if https else None,
        )


def ringback_target(name: str, ringback: RingbackProcess) -> Target:
    return Target(
        name=name,
        pid=int(ringback.info["pid"]),
        http_url=ringback.http_url,
        https_url=ringback.https_url,
    )


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) from /proc/<pid>/status, in kB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


# --- wrk -------------------------------------------------------------------------------------


def wrk_version(wrk: str) -> str:
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines()[0].strip()


def run_wrk(
    wrk: str,
    url: str,
    scenario: Scenario,
    *,
    seconds: int,
    threads: int,
    connections: int,
    timeout: int,
) -> dict[str, Any]:
    command = [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        f"--timeout={timeout}s",
    ]
    for name, value in scenario.headers.items():
        command += ["--header", f"{name}: {value}"]
    command += ["--script", str(LUA), url, "--", scenario.method]
    if scenario.body_file is not None:
        command.append(str(scenario.body_file))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return result
    raise BenchError(
        f"wrk gave no result (exit {done.returncode}): {' '.join(command)}\n"
        f"{done.stdout}\n{done.stderr}"
    )


def wrk_problems(result: dict[str, Any]) -> list[str]:
    errors = result["errors"]
    problems = []
    if errors["status"]:
        problems.append(f"{errors['status']} responses with status >= 400")
    for kind in ("connect", "read", "write", "timeout"):
        if errors[kind]:
            problems.append(f"{errors[kind]} socket {kind} errors")
    if not result["requests"]:
        problems.append("no request completed")
    return problems


def preflight(url: str, scenario: Scenario, verify: ssl.SSLContext) -> httpx.Response:
    """One request by hand first: a benchmark of 401s or 404s is worthless."""
    content = scenario.body_file.read_bytes() if scenario.body_file else None
    with httpx.Client(verify=verify, timeout=60) as client:
        return client.request(scenario.method, url, headers=scenario.headers, content=content)


def measure(
    wrk: str,
    scenario: Scenario,
    targets: dict[str, Target],
    verify: ssl.SSLContext,
    args: argparse.Namespace,
) -> Outcome:
    target = targets[scenario.target]
    base = target.https_url if scenario.scheme == "https" else target.http_url
    outcome = Outcome(
        key=scenario.key,
        label=scenario.label,
        server=target.name,
        url=f"{scenario.method} {base}{scenario.path}",
        status="failed",
        baseline=scenario.baseline,
    )
    if base is None:
        outcome.detail = f"{target.name} has no {scenario.scheme} listener"
        return outcome
    url = base + scenario.path
    print(f"  {scenario.label} ...", end="", flush=True)
    response = preflight(url, scenario, verify)
    outcome.preflight_status = response.status_code
    if response.status_code in NOT_AVAILABLE_STATUSES:
        outcome.status = "not available"
        outcome.detail = f"answers {response.status_code}: {response.text[:200]}"
        print(f" not available ({response.status_code})")
        return outcome
    if not 200 <= response.status_code < 300:
        outcome.detail = f"preflight answered {response.status_code}: {response.text[:500]}"
        print(f" FAILED: {outcome.detail}")
        return outcome
    options = {
        "threads": args.threads,
        "connections": args.connections,
        "timeout": args.timeout,
    }
    if args.warmup > 0:
        outcome.warmup = run_wrk(wrk, url, scenario, seconds=args.warmup, **options)
        problems = wrk_problems(outcome.warmup)
        if problems:
            outcome.detail = "warm-up: " + "; ".join(problems)
            print(f" FAILED: {outcome.detail}")
            return outcome
    outcome.wrk = run_wrk(wrk, url, scenario, seconds=args.duration, **options)
    problems = wrk_problems(outcome.wrk)
    if problems:
        outcome.detail = "; ".join(problems)
        print(f" FAILED: {outcome.detail}")
        return outcome
    outcome.status = "ok"
    latency = outcome.wrk["latency_us"]
    print(
        f" {outcome.wrk['requests_per_s']:.0f} req/s, "
        f"p50 {latency['p50'] / 1000:.2f} ms, p99 {latency['p99'] / 1000:.2f} ms"
    )
    return outcome


def add_ratios(outcomes: list[Outcome]) -> None:
    by_key = {o.key: o for o in outcomes}
    for outcome in outcomes:
        reference = by_key.get(outcome.baseline or "")
        if outcome.wrk is None or reference is None or reference.wrk is None:
            continue
        outcome.ratios = {
            "throughput": outcome.wrk["requests_per_s"] / reference.wrk["requests_per_s"],
            "p99": outcome.wrk["latency_us"]["p99"] / max(reference.wrk["latency_us"]["p99"], 1),
            "p50": outcome.wrk["latency_us"]["p50"] / max(reference.wrk["latency_us"]["p50"], 1),
        }


# --- the run ---------------------------------------------------------------------------------


def public_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()


def scenarios(
    work: Path, api_key: str, api_secret: str, diagnose: bool
) -> tuple[list[Scenario], list[Scenario]]:
    """The default scenarios, and the --diagnose one (run on its own server)."""
    basic = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode()
    auth = {"Authorization": f"Basic {basic}"}
    json_auth = {**auth, "Content-Type": "application/json"}
    with_keys = work / "application-with-key.json"
    with_keys.write_text(json.dumps({"name": "bench", "keys": {"public_key": public_key_pem()}}))
    without_keys = work / "application-without-key.json"
    without_keys.write_text(json.dumps({"name": "bench"}))
    plain_json = {"Content-Type": "application/json"}
    # interleaved, so a drift in machine speed hits both sides of a ratio alike
    main = [
        Scenario("base-get", "baseline GET /balance", "baseline", "http", "GET", "/balance", {}),
        Scenario(
            "rb-get",
            "ringback GET /account/get-balance",
            "ringback",
            "http",
            "GET",
            "/account/get-balance",
            auth,
            baseline="base-get",
        ),
        Scenario(
            "base-get-tls",
            "baseline GET /balance (https)",
            "baseline",
            "https",
            "GET",
            "/balance",
            {},
        ),
        Scenario(
            "rb-get-tls",
            "ringback GET /account/get-balance (https)",
            "ringback",
            "https",
            "GET",
            "/account/get-balance",
            auth,
            baseline="base-get-tls",
        ),
        Scenario(
            "base-post",
            "baseline POST /applications",
            "baseline",
            "http",
            "POST",
            "/applications",
            plain_json,
            with_keys,
        ),
        Scenario(
            "rb-post",
            "ringback POST /v2/applications (public key given)",
            "ringback",
            "http",
            "POST",
            "/v2/applications",
            json_auth,
            with_keys,
            baseline="base-post",
        ),
        Scenario(
            "rb-post-keygen",
            "ringback POST /v2/applications (RSA key pair generated)",
            "ringback",
            "http",
            "POST",
            "/v2/applications",
            json_auth,
            without_keys,
            baseline="base-post",
        ),
    ]
    extra = [
        Scenario(
            "base-get-asyncio",
            "baseline GET /balance, stdlib asyncio loop, proto-0 sockets",
            "baseline-asyncio",
            "http",
            "GET",
            "/balance",
            {},
            baseline="base-get",
        ),
    ]
    return main, extra if diagnose else []


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.partition(":")[2].strip()
            break
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout
    versions: dict[str, str | None] = {}
    for package in ("uvicorn", "starlette", "httptools", "uvloop", "sqlalchemy"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "nproc": int(nproc.strip() or 0),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "subject": git("log", "-1", "--format=%s"),
        # other work may be in progress in src/; the benchmark runs the working tree
        "src_dirty": bool(git("status", "--porcelain", "--", "src")),
    }


def fmt_ms(us: float) -> str:
    return f"{us / 1000:.2f}"


def table(outcomes: list[Outcome]) -> str:
    header = (
        f"{'endpoint':<62} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'req/s ratio':>11} {'p99 ratio':>9}"
    )
    lines = [header, "-" * len(header)]
    for o in outcomes:
        if o.wrk is None or o.status != "ok":
            lines.append(f"{o.label:<62} {o.status.upper()}: {o.detail or ''}"[:200])
            continue
        lat = o.wrk["latency_us"]
        tput = f"{o.ratios['throughput']:.3f}" if o.ratios else ""
        p99 = f"{o.ratios['p99']:.2f}" if o.ratios else ""
        lines.append(
            f"{o.label:<62} {o.wrk['requests_per_s']:>9.0f} {fmt_ms(lat['p50']):>8} "
            f"{fmt_ms(lat['p99']):>8} {tput:>11} {p99:>9}"
        )
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="wrk benchmark of Ringback against a bare Starlette baseline"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per endpoint")
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
        "--diagnose",
        action="store_true",
        help="also run the baseline on the stdlib asyncio loop with sockets bound as "
        "src/ringback/server.py binds them (no TCP_NODELAY): what leaving uvloop would cost",
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    started = dt.datetime.now(dt.UTC)
    load_at_start = os.getloadavg()
    if load_at_start[0] > 0.5:
        print(
            f"warning: load average {load_at_start[0]:.2f} at start; something else is using "
            "the CPUs wrk and the servers share, so the figures will be noisy",
            file=sys.stderr,
        )
    info: dict[str, Any] = {
        "started_at": started.isoformat(timespec="seconds"),
        "loadavg_at_start": load_at_start,
        "machine": machine(),
        "wrk": wrk_version(wrk),
        "git": git_state(),
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": args.connections,
            "threads": args.threads,
            "timeout_s": args.timeout,
            "sqlite_synchronous": args.sqlite_synchronous,
            "rate_limits": False,
        },
    }
    outcomes: list[Outcome] = []
    memory: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="ringback-bench-") as tmp:
        work = Path(tmp)
        ringback_args = ("--no-rate-limits", "--sqlite-synchronous", args.sqlite_synchronous)
        ringback = RingbackProcess(work / "ringback", *ringback_args)
        servers: list[RingbackProcess | Baseline] = []
        try:
            ringback.start()
            servers.append(ringback)
            tls = ringback.data_dir
            # the baseline serves TLS with Ringback's own certificate: same handshake, same key
            baseline = Baseline(
                work / "baseline",
                *("--ssl-certfile", str(tls / "server.pem")),
                *("--ssl-keyfile", str(tls / "server-key.pem")),
            ).start()
            servers.append(baseline)
            targets = {
                "ringback": ringback_target("ringback", ringback),
                "baseline": baseline.target("baseline"),
            }
            memory["ringback at start"] = memory_kb(targets["ringback"].pid)
            api_key, api_secret = ringback.default_credentials()
            main_scenarios, extra = scenarios(work, api_key, api_secret, args.diagnose)
            verify = ssl.create_default_context(cafile=ringback.ca)
            info["servers"] = {"baseline": baseline.info}
            print(
                f"ringback {ringback.http_url} + {ringback.https_url}, baseline "
                f"{targets['baseline'].http_url} ({baseline.info['loop']} loop, "
                f"{baseline.info['http']})"
            )
            for scenario in main_scenarios:
                outcomes.append(measure(wrk, scenario, targets, verify, args))
            memory["ringback after the runs"] = memory_kb(targets["ringback"].pid)
            memory["baseline after the runs"] = memory_kb(targets["baseline"].pid)
            if extra:
                asyncio_baseline = Baseline(
                    work / "baseline-asyncio", "--loop", "asyncio", "--socket", "ringback"
                ).start()
                servers.append(asyncio_baseline)
                targets["baseline-asyncio"] = asyncio_baseline.target("baseline-asyncio")
                for scenario in extra:
                    outcomes.append(measure(wrk, scenario, targets, verify, args))
        except BaseException:
            for server in servers:
                if isinstance(server, RingbackProcess) and server.log_path.exists():
                    print(f"--- {server.log_path}:\n{server.log_path.read_text()[-3000:]}")
            raise
        finally:
            for server in reversed(servers):
                server.stop()

    add_ratios(outcomes)
    print()
    print(table(outcomes))
    print()
    for name, values in memory.items():
        print(
            f"RSS {name}: {values.get('VmRSS', 0) / 1024:.1f} MiB "
            f"(peak {values.get('VmHWM', 0) / 1024:.1f} MiB)"
        )
    print(
        "ratios: req/s ratio = Ringback req/s / baseline req/s (1.0 = as fast); "
        "p99 ratio = Ringback p99 / baseline p99 (1.0 = same tail)"
    )
    finished = dt.datetime.now(dt.UTC)
    info["finished_at"] = finished.isoformat(timespec="seconds")
    info["loadavg_at_end"] = os.getloadavg()
    info["memory_kb"] = memory
    info["results"] = [asdict(o) for o in outcomes]
    args.results_dir.mkdir(parents=True, exist_ok=True)
    path = args.results_dir / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(info, indent=2, default=str) + "\n")
    print(f"results: {path} (run took {(finished - started).total_seconds():.0f} s)")
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        print(
            "\nBENCHMARK FAILED: " + "; ".join(f"{o.label}: {o.detail}" for o in failed),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
