"""Any order of stimuli on any NCCO: the engine never raises, and its state stays storable."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as hs

from ringback.ncco import CallState, new_call, step
from ringback.ncco import stimuli as st

ACTIONS = [
    {"action": "talk", "text": "Hello there", "bargeIn": True},
    {"action": "talk", "text": "Again", "loop": 2},
    {"action": "stream", "streamUrl": ["https://x.io/a.mp3"], "bargeIn": True},
    {"action": "input", "type": ["dtmf", "speech"], "dtmf": {"maxDigits": 2}},
    {"action": "input", "type": ["speech"], "speech": {"maxDuration": 1}},
    {"action": "record", "endOnKey": "#", "split": "conversation"},
    {"action": "record", "endOnSilence": 3, "beepStart": True},
    {"action": "record", "timeOut": 5},
    {"action": "connect", "endpoint": [{"type": "sip", "uri": "sip:a@b.c"}], "timeout": 5},
    {
        "action": "connect",
        "endpoint": [{"type": "websocket", "uri": "wss://x.io/s"}],
        "eventType": "synchronous",
    },
    {"action": "conversation", "name": "room"},
    {"action": "notify", "payload": {"a": 1}, "eventUrl": ["https://x.io/n"]},
    {"action": "wait", "timeout": 2},
]
LEG = "leg"
stimulus = hs.one_of(
    hs.just(st.TimeReached()),
    hs.builds(st.Digits, hs.text(alphabet="0123456789#*", min_size=1, max_size=4)),
    hs.builds(st.Speech, hs.sampled_from(["yes", "no thanks", "x" * 40])),
    hs.builds(st.WebhookAnswer, hs.sampled_from([None, [ACTIONS[0]], [{"bad": 1}]])),
    hs.builds(
        st.LegEvent,
        hs.just(LEG),
        hs.sampled_from(["ringing", "answered", "busy", "completed", "failed"]),
    ),
    hs.just(st.ConversationEnded()),
    hs.just(st.Hangup()),
)


@settings(max_examples=60, deadline=None)
@given(
    ncco=hs.lists(hs.sampled_from(ACTIONS), min_size=1, max_size=5),
    script=hs.lists(hs.tuples(hs.floats(0, 30), stimulus), max_size=12),
)
def test_no_order_of_stimuli_breaks_the_engine(
    ncco: list[dict[str, object]], script: list[tuple[float, st.Stimulus]]
) -> None:
    state = new_call(
        call_uuid="c", conversation_uuid="CON-c", from_="1", to="2", event_url="https://x.io/e"
    )
    now = 1000.0
    state = step(state, st.Answered(ncco), now).state
    for delay, stim in script:
        now += delay
        if isinstance(stim, st.LegEvent) and state.leg_uuid is not None:
            stim = st.LegEvent(state.leg_uuid, stim.status)
        result = step(state, stim, now)
        stored = json.loads(json.dumps(result.state.to_json()))
        assert CallState.from_json(stored) == result.state
        for recording in result.state.recordings:
            assert recording.started_at <= now
        state = result.state
