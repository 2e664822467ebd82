"""The NCCO interpreter: `step(state, stimulus, now) -> Step(state, effects)`, a pure function.

It reads no clock (time is `now`), makes no request and touches no database: the driver (the
Voice API) persists `Step.state`, carries out `Step.effects` and feeds back what happens. When
the clock jumps past several due times, one `TimeReached` runs them all in order, each at its
own due time, so event timestamps and recording lengths do not depend on how far a test advanced.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ringback.ncco import effects as fx
from ringback.ncco import events, line
from ringback.ncco import stimuli as st
from ringback.ncco.actions import (
    Connect,
    Conversation,
    Input,
    Notify,
    Record,
    Stream,
    Talk,
    Transfer,
    Wait,
    parse_action,
)
from ringback.ncco.recording import CALLER, HEARD, FinishedRecording, Sound, SoundKind
from ringback.ncco.state import FILES_URL, STREAM_SECONDS, ActiveRecording, CallState
from ringback.ncco.timing import BEEP_SECONDS, dtmf_seconds, talk_seconds
from ringback.ncco.validation import NccoInvalid, validate_json

FAILED_LEG = ("busy", "unanswered", "failed", "rejected", "timeout")
ENDED = ("ended", "transferred")


@dataclass(frozen=True)
class Step:
    state: CallState
    effects: tuple[fx.Effect, ...]


def new_call(
    *,
    call_uuid: str,
    conversation_uuid: str,
    from_: str,
    to: str,
    event_url: str,
    event_method: str = "POST",
    files_url: str = FILES_URL,
    stream_seconds: float = STREAM_SECONDS,
) -> CallState:
    """A leg that rings; `step(state, Answered(ncco), now)` starts its NCCO."""
    return CallState(
        call_uuid=call_uuid,
        conversation_uuid=conversation_uuid,
        from_=from_,
        to=to,
        event_url=event_url,
        event_method=event_method,
        files_url=files_url,
        stream_seconds=stream_seconds,
    )


def step(state: CallState, stimulus: st.Stimulus, now: float) -> Step:
    if state.phase in ENDED:
        return Step(state, ())
    s = state.copy()
    out: list[fx.Effect] = []
    _run_due(s, now, out)
    match stimulus:
        case st.Answered(ncco=ncco):
            if s.phase == "ringing":
                _replace_ncco(s, ncco, now, out)
        case st.TimeReached():
            pass
        case st.Digits(digits=digits):
            _on_digits(s, digits, now, out)
        case st.Speech(text=text, confidence=confidence):
            _on_speech(s, text, confidence, now, out)
        case st.WebhookAnswer(ncco=ncco):
            if s.phase == "awaiting_answer":
                if ncco is None:
                    _advance(s, now, out)
                else:
                    _replace_ncco(s, ncco, now, out)
        case st.LegEvent():
            _on_leg(s, stimulus, now, out)
        case st.ConversationEnded():
            if s.phase == "conversation":
                _end_call(s, now, out, "conversation_ended")
        case st.Hangup():
            _on_hangup(s, now, out)
        case st.TalkIntoCall() | st.StreamIntoCall():
            line.start(s, stimulus, now, out)
        case st.StopIntoCall(kind=kind):
            line.stop(s, kind, now, out)
        case st.DtmfIntoCall(digits=digits):
            line.send_digits(s, digits, now, out)
        case st.ListenDtmf(url=url):
            s.dtmf_listener = url
    wake = _next_wake(s)
    if s.phase not in ENDED and wake is not None:
        out.append(fx.WakeAt(wake))
    return Step(s, tuple(out))


# --- running the NCCO -----------------------------------------------------------------------


def _replace_ncco(s: CallState, ncco: object, now: float, out: list[fx.Effect]) -> None:
    try:
        actions = validate_json(ncco)
    except NccoInvalid as invalid:
        out.append(_event(s, s.event_url, s.event_method, events.error_event(s, now), False))
        _end_call(s, now, out, "invalid_ncco", detail="; ".join(invalid.reasons))
        return
    s.ncco = [dict(a) for a in actions]
    s.index = 0
    _run(s, now, out)


def _run(s: CallState, now: float, out: list[fx.Effect]) -> None:
    """Start actions from `s.index` until one holds the call or the NCCO runs out."""
    while s.phase not in ENDED:
        if s.index >= len(s.ncco):
            _end_call(s, now, out, "ncco_finished")
            return
        _reset_action(s)
        if _begin(s, now, out):
            return
        s.index += 1


def _advance(s: CallState, now: float, out: list[fx.Effect]) -> None:
    s.index += 1
    _run(s, now, out)


def _reset_action(s: CallState) -> None:
    s.wake_at = None
    s.loops_done = 0
    s.digits = ""
    s.speech_text = None
    s.speech_reason = None
    s.leg_uuid = None


def _begin(s: CallState, now: float, out: list[fx.Effect]) -> bool:
    """Start the current action; True when it holds the call until something happens."""
    action = parse_action(s.ncco[s.index])
    match action:
        case Talk() | Stream():
            s.barge_in = s.barge_in or action.barge_in
            s.phase = "talk" if isinstance(action, Talk) else "stream"
            _play(s, action, now, out)
        case Input() if action.asynchronous:
            s.async_dtmf_url = action.event_url[0] if action.event_url else s.event_url
            s.async_dtmf_method = action.event_method
            return False
        case Input():
            s.barge_in = False
            s.phase = "input"
            waits = []
            if action.dtmf:
                waits.append(action.dtmf_timeout)
            if action.speech:
                waits.append(action.start_timeout)
            s.wake_at = now + max(waits)
        case Record():
            recording = _start_recording(s, action, now, out)
            if not recording.synchronous:
                return False
            s.phase = "record"
        case Wait():
            s.phase = "wait"
            s.wake_at = now + action.timeout
        case Notify():
            s.phase = "awaiting_answer"
            out.append(
                _event(s, action.event_url[0], action.event_method, dict(action.payload), True)
            )
        case Connect():
            _dial(s, action, now, out)
        case Conversation():
            s.phase = "conversation"
            out.append(
                fx.Join(
                    name=action.name,
                    start_on_enter=action.start_on_enter,
                    end_on_exit=action.end_on_exit,
                    record=action.record,
                    mute=action.mute,
                    music_on_hold_url=action.music_on_hold_url,
                    can_hear=action.can_hear,
                    can_speak=action.can_speak,
                    event_url=action.event_url,
                    event_method=action.event_method,
                )
            )
        case Transfer():
            _stop_all_recordings(s, now, out)
            s.phase = "transferred"
            out.append(
                fx.Transfer(
                    conversation_id=action.conversation_id,
                    can_hear=action.can_hear,
                    can_speak=action.can_speak,
                    mute=action.mute,
                )
            )
    return True


def _end_call(
    s: CallState, now: float, out: list[fx.Effect], reason: fx.HangupReason, detail: str = ""
) -> None:
    _stop_all_recordings(s, now, out)
    line.stop_everything(s)
    s.phase = "ended"
    s.wake_at = None
    out.append(fx.Hangup(reason=reason, detail=detail))


def _event(
    s: CallState, url: str | None, method: str | None, payload: dict[str, Any], answer: bool
) -> fx.SendEvent:
    return fx.SendEvent(
        url=url or s.event_url,
        method=(method or s.event_method).upper(),
        payload=payload,
        expects_answer=answer,
    )


def _derived_id(s: CallState, kind: str) -> str:
    """Ids made from the call's own uuid: the engine stays pure and a run repeatable."""
    s.serial += 1
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ringback:{s.call_uuid}:{kind}:{s.serial}"))


