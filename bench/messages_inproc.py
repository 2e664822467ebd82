"""CPU per Messages API send inside one process, without sockets: POST /v1/messages on the SMS
channel through the ASGI app as uvicorn would call it (16 at a time, one commit group per turn),
with an application JWT (one token reused, as `messages_run.py` does) and with Basic (each body
names its `webhook_url`), then the delivery jobs. Both status webhooks (`submitted`,
`delivered`) are enqueued, not sent (the dispatcher is not run). `time.process_time` counts
only this process: the yardstick for a shared machine, like `sms_inproc.py`.

    .venv/bin/python bench/messages_inproc.py [--messages 4000] [--repeat 5]
        [--auth jwt,basic] [--synchronous OFF|NORMAL|FULL]
        [--delay 0]   (the handsets' delay: 0 lands each message in its send, s14-inline)
        [--profile out]   (cProfile of the timed part: out-jwt.prof, out-basic.prof)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import gc
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import jwt
import uvloop
from inproc_common import HANDSETS, advance, call, set_delay

from ringback.app import bootstrap_default_account, build_services, create_app
from ringback.config import Settings
from ringback.state.webhook_deliveries import Filter, find

CONCURRENCY = 16
STATUS_URL = "http://127.0.0.1:9/status"
JSON = b"application/json"


async def application_token(app: Any, basic: bytes) -> str:
    """A messages application (statuses to STATUS_URL) and one JWT of it."""
    spec = {
        "name": "bench",
        "capabilities": {
            "messages": {"webhooks": {"status_url": {"address": STATUS_URL}}, "version": "v1"}
        },
    }
    headers = [(b"content-type", JSON), (b"authorization", basic)]
    status, raw = await call(app, "POST", "/v2/applications", json.dumps(spec).encode(), headers)
    assert status == 201, raw
    created = json.loads(raw)
    now = int(time.time())
    claims = {"application_id": created["id"], "iat": now, "exp": now + 3600, "jti": "bench"}
    return jwt.encode(claims, created["keys"]["private_key"], algorithm="RS256")


async def scenario(
    args: argparse.Namespace, data_dir: Path, auth: str, profile: str | None
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
    wait = set_delay(services, args.delay)
    app = create_app(services)
    basic = b"Basic " + base64.b64encode(f"{account.api_key}:{secret}".encode())
    if auth == "jwt":
        authorization = b"Bearer " + (await application_token(app, basic)).encode()
    else:
        authorization = basic
    gc.collect()
    gc.freeze()  # as `ringback serve` does after start-up (server.py)
    bodies = []
    for n in range(args.messages):
        body: dict[str, Any] = {
            "channel": "sms",
            "message_type": "text",
            "to": HANDSETS[n % 100],
            "from": "Ringback",
            "text": f"Hello number {n}",
        }
        if auth == "basic":
            body["webhook_url"] = STATUS_URL
        bodies.append(json.dumps(body, separators=(",", ":")).encode())
    headers = [(b"content-type", JSON), (b"authorization", authorization)]

    async def run(chunk: list[bytes]) -> None:
        answers = await asyncio.gather(
            *(call(app, "POST", "/v1/messages", b, headers) for b in chunk)
        )
        assert {status for status, _ in answers} == {202}, answers[0]

    await run(bodies[:CONCURRENCY])  # warm: statements compiled, caches filled
    advance(services, wait)
    await services.scheduler.run_due()
    profiler = cProfile.Profile() if profile else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    for i in range(CONCURRENCY, len(bodies), CONCURRENCY):
        await run(bodies[i : i + CONCURRENCY])
    sent_at = time.process_time()
    advance(services, wait)
    await services.scheduler.run_due()
    done_at = time.process_time()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    n = len(bodies) - CONCURRENCY
    with services.store.begin() as tx:
        owed = find(tx, Filter(limit=2 * len(bodies) + 1))
    statuses = sorted(str(d.payload.get("status")) for d in owed)
    assert statuses == ["delivered"] * len(bodies) + ["submitted"] * len(bodies), (
        f"{len(owed)} statuses owed for {len(bodies)} messages"
    )
    services.store.close()
    return (sent_at - started) / n * 1000, (done_at - sent_at) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--synchronous", default="OFF", choices=["OFF", "NORMAL", "FULL"])
    parser.add_argument("--auth", default="jwt,basic")
    parser.add_argument("--profile", default=None)
    parser.add_argument(
        "--delay",
        type=float,
        default=None,
        help="the handsets' delay_seconds (default: their own, 1 s); 0: due at the send",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs; the fastest is reported")
    args = parser.parse_args()
    for auth in args.auth.split(","):
        runs = []
        for _ in range(args.repeat):
            profile = f"{args.profile}-{auth}.prof" if args.profile else None
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(uvloop.run(scenario(args, Path(tmp), auth, profile)))
        send, job = min(runs, key=sum)
        print(
            f"{auth}: CPU ms per message, fastest of {len(runs)} runs of {args.messages}: "
            f"send {send:.3f}, delivery job {job:.3f}, total {send + job:.3f} "
            f"(synchronous={args.synchronous}; all runs' totals: "
            f"{', '.join(f'{a + b:.3f}' for a, b in runs)})"
        )


if __name__ == "__main__":
    main()
