"""The Voice API's rules, in the request's transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, Protocol

from ringback.apis.voice import call_events, driver, schemas
from ringback.apis.voice.driver import DriverServices
from ringback.core.errors import InvalidParameter, InvalidParameters, NotFound, Unauthorized
from ringback.core.ids import Ids
from ringback.core.prices import PriceListError
from ringback.ncco import stimuli
from ringback.network import numbering
from ringback.platform.auth import Principal
from ringback.state import applications as application_state
from ringback.state import calls as call_state
from ringback.state import numbers as number_state
from ringback.state.calls import Call, CallFilter
from ringback.state.store import Tx


class VoiceServices(DriverServices, Protocol):
    @property
    def ids(self) -> Ids: ...


def voice_application(tx: Tx, principal: Principal) -> str:
    """The calling application, which must have the voice capability (else Vonage's 401)."""
    app_id = principal.application_id
    app = application_state.get_application(tx, principal.api_key, app_id) if app_id else None
    if app is None or not isinstance(app.capabilities.get("voice"), dict):
        raise Unauthorized("The application has no voice capability.")
    return app.id


def _rate(sv: VoiceServices, msisdn: str | None) -> tuple[Decimal, str | None]:
    info = numbering.lookup(msisdn) if msisdn else None
    network = info.network.network_code if info is not None and info.network else None
    region = info.region if info is not None else None
    try:
        return sv.billing.prices.price("voice", region, network), network
    except PriceListError:
        return Decimal(0), network


def _random_from(tx: Tx, sv: VoiceServices, api_key: str, app_id: str) -> dict[str, Any]:
    """A random voice number of the account linked to the calling application ("selected from
    the list of the numbers assigned to the current application", NCCO reference). Vonage
    documents no error for an application without one: Ringback answers a 400 naming it."""
    where = number_state.OwnedFilter(application_id=app_id)
    _total, linked = number_state.list_numbers(tx, api_key, where, 0, 1000)
    voice = [n for n in linked if "VOICE" in n.features]
    if not voice:
        raise InvalidParameters(
            "The request failed due to validation errors",
            invalid_parameters=[
                InvalidParameter(
                    "random_from_number",
                    f"application {app_id} has no voice number linked to it",
                )
            ],
        )
    return {"type": "phone", "number": voice[sv.ids.randint(0, len(voice) - 1)].msisdn}


def create(
    tx: Tx, sv: VoiceServices, principal: Principal, request: schemas.CreateCall, files_url: str
) -> Call:
    app_id = voice_application(tx, principal)
    from_ = request.from_ or _random_from(tx, sv, principal.api_key, app_id)
    to_msisdn = request.to["number"] if request.to["type"] == "phone" else None
    rate, network = _rate(sv, to_msisdn)
    uuid = sv.ids.uuid()
    now = sv.clock.now()
    call_state.add(
        tx,
        {
            "uuid": uuid,
            "api_key": principal.api_key,
            "application_id": app_id,
            "conversation_uuid": "CON-" + sv.ids.uuid(),
            "direction": "outbound",
            "status": "started",
            "to_endpoint": request.to,
            "from_endpoint": from_,
            "to_msisdn": to_msisdn,
            "answer_url": request.answer_url,
            "answer_method": request.answer_method,
            "event_url": request.event_url,
            "event_method": request.event_method,
            "ncco": request.ncco,
            "ringing_timer": request.ringing_timer,
            "length_timer": request.length_timer,
            "machine_detection": request.machine_detection,
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
        },
    )
    call = owned(tx, principal.api_key, uuid)
    driver.start(tx, sv, call, files_url)
    return owned(tx, principal.api_key, uuid)


def owned(tx: Tx, api_key: str, uuid: str) -> Call:
    call = call_state.get_owned(tx, api_key, uuid)
    if call is None:
        raise NotFound(f"Call {uuid} was not found")
    return call


def list_calls(tx: Tx, api_key: str, request: schemas.ListCalls) -> tuple[int, list[Call]]:
    where = CallFilter(
        api_key=api_key,
        status=request.status,
        date_start=request.date_start,
        date_end=request.date_end,
        conversation_uuid=request.conversation_uuid,
    )
    total = call_state.count(tx, where)
    page = call_state.page(
        tx, where, request.record_index, request.page_size, newest_first=request.order == "desc"
    )
    return total, page


def _live(call: Call) -> None:
    if not driver.in_progress(call):
        raise InvalidParameters(f"Call {call.uuid} is not in progress (status {call.status})")


def modify(tx: Tx, sv: VoiceServices, api_key: str, uuid: str, change: schemas.Modify) -> None:
    call = owned(tx, api_key, uuid)
    now = sv.clock.now()
    if change.action == "hangup":
        if call.ended:
            raise InvalidParameters(f"Call {uuid} has already ended")
        driver.hangup_by_api(tx, sv, call)
        return
    _live(call)
    if change.action != "transfer":
        driver.note(tx, call, now, "network", change.action)
        return
    driver.note(tx, call, now, "network", "transfer", url=change.url)
    driver.send_event(tx, sv, call, call_events.transfer_event(call, now))
    if change.ncco is not None:
        driver.replace_ncco(tx, sv, call, change.ncco)
    elif change.url is not None:
        payload = {
            "to": call_events.address(call.to_endpoint),
            "from": call_events.address(call.from_endpoint),
            "uuid": call.uuid,
            "conversation_uuid": call.conversation_uuid,
        }
        driver.fetch_job(tx, sv, call, "transfer", change.url, "GET", payload)


def play_talk(tx: Tx, sv: VoiceServices, api_key: str, uuid: str, talk: schemas.Talk) -> None:
    call = owned(tx, api_key, uuid)
    _live(call)
    driver.feed(tx, sv, call, stimuli.TalkIntoCall(
        talk.text, talk.language, talk.style, talk.level, talk.premium, talk.loop))  # fmt: skip


def play_stream(tx: Tx, sv: VoiceServices, api_key: str, uuid: str, stream: schemas.Stream) -> None:
    call = owned(tx, api_key, uuid)
    _live(call)
    driver.feed(tx, sv, call, stimuli.StreamIntoCall(stream.url, stream.level, stream.loop))


def stop(
    tx: Tx, sv: VoiceServices, api_key: str, uuid: str, what: Literal["talk", "stream"]
) -> None:
    call = owned(tx, api_key, uuid)
    _live(call)
    driver.feed(tx, sv, call, stimuli.StopIntoCall(what))


def send_dtmf(tx: Tx, sv: VoiceServices, api_key: str, uuid: str, digits: str) -> None:
    call = owned(tx, api_key, uuid)
    _live(call)
    driver.feed(tx, sv, call, stimuli.DtmfIntoCall(digits))


def listen_dtmf(tx: Tx, sv: VoiceServices, api_key: str, uuid: str, url: str | None) -> None:
    call = owned(tx, api_key, uuid)
    _live(call)
    driver.feed(tx, sv, call, stimuli.ListenDtmf(url))
