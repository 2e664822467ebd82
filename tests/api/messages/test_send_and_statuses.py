"""POST /v1/messages in process: SMS with Basic, WhatsApp text and image with a JWT, the status
webhooks a real local receiver gets (submitted → delivered → read, every field), the handset's
inbox, and the channel rules and behaviours that refuse or fail a message."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.api.messages.conftest import Sender, World

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
HANDSET = "447700900123"  # an ordinary handset: delivered after 1 s


def accepted(response: Any) -> str:
    assert response.status_code == 202, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"message_uuid"} and UUID.fullmatch(body["message_uuid"])
    return str(body["message_uuid"])


def inbox(world: World, msisdn: str, message_uuid: str) -> dict[str, Any]:
    messages = world.control("GET", f"/handsets/{msisdn}/messages")["messages"]
    (found,) = [m for m in messages if m["message_ids"] == [message_uuid]]
    return dict(found)


def whatsapp_ready(world: World, sender: Sender, to: str = HANDSET) -> None:
    sender.register("whatsapp", sender.whatsapp)
    world.control("POST", f"/handsets/{to}/whatsapp-window", json={"sender": sender.whatsapp})


def test_sms_with_basic_auth_reports_submitted_then_delivered(world: World, sender: Sender) -> None:
    text = "Hello from Ringback " * 10  # 200 characters: two GSM-7 parts
    body = {
        "channel": "sms",
        "message_type": "text",
        "to": HANDSET,
        "from": "Acme",
        "text": text,
        "client_ref": "order-42",
        "webhook_url": sender.status_url,  # Basic names no application: no status_url
    }
    message_uuid = accepted(sender.send(body, basic=True))
    world.advance(1)
    submitted, delivered = world.statuses(sender, 2)
    for status, expected in ((submitted, "submitted"), (delivered, "delivered")):
        assert status["status"] == expected
        assert status["message_uuid"] == message_uuid
        assert status["to"] == HANDSET and status["from"] == "Acme"
        assert status["channel"] == "sms" and status["client_ref"] == "order-42"
        assert ISO.fullmatch(status["timestamp"])
        assert status["sms"] == {"count_total": "2"}
        assert status["usage"] == {"currency": "EUR", "price": "0.0918"}  # 2 parts x GB's 0.0459
        assert "error" not in status
    assert delivered["timestamp"] > submitted["timestamp"]
    received = inbox(world, HANDSET, message_uuid)
    assert received["channel"] == "sms" and received["text"] == text
    assert received["from"] == "Acme" and received["content"] is None
    balance = world.control("GET", f"/accounts/{sender.api_key}")["balance"]
    assert balance == "9.90820000"


def test_whatsapp_text_with_a_jwt_is_delivered_and_read(world: World, sender: Sender) -> None:
    whatsapp_ready(world, sender)
    body = {
        "channel": "whatsapp",
        "message_type": "text",
        "to": HANDSET,
        "from": sender.whatsapp,
        "text": "Your table is ready",
    }
    message_uuid = accepted(sender.send(body))
    world.advance(1)
    assert [s["status"] for s in world.statuses(sender, 2)] == ["submitted", "delivered"]
    received = inbox(world, HANDSET, message_uuid)
    assert received["channel"] == "whatsapp" and received["from"] == sender.whatsapp
    assert received["content"] == {"message_type": "text", "text": "Your table is ready"}

    read = world.control("POST", f"/handsets/{HANDSET}/messages/{message_uuid}/read")
    assert read["status"] == "read"
    assert [h["status"] for h in read["history"]] == ["submitted", "delivered", "read"]
    statuses = world.statuses(sender, 3)
    assert [s["status"] for s in statuses] == ["submitted", "delivered", "read"]
    last = statuses[-1]
    assert last["message_uuid"] == message_uuid and last["channel"] == "whatsapp"
    assert last["to"] == HANDSET and last["from"] == sender.whatsapp
    assert last["usage"] == {"currency": "EUR", "price": "0.0147"}
    assert ISO.fullmatch(last["timestamp"])


def test_whatsapp_image_read_by_the_handsets_behaviour(world: World, sender: Sender) -> None:
    to = "447700900124"
    whatsapp_ready(world, sender, to)
    world.control(
        "PUT", f"/handsets/{to}/behaviour?channel=whatsapp", json={"read_after_seconds": 30}
    )
    image = {"url": "https://example.com/menu.jpg", "caption": "Tonight's menu"}
    body = {
        "channel": "whatsapp",
        "message_type": "image",
        "to": to,
        "from": sender.whatsapp,
        "image": image,
        "webhook_url": sender.status_url,
    }
    message_uuid = accepted(sender.send(body))
    world.advance(1)
    received = inbox(world, to, message_uuid)
    assert received["content"] == {"message_type": "image", "image": image}
    assert received["text"] == "Tonight's menu"
    assert [s["status"] for s in world.statuses(sender, 2)] == ["submitted", "delivered"]
    world.advance(30)
    assert [s["status"] for s in world.statuses(sender, 3)] == ["submitted", "delivered", "read"]


def test_free_text_outside_the_whatsapp_window_is_rejected(world: World, sender: Sender) -> None:
    sender.register("whatsapp", sender.whatsapp)
    body = {
        "channel": "whatsapp",
        "message_type": "text",
        "to": "447700900125",
        "from": sender.whatsapp,
        "text": "hi",
        "client_ref": "late",
    }
    message_uuid = accepted(sender.send(body))
    (rejected,) = world.statuses(sender, 1)
    assert rejected["status"] == "rejected" and rejected["message_uuid"] == message_uuid
    assert rejected["client_ref"] == "late" and "usage" not in rejected
    error = rejected["error"]
    assert error["type"] == "https://developer.vonage.com/api-errors/messages#1340"
    assert error["title"] == "Outside of the allowed window"
    assert re.fullmatch(r"[0-9a-f]{32}", error["instance"])
    balance = world.control("GET", f"/accounts/{sender.api_key}")["balance"]
    assert balance == "10.00000000"  # not charged


def test_a_channel_behaviour_makes_messenger_undeliverable_only(
    world: World, sender: Sender
) -> None:
    psid = "447700900126"
    sender.register("messenger", "page-1")
    world.control(
        "PUT",
        f"/handsets/{psid}/behaviour?channel=messenger",
        json={"message": "undeliverable", "message_error": 1300},
    )
    base = {"message_type": "text", "to": psid, "text": "hi"}
    failed = accepted(sender.send({**base, "channel": "messenger", "from": "page-1"}))
    world.advance(1)
    statuses = world.statuses(sender, 2)
    assert [s["status"] for s in statuses] == ["submitted", "undeliverable"]
    assert statuses[1]["message_uuid"] == failed
    assert statuses[1]["error"]["type"].endswith("#1300")
    assert statuses[1]["error"]["title"] == "Not part of the provider network"
    sms_body = {**base, "channel": "sms", "from": "Acme", "webhook_url": sender.status_url}
    sms = accepted(sender.send(sms_body, basic=True))
    world.advance(1)
    assert world.statuses(sender, 4)[3] | {"message_uuid": sms} == world.statuses(sender, 4)[3]
    assert world.statuses(sender, 4)[3]["status"] == "delivered"


def test_v0_1_payloads_and_a_failing_magic_number(world: World, sender: Sender) -> None:
    to = "447700900902"  # absent-permanent: its SMS fails with err-code 3
    body = {
        "channel": "sms",
        "message_type": "text",
        "to": to,
        "from": "Acme",
        "text": "x",
        "webhook_version": "v0.1",
        "webhook_url": sender.status_url,
    }
    message_uuid = accepted(sender.send(body, basic=True))
    world.advance(1)
    submitted, failed = world.statuses(sender, 2)
    assert submitted["to"] == {"type": "sms", "number": to}
    assert submitted["from"] == {"type": "sms", "number": "Acme"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", submitted["timestamp"])
    assert failed["status"] == "undeliverable" and failed["message_uuid"] == message_uuid
    assert failed["error"]["code"] == 1190
    assert failed["error"]["reason"].startswith("Absent Subscriber Permanent")


def test_invalid_senders_are_vonages_422(world: World, sender: Sender) -> None:
    cases = [
        {"channel": "whatsapp", "from": sender.whatsapp},  # not registered to this account
        {"channel": "sms", "from": "447700900999"},  # a number the account does not rent
        {"channel": "mms", "from": "Acme"},  # MMS only from a US number it rents
    ]
    for case in cases:
        body = {"message_type": "text", "to": HANDSET, "text": "x", **case}
        response = sender.send(body)
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["type"] == "https://developer.vonage.com/api-errors/messages#1420"
        assert problem["title"] == "Invalid sender"
        assert problem["detail"] == "The `from` parameter is invalid for the given channel."
        assert re.fullmatch(r"[0-9a-f]{32}", problem["instance"])


def test_a_sender_linked_to_another_application_is_invalid(world: World, sender: Sender) -> None:
    other = world.sender(f"/other-{uuid.uuid4().hex}")
    world.control(
        "POST",
        f"/accounts/{sender.api_key}/senders",
        json={"channel": "viber_service", "id": "Acme"},  # linked to no application
    )
    body = {
        "channel": "viber_service",
        "message_type": "text",
        "to": HANDSET,
        "from": "Acme",
        "text": "x",
    }
    assert sender.send(body).status_code == 422
    assert other.send(body).status_code == 422
    listed = world.control("GET", f"/accounts/{sender.api_key}/senders")["senders"]
    assert [(s["channel"], s["id"]) for s in listed] == [("viber_service", "Acme")]
    world.control("DELETE", f"/accounts/{sender.api_key}/senders/viber_service/Acme")
    assert world.control("GET", f"/accounts/{sender.api_key}/senders")["senders"] == []