# --- time -----------------------------------------------------------------------------------


def _next_wake(s: CallState) -> float | None:
    times = [r.due_at for r in s.recordings]
    if (played := line.next_due(s)) is not None:
        times.append(played)
    if s.wake_at is not None:
        times.append(s.wake_at)
    return min(times, default=None)


def _run_due(s: CallState, now: float, out: list[fx.Effect]) -> None:
    """Everything due by `now`, in time order, each at its own due time."""
    while s.phase not in ENDED:
        due = _next_wake(s)
        if due is None or due > now:
            return
        finished = next((r for r in s.recordings if r.due_at <= due), None)
        if finished is not None:
            _stop_recording(s, finished, due, out)
            continue
        if line.finish_due(s, due, out):
            continue
        s.wake_at = None
        _on_timer(s, due, out)


def _on_timer(s: CallState, now: float, out: list[fx.Effect]) -> None:
    action = parse_action(s.ncco[s.index])
    match action:
        case Talk() | Stream():
            s.loops_done += 1
            if action.loop == 0 or s.loops_done < action.loop:
                _play(s, action, now, out)
            else:
                _advance(s, now, out)
        case Input():
            _submit_input(s, action, now, out, timed_out=True)
        case Wait():
            _advance(s, now, out)
        case Connect() if s.phase == "connecting" and s.leg_uuid is not None:
            out.append(fx.HangupLeg(s.leg_uuid, "timeout"))
            _leg_failed(s, action, "timeout", None, now, out)
        case Connect() if s.phase == "connected" and s.leg_uuid is not None:
            out.append(fx.HangupLeg(s.leg_uuid, "limit"))
            _advance(s, now, out)
        case _:
            pass


# --- talk and stream ------------------------------------------------------------------------


