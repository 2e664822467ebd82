"""Call lifecycles decided by the callee's handset, and bad requests answered as Vonage does."""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.voice.conftest import VoiceApp, VoiceClient

TALK = [{"action": "talk", "text": "Hello there, this is a test call."}]


def create(voice: VoiceClient, app: VoiceApp, to: str, **extra: Any) -> str:
    body = {
        "to": [{"type": "phone", "number": to}],
        "from": {"type": "phone", "number": "447700900000"},
        "ncco": TALK,
        "event_url": [app.url + "/event"],
        **extra,
    }
    created = voice.request("POST", "/v1/calls", json=body)
    assert created.status_code == 201, created.text
    uuid: str = created.json()["uuid"]
    return uuid


def statuses(app: VoiceApp, count: int) -> list[str]:
    app.wait_for(lambda h: len(h) >= count)
    return [h.fields.get("status", "?") for h in app.hits]


@pytest.mark.parametrize(
    ("msisdn", "advance", "expected", "detail"),
    [
        ("447700900910", 1, ["started", "busy", "completed"], None),
        ("447700900914", 1, ["started", "failed", "completed"], "cannot_route"),
        ("447700900913", 3.5, ["started", "ringing", "rejected"], "declined"),
        ("447700900911", 61, ["started", "ringing", "timeout", "completed"], None),
    ],
)
def test_the_handset_decides_how_a_call_ends(
    voice: VoiceClient,
    voice_app: VoiceApp,
    msisdn: str,
    advance: float,
    expected: list[str],
    detail: str | None,
) -> None:
    uuid = create(voice, voice_app, msisdn)
    voice.advance(advance)
    assert statuses(voice_app, len(expected)) == expected
    failure = voice_app.hits[len(expected) - 2 if expected[-1] == "completed" else -1].fields
    assert failure.get("detail") == detail
    call = voice.wait_call(uuid, lambda c: c["ended"])
    assert call["status"] == expected[-2] if expected[-1] == "completed" else expected[-1]
    got = voice.request("GET", f"/v1/calls/{uuid}").json()
    assert got["status"] == call["status"] and "price" not in got


def test_voicemail_is_a_machine_with_machine_detection(
    voice: VoiceClient, voice_app: VoiceApp
) -> None:
    create(voice, voice_app, "447700900912", machine_detection="hangup")
    voice.advance(4.5)
    assert statuses(voice_app, 5) == ["started", "ringing", "answered", "machine", "completed"]
    machine = voice_app.hits[3].fields
    assert "call_uuid" in machine and "uuid" not in machine


def test_a_handset_answers_and_hangs_up_from_the_control_api(
    voice: VoiceClient, voice_app: VoiceApp
) -> None:
    music = [{"action": "stream", "streamUrl": ["https://example.com/hold.mp3"], "loop": 0}]
    uuid = create(voice, voice_app, "447700900911", ringing_timer=90, ncco=music)
    assert voice.handset(uuid, "answer").status_code == 200
    voice.advance(10)
    hung = voice.handset(uuid, "hangup")
    assert hung.status_code == 200 and hung.json()["status"] == "completed"
    assert statuses(voice_app, 4) == ["started", "ringing", "answered", "completed"]
    assert voice_app.hits[-1].fields["duration"] in ("10", "11")  # the clock runs too
    assert voice.handset(uuid, "answer").status_code == 409
    handset = voice.ringback.control("GET", "/handsets/447700900911/calls").json()
    assert uuid in [c["uuid"] for c in handset["calls"]]


def test_the_api_cancels_a_ringing_call_and_lists_calls(
    voice: VoiceClient, voice_app: VoiceApp
) -> None:
    uuids = [create(voice, voice_app, "447700900911") for _ in range(3)]
    assert (
        voice.request("PUT", f"/v1/calls/{uuids[0]}", json={"action": "hangup"}).status_code == 204
    )
    first = voice.request("GET", "/v1/calls", params={"page_size": 2}).json()
    assert first["count"] == 3 and [c["uuid"] for c in first["_embedded"]["calls"]] == uuids[:2]
    assert first["_links"]["next"]["href"].startswith("http")
    nxt = voice.http.get(first["_links"]["next"]["href"], headers=voice.headers()).json()
    assert [c["uuid"] for c in nxt["_embedded"]["calls"]] == uuids[2:]
    cancelled = voice.request("GET", "/v1/calls", params={"status": "cancelled"}).json()
    assert [c["uuid"] for c in cancelled["_embedded"]["calls"]] == uuids[:1]


def test_bad_requests_get_vonage_answers(voice: VoiceClient, voice_app: VoiceApp) -> None:
    bad = voice.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": "447700900123"}],
            "from": {"type": "phone", "number": "447700900000"},
            "ncco": [{"action": "talk"}],
        },
    )
    assert bad.status_code == 400
    body = bad.json()
    assert set(body) == {"type", "title", "detail", "instance", "invalid_parameters"}
    assert body["invalid_parameters"][0]["name"] == "ncco"
    unknown = voice.request("GET", "/v1/calls/00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404 and unknown.json()["title"] == "Not Found"
    put = voice.request(
        "PUT", "/v1/calls/00000000-0000-4000-8000-000000000000", json={"action": "mute"}
    )
    assert put.status_code == 404
    basic = voice.http.get("/v1/calls", auth=voice.account.auth)
    assert basic.status_code == 401 and basic.json()["title"] == "Unauthorized"
    nothing = voice.http.post("/v1/calls", json={})
    assert nothing.status_code == 401


def test_a_bad_answer_ncco_sends_the_error_event_and_ends_the_call(
    voice: VoiceClient, voice_app: VoiceApp
) -> None:
    voice_app.routes["/answer"] = lambda _: [{"action": "dance"}]
    created = voice.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": "447700900123"}],
            "from": {"type": "phone", "number": "447700900000"},
            "answer_url": [voice_app.url + "/answer"],
            "event_url": [voice_app.url + "/event"],
        },
    )
    uuid = created.json()["uuid"]
    voice.advance(2.5)
    voice.wait_call(uuid, lambda c: c["ended"])
    hits = voice_app.wait_for(lambda h: len(h) >= 6)
    error = hits[4].fields
    assert error["reason"] == "Syntax error in NCCO. Invalid value type or action."
    assert [h.fields.get("status") for h in hits if h.path == "/event"][-1] == "completed"
