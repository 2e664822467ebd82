"""A Ringback of the Messages tests' own, in this process, with a frozen clock (time moves only
when a test says so) and a real local webhook receiver; a fresh account, application and
senders per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from vonage_jwt import JwtClient

from ringback.testing.asgi import InProcessRingback
from ringback.testing.receiver import Received, WebhookReceiver

_NUMBERS = itertools.count(100)


@dataclass
class Sender:
    """An account with an application that has the messages capability."""

    world: World
    api_key: str
    api_secret: str
    app_id: str
    private_key: str
    status_url: str
    whatsapp: str = ""  # the business's WhatsApp number (registered by `register`)

    def __post_init__(self) -> None:
        self.whatsapp = f"4420{next(_NUMBERS):08d}"

    def jwt(self) -> str:
        return JwtClient(self.app_id, self.private_key).generate_application_jwt().decode()

    def send(self, body: dict[str, Any], *, basic: bool = False, **kwargs: Any) -> httpx.Response:
        if basic:
            kwargs["auth"] = (self.api_key, self.api_secret)
        else:
            kwargs.setdefault("headers", {})["Authorization"] = f"Bearer {self.jwt()}"
        return self.world.app.https.post("/v1/messages", json=body, **kwargs)

    def register(self, channel: str, sender_id: str) -> None:
        self.world.control(
            "POST",
            f"/accounts/{self.api_key}/senders",
            json={"channel": channel, "id": sender_id, "application_id": self.app_id},
        )


class World:
    def __init__(self, app: InProcessRingback, receiver: WebhookReceiver) -> None:
        self.app = app
        self.receiver = receiver

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.app.control(method, path, **kwargs)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def advance(self, seconds: float) -> None:
        self.control("POST", "/clock", json={"advance_seconds": seconds})

    def sender(
        self,
        path: str,
        balance: str = "10",
        version: str = "v1",
        authenticate_inbound_media: bool | None = None,
    ) -> Sender:
        api_key, api_secret = self.app.new_account(balance=balance)
        status_url = self.receiver.url + path
        application: dict[str, Any] = {
            "name": "messages app",
            "capabilities": {
                "messages": {
                    "webhooks": {
                        "status_url": {"address": status_url, "http_method": "POST"},
                        "inbound_url": {"address": status_url + "/in", "http_method": "POST"},
                    },
                    "version": version,
                }
            },
        }
        if authenticate_inbound_media is not None:
            messages = application["capabilities"]["messages"]
            messages["authenticate_inbound_media"] = authenticate_inbound_media
        created = self.app.https.post(
            "/v2/applications", json=application, auth=(api_key, api_secret)
        )
        assert created.status_code == 201, created.text
        body = created.json()
        return Sender(
            self, api_key, api_secret, body["id"], body["keys"]["private_key"], status_url
        )

    def statuses(self, sender: Sender, count: int) -> list[dict[str, Any]]:
        def mine(received: Received) -> bool:
            return received.path == sender.status_url.removeprefix(self.receiver.url)

        found = self.receiver.wait_for(count, 10.0, where=mine)
        return [r.json for r in found]


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    receiver = WebhookReceiver().start()
    app = InProcessRingback(Path(tmp_path_factory.mktemp("messages")), rate_limits=False)
    app.start()
    try:
        app.control("POST", "/clock", json={"freeze": True}).raise_for_status()
        yield World(app, receiver)
    finally:
        app.stop()
        receiver.stop()


@pytest.fixture
def sender(world: World, request: pytest.FixtureRequest) -> Sender:
    return world.sender(f"/{abs(hash(request.node.nodeid)):x}")
