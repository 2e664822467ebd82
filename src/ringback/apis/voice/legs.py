"""The other legs of a `connect`: each is a call of its own (its uuid, its events, its
handset's behaviour), in the dialling leg's conversation, whose fate goes back to the dialling
leg's NCCO engine as a `LegEvent`. And what one leg says, the legs connected to it hear.

Endpoints: `phone` rings the handset (its behaviour decides), `app` and `sip` ring a simulated
endpoint that answers by default (a handset-less leg the control API can still drive),
`websocket` is answered when Ringback's WebSocket to the app's `uri` opens (`websocket.py`).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from ringback.apis.voice import call_events, driver, rooms
from ringback.core.prices import PriceListError
from ringback.ncco import CallState, effects, stimuli
from ringback.network import numbering
from ringback.state import calls as call_state
from ringback.state.calls import Call
from ringback.state.store import Tx

WEBSOCKET_JOB = "voice.websocket"
FILES_URL = "https://api.nexmo.com/v1/files/"


def _rate(sv: driver.DriverServices, msisdn: str | None) -> tuple[Decimal, str | None]:
    info = numbering.lookup(msisdn) if msisdn else None
    network = info.network.network_code if info is not None and info.network else None
    region = info.region if info is not None else None
    try:
        return sv.billing.prices.price("voice", region, network), network
    except PriceListError:
        return Decimal(0), network


def _caller_id(parent: Call, d: effects.Dial) -> dict[str, Any]:
    """The connect's `from`, else the number the call is on: what the parent's caller dialled
    (inbound) or the number it was placed from (outbound)."""
    if d.from_:
        return {"type": "phone", "number": d.from_}
    own = parent.to_endpoint if parent.direction == "inbound" else parent.from_endpoint
    return {"type": "phone", "number": call_events.address(own)}


def dial(tx: Tx, sv: driver.DriverServices, parent: Call, d: effects.Dial) -> None:
    now = sv.clock.now()
    endpoint = dict(d.endpoint)
    kind = str(endpoint.get("type") or "phone")
    msisdn = str(endpoint["number"]) if kind == "phone" and "number" in endpoint else None
    rate, network = _rate(sv, msisdn)
    call_state.add(
        tx,
        {
            "uuid": d.leg_uuid,
            "api_key": parent.api_key,
            "application_id": parent.application_id,
            "conversation_uuid": parent.conversation_uuid,
            "direction": "outbound",
            "status": "started",
            "to_endpoint": endpoint,
            "from_endpoint": _caller_id(parent, d),
            "to_msisdn": msisdn,
            "answer_url": None,
            "answer_method": "GET",
            "event_url": d.event_url[0] if d.event_url else parent.event_url,
            "event_method": d.event_method if d.event_url else parent.event_method,
            "ncco": None,
            # the dialling leg's engine hangs up at the connect's `timeout`; this is a backstop
            "ringing_timer": math.ceil(d.timeout) + 1,
            "length_timer": math.ceil(d.limit),
            "machine_detection": d.machine_detection,
            "rate": f"{rate:.8f}",
            "network": network,
            "price": None,
            "duration": None,
            "created_at": now,
            "start_time": None,
            "end_time": None,
            "ended": False,
            "engine": None,
            "alarm": None,
            "parent_uuid": parent.uuid,
        },
    )
    leg = call_state.get(tx, d.leg_uuid)
    assert leg is not None
    driver.note(tx, parent, now, "network", "dial", leg=leg.uuid, endpoint=endpoint)
    files_url = str((parent.engine or {}).get("files_url") or FILES_URL)
    if kind == "websocket":
        driver.start_silently(tx, sv, leg, files_url)
        sv.scheduler.schedule(tx, WEBSOCKET_JOB, now, {"call": leg.uuid}, leg.api_key)
        return
    driver.start(tx, sv, leg, files_url)


def hang_up(tx: Tx, sv: driver.DriverServices, h: effects.HangupLeg) -> None:
    """The dialling leg's NCCO ends a leg: at the connect's timeout, its limit, or because
    the caller hung up."""
    leg = call_state.get(tx, h.leg_uuid)
    if leg is None or leg.ended:
        return
    if driver.ringing(leg):
        driver.refuse(tx, sv, leg, "timeout" if h.reason == "timeout" else "cancelled", None)
    else:
        driver.end(tx, sv, leg, "completed", reason=f"connect: {h.reason}")


def answered(tx: Tx, sv: driver.DriverServices, leg: Call) -> None:
    _tell_parent(tx, sv, leg, "answered", None)


def finished(tx: Tx, sv: driver.DriverServices, leg: Call, status: str, detail: str | None) -> None:
    """A dialled leg failed (busy, timeout, ...) or, once answered, hung up (`completed`)."""
    _tell_parent(tx, sv, leg, status, detail)


def reported_by_dialler(tx: Tx, leg: Call) -> bool:
    """A synchronous connect's engine sends the failure of the leg it is dialling itself (to
    its eventUrl, which may answer with an NCCO): the leg does not send it again."""
    if leg.parent_uuid is None:
        return False
    parent = call_state.get(tx, leg.parent_uuid)
    if parent is None or parent.engine is None:
        return False
    state = CallState.from_json(parent.engine)
    if state.phase != "connecting" or state.leg_uuid != leg.uuid:
        return False
    action = state.ncco[state.index] if state.index < len(state.ncco) else {}
    return action.get("eventType") == "synchronous"


def _tell_parent(
    tx: Tx, sv: driver.DriverServices, leg: Call, status: str, detail: str | None
) -> None:
    if leg.parent_uuid is None:
        return
    parent = call_state.get(tx, leg.parent_uuid)
    if parent is None or parent.ended:
        return
    event = stimuli.LegEvent(leg.uuid, status, detail)  # type: ignore[arg-type]
    driver.feed(tx, sv, parent, event)


def _connected_to(tx: Tx, call: Call) -> list[Call]:
    """The legs bridged to this one by a `connect` that is connected now."""
    found: list[Call] = []
    if call.parent_uuid is not None:
        parent = call_state.get(tx, call.parent_uuid)
        if parent is not None and _bridged(parent, call.uuid):
            found.append(parent)
    if call.engine is not None and call.engine.get("phase") == "connected":
        leg_uuid = call.engine.get("leg_uuid")
        leg = call_state.get(tx, str(leg_uuid)) if leg_uuid else None
        if leg is not None and driver.in_progress(leg):
            found.append(leg)
    return found


def _bridged(parent: Call, leg_uuid: str) -> bool:
    if parent.ended or parent.engine is None:
        return False
    state = CallState.from_json(parent.engine)
    return state.phase == "connected" and state.leg_uuid == leg_uuid


def relay(tx: Tx, sv: driver.DriverServices, call: Call, kind: str, **detail: Any) -> None:
    """What the handset on `call` said or pressed, heard by the legs connected to it and by
    the others in its named conversation."""
    now = sv.clock.now()
    source = call_events.address(
        call.from_endpoint if call.direction == "inbound" else call.to_endpoint
    )
    for other in _connected_to(tx, call):
        driver.note(tx, other, now, "heard", kind, leg=call.uuid, speaker=source, **detail)
    rooms.relay(tx, sv, call, kind, source, detail)
