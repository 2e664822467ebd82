"""Validation: every NCCO the Python SDK's models produce passes; mistakes are named."""

from __future__ import annotations

from typing import Any

import pytest
from vonage_voice.models import ncco as sdk
from vonage_voice.models.common import AdvancedMachineDetection
from vonage_voice.models.connect_endpoints import (
    AppEndpoint,
    OnAnswer,
    PhoneEndpoint,
    SipEndpoint,
    VbcEndpoint,
    WebsocketEndpoint,
)
from vonage_voice.models.input_types import Dtmf, Speech

from ringback.ncco import NccoInvalid, validate
from ringback.ncco.actions import Connect, Input, Record, Talk, Wait

HOOK = ["https://example.com/events"]
PHONE = [{"type": "phone", "number": "447700900001"}]

SDK_ACTIONS: list[sdk.NccoAction] = [
    sdk.Talk(text="Hello"),
    sdk.Talk(
        text="<speak>Hi<break time='1s'/></speak>",
        bargeIn=True,
        loop=0,
        level=-0.5,
        language="cy-GB",
        style=2,
        premium=True,
    ),
    sdk.Talk(text="Hei", language="no-NO"),
    sdk.Stream(streamUrl=["https://example.com/a.mp3"], level=1, bargeIn=False, loop=3),
    sdk.Input(type=["dtmf"]),
    sdk.Input(
        type=["dtmf", "speech"],
        dtmf=Dtmf(timeOut=10, maxDigits=20, submitOnHash=True),
        speech=Speech(
            uuid=["aaaaaaaa-bbbb-cccc-dddd-0123456789ab"],
            endOnSilence=0.4,
            language="en-GB",
            context=["sales", "support"],
            startTimeout=60,
            maxDuration=1,
            saveAudio=True,
            sensitivity=100,
        ),
        eventUrl=HOOK,
        eventMethod="GET",
    ),
    sdk.Record(),
    sdk.Record(
        format="ogg",
        channels=32,
        endOnSilence=10,
        endOnKey="#",
        timeOut=7200,
        beepStart=True,
        eventUrl=HOOK,
        eventMethod="POST",
    ),
    sdk.Record(format="wav", split="conversation", timeOut=3),
    sdk.Conversation(name="room"),
    sdk.Conversation(
        name="room",
        musicOnHoldUrl=["https://example.com/hold.mp3"],
        startOnEnter=False,
        endOnExit=True,
        record=True,
        canSpeak=["leg-1"],
        canHear=["leg-2"],
        eventUrl=HOOK,
        eventMethod="POST",
    ),
    sdk.Conversation(name="room", mute=True),
    sdk.Connect(endpoint=[PhoneEndpoint(number="447700900001")], from_="447700900000"),
    sdk.Connect(
        endpoint=[
            PhoneEndpoint(
                number="1234567",
                dtmfAnswer="1p2#",
                onAnswer=OnAnswer(url="https://example.com/ncco", ringbackTone="https://x.io/t"),
                shaken="header",
            )
        ],
        randomFromNumber=True,
        eventType="synchronous",
        timeout=45,
        limit=7200,
        machineDetection="hangup",
        advancedMachineDetection=AdvancedMachineDetection(
            behavior="continue", mode="detect_beep", beep_timeout=45
        ),
        eventUrl=HOOK,
        eventMethod="GET",
        ringbackTone=["https://example.com/ring.mp3"],
    ),
    sdk.Connect(endpoint=[AppEndpoint(user="alice")], from_="447700900000"),
    sdk.Connect(
        endpoint=[
            WebsocketEndpoint(
                uri="wss://example.com/socket",
                contentType="audio/l16;rate=16000",
                headers={"name": "value"},
            )
        ],
        from_="447700900000",
    ),
    sdk.Connect(
        endpoint=[SipEndpoint(uri="sip:rebekka@sip.example.com", headers={"a": "b"})],
        from_="447700900000",
    ),
    sdk.Connect(endpoint=[VbcEndpoint(extension="123")], from_="447700900000"),
    sdk.Notify(payload={"foo": "bar"}, eventUrl=HOOK, eventMethod="POST"),
    sdk.Wait(),
    sdk.Wait(timeout=0.01),
    sdk.Transfer(conversationId="CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab", canHear=["x"]),
]


def _dump(action: sdk.NccoAction) -> dict[str, Any]:
    """What the SDK sends: `model_dump(by_alias=True, exclude_none=True)` (voice.py)."""
    return action.model_dump(by_alias=True, exclude_none=True, mode="json")


@pytest.mark.parametrize("action", SDK_ACTIONS, ids=lambda a: type(a).__name__)
def test_every_action_the_sdk_produces_is_valid(action: sdk.NccoAction) -> None:
    [parsed] = validate([_dump(action)])
    assert parsed.raw == _dump(action)


def test_a_whole_sdk_ncco_parses_with_vonage_defaults() -> None:
    ncco = [_dump(sdk.Talk(text="Hello")), _dump(sdk.Input(type=["dtmf"])), _dump(sdk.Wait())]
    talk, inp, wait = validate(ncco)
    assert talk == Talk(text="Hello", language="en-US", style=0, loop=1, barge_in=False)
    assert isinstance(inp, Input)
    assert (inp.dtmf_timeout, inp.max_digits, inp.submit_on_hash) == (3.0, 4, False)
    assert wait == Wait(timeout=10.0)


