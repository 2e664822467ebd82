"""The outbox on real parts: a store on disk, a frozen clock, the dispatcher, live receivers."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest

from ringback.core.changes import Changes
from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.platform.provisioning import create_account
from ringback.state import accounts as account_state
from ringback.state.store import Store
from ringback.state.webhook_deliveries import Filter
from ringback.testing.backends import new_store, reopen
from ringback.testing.receiver import WebhookReceiver
from ringback.webhooks import history, outbox
from ringback.webhooks.dispatcher import Dispatcher

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@dataclass
class Outbox:
    path: Path
    store: Store
    clock: Clock
    receivers: list[WebhookReceiver] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    ids: Ids = field(default_factory=lambda: Ids(None))

    def dispatcher(self, **settings: Any) -> Dispatcher:
        """Built inside the running loop; short timeouts unless a test says otherwise."""
        merged = {"connect_timeout": 1.0, "response_timeout": 2.0, **self.settings, **settings}
        return Dispatcher(self.store, self.clock, changes=Changes(), **merged)

    def enqueue(self, url: str, payload: dict[str, Any] | None = None, **options: Any) -> int:
        options.setdefault("api_key", None)
        options.setdefault("kind", "test")
        with self.store.begin() as tx:
            return outbox.enqueue(
                tx, self.clock.now(), url=url, payload=payload or {"n": "1"}, **options
            )

    def delivery(self, delivery_id: int) -> dict[str, Any]:
        with self.store.begin() as tx:
            found = history.get_delivery(tx, delivery_id)
        assert found is not None
        return found

    def deliveries(self, **where: Any) -> list[dict[str, Any]]:
        with self.store.begin() as tx:
            return history.list_deliveries(tx, Filter(**where))

    def receiver(self, **options: Any) -> WebhookReceiver:
        receiver = WebhookReceiver(**options).start()
        self.receivers.append(receiver)
        return receiver

    def account(self, **settings: Any) -> account_state.Account:
        with self.store.begin() as tx:
            account, _ = create_account(tx, self.ids, self.clock, balance=Decimal("1"))
            if settings:
                account_state.update_account(tx, account.api_key, **settings)
            found = account_state.get_account(tx, account.api_key)
        assert found is not None
        return found

    def reopen(self) -> None:
        """As a restart does: the same file, a new connection."""
        self.store = reopen(self.store)


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Outbox]:
    store = new_store(tmp_path, "outbox.db")
    clock = Clock()
    clock.freeze()
    made = Outbox(tmp_path / "outbox.db", store, clock)
    yield made
    for receiver in made.receivers:
        receiver.stop()
    made.store.close()


@pytest.fixture
def closed_port() -> str:
    """A local URL nothing listens on: connections are refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/hook"


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A local URL whose connections never complete: a listener that is never accepted from,
    its backlog already full, so further handshakes are dropped (Linux)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    yield f"http://127.0.0.1:{port}/hook"
    for sock in [*fillers, listener]:
        sock.close()
