"""The interpreter, driven by stimuli as the Voice API will drive it; no server, no clock."""

from __future__ import annotations

import io
import json
import wave
from typing import Any

from ringback.ncco import CallState, new_call, step, talk_seconds, wav_bytes
from ringback.ncco import effects as fx
from ringback.ncco import stimuli as st

T0 = 1_700_000_000.0
EVENTS = "https://app.example.com/events"


class Call:
    """A call under test: steps through the engine, keeping the state and every effect."""

    def __init__(self, ncco: object, **options: Any) -> None:
        self.state = new_call(
            call_uuid="aaaaaaaa-0000-4000-8000-000000000001",
            conversation_uuid="CON-aaaaaaaa-0000-4000-8000-000000000002",
            from_="447700900001",
            to="447700900000",
            event_url=EVENTS,
            **options,
        )
        self.effects: list[fx.Effect] = []
        self.feed(st.Answered(ncco), T0)

    def feed(self, stimulus: st.Stimulus, at: float) -> list[fx.Effect]:
        # the state must survive being stored as JSON between any two steps
        stored = json.loads(json.dumps(self.state.to_json()))
        assert CallState.from_json(stored) == self.state
        result = step(CallState.from_json(stored), stimulus, at)
        self.state = result.state
        self.effects.extend(result.effects)
        return list(result.effects)

    def at(self, at: float) -> list[fx.Effect]:
        return self.feed(st.TimeReached(), at)

    def of(self, kind: type[Any]) -> list[Any]:
        return [e for e in self.effects if isinstance(e, kind)]

    @property
    def wake(self) -> float | None:
        wakes = [e for e in self.effects if isinstance(e, fx.WakeAt)]
        return wakes[-1].at if wakes else None


def test_ivr_talk_input_event_returned_ncco_record_hangup() -> None:
    menu = "Press 1 for sales"
    call = Call(
        [
            {"action": "talk", "text": menu},
            {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 1}},
        ]
    )
    [say] = call.of(fx.Say)
    assert say.text == menu and say.seconds == talk_seconds(menu)
    talk_end = T0 + say.seconds
    assert call.wake == talk_end
    call.at(talk_end)
    assert call.state.phase == "input"
    [event] = call.feed(st.Digits("1"), talk_end + 1)
    assert isinstance(event, fx.SendEvent) and event.expects_answer
    assert event.url == EVENTS and event.method == "POST"
    assert event.payload["dtmf"] == {"digits": "1", "timed_out": False}
    assert event.payload["speech"] == {"results": []}
    assert event.payload["uuid"] == "aaaaaaaa-0000-4000-8000-000000000001"
    assert event.payload["timestamp"] == "2023-11-14T22:13:22.214Z"  # T0 + 17 chars / 14 + 1 s

    # the returned NCCO replaces the current one: a voicemail that ends on the key
    call.feed(
        st.WebhookAnswer(
            [
                {"action": "talk", "text": "Leave a message"},
                {"action": "record", "endOnKey": "#", "beepStart": True},
                {"action": "talk", "text": "Thanks"},
            ]
        ),
        talk_end + 2,
    )
    record_start = talk_end + 2 + talk_seconds("Leave a message")
    call.at(record_start)
    [start] = call.of(fx.StartRecording)
    assert start.beep and start.channels == 1
    call.feed(st.Speech("I would like a call back"), record_start + 1)
    call.feed(st.Digits("#"), record_start + 6)
    [stop] = call.of(fx.StopRecording)
    recording = stop.recording
    assert (recording.start_time, recording.end_time) == (record_start, record_start + 6)
    record_event = next(e for e in call.of(fx.SendEvent) if "recording_url" in e.payload)
    assert not record_event.expects_answer
    assert record_event.payload["size"] == recording.size
    assert record_event.payload["recording_url"].endswith(recording.recording_uuid)
    assert record_event.payload["recording_uuid"] == recording.recording_uuid
    assert call.of(fx.Say)[-1].text == "Thanks"  # the record was synchronous: then the talk
    call.at(record_start + 6 + talk_seconds("Thanks"))
    assert call.of(fx.Hangup) == [fx.Hangup("ncco_finished")]
    assert call.state.phase == "ended"

    with wave.open(io.BytesIO(wav_bytes(recording))) as wav:
        assert wav.getnchannels() == 1 and wav.getframerate() == 16000
        assert wav.getnframes() == 6 * 16000
    assert len(wav_bytes(recording)) == recording.size


