"""The call driver: feeds a call's NCCO engine its stimuli on Ringback's clock and carries out
its effects (webhooks through the outbox, the handset transcript, recordings, alarms as jobs).

Everything here runs inside a transaction (a request's or a `voice.step` job's): a call's
state, its jobs and its webhooks change together or not at all. Webhooks that answer with an
NCCO (answer_url, input, notify) are fetched by `fetch.py` and come back through `feed`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from ringback.apis.voice import call_events, legs, rooms
from ringback.core.clock import Clock
from ringback.core.errors import InsufficientCredit
from ringback.ncco import CallState, FinishedRecording, effects, new_call, step, stimuli
from ringback.ncco.events import timestamp
from ringback.network.behaviours import DEFAULT, behaviour_for
from ringback.network.calls import answered, ring_plan
from ringback.platform.billing import Billing
from ringback.scheduler.runner import Scheduler
from ringback.state import applications as application_state
from ringback.state import calls as call_state
from ringback.state.calls import Call
from ringback.state.store import Tx
from ringback.webhooks import outbox

STEP_JOB = "voice.step"
FETCH_JOB = "voice.fetch"
FAILED = ("busy", "timeout", "failed", "unanswered", "cancelled", "rejected")
EVENT_KIND = "voice-event"
# Vonage's runtime defaults (application.v2.yml; vonage-behaviours §1.4)
CONNECT_TIMEOUT_MS = 1000
ANSWER_SOCKET_TIMEOUT_MS = 5000
EVENT_SOCKET_TIMEOUT_MS = 10000


class Woken(Protocol):
    def wake(self) -> None: ...


class DriverServices(Protocol):
    @property
    def clock(self) -> Clock: ...
    @property
    def billing(self) -> Billing: ...
    @property
    def scheduler(self) -> Scheduler: ...
    @property
    def webhooks(self) -> Woken: ...


# --- the application's voice settings -------------------------------------------------------


def voice_capability(tx: Tx, call: Call) -> dict[str, Any]:
    app = application_state.get_application(tx, call.api_key, call.application_id)
    if app is None:
        return {}
    voice = app.capabilities.get("voice")
    return voice if isinstance(voice, dict) else {}


def hook(voice: dict[str, Any], name: str) -> dict[str, Any]:
    webhooks = voice.get("webhooks")
    found = webhooks.get(name) if isinstance(webhooks, dict) else None
    return found if isinstance(found, dict) and found.get("address") else {}


def _signing(voice: dict[str, Any]) -> str | None:
    return "jwt" if voice.get("signed_callbacks") else None


# --- webhooks and the transcript ------------------------------------------------------------


def note(tx: Tx, call: Call, now: float, side: str, kind: str, **detail: Any) -> None:
    call_state.note(tx, call, now, side, kind, detail)


def send_event(
    tx: Tx,
    sv: DriverServices,
    call: Call,
    payload: dict[str, Any],
    *,
    url: str | None = None,
    method: str | None = None,
) -> None:
    """A notification to the call's event_url (or the NCCO action's), through the outbox."""
    voice = voice_capability(tx, call)
    app_hook = hook(voice, "event_url")
    target = url or call.event_url or app_hook.get("address")
    now = sv.clock.now()
    what = payload.get("status") or ("record" if "recording_url" in payload else "event")
    if not target:
        note(tx, call, now, "network", "webhook_skipped", event=what, reason="no event_url")
        return
    verb = (method or (call.event_method if url is None else "POST")).upper()
    outbox.enqueue(
        tx,
        now,
        api_key=call.api_key,
        kind=EVENT_KIND,
        url=target,
        payload=payload,
        method=verb if verb in outbox.METHODS else "POST",
        signing=_signing(voice),
        reference=call.uuid,
        application_id=call.application_id,
    )
    sv.webhooks.wake()


def fetch_job(
    tx: Tx,
    sv: DriverServices,
    call: Call,
    purpose: str,
    url: str,
    method: str,
    payload: dict[str, Any],
) -> None:
    """A webhook whose answer is an NCCO: fetched by `fetch.py`, its answer fed back."""
    voice = voice_capability(tx, call)
    answer_hook = hook(voice, "answer_url")
    event_hook = hook(voice, "event_url")
    fallback = hook(voice, "fallback_answer_url")
    settings = answer_hook if purpose == "answer" else event_hook
    socket_default = ANSWER_SOCKET_TIMEOUT_MS if purpose == "answer" else EVENT_SOCKET_TIMEOUT_MS
    sv.scheduler.schedule(
        tx,
        FETCH_JOB,
        sv.clock.now(),
        {
            "call": call.uuid,
            "purpose": purpose,
            "url": url,
            "method": method.upper(),
            "payload": payload,
            "fallback": fallback.get("address"),
            "fallback_method": str(fallback.get("http_method") or method).upper(),
            "connect_timeout_ms": settings.get("connection_timeout", CONNECT_TIMEOUT_MS),
            "socket_timeout_ms": settings.get("socket_timeout", socket_default),
            "signing": _signing(voice),
        },
        call.api_key,
    )


# --- the lifecycle --------------------------------------------------------------------------


def start(tx: Tx, sv: DriverServices, call: Call, files_url: str) -> None:
    """A new outbound call: `started`, then whatever the callee's handset does."""
    start_silently(tx, sv, call, files_url)
    now = sv.clock.now()
    plan = ring_plan(behaviour_for(tx, call.to_msisdn) if call.to_msisdn else DEFAULT)
    if plan.rings:
        _set_status(tx, sv, call, "ringing", now)
        later(tx, sv, call, now + call.ringing_timer, "ring_timeout")
    if plan.outcome is not None:
        later(tx, sv, call, now + plan.after, plan.outcome, detail=plan.detail)


