"""Messages due the moment they are sent (a handset with no delay) land in the request's own
transaction: the inbox holds them when the 202 comes, their statuses are owed in the order
jobs gave them, a rejection fails over in the same request, and reading stays a job."""

from __future__ import annotations

from typing import Any

from tests.api.messages.conftest import Sender, World
from tests.api.messages.test_failover import whatsapp_then_sms, workflow_of
from tests.api.messages.test_send_and_statuses import accepted, whatsapp_ready


def owed(world: World, sender: Sender) -> list[tuple[str, str]]:
    """The account's status webhooks in the outbox, oldest first: (channel, status)."""
    found = world.control("GET", f"/webhooks?api_key={sender.api_key}")["deliveries"]
    ordered = sorted(found, key=lambda d: d["id"])
    return [(d["payload"]["channel"], d["payload"]["status"]) for d in ordered]


def no_delay(world: World, to: str, **whatsapp: Any) -> None:
    world.control("PUT", f"/handsets/{to}/behaviour", json={"delay_seconds": 0})
    if whatsapp:
        world.control("PUT", f"/handsets/{to}/behaviour?channel=whatsapp", json=whatsapp)


def mine(world: World, sender: Sender, to: str) -> list[tuple[str, str]]:
    inbox = world.control("GET", f"/handsets/{to}/messages")["messages"]
    return [(m["channel"], m["text"]) for m in inbox if m["api_key"] == sender.api_key]


def test_a_whatsapp_message_due_now_is_delivered_when_the_answer_comes_and_read_later(
    world: World, sender: Sender
) -> None:
    to = "447700900141"
    whatsapp_ready(world, sender, to)
    no_delay(world, to, read_after_seconds=30)
    body = {
        "channel": "whatsapp",
        "message_type": "text",
        "to": to,
        "from": sender.whatsapp,
        "text": "Your table is ready",
    }
    message_uuid = accepted(sender.send(body))
    assert mine(world, sender, to) == [("whatsapp", "Your table is ready")]
    assert owed(world, sender) == [("whatsapp", "submitted"), ("whatsapp", "delivered")]
    history = world.control("GET", f"/messages/{message_uuid}")["history"]
    assert [h["status"] for h in history] == ["submitted", "delivered"]
    world.advance(29)
    assert len(world.statuses(sender, 2)) == 2
    world.advance(1)  # reading is a job of its own, on the clock
    assert [s["status"] for s in world.statuses(sender, 3)] == ["submitted", "delivered", "read"]


def test_a_rejection_due_now_fails_over_within_the_request(world: World, sender: Sender) -> None:
    to = "447700900142"
    sender.register("whatsapp", sender.whatsapp)
    world.control("POST", f"/handsets/{to}/whatsapp-window", json={"sender": sender.whatsapp})
    no_delay(world, to, message="rejected", message_error=1300)
    primary, _ = workflow_of(sender.send(whatsapp_then_sms(sender, to)))
    assert owed(world, sender) == [
        ("whatsapp", "submitted"),
        ("whatsapp", "rejected"),
        ("sms", "submitted"),
        ("sms", "delivered"),
    ]
    assert mine(world, sender, to) == [("sms", "Your order shipped (SMS)")]
    statuses = world.statuses(sender, 4)
    assert [(s["channel"], s["status"]) for s in statuses] == owed(world, sender)
    assert statuses[0]["message_uuid"] == primary != statuses[2]["message_uuid"]
