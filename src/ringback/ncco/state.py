"""A call's NCCO state between steps: plain data that round-trips through JSON exactly."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ringback.ncco.actions import Json
from ringback.ncco.recording import Sound

Phase = Literal[
    "ringing",  # not answered yet
    "talk",
    "stream",
    "input",
    "record",  # a synchronous record holds the NCCO
    "wait",
    "awaiting_answer",  # an eventUrl may answer with an NCCO (input, notify, connect)
    "connecting",
    "connected",
    "conversation",
    "transferred",
    "ended",
]
FILES_URL = "https://api.nexmo.com/v1/files/"
STREAM_SECONDS = 5.0


@dataclass
class ActiveRecording:
    recording_uuid: str
    started_at: float
    ends_at: float  # timeOut
    channels: int
    split: bool
    format: str
    synchronous: bool
    end_on_key: str | None
    end_on_silence: float | None
    quiet_since: float  # when the caller last stopped making a sound
    event_url: str
    event_method: str
    sounds: list[Sound] = field(default_factory=list)

    @property
    def silence_ends_at(self) -> float | None:
        if self.end_on_silence is None:
            return None
        return self.quiet_since + self.end_on_silence

    @property
    def due_at(self) -> float:
        silence = self.silence_ends_at
        return self.ends_at if silence is None else min(self.ends_at, silence)


@dataclass
class Playing:
    """A talk or stream the REST API plays into the call, over the NCCO."""

    kind: Literal["talk", "stream"]
    text: str  # the talk's text, or the stream's URL
    language: str
    style: int
    level: float
    premium: bool
    loop: int  # 0 = until stopped
    seconds: float  # one play
    started_at: float  # this play's start
    loops_done: int = 0

    @property
    def ends_at(self) -> float:
        return self.started_at + self.seconds


@dataclass
class CallState:
    """One leg's NCCO run. `stream_seconds` is how long a `stream` plays: Ringback does not
    fetch the audio, the driver may set what it measured."""

    call_uuid: str
    conversation_uuid: str
    from_: str
    to: str
    event_url: str
    event_method: str = "POST"
    files_url: str = FILES_URL
    stream_seconds: float = STREAM_SECONDS
    phase: Phase = "ringing"
    ncco: list[Json] = field(default_factory=list)
    index: int = 0
    wake_at: float | None = None
    loops_done: int = 0
    barge_in: bool = False
    digits: str = ""
    speech_text: str | None = None
    speech_confidence: float = 0.0
    speech_reason: str | None = None
    leg_uuid: str | None = None
    serial: int = 0
    recordings: list[ActiveRecording] = field(default_factory=list)
    playing: list[Playing] = field(default_factory=list)
    async_dtmf_url: str | None = None  # an asynchronous input is reporting digits here
    async_dtmf_method: str = "POST"
    dtmf_listener: str | None = None  # PUT /v1/calls/{uuid}/input/dtmf: overrides the above

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallState:
        values = copy.deepcopy(data)
        values["recordings"] = [
            ActiveRecording(**{**r, "sounds": [Sound.from_json(s) for s in r["sounds"]]})
            for r in values["recordings"]
        ]
        values["playing"] = [Playing(**p) for p in values.get("playing", [])]
        return cls(**values)

    def copy(self) -> CallState:
        return copy.deepcopy(self)
