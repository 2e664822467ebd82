"""pytest fixtures: a live Ringback for the session, a fresh account and SDK client per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from ringback.testing.asgi import app_account, ringback_app
from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

__all__ = [
    "AccountHandle",
    "account",
    "app_account",
    "ringback",
    "ringback_app",
    "webhook_receiver",
]


@dataclass
class AccountHandle:
    api_key: str
    api_secret: str
    client: Any


@pytest.fixture(scope="session")
def ringback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    server = RingbackProcess(tmp_path_factory.mktemp("ringback"), "--no-rate-limits")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def account(ringback: RingbackProcess) -> AccountHandle:
    """A new, isolated account (10 EUR) and an SDK client authenticated as it."""
    api_key, api_secret = ringback.new_account()
    return AccountHandle(api_key, api_secret, ringback.client(api_key, api_secret))


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A real local HTTP server that records the webhooks it gets (answers 200 by default)."""
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()
