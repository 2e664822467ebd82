"""Failover: a request with `failover` is a workflow. The next entry is sent when the current
message is rejected (by the handset's behaviour when it lands, or at once), each attempt with
its own message_uuid and statuses, every status carrying the `workflow` object; undeliverable
and delivered messages do not fail over; every entry's credential and sender are checked up
front."""

from __future__ import annotations

import re
from typing import Any

from tests.api.messages.conftest import Sender, World

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
WORKFLOW_ID = re.compile(r"[1-9A-HJ-NP-Za-km-z]{55}")


def workflow_of(response: Any) -> tuple[str, str]:
    assert response.status_code == 202, response.text
    body = response.json()
    assert set(body) == {"message_uuid", "workflow_id"}
    assert UUID.fullmatch(body["message_uuid"]) and WORKFLOW_ID.fullmatch(body["workflow_id"])
    return str(body["message_uuid"]), str(body["workflow_id"])


def whatsapp_then_sms(sender: Sender, to: str, **extra: Any) -> dict[str, Any]:
    return {
        "channel": "whatsapp",
        "message_type": "text",
        "to": to,
        "from": sender.whatsapp,
        "text": "Your order shipped",
        "client_ref": "order-7",
        "failover": [
            {
                "channel": "sms",
                "message_type": "text",
                "to": to,
                "from": "Acme",
                "text": "Your order shipped (SMS)",
                "client_ref": "order-7-sms",
            }
        ],
        **extra,
    }


def owed(world: World, sender: Sender) -> list[dict[str, Any]]:
    """The account's status webhooks in the outbox (written in the transaction of their event)."""
    return list(world.control("GET", f"/webhooks?api_key={sender.api_key}")["deliveries"])


def reject_whatsapp(world: World, to: str, code: int = 1300) -> None:
    world.control(
        "PUT",
        f"/handsets/{to}/behaviour?channel=whatsapp",
        json={"message": "rejected", "message_error": code},
    )


def test_whatsapp_rejected_by_the_handset_fails_over_to_sms(world: World, sender: Sender) -> None:
    to = "447700900131"
    sender.register("whatsapp", sender.whatsapp)
    world.control("POST", f"/handsets/{to}/whatsapp-window", json={"sender": sender.whatsapp})
    reject_whatsapp(world, to)
    primary, workflow_id = workflow_of(sender.send(whatsapp_then_sms(sender, to)))
    assert [s["status"] for s in world.statuses(sender, 1)] == ["submitted"]
    world.advance(1)  # WhatsApp lands: rejected, and the SMS goes at once
    world.advance(1)  # the SMS lands
    statuses = world.statuses(sender, 4)
    assert [(s["channel"], s["status"]) for s in statuses] == [
        ("whatsapp", "submitted"),
        ("whatsapp", "rejected"),
        ("sms", "submitted"),
        ("sms", "delivered"),
    ]
    first, second = statuses[:2], statuses[2:]
    assert {s["message_uuid"] for s in first} == {primary}
    (fallback,) = {s["message_uuid"] for s in second}
    assert UUID.fullmatch(fallback) and fallback != primary
    for status in first:
        assert status["workflow"] == {
            "workflow_id": workflow_id,
            "items_number": "1",
            "items_total": "2",
        }
        assert status["client_ref"] == "order-7" and status["from"] == sender.whatsapp
    for status in second:
        assert status["workflow"] == {
            "workflow_id": workflow_id,
            "items_number": "2",
            "items_total": "2",
        }
        assert status["client_ref"] == "order-7-sms" and status["from"] == "Acme"
        assert status["sms"] == {"count_total": "1"}
    error = statuses[1]["error"]
    assert error["type"] == "https://developer.vonage.com/api-errors/messages#1300"
    assert "usage" not in statuses[1]
    inbox = world.control("GET", f"/handsets/{to}/messages")["messages"]
    mine = [(m["channel"], m["text"]) for m in inbox if m["api_key"] == sender.api_key]
    assert mine == [("sms", "Your order shipped (SMS)")]
    history = world.control("GET", f"/messages/{fallback}")
    assert [h["status"] for h in history["history"]] == ["submitted", "delivered"]


def test_rejected_at_once_fails_over_in_the_same_request(world: World, sender: Sender) -> None:
    to = "447700900132"  # no WhatsApp window: free text is refused at once (1340)
    sender.register("whatsapp", sender.whatsapp)
    primary, workflow_id = workflow_of(sender.send(whatsapp_then_sms(sender, to)))
    statuses = world.statuses(sender, 2)
    assert {s["workflow"]["workflow_id"] for s in statuses} == {workflow_id}
    assert [(s["channel"], s["status"]) for s in statuses] == [
        ("whatsapp", "rejected"),
        ("sms", "submitted"),
    ]
    assert statuses[0]["message_uuid"] == primary
    assert statuses[0]["error"]["type"].endswith("#1340")
    assert statuses[1]["workflow"]["items_number"] == "2"
    world.advance(1)
    assert world.statuses(sender, 3)[2]["status"] == "delivered"
    balance = world.control("GET", f"/accounts/{sender.api_key}")["balance"]
    assert balance == "9.95410000"  # only the SMS was charged (GB 0.0459)