def test_defaults_that_depend_on_other_options() -> None:
    [plain, multi] = validate([{"action": "record"}, {"action": "record", "channels": 4}])
    assert isinstance(plain, Record) and isinstance(multi, Record)
    assert (plain.format, plain.channels, plain.split, plain.synchronous) == (
        "mp3",
        1,
        False,
        False,
    )
    # more than two channels: wav, split (vonage-behaviours §5.3)
    assert (multi.format, multi.channels, multi.split) == ("wav", 4, True)
    [connect] = validate([{"action": "connect", "endpoint": PHONE}])
    assert isinstance(connect, Connect)
    assert (connect.timeout, connect.limit, connect.synchronous) == (60.0, 7200.0, False)


BAD: list[tuple[object, str]] = [
    ([], "non-empty array"),
    ({"action": "talk", "text": "hi"}, "non-empty array"),
    ([{"text": "hi"}], "[0]: missing action"),
    ([{"action": "dance"}], "[0]: unknown action 'dance'"),
    (["talk"], "[0]: an action is an object"),
    ([{"action": "talk"}], "'text' is a required property"),
    ([{"action": "talk", "text": 5}], "[0] talk.text: 5 is not of type 'string'"),
    ([{"action": "talk", "text": "x" * 1501}], "[0] talk.text: "),
    ([{"action": "talk", "text": "hi", "loop": -1}], "[0] talk.loop: -1 is less than"),
    ([{"action": "talk", "text": "hi", "level": 2}], "[0] talk.level: 2 is greater than"),
    ([{"action": "talk", "text": "hi", "bargeIn": "yes"}], "talk.bargeIn: 'yes' is not of type"),
    ([{"action": "talk", "text": "hi", "language": "english please"}], "talk.language"),
    ([{"action": "stream"}], "'streamUrl' is a required property"),
    ([{"action": "stream", "streamUrl": ["ftp://x"]}], "stream.streamUrl[0]"),
    ([{"action": "input"}], "'type' is a required property"),
    ([{"action": "input", "type": ["smell"]}], "input.type[0]"),
    ([{"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 21}}], "input.dtmf.maxDigits"),
    ([{"action": "input", "type": ["dtmf"], "dtmf": {"timeOut": 11}}], "input.dtmf.timeOut"),
    (
        [{"action": "input", "type": ["speech"], "speech": {"endOnSilence": 0.1}}],
        "speech.endOnSilence",
    ),
    ([{"action": "record", "timeOut": 2}], "[0] record.timeOut: 2 is less than"),
    ([{"action": "record", "endOnSilence": 11}], "record.endOnSilence: 11 is greater"),
    ([{"action": "record", "endOnKey": "ab"}], "record.endOnKey"),
    ([{"action": "record", "channels": 33}], "record.channels"),
    ([{"action": "record", "format": "flac"}], "record.format"),
    ([{"action": "conversation"}], "'name' is a required property"),
    ([{"action": "conversation", "name": "r", "mute": True, "canSpeak": ["a"]}], "mute cannot"),
    ([{"action": "connect"}], "'endpoint' is a required property"),
    ([{"action": "connect", "endpoint": []}], "connect.endpoint"),
    ([{"action": "connect", "endpoint": [{"type": "fax"}]}], "endpoint[0].type: must be one of"),
    ([{"action": "connect", "endpoint": [{"type": "phone"}]}], "'number' is a required property"),
    (
        [{"action": "connect", "endpoint": [{"type": "phone", "number": "+44 7700"}]}],
        "endpoint[0].number",
    ),
    ([{"action": "connect", "endpoint": [{"type": "sip", "uri": "http://x"}]}], "endpoint[0].uri"),
    (
        [{"action": "connect", "endpoint": [{"type": "websocket", "uri": "https://x"}]}],
        "endpoint[0].uri",
    ),
    ([{"action": "connect", "endpoint": [{"type": "app"}]}], "'user' is a required property"),
    ([{"action": "connect", "endpoint": PHONE, "limit": 7201}], "connect.limit"),
    ([{"action": "connect", "endpoint": PHONE, "eventType": "async"}], "connect.eventType"),
    (
        [
            {
                "action": "connect",
                "endpoint": PHONE,
                "from": "447700900000",
                "randomFromNumber": True,
            }
        ],
        "from cannot be combined",
    ),
    ([{"action": "notify", "payload": {}}], "'eventUrl' is a required property"),
    ([{"action": "notify", "eventUrl": HOOK}], "'payload' is a required property"),
    ([{"action": "notify", "payload": [], "eventUrl": HOOK}], "notify.payload"),
    ([{"action": "wait", "timeout": "ten"}], "wait.timeout"),
    ([{"action": "transfer"}], "'conversationId' is a required property"),
    ([{"action": "input", "type": ["dtmf"], "eventMethod": "PUT"}], "input.eventMethod"),
    (
        [{"action": "talk", "text": "a", "bargeIn": True}, {"action": "record"}],
        "next non-talk action must be input",
    ),
]


@pytest.mark.parametrize(("ncco", "reason"), BAD, ids=[r for _, r in BAD])
def test_bad_nccos_are_refused_with_the_reason(ncco: object, reason: str) -> None:
    with pytest.raises(NccoInvalid) as refused:
        validate(ncco)
    assert any(reason in r for r in refused.value.reasons), refused.value.reasons


def test_every_mistake_is_reported_not_only_the_first() -> None:
    with pytest.raises(NccoInvalid) as refused:
        validate([{"action": "talk"}, {"action": "dance"}, {"action": "record", "timeOut": 1}])
    assert len(refused.value.reasons) == 3
    assert [r[:3] for r in refused.value.reasons] == ["[0]", "[1]", "[2]"]


def test_barge_in_before_an_input_is_fine() -> None:
    validate(
        [
            {"action": "talk", "text": "a", "bargeIn": True},
            {"action": "talk", "text": "b"},
            {"action": "input", "type": ["dtmf"]},
            {"action": "record"},
        ]
    )