def ring(tx: Tx, sv: DriverServices, call: Call) -> None:
    _set_status(tx, sv, call, "ringing", sv.clock.now())


def start_silently(tx: Tx, sv: DriverServices, call: Call, files_url: str) -> None:
    """The call's engine and its `started` event; what happens next is the caller's to say."""
    now = sv.clock.now()
    engine = new_call(
        call_uuid=call.uuid,
        conversation_uuid=call.conversation_uuid,
        from_=call_events.address(call.from_endpoint),
        to=call_events.address(call.to_endpoint),
        event_url=call.event_url
        or hook(voice_capability(tx, call), "event_url").get("address", ""),
        event_method=call.event_method,
        files_url=files_url,
    )
    call_state.change(tx, call.uuid, engine=engine.to_json())
    note(tx, call, now, "network", "status", status="started")
    send_event(tx, sv, call, call_events.status_event(call, "started", now))


def later(tx: Tx, sv: DriverServices, call: Call, due: float, do: str, **extra: Any) -> None:
    sv.scheduler.schedule(tx, STEP_JOB, due, {"call": call.uuid, "do": do, **extra}, call.api_key)


def _set_status(tx: Tx, sv: DriverServices, call: Call, status: str, now: float) -> None:
    call_state.change(tx, call.uuid, status=status)
    if status != "started":
        note(tx, call, now, "network", "status", status=status)
        send_event(tx, sv, call, call_events.status_event(call, status, now))


def ringing(call: Call) -> bool:
    return not call.ended and call.status in ("started", "ringing")


def in_progress(call: Call) -> bool:
    return not call.ended and call.status in ("answered", "machine", "human")


def answer(tx: Tx, sv: DriverServices, call: Call, *, machine: bool = False) -> None:
    """The callee picked up (or its voicemail did): `answered`, then the NCCO runs."""
    if not ringing(call):
        return
    now = sv.clock.now()
    call_state.change(tx, call.uuid, status="answered", start_time=now)
    note(tx, call, now, "handset", "answered", machine=machine)
    answered(tx, call.uuid, now)
    note(tx, call, now, "network", "status", status="answered")
    send_event(
        tx,
        sv,
        call,
        call_events.status_event(call, "answered", now, start_time=None, rate=None, network=None),
    )
    later(tx, sv, call, now + call.length_timer, "length")
    if call.machine_detection:
        kind = "machine" if machine else "human"
        note(tx, call, now, "network", "status", status=kind)
        send_event(tx, sv, call, call_events.machine_event(call, kind, now))
        if machine and call.machine_detection == "hangup":
            end(tx, sv, _fresh(tx, call), "completed", reason="machine_detection")
            return
    if call.parent_uuid is not None:  # a leg a connect dialled: no NCCO of its own
        legs.answered(tx, sv, _fresh(tx, call))
        return
    if call.ncco is not None:
        feed(tx, sv, _fresh(tx, call), stimuli.Answered(call.ncco))
        return
    voice = voice_capability(tx, call)
    url = call.answer_url or hook(voice, "answer_url").get("address")
    if not url:
        end(tx, sv, _fresh(tx, call), "completed", reason="no answer_url")
        return
    payload = {
        "to": call_events.address(call.to_endpoint),
        "from": call_events.address(call.from_endpoint),
        "uuid": call.uuid,
        "conversation_uuid": call.conversation_uuid,
        # where the call lives: the Ringback the call was made on (Vonage: the regional host)
        "region_url": str((call.engine or {}).get("files_url", "")).removesuffix("/v1/files/"),
    }
    fetch_job(tx, sv, call, "answer", url, call.answer_method, payload)


