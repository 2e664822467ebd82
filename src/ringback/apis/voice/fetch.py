"""Webhooks whose answer is an NCCO: the answer_url, and the eventUrl of an `input`, a
`notify` or a synchronous `connect`. The outbox only tells whether a callback arrived, so
these are fetched here, with httpx on the event loop, and the answer is fed to the call.

Retries as the webhook reference says (vonage-behaviours §1.4): a connection failure, a
timeout or HTTP 429/503/504 is tried once more, then the application's fallback_answer_url
twice (with `reason` and `original_request` added). Any other answer is final. A failed
answer_url ends the call; a failed event answer lets the NCCO go on.

The `voice.fetch` job is a lease: its handler starts the fetch as a task and reschedules the
job `LEASE_SECONDS` later; the task deletes the job in the transaction that feeds the answer
to the call. After a crash the job comes due again and the fetch is made again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import httpx

from ringback.apis.services import Services
from ringback.apis.voice import driver
from ringback.ncco import stimuli
from ringback.scheduler.jobs import Reschedule
from ringback.state import accounts as account_state
from ringback.state import calls as call_state
from ringback.state import jobs as job_state
from ringback.state.jobs import Job
from ringback.state.store import Tx
from ringback.webhooks.signing import jwt_header

log = logging.getLogger("ringback.voice")

LEASE_SECONDS = 60.0
RETRY_STATUSES = (429, 503, 504)
# how long (real time) a fetch waits for the call's earlier events to be sent first
ORDER_WAIT_SECONDS = 2.0


class Failed(Exception):
    pass


class Fetcher:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._running: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        """One client for every fetch, its connections kept alive: a client per fetch built a
        TLS context each time, the biggest cost of a call in bench/voice_run.py."""
        if self._http is None:
            limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
            self._http = httpx.AsyncClient(limits=limits)
        return self._http

    async def handle(self, job: Job) -> None:
        if job.id not in self._running:
            self._running.add(job.id)
            task = asyncio.create_task(self._run(job))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        raise Reschedule(self.services.clock.now() + LEASE_SECONDS, "fetching")

    async def _run(self, job: Job) -> None:
        try:
            await self._wait_for_earlier_events(str(job.payload["call"]))
            ncco = await self._fetch(job.payload)
            await self.services.store.transact(self._answered, job, ncco)
        except Exception:
            log.exception("voice fetch %s failed", job.id)
        finally:
            self._running.discard(job.id)

    async def _wait_for_earlier_events(self, call_uuid: str) -> None:
        deadline = time.monotonic() + ORDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            unsent = await self.services.store.transact(self._unsent, call_uuid)
            if not unsent:
                return
            await asyncio.sleep(0.01)

    @staticmethod
    def _unsent(tx: Tx, call_uuid: str) -> int:
        return call_state.unsent_webhooks(tx, call_uuid)

    async def _fetch(self, p: dict[str, Any]) -> tuple[bool, object | None]:
        """(succeeded, the parsed answer or None for an empty body)."""
        secret = None
        if p.get("signing") == "jwt":
            secret = await self.services.store.transact(self._account, str(p["call"]))
        timeout = httpx.Timeout(
            float(p["socket_timeout_ms"]) / 1000, connect=float(p["connect_timeout_ms"]) / 1000
        )
        payload: dict[str, Any] = dict(p["payload"])
        attempts = [(str(p["url"]), str(p["method"]))] * 2
        client = self._client()
        reason = ""
        for i, (url, method) in enumerate(attempts):
            try:
                return True, await self._request(client, url, method, payload, secret, timeout)
            except _Retry as again:
                reason = again.reason
                if i == 0:
                    await asyncio.sleep(0)
                    continue
            except Failed as failed:
                reason = str(failed)
            break
        fallback = p.get("fallback")
        if fallback:
            payload = {
                **payload,
                "reason": reason,
                "original_request": {"url": p["url"], "type": p["purpose"]},
            }
            for _ in range(2):
                try:
                    method = str(p.get("fallback_method") or "POST")
                    return True, await self._request(
                        client, fallback, method, payload, secret, timeout
                    )
                except _Retry:
                    continue
                except Failed:
                    break
        return False, None

    async def _request(
        self,
        client: httpx.AsyncClient,
        url: str,
        method: str,
        payload: dict[str, Any],
        signer: tuple[Any, str] | None,
        timeout: httpx.Timeout,
    ) -> object | None:
        headers: dict[str, str] = {"User-Agent": "Ringback"}
        body = b""
        target = url
        if method == "GET":
            query = urlencode({k: _text(v) for k, v in payload.items() if v is not None})
            target = url + ("&" if "?" in url else "?") + query
        else:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        if signer is not None:
            account, application_id = signer
            headers["Authorization"] = jwt_header(body, account, application_id)
        try:
            response = await client.request(
                method, target, content=body, headers=headers, timeout=timeout
            )
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Retry(type(exc).__name__) from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise Failed(str(exc)) from exc
        if response.status_code in RETRY_STATUSES:
            raise _Retry(f"HTTP {response.status_code}")
        if response.status_code >= 300:
            raise Failed(f"HTTP {response.status_code}")
        if not response.content.strip():
            return None
        try:
            answer: object = json.loads(response.content)
        except ValueError as exc:
            raise Failed("the answer is not JSON") from exc
        return answer

    @staticmethod
    def _account(tx: Tx, call_uuid: str) -> tuple[Any, str] | None:
        call = call_state.get(tx, call_uuid)
        if call is None:
            return None
        account = account_state.get_account(tx, call.api_key)
        return (account, call.application_id) if account is not None else None

    def _answered(self, tx: Tx, job: Job, outcome: tuple[bool, object | None]) -> None:
        job_state.finish_job(tx, job.id)
        ok, ncco = outcome
        p = job.payload
        call = call_state.get(tx, str(p["call"]))
        if call is None or call.ended:
            return
        sv = self.services
        now = sv.clock.now()
        driver.note(tx, call, now, "network", "fetched", purpose=p["purpose"], url=p["url"],
                    ok=ok)  # fmt: skip
        if p["purpose"] in ("answer", "transfer"):
            if not ok or ncco is None:
                # answer_url and fallback failed: "the call is terminated" (§1.4)
                driver.end(tx, sv, call, "completed", reason="answer_url failed")
            elif p["purpose"] == "transfer":
                driver.replace_ncco(tx, sv, call, ncco)
            else:
                driver.feed(tx, sv, call, stimuli.Answered(ncco))
        else:
            driver.feed(tx, sv, call, stimuli.WebhookAnswer(ncco if ok else None))


class _Retry(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
