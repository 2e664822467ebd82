"""Voice calls from the handset's side: what the callee heard and did, and driving it live
(answer, reject, hang up, press digits, speak). No account needed, like the handsets."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from ringback.apis.services import Services
from ringback.apis.voice import driver, inbound, legs
from ringback.apis.voice.schemas import DTMF, STATUSES
from ringback.control.common import control
from ringback.control.handset_params import phone_number
from ringback.core.errors import Conflict, InvalidParameter, InvalidParameters, NotFound
from ringback.ncco import stimuli
from ringback.ncco.events import timestamp
from ringback.state import calls as call_state
from ringback.state.calls import Call
from ringback.state.store import Tx

ACTIONS = ("answer", "reject", "hangup", "dtmf", "speech")


def _view(call: Call) -> dict[str, Any]:
    return {
        "uuid": call.uuid,
        "conversation_uuid": call.conversation_uuid,
        "api_key": call.api_key,
        "application_id": call.application_id,
        "direction": call.direction,
        "status": call.status,
        "ended": call.ended,
        "to": call.to_endpoint,
        "from": call.from_endpoint,
        "created_at": call.created_at,
        "start_time": call.start_time,
        "end_time": call.end_time,
        "duration": call.duration,
        "rate": call.rate,
        "price": call.price,
    }


def _with_transcript(tx: Tx, call: Call) -> dict[str, Any]:
    return {
        **_view(call),
        "transcript": [
            {"at": e.at, "time": timestamp(e.at), "side": e.side, "kind": e.kind, **e.detail}
            for e in call_state.transcript(tx, call.uuid)
        ],
    }


def _call(tx: Tx, request: Request) -> Call:
    uuid = request.path_params["uuid"]
    call = call_state.get(tx, uuid)
    if call is None:
        raise NotFound(f"no call {uuid}")
    return call


def get_call(request: Request, services: Services, body: dict[str, Any]) -> Any:
    with services.store.begin() as tx:
        return _with_transcript(tx, _call(tx, request))


def list_calls(request: Request, services: Services, body: dict[str, Any]) -> Any:
    limit_text = request.query_params.get("limit", "100")
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= 1000:
        raise InvalidParameters(
            "Invalid limit",
            invalid_parameters=[InvalidParameter("limit", "must be an integer from 1 to 1000")],
        )
    status = request.query_params.get("status")
    if status is not None and status not in STATUSES:
        raise InvalidParameters(
            "Invalid status",
            invalid_parameters=[
                InvalidParameter("status", f"must be one of {', '.join(STATUSES)}")
            ],
        )
    with services.store.begin() as tx:
        calls = call_state.recent(tx, int(limit_text), status)
        return {"calls": [_view(c) for c in calls]}


def handset_calls(request: Request, services: Services, body: dict[str, Any]) -> Any:
    msisdn = phone_number(request.path_params["msisdn"], "msisdn")
    with services.store.begin() as tx:
        calls = call_state.of_handset(tx, msisdn, 100)
        return {"msisdn": msisdn, "calls": [_view(c) for c in calls]}


def _act(request: Request, services: Services, body: dict[str, Any]) -> Any:
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise NotFound(f"no call action {action!r}: one of {', '.join(ACTIONS)}")
    with services.store.begin() as tx:
        call = _call(tx, request)
        if call.ended:
            raise Conflict(f"call {call.uuid} has ended ({call.status})")
        now = services.clock.now()
        if action in ("answer", "reject"):
            if not driver.ringing(call):
                raise Conflict(f"call {call.uuid} is not ringing ({call.status})")
            if action == "answer":
                driver.answer(tx, services, call)
            else:
                driver.note(tx, call, now, "handset", "rejected")
                driver.refuse(tx, services, call, "rejected", "declined")
        elif action == "hangup":
            driver.hangup_by_handset(tx, services, call)
        else:
            if not driver.in_progress(call):
                raise Conflict(f"call {call.uuid} is not answered ({call.status})")
            if action == "dtmf":
                digits = body.get("digits")
                if not isinstance(digits, str) or not DTMF.match(digits) or "p" in digits:
                    raise InvalidParameters(
                        "Invalid digits",
                        invalid_parameters=[InvalidParameter("digits", "must be 0-9, * and #")],
                    )
                driver.note(tx, call, now, "handset", "dtmf", digits=digits)
                driver.feed(tx, services, call, stimuli.Digits(digits))
                legs.relay(tx, services, call, "dtmf", digits=digits)
            else:
                text = body.get("text")
                if not isinstance(text, str) or not text.strip() or len(text) > 1500:
                    raise InvalidParameters(
                        "Invalid speech",
                        invalid_parameters=[InvalidParameter("text", "must be 1-1500 characters")],
                    )
                driver.note(tx, call, now, "handset", "speech", text=text)
                driver.feed(tx, services, call, stimuli.Speech(text))
                legs.relay(tx, services, _fresh(tx, call), "speech", text=text)
        found = call_state.get(tx, call.uuid)
        assert found is not None
        return _with_transcript(tx, found)


def _fresh(tx: Tx, call: Call) -> Call:
    found = call_state.get(tx, call.uuid)
    assert found is not None
    return found


def dial(request: Request, services: Services, body: dict[str, Any]) -> Any:
    """The handset calls `to`: an inbound call when an account rents the number."""
    caller = phone_number(request.path_params["msisdn"], "msisdn")
    to = phone_number(body.get("to"), "to")
    files_url = str(request.base_url).rstrip("/") + "/v1/files/"
    with services.store.begin() as tx:
        placed = inbound.dial_in(tx, services, caller, to, files_url)
        if isinstance(placed, inbound.Refused):
            return placed.to_json(caller, to)
        return _with_transcript(tx, placed)


def routes() -> list[Route]:
    return [
        Route("/_ringback/calls", control(list_calls), methods=["GET"]),
        Route("/_ringback/calls/{uuid}", control(get_call), methods=["GET"]),
        Route(
            "/_ringback/calls/{uuid}/{action:str}",
            control(_act),
            methods=["POST"],
        ),
        Route("/_ringback/handsets/{msisdn}/calls", control(handset_calls), methods=["GET"]),
        Route("/_ringback/handsets/{msisdn}/calls", control(dial), methods=["POST"]),
    ]
