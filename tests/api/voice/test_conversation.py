"""A named conversation of three legs: two outbound calls and one inbound, joined by name.
Music on hold until the moderator (startOnEnter) comes; each hears the others as canHear /
mute allow; the room is recorded; the moderator leaving (endOnExit) ends it for everyone."""

from __future__ import annotations

import io
import wave
from typing import Any

from tests.api.voice.conftest import VoiceApp, VoiceClient
from tests.api.voice.legs_helpers import dial, kinds, rent, voice_application

ALICE, BOB, CAROL = "447700900201", "447700900202", "447700900203"
ROOM = "standup"


def joins(**options: Any) -> list[dict[str, Any]]:
    return [{"action": "conversation", "name": ROOM, **options}]


def outbound(app: VoiceClient, to: str, ncco: list[dict[str, Any]], events: str) -> str:
    created = app.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": to}],
            "from": {"type": "phone", "number": "447700900000"},
            "ncco": ncco,
            "event_url": [events],
        },
    )
    assert created.status_code == 201, created.text
    return str(created.json()["uuid"])


def heard_from(call: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in call["transcript"] if e["side"] == "heard" and e["kind"] == kind]


def test_a_conference_of_three_legs(voice: VoiceClient, voice_app: VoiceApp) -> None:
    voice_app.routes["/answer"] = lambda f: joins(
        startOnEnter=True, endOnExit=True, record=True, eventUrl=[voice_app.url + "/recording"]
    )
    app = voice_application(voice, voice_app)
    number = rent(voice, app.application_id)
    events = voice_app.url + "/event"

    alice = outbound(
        app, ALICE, joins(startOnEnter=False, musicOnHoldUrl=["https://x/m.mp3"]), events
    )
    bob = outbound(app, BOB, joins(startOnEnter=False, mute=True), events)
    voice.advance(2.5)  # both answer and wait in the room
    waiting = voice.wait_call(alice, lambda c: "joined" in kinds(c, "network"))
    voice.wait_call(bob, lambda c: "joined" in kinds(c, "network"))
    assert heard_from(waiting, "music_on_hold")[0]["url"] == "https://x/m.mp3"

    carol = dial(voice, CAROL, number)["uuid"]  # the moderator calls in
    voice.wait_call(carol, lambda c: "joined" in kinds(c, "network"))
    for uuid in (alice, bob):
        voice.wait_call(uuid, lambda c: "music_stopped" in kinds(c, "heard"))

    joined = [next(e for e in voice.call(u)["transcript"] if e["kind"] == "joined")
              for u in (alice, bob, carol)]  # fmt: skip
    assert len({e["conversation_uuid"] for e in joined}) == 1 and joined[0]["conversation"] == ROOM

    assert voice.handset(alice, "speech", text="Morning all").status_code == 200
    assert voice.handset(bob, "speech", text="I am muted").status_code == 200
    assert voice.handset(carol, "dtmf", digits="1").status_code == 200
    bob_call = voice.wait_call(bob, lambda c: len(heard_from(c, "speech")) == 1)
    assert heard_from(bob_call, "speech")[0]["text"] == "Morning all"
    carol_call = voice.wait_call(carol, lambda c: heard_from(c, "speech") != [])
    assert [e["text"] for e in heard_from(carol_call, "speech")] == ["Morning all"]  # not Bob
    alice_call = voice.wait_call(alice, lambda c: heard_from(c, "dtmf") != [])
    assert [e["text"] for e in heard_from(alice_call, "speech")] == []

    voice.advance(5)
    assert voice.handset(carol, "hangup").status_code == 200  # endOnExit: the room ends
    for uuid in (alice, bob, carol):
        final = voice.wait_call(uuid, lambda c: c["ended"])
        assert final["status"] == "completed"

    hits = voice_app.wait_for(
        lambda h: (
            any(x.path == "/recording" for x in h)
            and sum(1 for x in h if x.fields.get("status") == "completed") == 3
        )
    )
    record = next(h.fields for h in hits if h.path == "/recording")
    download = app.request("GET", record["recording_url"].replace("http://127.0.0.1", ""))
    assert download.status_code == 200 and len(download.content) == record["size"]
    with wave.open(io.BytesIO(download.content)) as wav:
        assert wav.getnframes() >= 16000 * 5  # the room, from Carol's joining to its end
    completed = [h.fields["uuid"] for h in hits if h.fields.get("status") == "completed"]
    assert set(completed) >= {alice, bob, carol}