def test_undeliverable_and_delivered_messages_do_not_fail_over(
    world: World, sender: Sender
) -> None:
    to, other = "447700900133", "447700900134"
    sender.register("whatsapp", sender.whatsapp)
    for number in (to, other):
        world.control(
            "POST", f"/handsets/{number}/whatsapp-window", json={"sender": sender.whatsapp}
        )
    world.control(
        "PUT",
        f"/handsets/{to}/behaviour?channel=whatsapp",
        json={"message": "undeliverable", "message_error": 1300},
    )
    failed, _ = workflow_of(sender.send(whatsapp_then_sms(sender, to)))
    delivered, _ = workflow_of(sender.send(whatsapp_then_sms(sender, other)))
    world.advance(1)
    world.advance(1)
    statuses = world.statuses(sender, 4)
    assert {s["channel"] for s in statuses} == {"whatsapp"}
    by_uuid: dict[str, list[str]] = {}
    for status in statuses:
        by_uuid.setdefault(status["message_uuid"], []).append(status["status"])
    assert by_uuid == {
        failed: ["submitted", "undeliverable"],
        delivered: ["submitted", "delivered"],
    }
    assert len(owed(world, sender)) == 4  # every status owed is written when its event happens


def test_three_entries_go_on_until_one_is_not_rejected(world: World, sender: Sender) -> None:
    to = "447700900135"
    sender.register("whatsapp", sender.whatsapp)
    sender.register("viber_service", "AcmeViber")
    world.control("POST", f"/handsets/{to}/whatsapp-window", json={"sender": sender.whatsapp})
    reject_whatsapp(world, to)
    world.control(
        "PUT",
        f"/handsets/{to}/behaviour?channel=viber_service",
        json={"message": "rejected", "message_error": 1050},
    )
    body = whatsapp_then_sms(sender, to)
    viber = {
        "channel": "viber_service",
        "message_type": "text",
        "to": to,
        "from": "AcmeViber",
        "text": "Viber",
    }
    body["failover"].insert(0, viber)
    _, workflow_id = workflow_of(sender.send(body))
    for _ in range(3):
        world.advance(1)
    statuses = world.statuses(sender, 6)
    assert [(s["channel"], s["status"], s["workflow"]["items_number"]) for s in statuses] == [
        ("whatsapp", "submitted", "1"),
        ("whatsapp", "rejected", "1"),
        ("viber_service", "submitted", "2"),
        ("viber_service", "rejected", "2"),
        ("sms", "submitted", "3"),
        ("sms", "delivered", "3"),
    ]
    assert {s["workflow"]["items_total"] for s in statuses} == {"3"}
    assert {s["workflow"]["workflow_id"] for s in statuses} == {workflow_id}


def test_every_entry_is_checked_before_anything_is_sent(world: World, sender: Sender) -> None:
    to = "447700900136"
    sender.register("whatsapp", sender.whatsapp)
    sms_first = {
        "channel": "sms",
        "message_type": "text",
        "to": to,
        "from": "Acme",
        "text": "x",
        "webhook_url": sender.status_url,
        "failover": [
            {
                "channel": "whatsapp",
                "message_type": "text",
                "to": to,
                "from": sender.whatsapp,
                "text": "x",
            }
        ],
    }
    refused = sender.send(sms_first, basic=True)  # Basic cannot send the WhatsApp entry
    assert refused.status_code == 401, refused.text
    unknown_sender = whatsapp_then_sms(sender, to)
    unknown_sender["failover"][0]["from"] = "447700900999"  # not rented by the account
    invalid = sender.send(unknown_sender)
    assert invalid.status_code == 422
    assert invalid.json()["type"].endswith("#1420")
    assert owed(world, sender) == []
    balance = world.control("GET", f"/accounts/{sender.api_key}")["balance"]
    assert balance == "10.00000000"


def test_a_sender_removed_before_its_turn_is_rejected_and_the_workflow_goes_on(
    world: World, sender: Sender
) -> None:
    to = "447700900137"
    sender.register("whatsapp", sender.whatsapp)
    sender.register("viber_service", "GoneViber")
    world.control("POST", f"/handsets/{to}/whatsapp-window", json={"sender": sender.whatsapp})
    reject_whatsapp(world, to)
    body = whatsapp_then_sms(sender, to)
    body["failover"].insert(
        0,
        {
            "channel": "viber_service",
            "message_type": "text",
            "to": to,
            "from": "GoneViber",
            "text": "Viber",
        },
    )
    workflow_of(sender.send(body))
    world.control("DELETE", f"/accounts/{sender.api_key}/senders/viber_service/GoneViber")
    world.advance(1)
    world.advance(1)
    statuses = world.statuses(sender, 5)
    assert [(s["channel"], s["status"]) for s in statuses] == [
        ("whatsapp", "submitted"),
        ("whatsapp", "rejected"),
        ("viber_service", "rejected"),
        ("sms", "submitted"),
        ("sms", "delivered"),
    ]
    assert statuses[2]["error"]["type"].endswith("#1420")
