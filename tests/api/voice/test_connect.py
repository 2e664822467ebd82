"""`connect` to another handset: a second leg with its own uuid and events, in the caller's
conversation; what one says the other hears; its busy/unanswered drives the NCCO's fallback;
hangups go from one leg to the other as on Vonage."""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.voice.conftest import VoiceApp, VoiceClient, heard
from tests.api.voice.legs_helpers import kinds

CALLER = "447700900123"
FRIEND = "447700900456"
BUSY = "447700900910"  # docs/magic-numbers.md


def call_with(voice: VoiceClient, app: VoiceApp, ncco: list[dict[str, Any]]) -> str:
    created = voice.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": CALLER}],
            "from": {"type": "phone", "number": "447700900000"},
            "ncco": ncco,
            "event_url": [app.url + "/event"],
        },
    )
    assert created.status_code == 201, created.text
    return str(created.json()["uuid"])


def connect_to(number: str, **options: Any) -> dict[str, Any]:
    return {"action": "connect", "endpoint": [{"type": "phone", "number": number}], **options}


def test_a_connected_leg_is_a_call_of_its_own(voice: VoiceClient, voice_app: VoiceApp) -> None:
    uuid = call_with(
        voice,
        voice_app,
        [connect_to(FRIEND, **{"from": "447700900000"}), {"action": "talk", "text": "Bye now"}],
    )
    voice.advance(2.5)  # the caller answers: the connect dials the friend
    call = voice.wait_call(uuid, lambda c: "dial" in kinds(c, "network"))
    leg_uuid = next(e["leg"] for e in call["transcript"] if e["kind"] == "dial")
    leg = voice.call(leg_uuid)
    assert leg["status"] == "ringing" and leg["to"] == {"type": "phone", "number": FRIEND}
    assert leg["conversation_uuid"] == call["conversation_uuid"] and leg_uuid != uuid
    assert leg["from"]["number"] == "447700900000"
    friends = voice.ringback.control("GET", f"/handsets/{FRIEND}/calls").json()["calls"]
    assert leg_uuid in [c["uuid"] for c in friends]

    voice.advance(2.5)  # the friend answers
    voice.wait_call(leg_uuid, lambda c: c["status"] == "answered")
    assert voice.handset(uuid, "speech", text="Hi there").status_code == 200
    friend = voice.wait_call(leg_uuid, lambda c: "speech" in kinds(c, "heard"))
    said = next(e for e in friend["transcript"] if e["side"] == "heard" and e["kind"] == "speech")
    assert said["text"] == "Hi there" and said["speaker"] == CALLER
    assert voice.handset(leg_uuid, "dtmf", digits="42").status_code == 200
    voice.wait_call(uuid, lambda c: "dtmf" in kinds(c, "heard"))

    voice.advance(10)
    assert voice.handset(leg_uuid, "hangup").status_code == 200  # the friend hangs up
    after = voice.wait_call(uuid, lambda c: heard(c, "Bye now"))  # the NCCO goes on
    assert not after["ended"]
    voice.advance(3)
    assert voice.wait_call(uuid, lambda c: c["ended"])["status"] == "completed"

    hits = voice_app.wait_for(
        lambda h: sum(1 for x in h if x.fields.get("status") == "completed") == 2
    )
    legs = [(h.fields["uuid"], h.fields["status"]) for h in hits if h.path == "/event"]
    assert [s for u, s in legs if u == leg_uuid] == ["started", "ringing", "answered", "completed"]
    assert [s for u, s in legs if u == uuid] == ["started", "ringing", "answered", "completed"]
    friend_done = next(
        h.fields for h in hits if h.fields["uuid"] == leg_uuid and h.fields["status"] == "completed"
    )
    assert friend_done["to"] == FRIEND and int(friend_done["duration"]) >= 10
    assert friend_done["conversation_uuid"] == call["conversation_uuid"]