def test_input_times_out_after_the_last_digit_and_reports_what_it_has() -> None:
    call = Call([{"action": "input", "type": ["dtmf"], "dtmf": {"timeOut": 5}}])
    assert call.wake == T0 + 5
    call.feed(st.Digits("12"), T0 + 4)
    assert call.wake == T0 + 9  # the timer restarts with each digit
    assert not call.at(T0 + 8.9)[:-1]
    [event] = call.at(T0 + 9)  # no alarm left: the call waits for the answer
    assert isinstance(event, fx.SendEvent)
    assert event.payload["dtmf"] == {"digits": "12", "timed_out": True}
    # an empty answer: the flow continues, and this NCCO has nothing after the input
    assert call.feed(st.WebhookAnswer(None), T0 + 10) == [fx.Hangup("ncco_finished")]


def test_submit_on_hash_and_max_digits() -> None:
    call = Call([{"action": "input", "type": ["dtmf"], "dtmf": {"submitOnHash": True}}])
    [event, *_] = call.feed(st.Digits("42#9"), T0 + 1)
    assert isinstance(event, fx.SendEvent) and event.payload["dtmf"]["digits"] == "42"
    call = Call([{"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 3}}])
    [event, *_] = call.feed(st.Digits("98765"), T0 + 1)
    assert isinstance(event, fx.SendEvent) and event.payload["dtmf"]["digits"] == "987"


def test_speech_input_reports_the_transcript_after_the_silence() -> None:
    call = Call([{"action": "input", "type": ["speech"], "speech": {"endOnSilence": 1}}])
    assert call.wake == T0 + 10  # startTimeout
    call.feed(st.Speech("sales please", confidence=0.87), T0 + 2)
    done = T0 + 2 + talk_seconds("sales please") + 1
    assert call.wake == done
    [event, *_] = call.at(done)
    assert isinstance(event, fx.SendEvent)
    assert event.payload["speech"] == {
        "timeout_reason": "end_on_silence_timeout",
        "results": [{"text": "sales please", "confidence": "0.87"}],
    }
    assert event.payload["dtmf"] == {"digits": None, "timed_out": False}


def test_speech_nobody_says_anything() -> None:
    call = Call([{"action": "input", "type": ["speech"]}])
    [event, *_] = call.at(T0 + 10)
    assert isinstance(event, fx.SendEvent)
    assert event.payload["speech"] == {"timeout_reason": "start_timeout", "results": []}


def test_barge_in_stops_the_talk_and_the_digit_goes_to_the_input() -> None:
    call = Call(
        [
            {"action": "talk", "text": "A long menu " * 10, "bargeIn": True},
            {"action": "talk", "text": "and more"},
            {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 2}},
        ]
    )
    effects = call.feed(st.Digits("3"), T0 + 1)
    assert isinstance(effects[0], fx.StopAudio)
    assert call.state.phase == "input" and call.state.digits == "3"
    [event, *_] = call.feed(st.Digits("4"), T0 + 2)
    assert isinstance(event, fx.SendEvent) and event.payload["dtmf"]["digits"] == "34"


def test_without_barge_in_digits_during_a_talk_are_lost() -> None:
    call = Call([{"action": "talk", "text": "Menu"}, {"action": "input", "type": ["dtmf"]}])
    assert call.feed(st.Digits("3"), T0 + 0.1)[:-1] == []
    call.at(T0 + 1)
    assert call.state.phase == "input" and call.state.digits == ""


def test_talk_loops_then_moves_on_and_loop_zero_repeats_until_hangup() -> None:
    seconds = talk_seconds("Hello")
    call = Call([{"action": "talk", "text": "Hello", "loop": 3}])
    call.at(T0 + 10 * seconds)  # one jump of the clock plays all three, in order
    assert len(call.of(fx.Say)) == 3
    assert call.of(fx.Hangup) == [fx.Hangup("ncco_finished")]

    call = Call([{"action": "talk", "text": "Hello", "loop": 0}])
    for n in range(1, 50):
        call.at(T0 + n * seconds)
    assert len(call.of(fx.Say)) == 50 and not call.of(fx.Hangup)
    assert call.feed(st.Hangup(), T0 + 100 * seconds)[-1:] == [] or call.state.phase == "ended"
    assert call.state.phase == "ended"


def test_stream_plays_for_the_stream_length_and_barges_like_talk() -> None:
    call = Call(
        [
            {"action": "stream", "streamUrl": ["https://x.io/a.mp3"], "loop": 2},
            {"action": "wait", "timeout": 3},
        ],
        stream_seconds=4.0,
    )
    [play] = call.of(fx.PlayStream)
    assert (play.url, play.seconds) == ("https://x.io/a.mp3", 4.0)
    call.at(T0 + 8)
    assert len(call.of(fx.PlayStream)) == 2 and call.state.phase == "wait"
    assert call.wake == T0 + 11
    call.at(T0 + 11)
    assert call.of(fx.Hangup) == [fx.Hangup("ncco_finished")]


def test_notify_sends_the_payload_and_an_empty_answer_continues() -> None:
    call = Call(
        [
            {"action": "notify", "payload": {"step": 1}, "eventUrl": ["https://x.io/n"]},
            {"action": "talk", "text": "after"},
        ]
    )
    [event] = call.of(fx.SendEvent)
    assert (event.url, event.payload, event.expects_answer) == ("https://x.io/n", {"step": 1}, True)
    assert call.state.phase == "awaiting_answer" and not call.of(fx.Say)
    call.feed(st.WebhookAnswer(None), T0 + 1)
    assert call.of(fx.Say)[0].text == "after"


def test_notify_answer_replaces_the_ncco() -> None:
    call = Call(
        [
            {"action": "notify", "payload": {}, "eventUrl": ["https://x.io/n"]},
            {"action": "talk", "text": "never"},
        ]
    )
    call.feed(st.WebhookAnswer([{"action": "talk", "text": "instead"}]), T0 + 1)
    assert [s.text for s in call.of(fx.Say)] == ["instead"]


def test_an_invalid_ncco_gets_the_error_event_and_the_call_ends() -> None:
    call = Call([{"action": "talk"}])
    [event, hangup] = call.effects
    assert isinstance(event, fx.SendEvent) and not event.expects_answer
    assert event.url == EVENTS
    assert event.payload == {
        "reason": "Syntax error in NCCO. Invalid value type or action.",
        "conversation_uuid": "CON-aaaaaaaa-0000-4000-8000-000000000002",
        "timestamp": "2023-11-14T22:13:20.000Z",
    }
    assert isinstance(hangup, fx.Hangup) and hangup.reason == "invalid_ncco"
    assert "text" in hangup.detail
    assert call.feed(st.Digits("1"), T0 + 1) == []  # nothing runs on an ended call


def test_an_invalid_ncco_from_an_input_event_ends_the_call_too() -> None:
    call = Call([{"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 1}}])
    call.feed(st.Digits("1"), T0 + 1)
    call.feed(st.WebhookAnswer({"not": "an ncco"}), T0 + 2)
    assert call.of(fx.Hangup)[0].reason == "invalid_ncco"


def _connect(**options: Any) -> list[dict[str, Any]]:
    return [
        {
            "action": "connect",
            "endpoint": [{"type": "phone", "number": "447700900002"}],
            "from": "447700900000",
            **options,
        },
        {"action": "talk", "text": "They did not answer"},
    ]


def test_connect_unanswered_falls_back_to_the_next_action_after_the_timeout() -> None:
    call = Call(_connect(timeout=20))
    [dial] = call.of(fx.Dial)
    assert (dial.timeout, dial.limit, dial.endpoint["number"]) == (20, 7200, "447700900002")
    assert call.wake == T0 + 20
    call.at(T0 + 20)
    assert call.of(fx.HangupLeg) == [fx.HangupLeg(dial.leg_uuid, "timeout")]
    assert call.of(fx.Say)[0].text == "They did not answer"


def test_synchronous_connect_asks_the_event_url_for_the_fallback_ncco() -> None:
    call = Call(_connect(eventType="synchronous", eventUrl=["https://x.io/leg"]))
    [dial] = call.of(fx.Dial)
    [event] = call.feed(st.LegEvent(dial.leg_uuid, "busy"), T0 + 3)
    assert isinstance(event, fx.SendEvent) and event.expects_answer
    assert event.url == "https://x.io/leg"
    assert event.payload["status"] == "busy" and event.payload["uuid"] == dial.leg_uuid
    assert event.payload["to"] == "447700900002" and event.payload["direction"] == "outbound"
    call.feed(
        st.WebhookAnswer([{"action": "connect", "endpoint": [{"type": "app", "user": "alice"}]}]),
        T0 + 4,
    )
    second = call.of(fx.Dial)[1]
    assert second.endpoint == {"type": "app", "user": "alice"}
    assert second.leg_uuid != dial.leg_uuid


def test_connected_call_ends_at_the_limit_then_the_ncco_goes_on() -> None:
    call = Call(_connect(limit=30))
    [dial] = call.of(fx.Dial)
    call.feed(st.LegEvent(dial.leg_uuid, "ringing"), T0 + 1)
    call.feed(st.LegEvent(dial.leg_uuid, "answered"), T0 + 5)
    assert call.state.phase == "connected" and call.wake == T0 + 35
    call.at(T0 + 35)
    assert call.of(fx.HangupLeg) == [fx.HangupLeg(dial.leg_uuid, "limit")]
    assert call.of(fx.Say)[0].text == "They did not answer"


def test_connected_leg_hanging_up_continues_and_caller_hangup_ends_the_leg() -> None:
    call = Call(_connect())
    [dial] = call.of(fx.Dial)
    call.feed(st.LegEvent(dial.leg_uuid, "answered"), T0 + 5)
    call.feed(st.LegEvent(dial.leg_uuid, "completed"), T0 + 50)
    assert call.of(fx.Say)

    call = Call(_connect())
    [dial] = call.of(fx.Dial)
    call.feed(st.LegEvent(dial.leg_uuid, "answered"), T0 + 5)
    assert call.feed(st.Hangup(), T0 + 9) == [fx.HangupLeg(dial.leg_uuid, "caller_hung_up")]


def test_conversation_joins_and_ends_with_the_conversation() -> None:
    call = Call(
        [
            {
                "action": "conversation",
                "name": "standup",
                "startOnEnter": False,
                "musicOnHoldUrl": ["https://x.io/hold.mp3"],
                "record": True,
            }
        ]
    )
    [join] = call.of(fx.Join)
    assert join.name == "standup" and not join.start_on_enter and join.record
    assert join.music_on_hold_url == "https://x.io/hold.mp3"
    assert call.state.phase == "conversation" and call.wake is None
    call.feed(st.ConversationEnded(), T0 + 60)
    assert call.of(fx.Hangup) == [fx.Hangup("conversation_ended")]

    call = Call([{"action": "conversation", "name": "standup"}])
    assert call.feed(st.Hangup(), T0 + 5) == [fx.Leave("standup")]


def test_asynchronous_split_recording_runs_beside_the_ncco_until_hangup() -> None:
    call = Call(
        [
            {"action": "record", "split": "conversation", "eventUrl": ["https://x.io/rec"]},
            {"action": "talk", "text": "This call is recorded"},
            {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 1}},
        ]
    )
    assert call.state.phase == "talk"  # record did not hold the NCCO
    call.at(T0 + 10)
    call.feed(st.Digits("5"), T0 + 11)
    call.feed(st.WebhookAnswer(None), T0 + 12)  # the NCCO ends; the recording with it
    [stop] = call.of(fx.StopRecording)
    recording = stop.recording
    assert recording.channels == 2 and recording.end_time == T0 + 12
    kinds = {(s.kind, s.channel) for s in recording.sounds}
    assert kinds == {("talk", 1), ("dtmf", 0)}  # what the caller heard right, pressed left
    event = next(e for e in call.of(fx.SendEvent) if "recording_url" in e.payload)
    assert event.url == "https://x.io/rec"

    data = wav_bytes(recording)
    assert len(data) == recording.size
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, 16000)
        assert wav.getnframes() == 12 * 16000
        frames = wav.readframes(wav.getnframes())
    samples = memoryview(frames).cast("h")
    left, right = samples[0::2], samples[1::2]
    talk_end = int(talk_seconds("This call is recorded") * 16000)
    assert any(right[:talk_end]) and not any(left[:talk_end])  # the talk is on the right
    digit = 11 * 16000
    assert any(left[digit : digit + 3200]) and not any(right[digit : digit + 3200])


def test_record_timeout_and_end_on_silence() -> None:
    call = Call([{"action": "record", "timeOut": 3}, {"action": "wait", "timeout": 60}])
    call.at(T0 + 100)
    [stop] = call.of(fx.StopRecording)
    assert stop.recording.end_time == T0 + 3  # at its due time, however far the clock went

    call = Call([{"action": "record", "endOnSilence": 3}, {"action": "talk", "text": "bye"}])
    assert call.state.phase == "record" and call.wake == T0 + 3
    call.feed(st.Speech("hello there"), T0 + 1)
    quiet = T0 + 1 + talk_seconds("hello there")
    assert call.wake == quiet + 3
    call.at(quiet + 3)
    [stop] = call.of(fx.StopRecording)
    assert stop.recording.end_time == quiet + 3
    assert call.of(fx.Say)[0].text == "bye"


def test_multichannel_recording_is_a_wav_of_that_many_channels() -> None:
    call = Call([{"action": "record", "channels": 3, "timeOut": 3}, {"action": "wait"}])
    call.at(T0 + 3)
    [stop] = call.of(fx.StopRecording)
    assert stop.recording.format == "wav"
    with wave.open(io.BytesIO(wav_bytes(stop.recording))) as wav:
        assert wav.getnchannels() == 3 and wav.getnframes() == 3 * 16000


def test_wait_transfer_and_clamped_wait() -> None:
    call = Call(
        [
            {"action": "wait", "timeout": 0},
            {"action": "transfer", "conversationId": "CON-other"},
            {"action": "talk", "text": "never"},
        ]
    )
    assert call.wake == T0 + 0.1
    call.at(T0 + 0.1)
    assert call.of(fx.Transfer)[0].conversation_id == "CON-other"
    assert call.state.phase == "transferred" and not call.of(fx.Say)


def test_the_same_call_gives_the_same_ids() -> None:
    first, second = Call(_connect()), Call(_connect())
    assert first.of(fx.Dial) == second.of(fx.Dial)
