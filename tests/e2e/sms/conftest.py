"""A Ringback of the SMS tests' own (they move its clock; every test here shares it, each
with fresh accounts), and helpers to drive it."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from vonage_sms import SmsMessage

from ringback.testing.receiver import Received, WebhookReceiver
from ringback.testing.server import RingbackProcess


@dataclass
class Sender:
    api_key: str
    api_secret: str
    client: Any

    def send(self, **fields: Any) -> Any:
        fields.setdefault("from_", "Acme")
        return self.client.sms.send(SmsMessage(**fields))

    def balance(self) -> float:
        return float(self.client.account.get_balance().value)


class World:
    """One Ringback with a frozen clock: time moves only when a test says so."""

    def __init__(self, server: RingbackProcess) -> None:
        self.server = server

    def crash_and_restart(self) -> None:
        """Kill the server outright and start it again on the same data."""
        self.server.stop(signal.SIGKILL)
        self.server.start()

    def advance(self, seconds: float) -> None:
        """Move the clock on; due deliveries run and their receipts start before this returns."""
        response = self.server.control("POST", "/clock", json={"advance_seconds": seconds})
        response.raise_for_status()

    def now(self) -> float:
        now: float = self.server.control("GET", "/clock").json()["now"]
        return now

    def sender(self, balance: str = "10", **settings: Any) -> Sender:
        api_key, api_secret = self.server.new_account(balance=balance)
        if settings:
            self.configure(api_key, **settings)
        return Sender(api_key, api_secret, self.server.client(api_key, api_secret))

    def configure(self, api_key: str, **settings: Any) -> None:
        response = self.server.control("PATCH", f"/accounts/{api_key}", json=settings)
        response.raise_for_status()

    def inbox(self, msisdn: str, api_key: str | None = None) -> list[dict[str, Any]]:
        """What the handset received (from `api_key`'s account, when given)."""
        response = self.server.control("GET", f"/handsets/{msisdn}/messages")
        response.raise_for_status()
        messages: list[dict[str, Any]] = response.json()["messages"]
        return [m for m in messages if api_key is None or m["api_key"] == api_key]


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = RingbackProcess(tmp_path_factory.mktemp("sms"), "--no-rate-limits").start()
    try:
        server.control("POST", "/clock", json={"freeze": True}).raise_for_status()
        yield World(server)
    finally:
        # a throwaway world: SIGTERM would wait out uvicorn's 5 s grace for the SDK's
        # kept-alive TLS connections
        server.stop(signal.SIGKILL)


class Endpoint:
    """One test's share of a module-wide WebhookReceiver: its own path, its own requests
    (a receiver of its own per test would cost half a second to stop)."""

    def __init__(self, receiver: WebhookReceiver, path: str) -> None:
        self.receiver = receiver
        self.path = path
        self.url = receiver.url + path

    def mine(self, received: Received) -> bool:
        return received.path.startswith(self.path)

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[Received]:
        return self.receiver.wait_for(count, timeout, where=self.mine)

    @property
    def received(self) -> list[Received]:
        return [r for r in self.receiver.received if self.mine(r)]


@pytest.fixture(scope="package")
def shared_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def receiver(shared_receiver: WebhookReceiver, request: pytest.FixtureRequest) -> Endpoint:
    return Endpoint(shared_receiver, f"/{abs(hash(request.node.nodeid)):x}")


def by_message(receipts: list[Received]) -> dict[str, dict[str, Any]]:
    return {r.fields["messageId"]: r.fields for r in receipts}


@pytest.fixture
def receipts_by_id() -> Any:
    return by_message
