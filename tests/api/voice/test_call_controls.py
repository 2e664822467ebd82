"""Talk, stream and DTMF sent into a live call through the REST API reach the call: the
handset hears them (with times), running recordings record them, DELETE cuts them, `loop`
and `level` count; an asynchronous input reports each digit, to the input/dtmf listener
when one is subscribed."""

from __future__ import annotations

import io
import math
import wave
from array import array
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from tests.api.voice.conftest import VoiceApp, VoiceClient

from ringback.ncco import talk_seconds

HANDSET = "447700900123"
RATE = 16000


@pytest.fixture(autouse=True)
def real_time_after(voice: VoiceClient) -> Iterator[None]:
    yield
    voice.ringback.control("POST", "/clock", json={"freeze": False})


def start_call(voice: VoiceClient, app: VoiceApp, ncco: list[dict[str, Any]]) -> str:
    """A call answered on a frozen clock: every time below is exactly what the test set."""
    frozen = voice.ringback.control("POST", "/clock", json={"freeze": True})
    assert frozen.status_code == 200, frozen.text
    created = voice.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": HANDSET}],
            "from": {"type": "phone", "number": "447700900000"},
            "ncco": ncco,
            "event_url": [app.url + "/event"],
        },
    )
    assert created.status_code == 201, created.text
    uuid: str = created.json()["uuid"]
    voice.advance(2)  # the handset answers after 2 s
    voice.wait_call(uuid, lambda c: c["status"] == "answered")
    return uuid


def played(call: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in call["transcript"] if e["kind"] == kind and e.get("via") == "api"]


def channel(wav_bytes: bytes, lane: int) -> array[int]:
    with wave.open(io.BytesIO(wav_bytes)) as wav:
        assert (wav.getframerate(), wav.getnchannels()) == (RATE, 2)
        samples = array("h", wav.readframes(wav.getnframes()))
    return samples[lane::2]


def peak(samples: array[int], start: float, end: float) -> int:
    window = samples[math.ceil(start * RATE) : int(end * RATE)]
    return max((abs(s) for s in window), default=0)


