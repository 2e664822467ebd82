"""What the engine asks its driver (the Voice API) to do: the outputs of `step`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ringback.ncco.recording import FinishedRecording


@dataclass(frozen=True)
class Say:
    """Speak to the handset, `seconds` long (one play; `loop` plays are separate Says)."""

    text: str
    language: str
    style: int
    level: float
    premium: bool
    seconds: float
    via: Literal["ncco", "api"] = "ncco"  # "api": PUT /v1/calls/{uuid}/talk
    at: float | None = None  # when it starts, if not the step's `now` (a loop's next play)


@dataclass(frozen=True)
class PlayStream:
    url: str
    level: float
    seconds: float
    via: Literal["ncco", "api"] = "ncco"
    at: float | None = None


@dataclass(frozen=True)
class PlayDigits:
    """DTMF tones played to the handset (PUT /v1/calls/{uuid}/dtmf)."""

    digits: str
    seconds: float


@dataclass(frozen=True)
class StopPlaying:
    """DELETE /v1/calls/{uuid}/talk or /stream stopped what the API was playing."""

    kind: Literal["talk", "stream"]
    played: float  # seconds of it that were heard


@dataclass(frozen=True)
class StopAudio:
    """Barge-in: the talk or stream being played stops now."""


@dataclass(frozen=True)
class StartRecording:
    recording_uuid: str
    format: str
    channels: int
    beep: bool


@dataclass(frozen=True)
class StopRecording:
    """The recording ended: render it (`write_wav`) and keep it for download."""

    recording: FinishedRecording


@dataclass(frozen=True)
class SendEvent:
    """A webhook, as Vonage sends it. With `expects_answer` the engine waits for a
    `WebhookAnswer` before it goes on; otherwise nothing comes back."""

    url: str
    method: str
    payload: dict[str, Any]
    expects_answer: bool
    fallback_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dial:
    """Place a new leg to `endpoint` (Vonage's endpoint JSON) in this call's conversation."""

    leg_uuid: str
    endpoint: dict[str, Any]
    from_: str | None
    random_from_number: bool
    timeout: float
    limit: float
    event_url: tuple[str, ...]
    event_method: str
    synchronous: bool
    machine_detection: str | None
    ringback_tone: str | None


@dataclass(frozen=True)
class HangupLeg:
    """End a leg this call dialled: `cancelled` while it rings, else `completed`."""

    leg_uuid: str
    reason: Literal["timeout", "limit", "caller_hung_up"]


@dataclass(frozen=True)
class Join:
    """Move this leg into the named conversation (see `conference` for the room's rules)."""

    name: str
    start_on_enter: bool
    end_on_exit: bool
    record: bool
    mute: bool
    music_on_hold_url: str | None
    can_hear: tuple[str, ...] | None
    can_speak: tuple[str, ...] | None
    event_url: tuple[str, ...]
    event_method: str


@dataclass(frozen=True)
class Leave:
    name: str


@dataclass(frozen=True)
class Transfer:
    """Move this leg into the existing conversation `conversation_id`; its NCCO ends here."""

    conversation_id: str
    can_hear: tuple[str, ...] | None
    can_speak: tuple[str, ...] | None
    mute: bool


@dataclass(frozen=True)
class WakeAt:
    """Call `step(..., TimeReached(), now)` once the clock reaches `at`. The last WakeAt of
    a step replaces every earlier one; a step without one leaves no alarm."""

    at: float


HangupReason = Literal["ncco_finished", "invalid_ncco", "conversation_ended"]


@dataclass(frozen=True)
class Hangup:
    """The platform ends the call (`completed`, disconnected by Vonage, not the user)."""

    reason: HangupReason
    detail: str = ""  # why, for logs (an invalid NCCO's reasons); not sent to the app


Effect = (
    Say
    | PlayStream
    | PlayDigits
    | StopPlaying
    | StopAudio
    | StartRecording
    | StopRecording
    | SendEvent
    | Dial
    | HangupLeg
    | Join
    | Leave
    | Transfer
    | WakeAt
    | Hangup
)
