"""Sends what the outbox owes: in due order per destination, a bounded number at once,
every attempt recorded, failures retried with backoff on Ringback's clock until they expire."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import Connection, insert, select, update

from ringback.core.clock import Clock
from ringback.state import accounts as account_state
from ringback.state.store import Store
from ringback.state.tables import webhook_attempts, webhook_deliveries
from ringback.webhooks import signing
from ringback.webhooks.outbox import Delivery, delivery_from_row

log = logging.getLogger("ringback.webhooks")

FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 900.0
EXCERPT_CHARS = 1000
USER_AGENT = "Ringback-Webhooks/1.0"


def retry_delay(attempts: int) -> float:
    """5 s, doubling, at most 15 minutes (vonage-behaviours §1.2, the suggested model)."""
    return float(min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Outgoing:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes


class Dispatcher:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        concurrency: int = 16,
        connect_timeout: float = 3.0,
        response_timeout: float = 15.0,
        interval: float = 0.05,
    ) -> None:
        self.store = store
        self.clock = clock
        self.interval = interval
        self._slots = asyncio.Semaphore(concurrency)
        self._busy: set[str] = set()  # destinations with an attempt in flight
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._stopping = False
        self._timeout = httpx.Timeout(response_timeout, connect=connect_timeout)
        self._client: httpx.AsyncClient | None = None

    def wake(self) -> None:
        self._wake.set()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False)
        return self._client

    def _due_heads(self, conn: Connection, limit: int = 500) -> list[Delivery]:
        rows = conn.execute(
            select(webhook_deliveries)
            .where(
                webhook_deliveries.c.status == "pending",
                webhook_deliveries.c.next_attempt_at <= self.clock.now(),
            )
            .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
            .limit(limit)
        )
        heads: dict[str, Delivery] = {}
        for row in rows:
            delivery = delivery_from_row(row)
            if delivery.destination not in self._busy:
                heads.setdefault(delivery.destination, delivery)
        return list(heads.values())

    async def run_due(self) -> int:
        """Start every attempt that is due and whose destination is free; returns how many."""
        with self.store.begin() as conn:
            heads = self._due_heads(conn)
        for delivery in heads:
            self._busy.add(delivery.destination)
            task = asyncio.create_task(self._attempt(delivery))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(heads)

    async def drain(self, timeout: float = 10.0) -> None:
        """Until nothing is due or in flight (for tests, clock moves and shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            started = await self.run_due()
            if not started and not self._tasks:
                return
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=deadline - time.monotonic())

    def _build(self, conn: Connection, delivery: Delivery) -> Outgoing:
        fields: dict[str, Any] = dict(delivery.payload)
        account = account_state.get_account(conn, delivery.api_key) if delivery.api_key else None
        headers = {"User-Agent": USER_AGENT}
        if delivery.signing == "sms-signature" and account is not None:
            fields = signing.sign_fields(fields, account, self.clock.now())
        if delivery.method == "GET":
            query = urlencode({k: _text(v) for k, v in fields.items()})
            separator = "&" if "?" in delivery.url else "?"
            return Outgoing("GET", f"{delivery.url}{separator}{query}", headers, b"")
        if delivery.content_type == "form":
            body = urlencode({k: _text(v) for k, v in fields.items()}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = json.dumps(fields, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        if delivery.signing == "jwt" and account is not None:
            headers["Authorization"] = signing.jwt_header(
                body, account, fields.get("application_id")
            )
        return Outgoing(delivery.method, delivery.url, headers, body)

    async def _attempt(self, delivery: Delivery) -> None:
        try:
            async with self._slots:
                with self.store.begin() as conn:
                    outgoing = self._build(conn, delivery)
                status, excerpt, error, latency = await self._send(outgoing)
                with self.store.begin() as conn:
                    self._record(conn, delivery, outgoing, status, excerpt, error, latency)
        except Exception:
            log.exception("webhook %s: attempt failed unexpectedly", delivery.id)
        finally:
            self._busy.discard(delivery.destination)
            self.wake()

    async def _send(self, outgoing: Outgoing) -> tuple[int | None, str | None, str | None, float]:
        started = time.perf_counter()
        try:
            response = await self._http().request(
                outgoing.method, outgoing.url, headers=outgoing.headers, content=outgoing.body
            )
        except httpx.TimeoutException as exc:
            return None, None, f"timeout: {exc!r}", (time.perf_counter() - started) * 1000
        except httpx.HTTPError as exc:
            return None, None, f"connection error: {exc!r}", (time.perf_counter() - started) * 1000
        latency = (time.perf_counter() - started) * 1000
        return response.status_code, response.text[:EXCERPT_CHARS], None, latency

    def _record(
        self,
        conn: Connection,
        delivery: Delivery,
        outgoing: Outgoing,
        status: int | None,
        excerpt: str | None,
        error: str | None,
        latency: float,
    ) -> None:
        now = self.clock.now()
        conn.execute(
            insert(webhook_attempts).values(
                delivery_id=delivery.id,
                api_key=delivery.api_key,
                at=now,
                url=outgoing.url,
                method=outgoing.method,
                request_headers=json.dumps(outgoing.headers),
                request_body=outgoing.body.decode("utf-8", "replace"),
                response_status=status,
                response_excerpt=excerpt,
                latency_ms=latency,
                error=error,
            )
        )
        attempts = delivery.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "last_status": status, "last_error": error}
        if status is not None and 200 <= status < 300:
            values["status"] = "delivered"
        else:
            retry_at = now + retry_delay(attempts)
            if retry_at > delivery.give_up_at:
                values["status"] = "failed"
            else:
                values["next_attempt_at"] = retry_at
        conn.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == delivery.id)
            .values(**values)
        )

    async def run_forever(self) -> None:
        while not self._stopping:
            try:
                await self.run_due()
            except Exception:
                log.exception("webhook dispatch pass failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)
        if self._client is not None:
            await self._client.aclose()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
