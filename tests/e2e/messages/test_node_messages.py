"""The official Vonage Node SDK's Messages client against Ringback's plain HTTP port: an SMS and
a WhatsApp text with an application JWT, both delivered to the handset with their statuses at a
real receiver, and WhatsApp with Basic refused (401)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from vonage_application import ApplicationConfig, ApplicationUrl, Messages, MessagesWebhooks

from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

HANDSET = "447700900341"
WHATSAPP = "447700900561"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    found = WebhookReceiver().start()
    yield found
    found.stop()


def test_node_sdk_sends_sms_and_whatsapp_with_a_jwt(
    node_sdk: Any, ringback: RingbackProcess, receiver: WebhookReceiver
) -> None:
    api_key, api_secret = ringback.new_account()
    hooks = MessagesWebhooks(
        inbound_url=ApplicationUrl(address=receiver.url + "/in"),
        status_url=ApplicationUrl(address=receiver.url + "/status"),
    )
    app = ringback.client(api_key, api_secret).application.create_application(
        ApplicationConfig(name="node", capabilities={"messages": Messages(webhooks=hooks)})
    )
    ringback.control(
        "POST",
        f"/accounts/{api_key}/senders",
        json={"channel": "whatsapp", "id": WHATSAPP, "application_id": app.id},
    ).raise_for_status()
    ringback.control(
        "POST", f"/handsets/{HANDSET}/whatsapp-window", json={"sender": WHATSAPP}
    ).raise_for_status()
    out = node_sdk.run(
        "messages.cjs",
        {
            "RINGBACK_URL": ringback.http_url,
            "VONAGE_APPLICATION_ID": app.id,
            "VONAGE_PRIVATE_KEY": app.keys.private_key,
            "VONAGE_API_KEY": api_key,
            "VONAGE_API_SECRET": api_secret,
            "TO": HANDSET,
            "WHATSAPP": WHATSAPP,
        },
    )
    sms, whatsapp = out["sms"]["messageUUID"], out["whatsapp"]["messageUUID"]
    assert len(sms) == 36 and len(whatsapp) == 36 and sms != whatsapp
    assert out["basicWhatsapp"]["status"] == 401
    # the session server's clock runs: each is delivered a second after it was sent
    statuses = [r.json for r in receiver.wait_for(4, 15.0, where=lambda r: r.path == "/status")]
    sequences: dict[str, list[str]] = {}
    for status in statuses:
        sequences.setdefault(status["message_uuid"], []).append(status["status"])
    assert sequences == {sms: ["submitted", "delivered"], whatsapp: ["submitted", "delivered"]}
    assert {s["client_ref"] for s in statuses} == {"node-sms", "node-wa"}
    inbox = ringback.control("GET", f"/handsets/{HANDSET}/messages").json()["messages"]
    mine = {m["channel"]: m for m in inbox if m["api_key"] == api_key}
    assert mine["sms"]["text"] == "SMS from Node" and mine["sms"]["from"] == "NodeApp"
    assert mine["whatsapp"]["content"] == {"message_type": "text", "text": "WhatsApp from Node"}
