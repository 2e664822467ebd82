"""The issue's done-when story, end to end with the official SDK against a live Ringback: a
WhatsApp conversation — a template out (outside the window), the user's reply in (an inbound
webhook; it opens the 24-hour window), free text out within the window, and read receipts both
ways (the user reads the business's message: a `read` status; the business marks the user's
message read with PATCH /v1/messages: the handset sees it read).

The inbound half (a handset sending on WhatsApp through `POST /_ringback/handsets/{msisdn}/
messages`, and PATCH) is another branch's work (issue 8, items 6 and 8): until it is merged
here this test is expected to fail, strictly, so the merge that makes it pass says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from vonage_application import ApplicationConfig, ApplicationUrl, Messages, MessagesWebhooks
from vonage_messages import (
    WhatsappTemplate,
    WhatsappTemplateResource,
    WhatsappTemplateSettings,
    WhatsappText,
)

from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

USER = "447700900351"
BUSINESS = "447700900571"


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("story"), "--no-rate-limits").start()
    try:
        process.control("POST", "/clock", json={"freeze": True}).raise_for_status()
        yield process
    finally:
        process.stop()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    found = WebhookReceiver().start()
    yield found
    found.stop()


def test_a_whatsapp_conversation_plays_end_to_end(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    api_key, api_secret = server.new_account()
    basic = server.client(api_key, api_secret)
    hooks = MessagesWebhooks(
        inbound_url=ApplicationUrl(address=receiver.url + "/inbound"),
        status_url=ApplicationUrl(address=receiver.url + "/status"),
    )
    app = basic.application.create_application(
        ApplicationConfig(name="café", capabilities={"messages": Messages(webhooks=hooks)})
    )
    client = server.client(
        api_key, api_secret, application_id=app.id, private_key=app.keys.private_key
    )
    server.control(
        "POST",
        f"/accounts/{api_key}/senders",
        json={"channel": "whatsapp", "id": BUSINESS, "application_id": app.id},
    ).raise_for_status()

    def statuses(count: int) -> list[dict[str, object]]:
        found = receiver.wait_for(count, 10.0, where=lambda r: r.path == "/status")
        return [r.json for r in found]

    def advance(seconds: float) -> None:
        server.control("POST", "/clock", json={"advance_seconds": seconds}).raise_for_status()

    # 1. a template out: allowed outside the window
    template = client.messages.send(
        WhatsappTemplate(
            to=USER,
            from_=BUSINESS,
            template=WhatsappTemplateResource(name="booking:confirm", parameters=["Friday"]),
            whatsapp=WhatsappTemplateSettings(locale="en_GB"),
        )
    )
    advance(1)
    assert [s["status"] for s in statuses(2)] == ["submitted", "delivered"]
    inbox = server.control("GET", f"/handsets/{USER}/messages?channel=whatsapp").json()
    (shown,) = [m for m in inbox["messages"] if m["message_ids"] == [template.message_uuid]]
    assert shown["content"]["template"] == {"name": "booking:confirm", "parameters": ["Friday"]}

    # 2. the user reads it: a `read` status; then replies on WhatsApp
    server.control(
        "POST", f"/handsets/{USER}/messages/{template.message_uuid}/read"
    ).raise_for_status()
    assert statuses(3)[2]["status"] == "read"
    reply = server.control(
        "POST",
        f"/handsets/{USER}/messages",
        json={
            "channel": "whatsapp",
            "to": BUSINESS,
            "message_type": "text",
            "text": "Yes please, 2 people",
        },
    )
    assert reply.status_code in (200, 201), reply.text
    (inbound,) = receiver.wait_for(1, 10.0, where=lambda r: r.path == "/inbound")
    message = inbound.json
    assert message["channel"] == "whatsapp" and message["message_type"] == "text"
    assert (message["from"], message["to"]) == (USER, BUSINESS)
    assert message["text"] == "Yes please, 2 people"

    # 3. free text within the window the reply opened
    text = client.messages.send(WhatsappText(to=USER, from_=BUSINESS, text="Booked for two"))
    advance(1)
    sequence = [s for s in statuses(5) if s["message_uuid"] == text.message_uuid]
    assert [s["status"] for s in sequence] == ["submitted", "delivered"]

    # 4. the business marks the user's message read: the handset sees it read
    client.messages.mark_whatsapp_message_read(message["message_uuid"])
    sent = server.control(
        "GET", f"/handsets/{USER}/messages?channel=whatsapp&direction=sent"
    ).json()
    (mine,) = [m for m in sent["messages"] if m["direction"] == "sent"]
    assert mine["read_at"] is not None
