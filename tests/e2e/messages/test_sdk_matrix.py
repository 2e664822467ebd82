"""The official Python SDK's Messages client against a live Ringback, model by model: every
message model it offers (`vonage_messages.models`, the table in tests/unit/messages) sent on its
channel with a JWT, the SMS and MMS ones with Basic too, and Basic refused on every other
channel (AuthenticationError, as Vonage's 401). The recipient handset shows what was sent, and a
real local receiver gets each message's complete status sequence, every field, each signed with
a bearer JWT that `vonage_jwt.verify_signature` accepts and whose payload_hash is the body's.
Failover through the SDK (`send(message, failover=[...])`) gives a workflow_id."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from tests.unit.messages.test_sdk_models import MODELS, as_sent
from vonage_application import ApplicationConfig, ApplicationUrl, Messages, MessagesWebhooks
from vonage_http_client import AuthenticationError
from vonage_jwt import verify_signature
from vonage_messages import Sms, WhatsappText
from vonage_messages.models import BaseMessage
from vonage_numbers import NumberParams, SearchAvailableNumbersFilter

from ringback.testing.receiver import Received, WebhookReceiver
from ringback.testing.server import RingbackProcess

HANDSET = "447700900331"  # an ordinary handset: delivered after 1 s
BASIC_CHANNELS = {"sms", "mms"}
READ_CHANNELS = {"whatsapp", "messenger", "viber_service", "rcs"}
CONTENT_KEYS = (
    "text",
    "image",
    "audio",
    "video",
    "file",
    "vcard",
    "template",
    "sticker",
    "custom",
    "content",
    "card",
    "carousel",
    "suggestions",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("matrix"), "--no-rate-limits").start()
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
    """An account that signs its webhooks, a messages application, its senders on every
    channel (an MMS-capable US number it rents), and a Basic and a JWT SDK client."""

    def __init__(
        self, server: RingbackProcess, receiver: WebhookReceiver, path: str, tag: int
    ) -> None:
        self.server, self.receiver, self.path = server, receiver, path
        self.whatsapp = f"44770090055{tag}"
        self.api_key, self.api_secret = server.new_account(balance="100")
        # a secret of 32 bytes: PyJWT (in verify_signature) warns about shorter HMAC keys
        self.secret = "s3cret-of-thirty-two-bytes-long!"
        server.control(
            "PATCH",
            f"/accounts/{self.api_key}",
            json={"signs_webhooks": True, "signature_secret": self.secret},
        ).raise_for_status()
        self.basic = server.client(self.api_key, self.api_secret)
        hooks = MessagesWebhooks(
            inbound_url=ApplicationUrl(address=receiver.url + path + "/in"),
            status_url=ApplicationUrl(address=receiver.url + path),
        )
        app = self.basic.application.create_application(
            ApplicationConfig(name="matrix", capabilities={"messages": Messages(webhooks=hooks)})
        )
        self.app_id = app.id
        self.jwt = server.client(
            self.api_key, self.api_secret, application_id=app.id, private_key=app.keys.private_key
        )
        offered, _, _ = self.basic.numbers.search_available_numbers(
            SearchAvailableNumbersFilter(country="US", features="SMS,MMS", size=1)
        )
        self.us_number = offered[0].msisdn
        self.basic.numbers.buy_number(NumberParams(country="US", msisdn=self.us_number))
        self.senders = {
            "sms": "Vonage",
            "mms": self.us_number,
            "whatsapp": self.whatsapp,
            "messenger": f"098765432{tag}",
            "viber_service": f"MyBrand{tag}",
            "rcs": f"Vonage{tag}",
        }
        for channel in ("whatsapp", "messenger", "viber_service", "rcs"):
            server.control(
                "POST",
                f"/accounts/{self.api_key}/senders",
                json={"channel": channel, "id": self.senders[channel], "application_id": app.id},
            ).raise_for_status()
        server.control(
            "POST", f"/handsets/{HANDSET}/whatsapp-window", json={"sender": self.whatsapp}
        ).raise_for_status()

    def addressed(self, model: BaseMessage, channel: str) -> BaseMessage:
        """The table's model, to the test handset, from this team's sender on its channel."""
        update: dict[str, Any] = {"to": HANDSET, "from_": self.senders[channel]}
        # Basic names no application, so no status_url: the message names its own
        update["webhook_url"] = self.receiver.url + self.path
        return model.model_copy(update=update)

    def statuses(self, count: int) -> list[Received]:
        return self.receiver.wait_for(count, 15.0, where=lambda r: r.path == self.path)

    def advance(self, seconds: float) -> None:
        self.server.control("POST", "/clock", json={"advance_seconds": seconds}).raise_for_status()


def check_signed(team: Team, received: Received, application_id: str | None) -> None:
    scheme, _, token = received.headers["authorization"].partition(" ")
    assert scheme == "Bearer"
    assert verify_signature(token, team.secret)
    claims = jwt.decode(token, team.secret, algorithms=["HS256"])
    assert claims["payload_hash"] == hashlib.sha256(received.body).hexdigest()
    assert (claims["iss"], claims["api_key"]) == ("Vonage", team.api_key)
    assert (
        claims.get("application_id") == application_id
    )  # none with Basic    assert claims["jti"] and isinstance(claims["iat"], int)


def expected_fields(channel: str, status: str) -> set[str]:
    fields = {"message_uuid", "to", "from", "timestamp", "status", "channel", "client_ref"}
    if status != "rejected":
        fields.add("usage")
    if channel == "sms":
        fields |= {"sms", "destination"}
    return fields


def test_every_sdk_model_on_its_channel_in_every_auth_mode_allowed(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    team = Team(server, receiver, "/matrix", 1)
    sent: dict[str, tuple[str, dict[str, Any]]] = {}  # message_uuid → (model name, body)
    by_basic: set[str] = set()
    for name, model in MODELS:
        body = as_sent(model)
        channel = body["channel"]
        message = team.addressed(model, channel)
        clients = [team.jwt, team.basic] if channel in BASIC_CHANNELS else [team.jwt]
        for client in clients:
            answer = client.messages.send(message)
            assert answer.workflow_id is None
            sent[answer.message_uuid] = (name, as_sent(message))
            if client is team.basic:
                by_basic.add(answer.message_uuid)
        if channel not in BASIC_CHANNELS:
            with pytest.raises(AuthenticationError):
                team.basic.messages.send(message)
    assert len(sent) == len(MODELS) + sum(
        1 for _, m in MODELS if as_sent(m)["channel"] in BASIC_CHANNELS
    )
    team.advance(1)
    statuses = team.statuses(2 * len(sent))
    assert len(statuses) == 2 * len(sent)
    by_uuid: dict[str, list[dict[str, Any]]] = {}
    for received in statuses:
        message_uuid = received.json["message_uuid"]
        check_signed(team, received, None if message_uuid in by_basic else team.app_id)
        by_uuid.setdefault(received.json["message_uuid"], []).append(received.json)
    assert set(by_uuid) == set(sent)
    inbox = server.control("GET", f"/handsets/{HANDSET}/messages?limit=1000").json()["messages"]
    shown = {m["message_ids"][0]: m for m in inbox if m["api_key"] == team.api_key}
    for message_uuid, (name, body) in sent.items():
        channel = body["channel"]
        sequence = by_uuid[message_uuid]
        assert [s["status"] for s in sequence] == ["submitted", "delivered"], name
        for status in sequence:
            assert set(status) == expected_fields(channel, status["status"]), name
            assert status["channel"] == channel and status["to"] == HANDSET
            assert status["from"] == body["from"] and status["client_ref"] == body["client_ref"]
            assert status["usage"]["currency"] == "EUR" and float(status["usage"]["price"]) > 0
        received = shown[message_uuid]
        assert received["channel"] == channel and received["from"] == body["from"], name
        if channel == "sms":
            assert received["text"] == body["text"]
            continue
        content = received["content"]
        assert content["message_type"] == body["message_type"], name
        for key in CONTENT_KEYS:
            if key in body:
                assert content[key] == body[key], (name, key)
        if "context" in body:
            assert content["context"] == body["context"], name
    # a channel with read receipts reports `read` when the handset reads
    readable = next(u for u, (_, b) in sent.items() if b["channel"] in READ_CHANNELS)
    read = server.control("POST", f"/handsets/{HANDSET}/messages/{readable}/read")
    assert read.status_code == 200, read.text
    last = team.statuses(2 * len(sent) + 1)[-1]
    check_signed(team, last, team.app_id)
    assert (last.json["message_uuid"], last.json["status"]) == (readable, "read")


def test_failover_through_the_sdk_gives_a_workflow(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    team = Team(server, receiver, "/sdk-failover", 2)
    to = "447700900332"  # no WhatsApp window: the template-less text is rejected (1340)
    answer = team.jwt.messages.send(
        WhatsappText(to=to, from_=team.whatsapp, text="Your code is 1234"),
        failover=[Sms(to=to, from_="Vonage", text="Your code is 1234")],
    )
    assert answer.workflow_id is not None and len(answer.workflow_id) == 55
    team.advance(1)
    statuses = [r.json for r in team.statuses(3)]
    assert [(s["channel"], s["status"]) for s in statuses] == [
        ("whatsapp", "rejected"),
        ("sms", "submitted"),
        ("sms", "delivered"),
    ]
    assert statuses[0]["message_uuid"] == answer.message_uuid
    assert [s["workflow"]["items_number"] for s in statuses] == ["1", "2", "2"]
    assert {s["workflow"]["workflow_id"] for s in statuses} == {answer.workflow_id}