def _play(s: CallState, action: Talk | Stream, now: float, out: list[fx.Effect]) -> None:
    if isinstance(action, Talk):
        seconds = talk_seconds(action.text)
        out.append(
            fx.Say(
                text=action.text,
                language=action.language,
                style=action.style,
                level=action.level,
                premium=action.premium,
                seconds=seconds,
                at=now,
            )
        )
        _hear(s, now, "talk", action.text, seconds, HEARD, action.level)
    else:
        seconds = s.stream_seconds
        out.append(fx.PlayStream(url=action.url, level=action.level, seconds=seconds, at=now))
        _hear(s, now, "stream", action.url, seconds, HEARD, action.level)
    s.wake_at = now + seconds


def _barge(s: CallState, now: float, out: list[fx.Effect]) -> bool:
    """Caller input during a bargeIn talk or stream: the audio stops, the input starts."""
    if s.phase not in ("talk", "stream") or not s.barge_in:
        return False
    out.append(fx.StopAudio())
    s.index += 1
    while s.index < len(s.ncco) and s.ncco[s.index]["action"] in ("talk", "stream"):
        s.index += 1
    _run(s, now, out)
    phase: str = s.phase  # _run moved it on
    return phase == "input"


# --- input ----------------------------------------------------------------------------------


def _on_digits(s: CallState, digits: str, now: float, out: list[fx.Effect]) -> None:
    if s.phase in ENDED:
        return
    _hear(s, now, "dtmf", digits, dtmf_seconds(digits), CALLER)
    ended_by_key = [r for r in s.recordings if r.end_on_key and r.end_on_key in digits]
    for recording in ended_by_key:
        _stop_recording(s, recording, now, out)
    if ended_by_key:
        return  # the key ends the recording; it is no input to what follows
    if s.phase != "input" and not _barge(s, now, out):
        line.report_digits(s, digits, now, out)
        return
    action = parse_action(s.ncco[s.index])
    if not isinstance(action, Input) or not action.dtmf or s.speech_text is not None:
        return
    for digit in digits:
        if action.submit_on_hash and digit == "#":
            _submit_input(s, action, now, out, timed_out=False)
            return
        s.digits += digit
        if len(s.digits) >= action.max_digits:
            _submit_input(s, action, now, out, timed_out=False)
            return
    s.wake_at = now + action.dtmf_timeout


def _on_speech(
    s: CallState, text: str, confidence: float, now: float, out: list[fx.Effect]
) -> None:
    if s.phase in ENDED:
        return
    said = talk_seconds(text)
    _hear(s, now, "speech", text, said, CALLER)
    if s.phase != "input" and not _barge(s, now, out):
        return
    action = parse_action(s.ncco[s.index])
    if not isinstance(action, Input) or not action.speech or s.speech_text is not None:
        return
    if s.digits:
        return
    s.speech_text, s.speech_confidence = text, confidence
    if said > action.max_duration:
        s.speech_reason = "max_duration"
        s.wake_at = now + action.max_duration
    else:
        s.speech_reason = "end_on_silence_timeout"
        s.wake_at = now + said + action.end_on_silence


def _submit_input(
    s: CallState, action: Input, now: float, out: list[fx.Effect], *, timed_out: bool
) -> None:
    speech: dict[str, Any] | None
    if s.speech_text is not None:
        reason = s.speech_reason or "end_on_silence_timeout"
        speech = events.speech_result(s.speech_text, s.speech_confidence, reason)
        payload = events.input_event(s, now, digits=None, timed_out=False, speech=speech)
    elif action.dtmf and (s.digits or not action.speech or timed_out):
        speech = events.speech_result(None, 0, "start_timeout") if action.speech else None
        payload = events.input_event(s, now, digits=s.digits, timed_out=timed_out, speech=speech)
    else:
        speech = events.speech_result(None, 0, "start_timeout")
        payload = events.input_event(s, now, digits=None, timed_out=False, speech=speech)
    s.wake_at = None
    s.phase = "awaiting_answer"
    url = action.event_url[0] if action.event_url else None
    out.append(_event(s, url, action.event_method, payload, True))


# --- record ---------------------------------------------------------------------------------


def _start_recording(
    s: CallState, action: Record, now: float, out: list[fx.Effect]
) -> ActiveRecording:
    recording = ActiveRecording(
        recording_uuid=_derived_id(s, "recording"),
        started_at=now,
        ends_at=now + action.timeout,
        channels=action.channels,
        split=action.split,
        format=action.format,
        synchronous=action.synchronous,
        end_on_key=action.end_on_key,
        end_on_silence=action.end_on_silence,
        quiet_since=now,
        event_url=action.event_url[0] if action.event_url else s.event_url,
        event_method=action.event_method,
    )
    s.recordings.append(recording)
    out.append(
        fx.StartRecording(
            recording_uuid=recording.recording_uuid,
            format=recording.format,
            channels=recording.channels,
            beep=action.beep_start,
        )
    )
    if action.beep_start:
        lane = HEARD if action.split else CALLER
        recording.sounds.append(Sound(0.0, BEEP_SECONDS, "beep", "", lane))
        recording.quiet_since = now + BEEP_SECONDS
    return recording


