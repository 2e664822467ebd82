"""Inbound calls: a handset dials a number the account rents, linked to a voice application;
Ringback fetches the application's answer_url (GET or POST as it says), runs the NCCO and
sends the events with direction inbound. A failing answer_url falls back, then ends the call."""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.voice.conftest import VoiceApp, VoiceClient, heard
from tests.api.voice.legs_helpers import dial, rent, voice_application

CALLER = "447700900123"


def greeting(fields: dict[str, Any]) -> Any:
    return [{"action": "talk", "text": f"Hello caller {fields['from']}"}]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_inbound_call_runs_the_answer_ncco(
    voice: VoiceClient, voice_app: VoiceApp, method: str
) -> None:
    voice_app.routes["/answer"] = greeting
    app = voice_application(
        voice, voice_app, answer_url={"address": voice_app.url + "/answer", "http_method": method}
    )
    number = rent(voice, app.application_id)

    placed = dial(voice, CALLER, number)
    uuid = placed["uuid"]
    assert placed["direction"] == "inbound" and placed["from"]["number"] == CALLER
    call = voice.wait_call(uuid, lambda c: heard(c, f"Hello caller {CALLER}"))
    assert call["status"] == "answered"
    voice.advance(5)  # the talk ends, the NCCO is done
    final = voice.wait_call(uuid, lambda c: c["ended"])
    assert final["status"] == "completed"

    hits = voice_app.wait_for(lambda h: any(x.fields.get("status") == "completed" for x in h))
    assert voice_app.timeline() == [
        "event:started",
        "event:ringing",
        "event:answered",
        "answer",
        "event:completed",
    ]
    answer = next(h for h in hits if h.path == "/answer")
    assert answer.method == method
    assert answer.fields["to"] == number and answer.fields["from"] == CALLER
    assert answer.fields["uuid"] == uuid
    assert answer.fields["conversation_uuid"] == placed["conversation_uuid"]
    assert "region_url" in answer.fields
    events = [h.fields for h in hits if h.path == "/event"]
    assert {e["direction"] for e in events} == {"inbound"}
    assert int(events[-1]["duration"]) >= 1

    listed = voice.request("GET", f"/v1/calls/{uuid}")
    assert listed.status_code == 200 and listed.json()["direction"] == "inbound"
    mine = voice.ringback.control("GET", f"/handsets/{CALLER}/calls").json()["calls"]
    assert uuid in [c["uuid"] for c in mine]


def test_a_failing_answer_url_falls_back(voice: VoiceClient, voice_app: VoiceApp) -> None:
    voice_app.routes["/fallback"] = lambda f: [{"action": "talk", "text": "Fallback speaking"}]
    app = voice_application(
        voice,
        voice_app,
        answer_url={"address": "http://127.0.0.1:9/answer", "http_method": "GET"},
        fallback_answer_url={"address": voice_app.url + "/fallback", "http_method": "POST"},
    )
    number = rent(voice, app.application_id)
    uuid = dial(voice, CALLER, number)["uuid"]
    voice.wait_call(uuid, lambda c: heard(c, "Fallback speaking"))
    fallback = voice_app.wait_for(lambda h: any(x.path == "/fallback" for x in h))
    hit = next(h for h in fallback if h.path == "/fallback")
    assert hit.method == "POST"
    assert hit.fields["original_request"] == {"url": "http://127.0.0.1:9/answer", "type": "answer"}
    assert hit.fields["reason"] and hit.fields["uuid"] == uuid


def test_answer_and_fallback_failing_end_the_call(voice: VoiceClient, voice_app: VoiceApp) -> None:
    app = voice_application(
        voice,
        voice_app,
        answer_url={"address": "http://127.0.0.1:9/answer", "http_method": "GET"},
        fallback_answer_url={"address": "http://127.0.0.1:9/fallback", "http_method": "GET"},
    )
    number = rent(voice, app.application_id)
    uuid = dial(voice, CALLER, number)["uuid"]
    final = voice.wait_call(uuid, lambda c: c["ended"])
    assert final["status"] == "completed"
    assert any(e["kind"] == "ended" and "answer_url" in e["reason"] for e in final["transcript"])
    assert not any(e["side"] == "heard" for e in final["transcript"])


def test_numbers_nobody_answers_for(voice: VoiceClient, voice_app: VoiceApp) -> None:
    unowned = dial(voice, CALLER, "447700900777")
    assert (unowned["status"], unowned["detail"], unowned["uuid"]) == (
        "failed",
        "number_out_of_service",
        None,
    )
    number = rent(voice, None)  # rented, no application
    unlinked = dial(voice, CALLER, number)
    assert (unlinked["status"], unlinked["detail"]) == ("failed", "cannot_route")
    bad = voice.ringback.control("POST", f"/handsets/{CALLER}/calls", json={"to": "nope"})
    assert bad.status_code == 400
    assert voice_app.hits == []
