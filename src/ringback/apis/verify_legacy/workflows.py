"""Vonage's seven legacy workflows (developer.vonage.com, verify/guides/workflows-and-events):
the events in order and the default wait after each. With `next_event_wait` every wait is that
value instead. The request ends when the wait after its last event is over, or when its code
expires, whichever is later; single-event workflows (6, 7) wait `pin_expiry` (default 300 s)."""

from __future__ import annotations

from dataclasses import dataclass

SMS = "sms"
TTS = "tts"
DEFAULT_PIN_EXPIRY = 300

# workflow id → ((event, default wait after it), ...)
WORKFLOWS: dict[int, tuple[tuple[str, int], ...]] = {
    1: ((SMS, 125), (TTS, 180), (TTS, 300)),
    2: ((SMS, 125), (SMS, 180), (TTS, 300)),
    3: ((TTS, 150), (TTS, 150)),
    4: ((SMS, 120), (SMS, 180)),
    5: ((SMS, 120), (TTS, 180)),
    6: ((SMS, DEFAULT_PIN_EXPIRY),),
    7: ((TTS, DEFAULT_PIN_EXPIRY),),
}


@dataclass(frozen=True)
class Plan:
    events: tuple[str, ...]
    waits: tuple[int, ...]  # seconds after each event before the next (or the end)
    pin_expiry: int


def plan(workflow_id: int, pin_expiry: int | None, next_event_wait: int | None) -> Plan:
    steps = WORKFLOWS[workflow_id]
    events = tuple(event for event, _ in steps)
    expiry = pin_expiry if pin_expiry is not None else DEFAULT_PIN_EXPIRY
    if len(steps) == 1:
        waits: tuple[int, ...] = (expiry,)
    elif next_event_wait is not None:
        waits = tuple(next_event_wait for _ in steps)
    else:
        waits = tuple(wait for _, wait in steps)
    return Plan(events, waits, expiry)
