"""What a recording heard: the sounds on the line, placed in time and on channels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

SAMPLE_RATE = 16_000  # Vonage records 16-bit, 16 kHz (recording guide)
SAMPLE_BYTES = 2
WAV_HEADER_BYTES = 44

SoundKind = Literal["dtmf", "speech", "talk", "stream", "beep"]
CALLER, HEARD = 0, 1  # split recordings: the caller left, what the caller hears right


@dataclass(frozen=True)
class Sound:
    """`offset` seconds after the recording started, `seconds` long, on `channel`."""

    offset: float
    seconds: float
    kind: SoundKind
    text: str
    channel: int
    level: float = 0.0  # Vonage's -1..1 volume; 0 is normal

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "offset": self.offset,
            "seconds": self.seconds,
            "kind": self.kind,
            "text": self.text,
            "channel": self.channel,
        }
        if self.level:
            data["level"] = self.level
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sound:
        return cls(
            offset=data["offset"],
            seconds=data["seconds"],
            kind=data["kind"],
            text=data["text"],
            channel=data["channel"],
            level=data.get("level", 0.0),
        )


def frame_count(seconds: float) -> int:
    return max(0, round(seconds * SAMPLE_RATE))


def wav_size(seconds: float, channels: int) -> int:
    """The size in bytes of the WAV `write_wav` makes: what the record event reports."""
    return WAV_HEADER_BYTES + frame_count(seconds) * channels * SAMPLE_BYTES


@dataclass(frozen=True)
class FinishedRecording:
    recording_uuid: str
    conversation_uuid: str
    start_time: float
    end_time: float
    format: str  # what the NCCO asked for; the file Ringback writes is always WAV
    channels: int
    sounds: tuple[Sound, ...]

    @property
    def seconds(self) -> float:
        return self.end_time - self.start_time

    @property
    def size(self) -> int:
        return wav_size(self.seconds, self.channels)
