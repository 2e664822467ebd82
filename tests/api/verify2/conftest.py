"""Verify v2 in-process: an application with the verify capability whose status_url is a real
local receiver, and helpers to move Ringback's clock and read what handsets received."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from vonage import Auth

from ringback.testing.asgi import AppAccount, InProcessRingback
from ringback.testing.receiver import WebhookReceiver


@dataclass
class Verify:
    ringback: InProcessRingback
    account: AppAccount
    http: httpx.Client
    application_id: str
    private_key: str
    receiver: WebhookReceiver

    def headers(self) -> dict[str, str]:
        token = Auth(
            application_id=self.application_id, private_key=self.private_key
        ).generate_application_jwt()
        return {"Authorization": f"Bearer {token.decode() if isinstance(token, bytes) else token}"}

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(path, headers=self.headers())

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.post(path, headers=self.headers(), json=body)

    def start(self, **body: Any) -> httpx.Response:
        body.setdefault("brand", "Acme")
        return self.post("/v2/verify", body)

    def check(self, request_id: str, code: str) -> httpx.Response:
        return self.post(f"/v2/verify/{request_id}", {"code": code})

    def advance(self, seconds: float) -> None:
        moved = self.ringback.control("POST", "/clock", json={"advance_seconds": seconds})
        assert moved.status_code == 200, moved.text

    def latest(self, address: str, inbox: str = "handsets") -> httpx.Response:
        return self.ringback.control("GET", f"/{inbox}/{address}/codes/latest")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    found = WebhookReceiver().start()
    yield found
    found.stop()


@pytest.fixture
def verify(ringback: InProcessRingback, account: AppAccount, receiver: WebhookReceiver) -> Verify:
    http = ringback.client()
    hooks = {"status_url": {"address": receiver.url + "/verify", "http_method": "POST"}}
    created = http.post(
        "/v2/applications",
        auth=account.auth,
        json={"name": "2fa", "capabilities": {"verify": {"webhooks": hooks}}},
    )
    assert created.status_code == 201, created.text
    app = created.json()
    return Verify(ringback, account, http, app["id"], app["keys"]["private_key"], receiver)
