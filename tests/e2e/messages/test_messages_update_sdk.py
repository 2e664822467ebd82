"""The official Python SDK's `mark_whatsapp_message_read` and `revoke_rcs_message` against a
live Ringback, with the inbound message sent by `ringback phone … send --channel whatsapp`
(the CLI) and a real local receiver for the inbound and status webhooks: a WhatsApp
conversation (template out, reply in, free text out inside the window, read both ways)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests.e2e.messages.test_messages_sdk import Team, ringback
from vonage_http_client import NotFoundError
from vonage_messages import (
    RcsText,
    WhatsappTemplate,
    WhatsappTemplateResource,
    WhatsappTemplateSettings,
    WhatsappText,
)

from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

USER = "447700900331"
BUSINESS = "447700900556"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("updates"), "--no-rate-limits").start()
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


def test_a_whatsapp_conversation_read_both_ways(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    team = Team(server, receiver, "/conversation")
    server.control(
        "POST",
        f"/accounts/{team.api_key}/senders",
        json={"channel": "whatsapp", "id": BUSINESS, "application_id": team.app_id},
    ).raise_for_status()
    template = team.jwt.messages.send(
        WhatsappTemplate(
            to=USER,
            from_=BUSINESS,
            template=WhatsappTemplateResource(name="appointment", parameters=["Tuesday"]),
            whatsapp=WhatsappTemplateSettings(locale="en_GB"),
        )
    )
    team.advance(1)
    shown = ringback(
        server,
        "phone",
        USER,
        "send",
        "Tuesday works",
        "--to",
        BUSINESS,
        "--channel",
        "whatsapp",
        "--profile-name",
        "Jane Smith",
        "--json",
    )
    answer = json.loads(shown)
    inbound_uuid = answer["inbound"]["message_uuid"]
    (inbound,) = receiver.wait_for(1, 10.0, where=lambda r: r.path == "/conversation/in")
    assert inbound.json["message_uuid"] == inbound_uuid
    assert (
        inbound.json["text"] == "Tuesday works" and inbound.json["profile"]["name"] == "Jane Smith"
    )
    # the reply opened the window: free text now goes
    free = team.jwt.messages.send(WhatsappText(to=USER, from_=BUSINESS, text="See you then"))
    team.advance(1)
    team.jwt.messages.mark_whatsapp_message_read(inbound_uuid)
    sent = server.control("GET", f"/handsets/{USER}/messages?direction=sent").json()["messages"]
    (mine,) = [m for m in sent if m["message_ids"] == [inbound_uuid]]
    assert mine["read_at"] is not None
    read = server.control("POST", f"/handsets/{USER}/messages/{free.message_uuid}/read")
    assert read.status_code == 200, read.text
    by_message: dict[str, list[str]] = {}
    for status in team.statuses(5):
        by_message.setdefault(status["message_uuid"], []).append(status["status"])
    assert by_message == {
        template.message_uuid: ["submitted", "delivered"],
        free.message_uuid: ["submitted", "delivered", "read"],
    }
    with pytest.raises(NotFoundError):
        team.jwt.messages.mark_whatsapp_message_read("aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab")


def test_revoking_an_rcs_message_with_the_sdk(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    team = Team(server, receiver, "/revoke")
    server.control(
        "POST",
        f"/accounts/{team.api_key}/senders",
        json={"channel": "rcs", "id": "acme_agent", "application_id": team.app_id},
    ).raise_for_status()
    server.control("PUT", f"/handsets/{USER}/behaviour", json={"delay_seconds": 60})
    try:
        sent = team.jwt.messages.send(RcsText(to=USER, from_="acme_agent", text="flash sale"))
        team.jwt.messages.revoke_rcs_message(sent.message_uuid)
        team.advance(61)
        assert [s["status"] for s in team.statuses(2)] == ["submitted", "undeliverable"]
        inbox = server.control("GET", f"/handsets/{USER}/messages?channel=rcs").json()
        assert all(m["message_ids"] != [sent.message_uuid] for m in inbox["messages"])
    finally:
        server.control("DELETE", f"/handsets/{USER}/behaviour")