def test_the_caller_hanging_up_ends_the_connected_leg(
    voice: VoiceClient, voice_app: VoiceApp
) -> None:
    uuid = call_with(voice, voice_app, [connect_to(FRIEND)])
    voice.advance(2.5)
    call = voice.wait_call(uuid, lambda c: "dial" in kinds(c, "network"))
    leg_uuid = next(e["leg"] for e in call["transcript"] if e["kind"] == "dial")
    voice.advance(2.5)
    voice.wait_call(leg_uuid, lambda c: c["status"] == "answered")
    assert voice.handset(uuid, "hangup").status_code == 200
    assert voice.wait_call(leg_uuid, lambda c: c["ended"])["status"] == "completed"


def test_busy_takes_the_fallback(voice: VoiceClient, voice_app: VoiceApp) -> None:
    uuid = call_with(
        voice,
        voice_app,
        [connect_to(BUSY), {"action": "talk", "text": "They are busy, sorry"}],
    )
    voice.advance(2.5)
    call = voice.wait_call(uuid, lambda c: "dial" in kinds(c, "network"))
    leg_uuid = next(e["leg"] for e in call["transcript"] if e["kind"] == "dial")
    voice.advance(1)
    voice.wait_call(uuid, lambda c: heard(c, "They are busy"))
    assert voice.call(leg_uuid)["status"] == "busy"
    hits = voice_app.wait_for(
        lambda h: any(
            x.fields.get("uuid") == leg_uuid and x.fields["status"] == "completed"
            for x in h
            if x.path == "/event"
        )
    )
    leg_events = [h.fields["status"] for h in hits if h.fields.get("uuid") == leg_uuid]
    assert leg_events == ["started", "busy", "completed"]


def test_a_synchronous_connect_asks_its_event_url(voice: VoiceClient, voice_app: VoiceApp) -> None:
    voice_app.routes["/leg"] = lambda f: (
        [{"action": "talk", "text": "Leave a message instead"}] if f["status"] == "busy" else None
    )
    uuid = call_with(
        voice,
        voice_app,
        [connect_to(BUSY, eventType="synchronous", eventUrl=[voice_app.url + "/leg"])],
    )
    voice.advance(2.5)
    voice.wait_call(uuid, lambda c: "dial" in kinds(c, "network"))
    voice.advance(1)
    voice.wait_call(uuid, lambda c: heard(c, "Leave a message instead"))
    hits = voice_app.wait_for(  # the busy, once: from the engine, which takes the answer
        lambda h: (
            sorted(x.fields["status"] for x in h if x.path == "/leg")
            == ["busy", "completed", "started"]
        )
    )
    busy = next(h.fields for h in hits if h.path == "/leg" and h.fields["status"] == "busy")
    assert busy["direction"] == "outbound" and busy["to"] == BUSY


@pytest.mark.parametrize(
    "endpoint",
    [{"type": "app", "user": "alice"}, {"type": "sip", "uri": "sip:bob@example.com"}],
)
def test_app_and_sip_endpoints_answer_by_default(
    voice: VoiceClient, voice_app: VoiceApp, endpoint: dict[str, Any]
) -> None:
    uuid = call_with(voice, voice_app, [{"action": "connect", "endpoint": [endpoint]}])
    voice.advance(2.5)
    call = voice.wait_call(uuid, lambda c: "dial" in kinds(c, "network"))
    leg_uuid = next(e["leg"] for e in call["transcript"] if e["kind"] == "dial")
    voice.advance(2.5)
    leg = voice.wait_call(leg_uuid, lambda c: c["status"] == "answered")
    assert leg["to"] == endpoint
    assert voice.handset(leg_uuid, "speech", text="From the app").status_code == 200
    heard_it = voice.wait_call(uuid, lambda c: "speech" in kinds(c, "heard"))
    said = next(e for e in heard_it["transcript"] if e["kind"] == "speech")
    assert said["speaker"] == next(iter(v for k, v in endpoint.items() if k != "type"))