def refuse(tx: Tx, sv: DriverServices, call: Call, status: str, detail: str | None) -> None:
    """The call never got answered: busy, timeout, rejected, failed, unanswered, cancelled."""
    if not ringing(call):
        return
    now = sv.clock.now()
    extra = {"detail": detail} if detail else {}
    call_state.change(tx, call.uuid, status=status)
    note(tx, call, now, "network", "status", status=status, **extra)
    if not legs.reported_by_dialler(tx, call):
        send_event(tx, sv, call, call_events.status_event(call, status, now, **extra))
    if status == "rejected":  # "Calls that get rejected get no completed" (§5.2)
        _close(tx, call, now, status, duration=0, price=None)
        legs.finished(tx, sv, call, status, detail)
        return
    legs.finished(tx, sv, call, status, detail)
    end(tx, sv, _fresh(tx, call), "completed")
    call_state.change(tx, call.uuid, status=status)  # the call keeps why it failed


def end(tx: Tx, sv: DriverServices, call: Call, status: str, reason: str = "") -> None:
    """The call is over: stop the NCCO (recordings end with their events), bill, `completed`."""
    if call.ended:
        return
    now = sv.clock.now()
    if call.engine is not None and call.status in ("answered", "machine", "human"):
        state = CallState.from_json(call.engine)
        if state.phase not in ("ended", "transferred"):
            result = step(state, stimuli.Hangup(), now)
            call_state.change(tx, call.uuid, engine=result.state.to_json(), alarm=None)
            _carry_out(tx, sv, _fresh(tx, call), result.effects, now)
            call = _fresh(tx, call)
    duration = 0
    price: Decimal | None = None
    rate = Decimal(call.rate) if call.rate else Decimal(0)
    if call.start_time is not None:
        duration = max(0, math.ceil(now - call.start_time - 1e-9))
        price = (rate * duration / 60).quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP)
        if price > 0:
            try:
                sv.billing.charge(tx, call.api_key, "voice", price, call.uuid)
            except InsufficientCredit:
                note(tx, call, now, "network", "unpaid", price=f"{price:.8f}")
    if reason:
        note(tx, call, now, "network", "ended", reason=reason)
    _close(tx, call, now, status, duration, price)
    final = _fresh(tx, call)
    start_time = timestamp(call.start_time) if call.start_time is not None else None
    send_event(
        tx,
        sv,
        final,
        call_events.status_event(
            final,
            status,
            now,
            end_time=timestamp(now),
            start_time=start_time,
            duration=str(duration),
            rate=f"{rate:.8f}",
            price=f"{price or Decimal(0):.8f}",
            network=call.network,
        ),
    )
    rooms.leave(tx, sv, final)
    if call.start_time is not None:  # an answered leg hung up: the leg that dialled it goes on
        legs.finished(tx, sv, final, "completed", None)


def _close(
    tx: Tx, call: Call, now: float, status: str, duration: int, price: Decimal | None
) -> None:
    call_state.change(
        tx,
        call.uuid,
        status=status,
        ended=True,
        end_time=now,
        duration=duration,
        price=f"{price:.8f}" if price is not None else None,
        alarm=None,
    )
    note(tx, call, now, "network", "status", status=status)


def hangup_by_handset(tx: Tx, sv: DriverServices, call: Call) -> None:
    now = sv.clock.now()
    note(tx, call, now, "handset", "hangup")
    if ringing(call):
        refuse(tx, sv, call, "rejected", "declined")
    else:
        end(tx, sv, call, "completed")


def hangup_by_api(tx: Tx, sv: DriverServices, call: Call) -> None:
    if ringing(call):
        refuse(tx, sv, call, "cancelled", None)
    else:
        end(tx, sv, call, "completed", reason="hung up through the API")


def _fresh(tx: Tx, call: Call) -> Call:
    found = call_state.get(tx, call.uuid)
    assert found is not None
    return found


# --- the NCCO engine ------------------------------------------------------------------------


def feed(tx: Tx, sv: DriverServices, call: Call, stimulus: stimuli.Stimulus) -> None:
    """One stimulus to the call's engine, its state saved and its effects carried out."""
    if call.ended or call.engine is None:
        return
    now = sv.clock.now()
    result = step(CallState.from_json(call.engine), stimulus, now)
    call_state.change(tx, call.uuid, engine=result.state.to_json())
    _carry_out(tx, sv, _fresh(tx, call), result.effects, now)


def replace_ncco(tx: Tx, sv: DriverServices, call: Call, ncco: object) -> None:
    """A transfer: the leg's NCCO is swapped for a new one (recordings keep running)."""
    if call.engine is None:
        return
    state = CallState.from_json(call.engine)
    if state.phase == "ended":
        return
    state.phase = "ringing"  # the engine's way in: the next `Answered` starts its NCCO
    call_state.change(tx, call.uuid, engine=state.to_json())
    feed(tx, sv, _fresh(tx, call), stimuli.Answered(ncco))


