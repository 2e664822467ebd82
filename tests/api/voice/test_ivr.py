"""An IVR as a Vonage app writes it, run against Ringback with the handset driven from the
test: outbound call → answered → menu → presses 2 → the input answer continues the call →
record → hang up. The app sees Vonage's events, in Vonage's order, and gets the WAV."""

from __future__ import annotations

import io
import wave
from typing import Any

from tests.api.voice.conftest import VoiceApp, VoiceClient, heard

HANDSET = "447700900123"


def ivr(app: VoiceApp) -> None:
    def answer(fields: dict[str, Any]) -> Any:
        return [
            {"action": "talk", "text": "Press 1 for sales or 2 for support."},
            {
                "action": "input",
                "type": ["dtmf"],
                "dtmf": {"maxDigits": 1, "timeOut": 5},
                "eventUrl": [app.url + "/input"],
            },
        ]

    def on_input(fields: dict[str, Any]) -> Any:
        if fields["dtmf"]["digits"] != "2":
            return [{"action": "talk", "text": "Sales is closed."}]
        return [
            {"action": "talk", "text": "Support. Leave a message after the tone."},
            {
                "action": "record",
                "beepStart": True,
                "endOnKey": "#",
                "eventUrl": [app.url + "/recording"],
            },
            {"action": "talk", "text": "Thank you, goodbye."},
        ]

    app.routes.update({"/answer": answer, "/input": on_input})


def test_an_ivr_runs_as_on_vonage(voice: VoiceClient, voice_app: VoiceApp) -> None:
    ivr(voice_app)
    created = voice.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": HANDSET}],
            "from": {"type": "phone", "number": "447700900000"},
            "answer_url": [voice_app.url + "/answer"],
            "event_url": [voice_app.url + "/event"],
        },
    )
    assert created.status_code == 201, created.text
    uuid = created.json()["uuid"]
    assert created.json()["status"] == "started"

    voice.advance(2.5)  # the handset answers after 2 s
    voice.wait_call(uuid, lambda c: heard(c, "Press 1"))
    voice.advance(4)  # the menu ends; the input listens
    pressed = voice.handset(uuid, "dtmf", digits="2")
    assert pressed.status_code == 200, pressed.text
    voice.wait_call(uuid, lambda c: heard(c, "Leave a message"))
    voice.advance(4)  # the prompt ends, the beep, the recording runs
    assert voice.handset(uuid, "speech", text="My printer is on fire").status_code == 200
    voice.advance(3)
    assert voice.handset(uuid, "dtmf", digits="#").status_code == 200  # ends the recording
    voice.advance(3)  # goodbye, and the NCCO is done: Vonage hangs up
    final = voice.wait_call(uuid, lambda c: c["ended"])
    assert final["status"] == "completed"

    hits = voice_app.wait_for(lambda h: any(x.fields.get("status") == "completed" for x in h))
    assert voice_app.timeline() == [
        "event:started",
        "event:ringing",
        "event:answered",
        "answer",
        "input",
        "recording",
        "event:completed",
    ]
    answer_hit = hits[3]
    assert answer_hit.method == "GET"
    assert answer_hit.fields["uuid"] == uuid and answer_hit.fields["to"] == HANDSET
    inputs = hits[4].fields
    assert inputs["dtmf"] == {"digits": "2", "timed_out": False}
    assert inputs["speech"] == {"results": []}
    assert inputs["uuid"] == uuid
    completed = hits[-1].fields
    assert completed["duration"] == str(final["duration"]) and int(completed["duration"]) >= 13
    assert completed["rate"] == final["rate"] and completed["price"] == final["price"]
    assert float(completed["price"]) > 0

    record = hits[5].fields
    download = voice.request("GET", record["recording_url"].replace("http://testserver", ""))
    assert download.status_code == 200
    assert download.headers["content-type"] == "audio/wav"
    assert len(download.content) == record["size"]
    with wave.open(io.BytesIO(download.content)) as wav:
        assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (16000, 2, 1)
        assert wav.getnframes() > 16000 * 3  # the beep, the words, the key

    kinds = [(e["side"], e["kind"]) for e in final["transcript"]]
    assert ("handset", "answered") in kinds and ("handset", "dtmf") in kinds
    assert ("handset", "speech") in kinds and ("network", "recording_stopped") in kinds
