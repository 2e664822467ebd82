"""The NCCO actions, typed, with the defaults of Vonage's NCCO reference applied.

Each action keeps the JSON it came from (`raw`): the engine's state stores that JSON, and an
action is rebuilt from it with `parse_action` whenever it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

DEFAULT_LANGUAGE = "en-US"
DEFAULT_EVENT_METHOD = "POST"
WAIT_MIN, WAIT_MAX, WAIT_DEFAULT = 0.1, 7200.0, 10.0
RECORD_TIMEOUT_DEFAULT = 7200
CONNECT_TIMEOUT_DEFAULT = 60.0
CONNECT_LIMIT_DEFAULT = 7200.0


def _urls(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


@dataclass(frozen=True)
class Talk:
    text: str
    language: str = DEFAULT_LANGUAGE
    style: int = 0
    level: float = 0.0
    premium: bool = False
    loop: int = 1  # 0 = until something else ends it
    barge_in: bool = False
    raw: Json = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Stream:
    url: str
    level: float = 0.0
    loop: int = 1
    barge_in: bool = False
    raw: Json = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Input:
    dtmf: bool
    speech: bool
    dtmf_timeout: float = 3.0
    max_digits: int = 4
    submit_on_hash: bool = False
    speech_language: str = DEFAULT_LANGUAGE
    end_on_silence: float = 2.0
    start_timeout: float = 10.0
    max_duration: float = 60.0
    event_url: tuple[str, ...] = ()
    event_method: str = DEFAULT_EVENT_METHOD
    raw: Json = field(default_factory=dict, compare=False)
    asynchronous: bool = False  # `mode: asynchronous`: each digit reported as it is pressed


@dataclass(frozen=True)
class Record:
    format: str = "mp3"
    split: bool = False
    channels: int = 1
    end_on_silence: float | None = None
    end_on_key: str | None = None
    timeout: float = RECORD_TIMEOUT_DEFAULT
    beep_start: bool = False
    event_url: tuple[str, ...] = ()
    event_method: str = DEFAULT_EVENT_METHOD
    raw: Json = field(default_factory=dict, compare=False)

    @property
    def synchronous(self) -> bool:
        """Voicemail style: the NCCO waits for the recording (Vonage's recording guide)."""
        return self.end_on_silence is not None or self.end_on_key is not None


@dataclass(frozen=True)
class Conversation:
    name: str
    start_on_enter: bool = True
    end_on_exit: bool = False
    record: bool = False
    mute: bool = False
    music_on_hold_url: str | None = None
    can_hear: tuple[str, ...] | None = None
    can_speak: tuple[str, ...] | None = None
    event_url: tuple[str, ...] = ()
    event_method: str = DEFAULT_EVENT_METHOD
    raw: Json = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Connect:
    endpoint: Json
    from_: str | None = None
    random_from_number: bool = False
    timeout: float = CONNECT_TIMEOUT_DEFAULT
    limit: float = CONNECT_LIMIT_DEFAULT
    synchronous: bool = False
    machine_detection: str | None = None
    ringback_tone: str | None = None
    event_url: tuple[str, ...] = ()
    event_method: str = DEFAULT_EVENT_METHOD
    raw: Json = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Notify:
    payload: Json
    event_url: tuple[str, ...]
    event_method: str = DEFAULT_EVENT_METHOD
    raw: Json = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Wait:
    timeout: float = WAIT_DEFAULT
    raw: Json = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Transfer:
    conversation_id: str
    can_hear: tuple[str, ...] | None = None
    can_speak: tuple[str, ...] | None = None
    mute: bool = False
    raw: Json = field(default_factory=dict, compare=False)


Action = Talk | Stream | Input | Record | Conversation | Connect | Notify | Wait | Transfer


def _method(raw: Mapping[str, Any]) -> str:
    return str(raw.get("eventMethod", DEFAULT_EVENT_METHOD)).upper()


def _optional_urls(value: object) -> tuple[str, ...] | None:
    return None if value is None else _urls(value)


def _talk(raw: Json) -> Action:
    return Talk(
        text=raw["text"],
        language=raw.get("language", DEFAULT_LANGUAGE),
        style=raw.get("style", 0),
        level=float(raw.get("level", 0)),
        premium=raw.get("premium", False),
        loop=int(raw.get("loop", 1)),
        barge_in=raw.get("bargeIn", False),
        raw=raw,
    )


def _stream(raw: Json) -> Action:
    return Stream(
        url=raw["streamUrl"][0],
        level=float(raw.get("level", 0)),
        loop=int(raw.get("loop", 1)),
        barge_in=raw.get("bargeIn", False),
        raw=raw,
    )


def _input(raw: Json) -> Action:
    types = raw.get("type", ["dtmf"])
    dtmf = {**{k: raw[k] for k in ("timeOut", "maxDigits", "submitOnHash") if k in raw}}
    dtmf.update(raw.get("dtmf") or {})
    speech = raw.get("speech") or {}
    return Input(
        dtmf="dtmf" in types,
        speech="speech" in types,
        dtmf_timeout=float(dtmf.get("timeOut", 3)),
        max_digits=int(dtmf.get("maxDigits", 4)),
        submit_on_hash=bool(dtmf.get("submitOnHash", False)),
        speech_language=speech.get("language", DEFAULT_LANGUAGE),
        end_on_silence=float(speech.get("endOnSilence", 2.0)),
        start_timeout=float(speech.get("startTimeout", 10)),
        max_duration=float(speech.get("maxDuration", 60)),
        event_url=_urls(raw.get("eventUrl")),
        event_method=_method(raw),
        raw=raw,
        asynchronous=raw.get("mode") == "asynchronous",
    )


def _record(raw: Json) -> Action:
    split = raw.get("split") == "conversation" or "channels" in raw
    channels = int(raw.get("channels", 2)) if split else 1
    fmt = raw.get("format", "wav" if channels > 2 else "mp3")
    silence = raw.get("endOnSilence")
    return Record(
        format=fmt,
        split=split,
        channels=max(channels, 2) if split else 1,
        end_on_silence=None if silence is None else float(silence),
        end_on_key=raw.get("endOnKey"),
        timeout=float(raw.get("timeOut", RECORD_TIMEOUT_DEFAULT)),
        beep_start=raw.get("beepStart", False),
        event_url=_urls(raw.get("eventUrl")),
        event_method=_method(raw),
        raw=raw,
    )


def _conversation(raw: Json) -> Action:
    music = _urls(raw.get("musicOnHoldUrl"))
    return Conversation(
        name=raw["name"],
        start_on_enter=raw.get("startOnEnter", True),
        end_on_exit=raw.get("endOnExit", False),
        record=raw.get("record", False),
        mute=raw.get("mute", False),
        music_on_hold_url=music[0] if music else None,
        can_hear=_optional_urls(raw.get("canHear")),
        can_speak=_optional_urls(raw.get("canSpeak")),
        event_url=_urls(raw.get("eventUrl")),
        event_method=_method(raw),
        raw=raw,
    )


def _connect(raw: Json) -> Action:
    tone = _urls(raw.get("ringbackTone"))
    machine = raw.get("machineDetection")
    advanced = raw.get("advancedMachineDetection")
    if isinstance(advanced, dict) and "behavior" in advanced:
        machine = advanced["behavior"]
    return Connect(
        endpoint=raw["endpoint"][0],
        from_=raw.get("from"),
        random_from_number=raw.get("randomFromNumber", False),
        timeout=float(raw.get("timeout", CONNECT_TIMEOUT_DEFAULT)),
        limit=float(raw.get("limit", CONNECT_LIMIT_DEFAULT)),
        synchronous=raw.get("eventType") == "synchronous",
        machine_detection=machine,
        ringback_tone=tone[0] if tone else None,
        event_url=_urls(raw.get("eventUrl")),
        event_method=_method(raw),
        raw=raw,
    )


def _notify(raw: Json) -> Action:
    return Notify(
        payload=raw["payload"],
        event_url=_urls(raw["eventUrl"]),
        event_method=_method(raw),
        raw=raw,
    )


def _wait(raw: Json) -> Action:
    timeout = float(raw.get("timeout", WAIT_DEFAULT))
    return Wait(timeout=min(max(timeout, WAIT_MIN), WAIT_MAX), raw=raw)


def _transfer(raw: Json) -> Action:
    return Transfer(
        conversation_id=raw["conversationId"],
        can_hear=_optional_urls(raw.get("canHear")),
        can_speak=_optional_urls(raw.get("canSpeak")),
        mute=raw.get("mute", False),
        raw=raw,
    )


PARSERS = {
    "talk": _talk,
    "stream": _stream,
    "input": _input,
    "record": _record,
    "conversation": _conversation,
    "connect": _connect,
    "notify": _notify,
    "wait": _wait,
    "transfer": _transfer,
}


def parse_action(raw: Json) -> Action:
    """An action from JSON that `validate` accepted (anything else may raise KeyError)."""
    return PARSERS[raw["action"]](raw)