def _carry_out(
    tx: Tx, sv: DriverServices, call: Call, done: tuple[effects.Effect, ...], now: float
) -> None:
    alarm: float | None = call.alarm
    wake: float | None = None
    hangup: effects.Hangup | None = None
    for effect in done:
        match effect:
            case effects.Say():
                note(tx, call, _at(effect, now), "heard", "talk", text=effect.text,
                     seconds=effect.seconds, language=effect.language,
                     **_played(effect))  # fmt: skip
            case effects.PlayStream():
                note(tx, call, _at(effect, now), "heard", "stream", url=effect.url,
                     seconds=effect.seconds, **_played(effect))  # fmt: skip
            case effects.PlayDigits():
                note(tx, call, now, "heard", "dtmf", digits=effect.digits,
                     seconds=effect.seconds, via="api")  # fmt: skip
            case effects.StopPlaying():
                note(tx, call, now, "heard", f"{effect.kind}_stopped", played=effect.played,
                     via="api")  # fmt: skip
            case effects.StopAudio():
                note(tx, call, now, "heard", "audio_stopped")
            case effects.StartRecording():
                note(tx, call, now, "network", "recording_started",
                     recording_uuid=effect.recording_uuid, beep=effect.beep)  # fmt: skip
            case effects.StopRecording():
                _keep_recording(tx, call, effect.recording, now)
            case effects.SendEvent():
                if effect.expects_answer:
                    purpose = "event"
                    fetch_job(tx, sv, call, purpose, effect.url, effect.method, effect.payload)
                else:
                    send_event(tx, sv, call, effect.payload, url=effect.url, method=effect.method)
            case effects.Dial():
                legs.dial(tx, sv, _fresh(tx, call), effect)
            case effects.HangupLeg():
                legs.hang_up(tx, sv, effect)
            case effects.Join():
                rooms.join(tx, sv, _fresh(tx, call), effect)
            case effects.Leave():
                rooms.leave(tx, sv, _fresh(tx, call))
            case effects.Transfer():
                note(tx, call, now, "network", "transfer", conversation=effect.conversation_id)
            case effects.WakeAt():
                wake = effect.at
            case effects.Hangup():
                hangup = effect
    if wake != alarm:
        call_state.change(tx, call.uuid, alarm=wake)
        if wake is not None:
            later(tx, sv, call, wake, "alarm", at=wake)
    if hangup is not None:
        reason = hangup.reason + (f": {hangup.detail}" if hangup.detail else "")
        end(tx, sv, _fresh(tx, call), "completed", reason=reason)


def _at(effect: effects.Say | effects.PlayStream, now: float) -> float:
    return effect.at if effect.at is not None else now


def _played(effect: effects.Say | effects.PlayStream) -> dict[str, Any]:
    """What the transcript adds for a play: its level if not 0, and `via: api` for a play
    the REST API started."""
    extra: dict[str, Any] = {"level": effect.level} if effect.level else {}
    return {**extra, "via": "api"} if effect.via == "api" else extra


def _keep_recording(tx: Tx, call: Call, recording: FinishedRecording, now: float) -> None:
    call_state.add_recording(
        tx,
        call,
        {
            "recording_uuid": recording.recording_uuid,
            "conversation_uuid": recording.conversation_uuid,
            "start_time": recording.start_time,
            "end_time": recording.end_time,
            "format": recording.format,
            "channels": recording.channels,
            "sounds": [s.to_json() for s in recording.sounds],
        },
        now,
    )
    note(tx, call, now, "network", "recording_stopped",
         recording_uuid=recording.recording_uuid, seconds=recording.seconds)  # fmt: skip


# --- the `voice.step` job -------------------------------------------------------------------


def run_step(tx: Tx, sv: DriverServices, payload: dict[str, Any]) -> None:
    call = call_state.get(tx, str(payload.get("call")))
    if call is None or call.ended:
        return
    do = payload.get("do")
    match do:
        case "answered":
            answer(tx, sv, call)
        case "machine":
            answer(tx, sv, call, machine=True)
        case "busy" | "failed" | "rejected" | "unanswered":
            refuse(tx, sv, call, do, payload.get("detail"))
        case "ring_timeout":
            refuse(tx, sv, call, "timeout", None)
        case "length":
            if in_progress(call):
                end(tx, sv, call, "completed", reason="length_timer")
        case "alarm":
            if call.alarm is not None and call.alarm == payload.get("at"):
                feed(tx, sv, call, stimuli.TimeReached())
        case "leg":
            feed(tx, sv, call, stimuli.LegEvent(str(payload["leg"]), payload["status"]))