def _hear(
    s: CallState,
    now: float,
    kind: SoundKind,
    text: str,
    seconds: float,
    channel: int,
    level: float = 0.0,
) -> None:
    line.hear(s, now, kind, text, seconds, channel, level)


def _stop_recording(
    s: CallState, recording: ActiveRecording, end: float, out: list[fx.Effect]
) -> None:
    s.recordings.remove(recording)
    finished = FinishedRecording(
        recording_uuid=recording.recording_uuid,
        conversation_uuid=s.conversation_uuid,
        start_time=recording.started_at,
        end_time=end,
        format=recording.format,
        channels=recording.channels,
        sounds=tuple(recording.sounds),
    )
    out.append(fx.StopRecording(finished))
    payload = events.record_event(s, finished)
    out.append(_event(s, recording.event_url, recording.event_method, payload, False))
    if s.phase == "record" and recording.synchronous:
        _advance(s, end, out)


def _stop_all_recordings(s: CallState, now: float, out: list[fx.Effect]) -> None:
    phase, s.phase = s.phase, "ended"  # the call is over: nothing runs after a record
    for recording in list(s.recordings):
        _stop_recording(s, recording, now, out)
    s.phase = phase


# --- connect --------------------------------------------------------------------------------


def _address(endpoint: dict[str, Any]) -> str:
    for key in ("number", "uri", "user", "extension"):
        if key in endpoint:
            return str(endpoint[key])
    return ""


def _dial(s: CallState, action: Connect, now: float, out: list[fx.Effect]) -> None:
    s.phase = "connecting"
    s.leg_uuid = _derived_id(s, "leg")
    s.wake_at = now + action.timeout
    out.append(
        fx.Dial(
            leg_uuid=s.leg_uuid,
            endpoint=dict(action.endpoint),
            from_=action.from_,
            random_from_number=action.random_from_number,
            timeout=action.timeout,
            limit=action.limit,
            event_url=action.event_url,
            event_method=action.event_method,
            synchronous=action.synchronous,
            machine_detection=action.machine_detection,
            ringback_tone=action.ringback_tone,
        )
    )


def _on_leg(s: CallState, event: st.LegEvent, now: float, out: list[fx.Effect]) -> None:
    if s.leg_uuid != event.leg_uuid or s.phase not in ("connecting", "connected"):
        return
    action = parse_action(s.ncco[s.index])
    assert isinstance(action, Connect)
    if s.phase == "connecting":
        if event.status == "answered":
            s.phase = "connected"
            s.wake_at = now + action.limit
        elif event.status in FAILED_LEG or event.status == "completed":
            status = "unanswered" if event.status == "completed" else event.status
            _leg_failed(s, action, status, event.detail, now, out)
    elif event.status == "completed":
        _advance(s, now, out)


def _leg_failed(
    s: CallState,
    action: Connect,
    status: str,
    detail: str | None,
    now: float,
    out: list[fx.Effect],
) -> None:
    """The fallback: a synchronous connect asks its eventUrl for an NCCO; any other goes on."""
    leg = s.leg_uuid or ""
    s.wake_at = None
    if not action.synchronous:
        _advance(s, now, out)
        return
    s.phase = "awaiting_answer"
    payload = events.leg_event(
        s,
        now,
        leg_uuid=leg,
        from_=action.from_ or s.to,
        to=_address(action.endpoint),
        status=status,
        detail=detail,
    )
    url = action.event_url[0] if action.event_url else None
    out.append(_event(s, url, action.event_method, payload, True))


# --- hangup ---------------------------------------------------------------------------------


def _on_hangup(s: CallState, now: float, out: list[fx.Effect]) -> None:
    if s.phase in ENDED:
        return
    if s.phase in ("connecting", "connected") and s.leg_uuid is not None:
        out.append(fx.HangupLeg(s.leg_uuid, "caller_hung_up"))
    if s.phase == "conversation":
        action = parse_action(s.ncco[s.index])
        if isinstance(action, Conversation):
            out.append(fx.Leave(action.name))
    _stop_all_recordings(s, now, out)
    line.stop_everything(s)
    s.phase = "ended"
    s.wake_at = None


def run_script(
    state: CallState, script: Sequence[tuple[float, st.Stimulus]]
) -> tuple[CallState, list[fx.Effect]]:
    """Feed stimuli in order (each at its time, the clock run up to it first): for tests and
    for replaying a call."""
    effects: list[fx.Effect] = []
    for at, stimulus in script:
        result = step(state, stimulus, at)
        state = result.state
        effects.extend(result.effects)
    return state, effects
