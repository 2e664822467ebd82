"""What happens to a call from outside the NCCO: the inputs of `step`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Answered:
    """The call is answered and its NCCO arrived (the answer_url's answer or the request's)."""

    ncco: object


@dataclass(frozen=True)
class Digits:
    """DTMF pressed on the handset, in order."""

    digits: str


@dataclass(frozen=True)
class Speech:
    """Words said on the handset: the transcript the simulated handset provides."""

    text: str
    confidence: float = 0.9


@dataclass(frozen=True)
class TimeReached:
    """Ringback's clock reached a time the engine asked to be woken at (or later)."""


@dataclass(frozen=True)
class WebhookAnswer:
    """The eventUrl answered an event that may return an NCCO (input, notify, synchronous
    connect): `ncco` is its parsed JSON body, or None for an empty body or a failure after
    retries and fallback (the call flow then continues)."""

    ncco: object | None


LegStatus = Literal[
    "ringing", "answered", "busy", "unanswered", "failed", "rejected", "timeout", "completed"
]


@dataclass(frozen=True)
class LegEvent:
    """What happened to the leg a `connect` dialled; `completed` = it hung up."""

    leg_uuid: str
    status: LegStatus
    detail: str | None = None


@dataclass(frozen=True)
class ConversationEnded:
    """The named conversation this leg is in ended (e.g. a moderator with endOnExit left)."""


@dataclass(frozen=True)
class Hangup:
    """The handset (or the REST API) hung this leg up."""


@dataclass(frozen=True)
class TalkIntoCall:
    """PUT /v1/calls/{uuid}/talk: speech played into the call over whatever the NCCO plays."""

    text: str
    language: str = "en-US"
    style: int = 0
    level: float = 0.0
    premium: bool = False
    loop: int = 1  # 0 = until stopped or the call ends


@dataclass(frozen=True)
class StreamIntoCall:
    """PUT /v1/calls/{uuid}/stream: audio played into the call over the NCCO."""

    url: str
    level: float = 0.0
    loop: int = 1


@dataclass(frozen=True)
class StopIntoCall:
    """DELETE /v1/calls/{uuid}/talk or /stream."""

    kind: Literal["talk", "stream"]


@dataclass(frozen=True)
class DtmfIntoCall:
    """PUT /v1/calls/{uuid}/dtmf: tones played to the handset (`p` is a 500 ms pause)."""

    digits: str


@dataclass(frozen=True)
class ListenDtmf:
    """PUT /v1/calls/{uuid}/input/dtmf (`url`) or DELETE (None): where an asynchronous
    input reports each digit."""

    url: str | None


Stimulus = (
    Answered | Digits | Speech | TimeReached | WebhookAnswer | LegEvent | ConversationEnded | Hangup
    | TalkIntoCall | StreamIntoCall | StopIntoCall | DtmfIntoCall | ListenDtmf
)  # fmt: skip
