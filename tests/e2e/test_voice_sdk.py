"""The official Python SDK's Voice client, every call method, against a running Ringback."""

from __future__ import annotations

import time

import pytest
from vonage import Auth, HttpClientOptions, Vonage
from vonage_application import ApplicationConfig
from vonage_application.common import Capabilities, Voice, VoiceUrl, VoiceWebhooks
from vonage_voice import (
    AudioStreamOptions,
    CreateCallRequest,
    ListCallsFilter,
    Talk,
    TtsStreamOptions,
)

from ringback.testing.plugin import AccountHandle
from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

# Vonage's signature secrets can be shorter than PyJWT likes
pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")


def _voice_client(ringback: RingbackProcess, account: AccountHandle, events: str) -> Vonage:
    app = account.client.application.create_application(
        ApplicationConfig(
            name="sdk voice",
            capabilities=Capabilities(
                voice=Voice(
                    webhooks=VoiceWebhooks(event_url=VoiceUrl(address=events)),
                    signed_callbacks=True,
                )
            ),
        )
    )
    return Vonage(
        Auth(application_id=app.id, private_key=app.keys.private_key),
        HttpClientOptions(api_host=ringback.https_host),
    )


def test_every_voice_method_of_the_sdk(
    ringback: RingbackProcess, account: AccountHandle, webhook_receiver: WebhookReceiver
) -> None:
    client = _voice_client(ringback, account, webhook_receiver.url + "/event")
    voice = client.voice
    created = voice.create_call(
        CreateCallRequest(
            to=[{"type": "phone", "number": "447700900123"}],
            from_={"type": "phone", "number": "447700900000"},
            ncco=[Talk(text="Hold the line please.", loop=0)],
        )
    )
    assert created.status == "started" and created.direction == "outbound"
    uuid = created.uuid
    ringback.control("POST", "/clock", json={"advance_seconds": 3})
    deadline = time.monotonic() + 10
    while voice.get_call(uuid).status != "answered":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    info = voice.get_call(uuid)
    assert info.to.number == "447700900123" and info.conversation_uuid.startswith("CON-")

    calls, next_index = voice.list_calls(ListCallsFilter(status="answered"))
    assert [c.uuid for c in calls] == [uuid] and next_index is None

    assert voice.play_tts_into_call(uuid, TtsStreamOptions(text="Hi")).message == "Talk started"
    assert voice.stop_tts(uuid).message == "Talk stopped"
    stream = AudioStreamOptions(stream_url=["https://example.com/a.mp3"])
    assert voice.play_audio_into_call(uuid, stream).message == "Stream started"
    assert voice.stop_audio_stream(uuid).message == "Stream stopped"
    assert voice.play_dtmf_into_call(uuid, "1#").message == "DTMF sent"
    for method in (voice.mute, voice.unmute, voice.earmuff, voice.unearmuff):
        method(uuid)
    voice.transfer_call_ncco(uuid, [Talk(text="You have been transferred.", loop=0)])
    voice.hangup(uuid)
    assert voice.get_call(uuid).status == "completed"

    heard = ringback.control("GET", f"/calls/{uuid}").json()["transcript"]
    kinds = [e["kind"] for e in heard]
    for kind in ("talk", "talk_stopped", "stream", "dtmf", "mute", "earmuff", "transfer"):
        assert kind in kinds
    assert any(e.get("text") == "You have been transferred." for e in heard)

    got = webhook_receiver.wait_for(5)
    secret = ringback.control("GET", f"/accounts/{account.api_key}").json()["signature_secret"]
    token = got[0].headers["authorization"].split(" ", 1)[1]
    assert voice.verify_signature(token, secret)
    assert [r.json.get("status") for r in got[:3]] == ["started", "ringing", "answered"]
