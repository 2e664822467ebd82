"""The official Vonage Node SDK's Voice client against a running Ringback: a call with an
NCCO created, read, listed, played into, its DTMF subscribed, hung up; the events at a real
receiver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from vonage_application import ApplicationConfig
from vonage_application.common import Capabilities, Voice, VoiceUrl, VoiceWebhooks

from ringback.testing.plugin import AccountHandle
from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")


@pytest.fixture
def frozen(ringback: RingbackProcess) -> Iterator[None]:
    """The session's shared server: its clock runs again for the tests after this one."""
    ringback.control("POST", "/clock", json={"freeze": True}).raise_for_status()
    yield
    ringback.control("POST", "/clock", json={"freeze": False}).raise_for_status()


@pytest.mark.usefixtures("frozen")
def test_the_node_sdk_voice_client(
    node_sdk: Any,
    ringback: RingbackProcess,
    account: AccountHandle,
    webhook_receiver: WebhookReceiver,
) -> None:
    app = account.client.application.create_application(
        ApplicationConfig(
            name="node voice",
            capabilities=Capabilities(
                voice=Voice(
                    webhooks=VoiceWebhooks(
                        event_url=VoiceUrl(address=webhook_receiver.url + "/event")
                    )
                )
            ),
        )
    )
    out = node_sdk.run(
        "voice.cjs",
        {
            "RINGBACK_URL": ringback.http_url,
            "VONAGE_APPLICATION_ID": app.id,
            "VONAGE_PRIVATE_KEY": app.keys.private_key,
            "DTMF_URL": webhook_receiver.url + "/dtmf",
        },
    )
    uuid = out["created"]["uuid"]
    assert out["created"]["status"] == "started"
    assert out["created"]["conversationUUID"].startswith("CON-")
    assert out["call"]["status"] == "answered" and out["call"]["to"]["number"] == "447700900123"
    assert [c["uuid"] for c in out["page"]["_embedded"]["calls"]] == [uuid]
    assert out["tts"]["message"] == "Talk started"
    assert out["stream"]["message"] == "Stream started"
    assert out["dtmf"]["message"] == "DTMF sent"
    assert out["subscribed"] and out["pressed"] == 200
    assert out["ended"]["status"] == "completed"
    assert out["missing"] == 404

    (digit,) = webhook_receiver.wait_for(1, 10.0, where=lambda r: r.path == "/dtmf")
    assert digit.json["dtmf"] == {"digits": "9", "timed_out": False}
    assert digit.json["uuid"] == uuid
    events = webhook_receiver.wait_for(
        4, 10.0, where=lambda r: r.path == "/event" and "status" in r.json
    )
    statuses = [e.json["status"] for e in events]
    assert statuses == ["started", "ringing", "answered", "completed"]
    assert events[-1].json["duration"] == "2"
    transcript = ringback.control("GET", f"/calls/{uuid}").json()["transcript"]
    api_plays = [(e["kind"], e.get("text") or e.get("url") or e.get("digits"))
                 for e in transcript if e.get("via") == "api"]  # fmt: skip
    assert api_plays == [
        ("talk", "An announcement"),
        ("stream", "https://example.com/hold.mp3"),
        ("dtmf", "12"),
    ]
