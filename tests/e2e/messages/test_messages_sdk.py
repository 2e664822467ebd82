"""The official Python SDK's Messages client against a live Ringback: SMS text with Basic and
with a JWT, WhatsApp text and image with a JWT (Basic refused as Vonage refuses it), complete
status sequences at a real local receiver, and the CLI's senders and per-channel behaviours."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from vonage_application import ApplicationConfig, ApplicationUrl, Messages, MessagesWebhooks
from vonage_http_client import AuthenticationError
from vonage_messages import Sms, WhatsappImage, WhatsappImageResource, WhatsappText

from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

HANDSET = "447700900321"
WHATSAPP = "447700900555"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("messages"), "--no-rate-limits").start()
    try:
        process.control("POST", "/clock", json={"freeze": True}).raise_for_status()
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    found = WebhookReceiver().start()
    yield found
    found.stop()


class Team:
    """An account, its messages application (statuses to `receiver`), and two SDK clients."""

    def __init__(self, server: RingbackProcess, receiver: WebhookReceiver, path: str) -> None:
        self.server = server
        self.receiver = receiver
        self.path = path
        self.api_key, self.api_secret = server.new_account()
        self.basic = server.client(self.api_key, self.api_secret)
        hooks = MessagesWebhooks(
            inbound_url=ApplicationUrl(address=receiver.url + path + "/in"),
            status_url=ApplicationUrl(address=receiver.url + path),
        )
        app = self.basic.application.create_application(
            ApplicationConfig(name="shop", capabilities={"messages": Messages(webhooks=hooks)})
        )
        self.app_id = app.id
        self.jwt = server.client(
            self.api_key,
            self.api_secret,
            application_id=app.id,
            private_key=app.keys.private_key,
        )

    def statuses(self, count: int) -> list[dict[str, Any]]:
        found = self.receiver.wait_for(count, 10.0, where=lambda r: r.path == self.path)
        return [r.json for r in found]

    def advance(self, seconds: float) -> None:
        self.server.control("POST", "/clock", json={"advance_seconds": seconds}).raise_for_status()


def test_sms_with_basic_and_with_a_jwt(server: RingbackProcess, receiver: WebhookReceiver) -> None:
    team = Team(server, receiver, "/sms")
    by_basic = team.basic.messages.send(
        Sms(to=HANDSET, from_="Acme", text="basic", webhook_url=receiver.url + "/sms")
    )
    by_jwt = team.jwt.messages.send(Sms(to=HANDSET, from_="Acme", text="jwt", client_ref="j1"))
    team.advance(1)
    statuses = team.statuses(4)
    sequences: dict[str, list[str]] = {}
    for status in statuses:
        sequences.setdefault(status["message_uuid"], []).append(status["status"])
        assert status["channel"] == "sms" and status["to"] == HANDSET
        assert status["from"] == "Acme" and status["sms"] == {"count_total": "1"}
        assert status["usage"]["currency"] == "EUR" and float(status["usage"]["price"]) > 0
    assert sequences == {
        by_basic.message_uuid: ["submitted", "delivered"],
        by_jwt.message_uuid: ["submitted", "delivered"],
    }
    assert [s["client_ref"] for s in statuses if s["message_uuid"] == by_jwt.message_uuid] == [
        "j1",
        "j1",
    ]
    inbox = server.control("GET", f"/handsets/{HANDSET}/messages").json()["messages"]
    texts = {m["text"] for m in inbox if m["api_key"] == team.api_key}
    assert texts == {"basic", "jwt"}


def test_whatsapp_text_and_image_with_a_jwt_only(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    team = Team(server, receiver, "/wa")
    server.control(
        "POST",
        f"/accounts/{team.api_key}/senders",
        json={"channel": "whatsapp", "id": WHATSAPP, "application_id": team.app_id},
    ).raise_for_status()
    server.control(
        "POST", f"/handsets/{HANDSET}/whatsapp-window", json={"sender": WHATSAPP}
    ).raise_for_status()
    text = WhatsappText(to=HANDSET, from_=WHATSAPP, text="Hi there")
    with pytest.raises(AuthenticationError):
        team.basic.messages.send(text)
    sent = team.jwt.messages.send(text)
    image = WhatsappImage(
        to=HANDSET,
        from_=WHATSAPP,
        image=WhatsappImageResource(url="https://example.com/a.png", caption="A"),
    )
    pictured = team.jwt.messages.send(image)
    team.advance(1)
    team.statuses(4)
    for message_uuid in (sent.message_uuid, pictured.message_uuid):
        read = server.control("POST", f"/handsets/{HANDSET}/messages/{message_uuid}/read")
        assert read.status_code == 200, read.text
    statuses = team.statuses(6)
    for message_uuid in (sent.message_uuid, pictured.message_uuid):
        mine = [s for s in statuses if s["message_uuid"] == message_uuid]
        assert [s["status"] for s in mine] == ["submitted", "delivered", "read"]
        for status in mine:
            assert status["channel"] == "whatsapp" and status["from"] == WHATSAPP
            assert status["to"] == HANDSET
            assert status["usage"] == {"currency": "EUR", "price": "0.0147"}
    inbox = server.control("GET", f"/handsets/{HANDSET}/messages?channel=whatsapp").json()
    contents = [m["content"] for m in inbox["messages"] if m["api_key"] == team.api_key]
    assert {"message_type": "text", "text": "Hi there"} in contents
    picture = {"url": "https://example.com/a.png", "caption": "A"}
    assert {"message_type": "image", "image": picture} in contents


def ringback(server: RingbackProcess, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", *args, "--data-dir", str(server.data_dir)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_cli_registers_senders_and_sets_channel_behaviours(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    team = Team(server, receiver, "/cli")
    ringback(
        server,
        "senders",
        "add",
        team.api_key,
        "viber_service",
        "Shop",
        "--application",
        team.app_id,
    )
    assert "viber_service" in ringback(server, "senders", "list", team.api_key)
    shown = ringback(
        server,
        "phone",
        "447700900322",
        "behaviour",
        "--channel",
        "viber_service",
        "--set",
        '{"message": "undeliverable", "message_error": 1300}',
    )
    assert "on viber_service" in shown and "1300" in shown
    body = {
        "channel": "viber_service",
        "message_type": "text",
        "to": "447700900322",
        "from": "Shop",
        "text": "x",
    }
    token = team.jwt.http_client.auth.create_jwt_auth_string().decode()
    answer = httpx.post(
        f"{server.http_url}/v1/messages", json=body, headers={"Authorization": token}
    )
    assert answer.status_code == 202, answer.text
    team.advance(1)
    assert [s["status"] for s in team.statuses(2)] == ["submitted", "undeliverable"]
    ringback(server, "senders", "remove", team.api_key, "viber_service", "Shop")
    assert "none" in ringback(server, "senders", "list", team.api_key)
