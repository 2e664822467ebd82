"""PATCH /v1/messages/{message_uuid} in process (raw HTTP; the official SDK's calls are in
tests/e2e/messages/test_messages_update_sdk.py): an inbound WhatsApp message marked read (the
handset sees its message read), an RCS message revoked before delivery (the handset never gets
it, the status webhook says `undeliverable`), and the spec's 401, 404 and 422 answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.api.messages.conftest import Sender, World

USER = "447700900125"


def patch(sender: Sender, message_uuid: str, body: Any, **kwargs: Any) -> httpx.Response:
    headers = kwargs.pop("headers", {"Authorization": f"Bearer {sender.jwt()}"})
    return sender.world.app.https.patch(
        f"/v1/messages/{message_uuid}", json=body, headers=headers, **kwargs
    )


def inbound_whatsapp(world: World, sender: Sender) -> tuple[str, int]:
    """A handset's WhatsApp message to the sender: its uuid, and its id on the handset."""
    sender.register("whatsapp", sender.whatsapp)
    answer = world.app.control(
        "POST",
        f"/handsets/{USER}/messages",
        json={"channel": "whatsapp", "to": sender.whatsapp, "text": "are you open?"},
    ).json()
    return answer["inbound"]["message_uuid"], answer["sent"]["id"]


def sent_by_handset(world: World, handset_id: int) -> dict[str, Any]:
    messages = world.control("GET", f"/handsets/{USER}/messages?direction=sent")["messages"]
    (found,) = [m for m in messages if m["id"] == handset_id]
    return dict(found)


def test_marking_an_inbound_whatsapp_message_read(world: World, sender: Sender) -> None:
    message_uuid, handset_id = inbound_whatsapp(world, sender)
    assert sent_by_handset(world, handset_id)["read_at"] is None
    answer = patch(sender, message_uuid, {"status": "read"})
    assert answer.status_code == 202 and answer.content == b""
    read_at = sent_by_handset(world, handset_id)["read_at"]
    assert isinstance(read_at, float)
    again = patch(sender, message_uuid, {"status": "read"})  # idempotent: the first time stays
    assert again.status_code == 202
    assert sent_by_handset(world, handset_id)["read_at"] == read_at


def test_revoking_an_rcs_message_before_delivery(world: World, sender: Sender) -> None:
    agent = f"agent_{sender.app_id[:8]}"
    sender.register("rcs", agent)
    world.control("PUT", f"/handsets/{USER}/behaviour", json={"delay_seconds": 30})
    body = {"channel": "rcs", "message_type": "text", "to": USER, "from": agent, "text": "50% off"}
    message_uuid = sender.send(body).json()["message_uuid"]
    assert patch(sender, message_uuid, {"status": "revoked"}).status_code == 202
    world.advance(31)
    submitted, revoked = world.statuses(sender, 2)
    assert (submitted["status"], revoked["status"]) == ("submitted", "undeliverable")
    assert revoked["message_uuid"] == message_uuid and revoked["channel"] == "rcs"
    inbox = world.control("GET", f"/handsets/{USER}/messages?channel=rcs")["messages"]
    assert all(m["message_ids"] != [message_uuid] for m in inbox)
    history = world.control("GET", f"/messages/{message_uuid}")["history"]
    assert [h["status"] for h in history] == ["submitted", "undeliverable"]
    world.control("DELETE", f"/handsets/{USER}/behaviour")


def test_revoking_a_delivered_rcs_message_changes_nothing(world: World, sender: Sender) -> None:
    agent = f"agent_{sender.app_id[:8]}"
    sender.register("rcs", agent)
    body = {"channel": "rcs", "message_type": "text", "to": USER, "from": agent, "text": "hi"}
    message_uuid = sender.send(body).json()["message_uuid"]
    world.advance(1)
    assert [s["status"] for s in world.statuses(sender, 2)] == ["submitted", "delivered"]
    assert patch(sender, message_uuid, {"status": "revoked"}).status_code == 202
    assert world.control("GET", f"/messages/{message_uuid}")["status"] == "delivered"


def test_unknown_and_other_accounts_messages_are_404(world: World, sender: Sender) -> None:
    message_uuid, _ = inbound_whatsapp(world, sender)
    stranger = world.sender("/stranger")
    for who, uuid in ((sender, "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab"), (stranger, message_uuid)):
        answer = patch(who, uuid, {"status": "read"})
        assert answer.status_code == 404
        problem = answer.json()
        assert problem["type"] == "https://developer.vonage.com/api-errors#not-found"
        assert problem["title"] == "Not Found"
        assert problem["detail"] == f"External Id not found for message {uuid}."
        assert len(problem["instance"]) == 32


@pytest.mark.parametrize(
    "body", [{"status": "revoked"}, {"status": "delivered"}, {"status": 1}, {}]
)
def test_a_status_the_inbound_message_does_not_take_is_422(
    world: World, sender: Sender, body: dict[str, Any]
) -> None:
    message_uuid, _ = inbound_whatsapp(world, sender)
    answer = patch(sender, message_uuid, body)
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["title"] == "Operation not supported"
    assert problem["type"] == "https://developer.vonage.com/api-errors/messages#1020"


def test_outbound_read_and_non_rcs_revoke_are_422(world: World, sender: Sender) -> None:
    sender.register("whatsapp", sender.whatsapp)
    template = {
        "channel": "whatsapp",
        "message_type": "template",
        "to": USER,
        "from": sender.whatsapp,
        "template": {"name": "hello"},
        "whatsapp": {"policy": "deterministic", "locale": "en_GB"},
    }
    message_uuid = sender.send(template).json()["message_uuid"]
    for body in ({"status": "read"}, {"status": "revoked"}):
        answer = patch(sender, message_uuid, body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["title"] == "Operation not supported"


def test_basic_auth_and_no_json_are_refused(world: World, sender: Sender) -> None:
    message_uuid, _ = inbound_whatsapp(world, sender)
    basic = world.app.https.patch(
        f"/v1/messages/{message_uuid}",
        json={"status": "read"},
        auth=(sender.api_key, sender.api_secret),
    )
    assert basic.status_code == 401
    assert basic.json()["title"] == "You did not provide correct credentials."
    not_json = world.app.https.patch(
        f"/v1/messages/{message_uuid}",
        content=b"status=read",
        headers={"Authorization": f"Bearer {sender.jwt()}", "Content-Type": "text/plain"},
    )
    assert not_json.status_code == 415