def seconds_of(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def test_talk_stream_and_dtmf_are_heard_and_recorded(
    voice: VoiceClient, voice_app: VoiceApp
) -> None:
    ncco = [
        {"action": "record", "split": "conversation", "eventUrl": [voice_app.url + "/rec"]},
        {"action": "wait", "timeout": 60},
    ]
    uuid = start_call(voice, voice_app, ncco)
    text = "Your agent is ready"
    voice.advance(1)
    talk = voice.request(
        "PUT", f"/v1/calls/{uuid}/talk", json={"text": text, "loop": 2, "level": 0.5}
    )
    assert talk.status_code == 200, talk.text
    assert talk.json() == {"message": "Talk started", "uuid": uuid}
    voice.advance(4)
    stream = voice.request(
        "PUT",
        f"/v1/calls/{uuid}/stream",
        json={"stream_url": ["https://example.com/hold.mp3"], "loop": 0, "level": "0"},
    )
    assert stream.status_code == 200, stream.text
    voice.advance(7)  # 5 s a play: the second play is 2 s in
    stopped = voice.request("DELETE", f"/v1/calls/{uuid}/stream")
    assert stopped.json() == {"message": "Stream stopped", "uuid": uuid}
    voice.advance(2)
    dtmf = voice.request("PUT", f"/v1/calls/{uuid}/dtmf", json={"digits": "1p2"})
    assert dtmf.json() == {"message": "DTMF sent", "uuid": uuid}
    voice.advance(2)
    assert voice.request("PUT", f"/v1/calls/{uuid}", json={"action": "hangup"}).status_code == 204

    call = voice.wait_call(uuid, lambda c: c["ended"])
    talks = played(call, "talk")
    seconds = talk_seconds(text)
    assert [t["text"] for t in talks] == [text, text] and talks[0]["level"] == 0.5
    assert talks[1]["at"] - talks[0]["at"] == pytest.approx(seconds)  # the loop, on time
    streams = played(call, "stream")
    assert [s["at"] - streams[0]["at"] for s in streams] == [0, 5]
    (cut,) = played(call, "stream_stopped")
    assert cut["played"] == pytest.approx(2.0)
    (digits,) = played(call, "dtmf")
    assert digits["side"] == "heard" and digits["seconds"] == pytest.approx(1.0)  # p = 0.5 s

    hits = voice_app.wait_for(lambda h: any(x.path == "/rec" for x in h))
    record = next(h for h in hits if h.path == "/rec").fields
    (started,) = [e for e in call["transcript"] if e["kind"] == "recording_started"]
    begun = float(started["at"])
    assert seconds_of(record["start_time"]) == pytest.approx(begun, abs=0.001)
    wav = voice.request("GET", record["recording_url"].replace("http://testserver", ""))
    assert wav.status_code == 200 and len(wav.content) == record["size"]
    heard, caller = channel(wav.content, 1), channel(wav.content, 0)

    def at(entry: dict[str, Any]) -> float:
        return float(entry["at"]) - begun

    talk_peak = peak(heard, at(talks[0]), at(talks[1]) + seconds)
    stream_peak = peak(heard, at(streams[0]), at(cut))
    assert stream_peak > 7000 and talk_peak > 1.4 * stream_peak  # level 0.5: 1.5 times louder
    assert peak(heard, at(talks[1]) + seconds + 0.1, at(streams[0])) == 0
    assert peak(heard, at(cut) + 0.01, at(digits)) == 0  # DELETE stopped it
    assert peak(heard, at(digits), at(digits) + 0.2) > 0  # "1"
    assert peak(heard, at(digits) + 0.25, at(digits) + 0.75) == 0  # "p"
    assert peak(heard, at(digits) + 0.75, at(digits) + 0.95) > 0  # "2"
    assert peak(caller, 0, len(caller) / RATE) == 0  # the caller said nothing


def test_delete_talk_cuts_it_short_and_the_ncco_goes_on(
    voice: VoiceClient, voice_app: VoiceApp
) -> None:
    ncco = [{"action": "talk", "text": "Please hold. " * 20}, {"action": "wait", "timeout": 30}]
    uuid = start_call(voice, voice_app, ncco)
    talk = voice.request("PUT", f"/v1/calls/{uuid}/talk", json={"text": "An announcement " * 5})
    assert talk.status_code == 200
    voice.advance(1.5)
    assert voice.request("DELETE", f"/v1/calls/{uuid}/talk").json()["message"] == "Talk stopped"
    call = voice.call(uuid)
    (cut,) = played(call, "talk_stopped")
    assert cut["played"] == pytest.approx(1.5)
    ncco_talks = [e for e in call["transcript"] if e["kind"] == "talk" and "via" not in e]
    assert len(ncco_talks) == 1  # the NCCO's own talk was not touched
    voice.advance(talk_seconds("Please hold. " * 20) + 30)
    assert voice.wait_call(uuid, lambda c: c["ended"])["status"] == "completed"


def test_bad_controls_get_vonage_answers(voice: VoiceClient, voice_app: VoiceApp) -> None:
    uuid = start_call(voice, voice_app, [{"action": "wait", "timeout": 30}])
    for path, body, field in [
        ("talk", {"text": "hi", "level": "loud"}, "level"),
        ("talk", {"text": "hi", "level": 2}, "level"),
        ("talk", {}, "text"),
        ("stream", {"stream_url": "https://example.com/a.mp3"}, "stream_url"),
        ("dtmf", {"digits": "12x"}, "digits"),
        ("input/dtmf", {"event_url": "not a url"}, "event_url"),
    ]:
        answer = voice.request("PUT", f"/v1/calls/{uuid}/{path}", json=body)
        assert answer.status_code == 400, (path, answer.text)
        assert [p["name"] for p in answer.json()["invalid_parameters"]] == [field]
    unknown = voice.request("PUT", "/v1/calls/no-such-call/talk", json={"text": "hi"})
    assert unknown.status_code == 404
    assert voice.request("DELETE", "/v1/calls/no-such-call/input/dtmf").status_code == 404


def test_asynchronous_input_reports_each_digit_to_the_listener(
    voice: VoiceClient, voice_app: VoiceApp
) -> None:
    ncco = [
        {
            "action": "input",
            "type": ["dtmf"],
            "mode": "asynchronous",
            "eventUrl": [voice_app.url + "/async"],
        },
        {"action": "talk", "text": "You are through to the conference."},
        {"action": "wait", "timeout": 60},
    ]
    uuid = start_call(voice, voice_app, ncco)
    assert voice.handset(uuid, "dtmf", digits="12").status_code == 200
    hits = voice_app.wait_for(lambda h: sum(x.path == "/async" for x in h) == 2)
    assert [h.fields["dtmf"] for h in hits if h.path == "/async"] == [
        {"digits": "1", "timed_out": False},
        {"digits": "2", "timed_out": False},
    ]
    first = next(h for h in hits if h.path == "/async").fields
    assert first["uuid"] == uuid and first["speech"] == {"results": []}

    listen = voice.request(
        "PUT", f"/v1/calls/{uuid}/input/dtmf", json={"event_url": [voice_app.url + "/dtmf"]}
    )
    assert listen.status_code == 200, listen.text
    voice.handset(uuid, "dtmf", digits="3")
    hits = voice_app.wait_for(lambda h: any(x.path == "/dtmf" for x in h))
    (heard,) = [h for h in hits if h.path == "/dtmf"]
    assert heard.method == "POST" and heard.fields["dtmf"]["digits"] == "3"

    assert voice.request("DELETE", f"/v1/calls/{uuid}/input/dtmf").status_code == 200
    voice.handset(uuid, "dtmf", digits="4")
    hits = voice_app.wait_for(lambda h: sum(x.path == "/async" for x in h) == 3)
    assert [h.path for h in hits if h.path in ("/async", "/dtmf")][-1] == "/async"


def test_asynchronous_input_takes_no_dtmf_settings(voice: VoiceClient, voice_app: VoiceApp) -> None:
    bad = [{"action": "input", "type": ["dtmf"], "mode": "asynchronous", "dtmf": {"maxDigits": 2}}]
    answer = voice.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": HANDSET}],
            "from": {"type": "phone", "number": "447700900000"},
            "ncco": bad,
        },
    )
    assert answer.status_code == 400
    assert "DTMF settings" in answer.text
