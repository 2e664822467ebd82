"""Inbound Messages in process: a handset sends on every channel and every inbound message
type to an account's number or channel sender (`POST /_ringback/handsets/{msisdn}/messages`),
and a real local receiver gets the inbound-message webhook at the application's inbound_url:
v1 and v0.1 shapes, media served by Ringback (public, or behind the application's JWT),
replies with context, WhatsApp's profile name and window, JWT signatures, and an SMS going
the Messages API's way or the SMS API's by the number's application."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import jwt
import pytest
from tests.api.messages.conftest import Sender, World
from vonage_jwt import verify_signature

from ringback.network.messages_inbound_types import INBOUND_TYPES, MEDIA_TYPES
from ringback.testing.receiver import Received

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
USER = "447700900124"  # an ordinary handset
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
# the business side of each channel (registered per test; sms and mms use a rented number)
CHANNEL_SENDERS = {"messenger": "page-1", "viber_service": "Acme Viber", "rcs": "acme_agent"}
CONTENT: dict[str, Any] = {
    "text": "Hello from a handset",
    "location": {"lat": 51.5, "long": -0.12, "name": "Office", "address": "1 Main St"},
    "contacts": [{"name": {"formatted_name": "Bob Smith", "first_name": "Bob"}}],
    "reply": {"id": "slot-9", "title": "9am", "description": "Nine o'clock"},
    "button": {"payload": "agree", "text": "Agree"},
    "order": {
        "catalog_id": "2806150799683508",
        "product_items": [
            {"product_retailer_id": "pk1", "quantity": "1", "item_price": "9.99", "currency": "USD"}
        ],
    },
    "reaction": {"action": "react", "emoji": "👍"},
}


def rent(world: World, sender: Sender, country: str = "GB") -> str:
    """A number the account rents, linked to its messages application."""
    auth = (sender.api_key, sender.api_secret)
    found = world.app.https.get(
        "/number/search", params={"country": country, "features": "SMS"}, auth=auth
    ).json()
    msisdn = str(found["numbers"][0]["msisdn"])
    bought = world.app.https.post(
        "/number/buy", data={"country": country, "msisdn": msisdn}, auth=auth
    )
    assert bought.status_code == 200, bought.text
    updated = world.app.https.post(
        "/number/update",
        data={"country": country, "msisdn": msisdn, "app_id": sender.app_id},
        auth=auth,
    )
    assert updated.status_code == 200, updated.text
    return msisdn


def business(world: World, sender: Sender, channel: str) -> str:
    if channel in ("sms", "mms"):
        return rent(world, sender, "US" if channel == "mms" else "GB")
    if channel == "whatsapp":
        sender.register("whatsapp", sender.whatsapp)
        return sender.whatsapp
    sender_id = f"{CHANNEL_SENDERS[channel]}-{sender.app_id[:8]}"
    sender.register(channel, sender_id)
    return sender_id


def handset_send(world: World, msisdn: str, body: dict[str, Any]) -> dict[str, Any]:
    response = world.app.control("POST", f"/handsets/{msisdn}/messages", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def inbound_hooks(world: World, sender: Sender, count: int = 1) -> list[Received]:
    path = sender.status_url.removeprefix(world.receiver.url) + "/in"
    return world.receiver.wait_for(count, 10.0, where=lambda r: r.path == path)


def message_body(channel: str, kind: str, to: str) -> dict[str, Any]:
    body: dict[str, Any] = {"channel": channel, "message_type": kind, "to": to}
    if kind in MEDIA_TYPES:
        body["media"] = {
            "content": base64.b64encode(PNG).decode(),
            "mime_type": "image/png",
            "name": f"{kind}.png",
        }
        if kind in ("image", "file"):
            body[kind] = {"caption": "see this"}
    elif kind != "unsupported":
        body[kind] = CONTENT[kind]
    return body


CASES = [
    (channel, kind)
    for channel, kinds in INBOUND_TYPES.items()
    for kind in kinds
    if channel != "sms"
]


@pytest.mark.parametrize(("channel", "kind"), CASES, ids=[f"{c}-{k}" for c, k in CASES])
def test_every_channel_and_inbound_type_reaches_the_inbound_url(
    world: World, sender: Sender, channel: str, kind: str
) -> None:
    to = business(world, sender, channel)
    user = "user-42" if channel == "messenger" else USER
    body = message_body(channel, kind, to)
    if channel == "whatsapp":
        body["profile_name"] = "Jane Smith"
    answer = handset_send(world, user, body)
    (hook,) = inbound_hooks(world, sender)
    got = hook.json
    assert got["channel"] == channel and got["message_type"] == kind
    assert got["message_uuid"] == answer["inbound"]["message_uuid"] and UUID.fullmatch(
        got["message_uuid"]
    )
    assert got["to"] == to and got["from"] == user and ISO.fullmatch(got["timestamp"])
    if kind in MEDIA_TYPES:
        media = got[kind]
        assert media["url"].startswith("http") and "/v3/media/" in media["url"]
        assert media["name"] == f"{kind}.png"
        if kind in ("image", "file"):
            assert media["caption"] == "see this"
        download = world.app.http.get(media["url"])  # public: no authenticate_inbound_media
        assert download.status_code == 200 and download.content == PNG
        assert download.headers["content-type"] == "image/png"
        if channel == "mms":
            assert got["content"] == [{"type": kind, "url": media["url"]}]
    elif kind == "unsupported":
        assert kind not in got
    else:
        assert got[kind] == CONTENT[kind]
    if channel == "whatsapp":
        assert got["profile"] == {"name": "Jane Smith"} and got["context_status"] == "none"
        assert got["_self"]["href"].endswith(f"/v1/messages/{got['message_uuid']}")
    if channel == "rcs":
        assert got["context_status"] == "none"
    if channel == "mms":
        assert got["origin"] == {"network_code": "99999"}
    # the handset's sent message and the business side's inbox both show it
    assert answer["sent"]["channel"] == channel and answer["sent"]["to"] == to
    assert answer["received"]["from"] == user
    assert answer["sent"]["message_ids"] == [got["message_uuid"]]


def test_an_sms_to_a_number_of_a_messages_application_is_a_messages_inbound(
    world: World, sender: Sender
) -> None:
    number = rent(world, sender)
    text = "stop " + "x" * 200  # two GSM-7 parts
    answer = handset_send(world, USER, {"to": number, "text": text})
    (hook,) = inbound_hooks(world, sender)
    assert hook.json == {
        "channel": "sms",
        "message_uuid": answer["inbound"]["message_uuid"],
        "to": number,
        "from": USER,
        "timestamp": hook.json["timestamp"],
        "text": text,
        "sms": {"num_messages": "2", "keyword": "STOP"},
        "usage": {"currency": "EUR", "price": "0"},
        "origin": {"network_code": "99999"},
    }
    assert answer["received"]["to"] == number and answer["received"]["text"] == text


def test_an_sms_to_a_number_without_a_messages_application_keeps_the_sms_api_format(
    world: World, sender: Sender
) -> None:
    mo_url = world.receiver.url + sender.status_url.removeprefix(world.receiver.url) + "/mo"
    world.control("PATCH", f"/accounts/{sender.api_key}", json={"mo_callback_url": mo_url})
    auth = (sender.api_key, sender.api_secret)
    found = world.app.https.get("/number/search", params={"country": "GB"}, auth=auth).json()
    number = str(found["numbers"][0]["msisdn"])
    world.app.https.post("/number/buy", data={"country": "GB", "msisdn": number}, auth=auth)
    answer = handset_send(world, USER, {"to": number, "text": "hi there"})
    assert answer["delivered_to"] == "account"
    (hook,) = world.receiver.wait_for(1, 10.0, where=lambda r: r.path.endswith("/mo"))
    assert hook.json["msisdn"] == USER and hook.json["text"] == "hi there"
    assert "message_uuid" not in hook.json


def test_v0_1_shapes(world: World) -> None:
    sender = world.sender("/v01-inbound", version="v0.1")
    sender.register("whatsapp", sender.whatsapp)
    handset_send(
        world,
        USER,
        {"channel": "whatsapp", "to": sender.whatsapp, "text": "hello", "profile_name": "Jo"},
    )
    page = f"page-{sender.app_id[:8]}"
    sender.register("messenger", page)
    handset_send(
        world,
        "user-7",
        {
            "channel": "messenger",
            "message_type": "image",
            "to": page,
            "image": {"url": "https://example.com/a.jpg"},
        },
    )
    first, second = (h.json for h in inbound_hooks(world, sender, 2))
    assert first == {
        "message_uuid": first["message_uuid"],
        "to": {"type": "whatsapp", "number": sender.whatsapp},
        "from": {"type": "whatsapp", "number": USER},
        "timestamp": first["timestamp"],
        "direction": "inbound",
        "message": {"content": {"type": "text", "text": "hello"}, "profile": {"name": "Jo"}},
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["timestamp"])
    assert second["to"] == {"type": "messenger", "id": page}
    assert second["from"] == {"type": "messenger", "id": "user-7"}
    assert second["message"]["content"] == {
        "type": "image",
        "image": {"url": "https://example.com/a.jpg"},
    }


def test_media_behind_the_applications_jwt(world: World) -> None:
    sender = world.sender("/media-auth", authenticate_inbound_media=True)
    other = world.sender("/media-other")
    sender.register("whatsapp", sender.whatsapp)
    handset_send(world, USER, message_body("whatsapp", "image", sender.whatsapp))
    (hook,) = inbound_hooks(world, sender)
    url = hook.json["image"]["url"]
    assert world.app.http.get(url).status_code == 401
    wrong = world.app.http.get(url, headers={"Authorization": f"Bearer {other.jwt()}"})
    assert wrong.status_code == 401
    right = world.app.http.get(url, headers={"Authorization": f"Bearer {sender.jwt()}"})
    assert right.status_code == 200 and right.content == PNG
    missing = world.app.http.get(url.rsplit("/", 1)[0] + "/no-such-media")
    assert missing.status_code == 404 and missing.json()["title"] == "Not Found"


def test_a_reply_carries_its_context_and_the_window_opens(world: World, sender: Sender) -> None:
    sender.register("whatsapp", sender.whatsapp)
    text = {"channel": "whatsapp", "message_type": "text", "to": USER, "from": sender.whatsapp}
    outside = sender.send({**text, "text": "free text, window closed"})
    assert outside.status_code == 202
    template = sender.send(
        {
            **text,
            "message_type": "template",
            "template": {"name": "verify", "parameters": ["1234"]},
            "whatsapp": {"policy": "deterministic", "locale": "en_GB"},
        }
    )
    world.advance(1)
    statuses = {
        s["message_uuid"]: s for s in world.statuses(sender, 3) if s["status"] != "submitted"
    }
    assert statuses[outside.json()["message_uuid"]]["error"]["type"].endswith("#1340")
    original = template.json()["message_uuid"]
    reply = {
        "channel": "whatsapp",
        "to": sender.whatsapp,
        "text": "thanks!",
        "context": {"message_uuid": original},
    }
    handset_send(world, USER, reply)
    (hook,) = inbound_hooks(world, sender)
    assert hook.json["context"] == {"message_uuid": original, "message_from": sender.whatsapp}
    assert hook.json["context_status"] == "available"
    inside = sender.send({**text, "text": "free text inside the window"})
    world.advance(1)
    mine = [
        s["status"]
        for s in world.statuses(sender, 5)
        if s["message_uuid"] == inside.json()["message_uuid"]
    ]
    assert mine == ["submitted", "delivered"]


def test_signed_inbound_webhooks_verify(world: World, sender: Sender) -> None:
    secret = "s" * 32  # HS256 wants 32 bytes (PyJWT warns, the SDK refuses, below that)
    world.control(
        "PATCH",
        f"/accounts/{sender.api_key}",
        json={"signs_webhooks": True, "signature_secret": secret},
    )
    to = business(world, sender, "rcs")
    handset_send(world, USER, {"channel": "rcs", "to": to, "text": "signed"})
    (hook,) = inbound_hooks(world, sender)
    token = hook.headers["authorization"].removeprefix("Bearer ")
    assert verify_signature(token, secret)
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    assert claims["payload_hash"] == hashlib.sha256(hook.body).hexdigest()
    assert claims["api_key"] == sender.api_key and claims["application_id"] == sender.app_id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "telegram", "to": "x", "text": "hi"}, "channel"),
        ({"channel": "viber_service", "message_type": "location", "to": "x"}, "message_type"),
        ({"channel": "whatsapp", "message_type": "image", "to": "447700900555"}, "media"),
        (
            {
                "channel": "whatsapp",
                "message_type": "image",
                "to": "447700900555",
                "media": {"content": "not base64!", "mime_type": "image/png"},
            },
            "media.content",
        ),
        ({"channel": "whatsapp", "to": "447700900555", "text": ""}, "text"),
        ({"channel": "rcs", "to": "nobody-here", "text": "hi"}, "to"),
        ({"channel": "whatsapp", "to": "447700900555", "text": "hi", "extra": 1}, "extra"),
    ],
)
def test_bad_handset_messages_are_400s(world: World, body: dict[str, Any], field: str) -> None:
    response = world.app.control("POST", f"/handsets/{USER}/messages", json=body)
    assert response.status_code == 400, response.text
    names = [p["name"] for p in response.json()["invalid_parameters"]]
    assert field in names
