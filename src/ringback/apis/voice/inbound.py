"""Inbound calls: a handset dials a number an account rents. With a voice application linked
to the number, Ringback answers as Vonage does: `started` and `ringing` to the application's
event_url, the answer_url fetched (GET with query parameters, or POST JSON, per its
`http_method`; the fallback_answer_url on failure, then the call ends) and its NCCO run.

Without one the handset hears the network's failure and no account sees the call (no source
says what Vonage plays there; `failed` with the webhook reference's details is Ringback's
choice): `number_out_of_service` for a number nobody rents, `cannot_route` for a rented
number with no voice application.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ringback.apis.voice import driver
from ringback.core.ids import Ids
from ringback.core.prices import PriceListError
from ringback.network import numbering
from ringback.state import applications as application_state
from ringback.state import calls as call_state
from ringback.state import numbers as number_state
from ringback.state.calls import Call
from ringback.state.store import Tx


class InboundServices(driver.DriverServices, Protocol):
    @property
    def ids(self) -> Ids: ...


@dataclass(frozen=True)
class Refused:
    """What the handset heard when the call went nowhere."""

    status: str
    detail: str

    def to_json(self, caller: str, to: str) -> dict[str, Any]:
        return {"uuid": None, "from": caller, "to": to, "status": self.status,
                "detail": self.detail, "ended": True}  # fmt: skip


def _voice_app(tx: Tx, api_key: str, app_id: str | None) -> dict[str, Any] | None:
    app = application_state.get_application(tx, api_key, app_id) if app_id else None
    voice = app.capabilities.get("voice") if app is not None else None
    return voice if isinstance(voice, dict) else None


def _method(voice: dict[str, Any], name: str, default: str) -> str:
    found = driver.hook(voice, name).get("http_method")
    return str(found).upper() if found else default


def dial_in(tx: Tx, sv: InboundServices, caller: str, to: str, files_url: str) -> Call | Refused:
    number = number_state.get_number(tx, to)
    if number is None:
        return Refused("failed", "number_out_of_service")
    voice = _voice_app(tx, number.api_key, number.app_id)
    if voice is None or number.app_id is None:
        return Refused("failed", "cannot_route")
    info = numbering.lookup(to)
    try:
        rate = sv.billing.prices.price("voice", info.region if info is not None else None)
    except PriceListError:
        rate = None
    uuid = sv.ids.uuid()
    now = sv.clock.now()
    call_state.add(
        tx,
        {
            "uuid": uuid,
            "api_key": number.api_key,
            "application_id": number.app_id,
            "conversation_uuid": "CON-" + sv.ids.uuid(),
            "direction": "inbound",
            "status": "started",
            "to_endpoint": {"type": "phone", "number": to},
            "from_endpoint": {"type": "phone", "number": caller},
            "to_msisdn": caller,  # the handset on this leg: here, the one calling
            "answer_url": None,  # the application's
            "answer_method": _method(voice, "answer_url", "GET"),
            "event_url": None,
            "event_method": _method(voice, "event_url", "POST"),
            "ncco": None,
            "ringing_timer": 60,
            "length_timer": 7200,
            "machine_detection": None,
            "rate": f"{rate:.8f}" if rate is not None else None,
            "network": None,
            "price": None,
            "duration": None,
            "created_at": now,
            "start_time": None,
            "end_time": None,
            "ended": False,
            "engine": None,
            "alarm": None,
        },
    )
    call = call_state.get(tx, uuid)
    assert call is not None
    driver.start_silently(tx, sv, call, files_url)
    driver.ring(tx, sv, call)
    driver.answer(tx, sv, _fresh(tx, uuid))
    return _fresh(tx, uuid)


def _fresh(tx: Tx, uuid: str) -> Call:
    found = call_state.get(tx, uuid)
    assert found is not None
    return found
