"""Verify (legacy): the rules, in the request's transaction.

A request is a `verify_requests` row (version `legacy`; status IN PROGRESS, SUCCESS, FAILED,
EXPIRED or CANCELLED, search's words) whose `detail` holds the workflow plan, the events sent,
the checks made and the current code's expiry. Each event really sends the code through the
network's code delivery (an SMS to the handset, or a call whose talk reads it out); the next
event, and in the end the expiry, is a scheduler job on Ringback's clock (`STEP_JOB`) that finds
the request still at its step, or does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from ringback.apis.verify_legacy import workflows
from ringback.apis.verify_legacy.errors import (
    CONCURRENT,
    CONTROL_REFUSED,
    NOT_FOUND,
    QUOTA,
    TOO_MANY_WRONG,
    WRONG_CODE,
    VerifyRefused,
)
from ringback.apis.verify_legacy.schemas import StartRequest
from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.core.money import price_text, to_units
from ringback.network import numbering
from ringback.network.verification import CodeDelivery
from ringback.platform.billing import Billing
from ringback.state import verify_requests
from ringback.state.jobs import Job
from ringback.state.store import Tx
from ringback.state.verify_requests import VerifyRequest

VERSION = "legacy"
STEP_JOB = "verify-legacy.step"
IN_PROGRESS, SUCCESS, FAILED, EXPIRED, CANCELLED = (
    "IN PROGRESS",
    "SUCCESS",
    "FAILED",
    "EXPIRED",
    "CANCELLED",
)
PRODUCT = "verify"  # data/prices.json: per successful verification
CURRENCY = "EUR"
MAX_WRONG_CODES = 3  # verify.yml: a check "up to three times" per code, then FAILED
CANCEL_AFTER_SECONDS = 30
DEFAULT_SEARCH_SENDER = "verify"  # verify.yml searchResponse.sender_id default
CHANNELS = {workflows.SMS: "sms", workflows.TTS: "voice"}


class VerifyServices(Protocol):
    @property
    def billing(self) -> Billing: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def ids(self) -> Ids: ...
    @property
    def verification(self) -> CodeDelivery: ...


@dataclass(frozen=True)
class Checked:
    request_id: str
    event_id: str
    price: str
    estimated_price_messages_sent: str


def _not_active(request_id: str) -> VerifyRefused:
    return VerifyRefused(
        NOT_FOUND, f"The requestId '{request_id}' does not exist or its no longer active."
    )


def _check_not_found(request_id: str) -> VerifyRefused:
    return VerifyRefused(
        NOT_FOUND,
        "The Vonage platform was unable to process this message for the following reason: "
        f"Request '{request_id}' was not found or it has been verified already.",
        request_id=request_id,
    )


def _region_network(number: str) -> tuple[str | None, str | None]:
    info = numbering.lookup(number)
    if info is None:
        return None, None
    return info.region, info.network.network_code if info.network else None


def _price(sv: VerifyServices, number: str, product: str = PRODUCT) -> Decimal:
    region, network = _region_network(number)
    return sv.billing.prices.price(product, region, network)


def _owned(tx: Tx, api_key: str, request_id: str) -> VerifyRequest | None:
    found = verify_requests.get(tx, request_id)
    if found is None or found.version != VERSION or found.api_key != api_key:
        return None
    return found


def settle(tx: Tx, request: VerifyRequest, now: float) -> VerifyRequest:
    """A request past its end whose expiry job has not run yet is expired now."""
    detail = request.detail
    if (
        request.status == IN_PROGRESS
        and detail["step"] >= len(detail["plan"])
        and now >= detail["ends_at"]
    ):
        return verify_requests.save(tx, request, status=EXPIRED, finished_at=detail["ends_at"])
    return request


def start(tx: Tx, sv: VerifyServices, api_key: str, ask: StartRequest) -> str:
    now = sv.clock.now()
    for running in verify_requests.active_to(tx, VERSION, ask.number, (IN_PROGRESS,)):
        if running.api_key == api_key and settle(tx, running, now).status == IN_PROGRESS:
            raise VerifyRefused(CONCURRENT, request_id=running.request_id)
    balance = sv.billing.balance_units(tx, api_key)
    if balance is None or balance < to_units(_price(sv, ask.number)):
        raise VerifyRefused(QUOTA)
    plan = workflows.plan(ask.workflow_id, ask.pin_expiry, ask.next_event_wait)
    request_id = sv.ids.hex(32)
    detail: dict[str, Any] = {
        "kind": "psd2" if ask.payee is not None else "verify",
        "brand": ask.brand,
        "sender_id": ask.sender_id,
        "payee": ask.payee,
        "amount": ask.amount,
        "lg": ask.lg,
        "workflow_id": ask.workflow_id,
        "code_length": ask.code_length,
        "custom_pin": ask.pin_code is not None,
        "plan": list(plan.events),
        "waits": list(plan.waits),
        "pin_expiry": plan.pin_expiry,
        "step": 0,
        "code_expires": now,  # no code yet: the first event makes one
        "wrong": 0,
        "events": [],
        "checks": [],
        "ends_at": None,
        "price": None,
        "estimated": None,
    }
    request = VerifyRequest(
        request_id=request_id,
        api_key=api_key,
        application_id=None,
        version=VERSION,
        to_address=ask.number,
        status=IN_PROGRESS,
        code=ask.pin_code,
        created_at=now,
        finished_at=None,
        detail=detail,
    )
    verify_requests.add(tx, request)
    _fire(tx, sv, request, now)
    return request_id


def _message_text(detail: dict[str, Any], channel: str, code: str) -> str | None:
    """PSD2 codes name the payee and amount; a plain request uses the network's wording."""
    if detail["kind"] != "psd2":
        return None
    payee, amount = detail["payee"], detail["amount"]
    if channel == "voice":
        digits = ", ".join(code)
        return (
            f"Your code to approve the payment of {amount} euros to {payee} is {digits}. "
            f"I repeat, your code is {digits}."
        )
    return f"Your code to approve the payment of {amount} EUR to {payee} is: {code}"


def _fire(tx: Tx, sv: VerifyServices, request: VerifyRequest, at: float) -> VerifyRequest:
    """Send the request's next event at `at` and schedule what follows it."""
    detail = dict(request.detail)
    step = detail["step"]
    code = request.code
    if code is None or at >= detail["code_expires"]:  # expired: a new code for this event
        if not detail["custom_pin"] or code is None:
            code = sv.ids.digits(detail["code_length"])
        detail["code_expires"] = at + detail["pin_expiry"]
        detail["wrong"] = 0
    event = detail["plan"][step]
    channel = CHANNELS[event]
    sent = sv.verification.send(
        tx,
        api_key=request.api_key,
        request_id=request.request_id,
        channel=channel,
        to=request.to_address,
        code=code,
        brand=detail["brand"] or detail["payee"] or "",
        locale=detail["lg"],
        sender=detail["sender_id"] if channel == "sms" else None,
        text=_message_text(detail, channel, code),
    )
    event_id = "0A" + sv.ids.hex(14).upper()
    detail["events"] = [
        *detail["events"],
        {"type": event, "id": event_id, "at": at, "code_id": sent.id},
    ]
    detail["step"] = step + 1
    wait_over = at + detail["waits"][step]
    if detail["step"] < len(detail["plan"]):
        due = wait_over
    else:
        due = detail["ends_at"] = max(wait_over, detail["code_expires"])
    changed = verify_requests.save(tx, request, code=code, detail=detail)
    sv.verification.schedule_step(
        tx, STEP_JOB, due, request.request_id, detail["step"], request.api_key
    )
    return changed


def run_step(tx: Tx, sv: VerifyServices, job: Job) -> None:
    """The scheduler's `STEP_JOB`: the next event, or the end, unless the request moved on.
    The event happens at the job's due time, so a clock moved far ahead keeps the schedule."""
    request = verify_requests.get(tx, str(job.payload["request_id"]))
    if request is None or request.status != IN_PROGRESS:
        return
    if request.detail["step"] != job.payload["step"]:
        return
    if request.detail["step"] < len(request.detail["plan"]):
        _fire(tx, sv, request, job.due_at)
    else:
        verify_requests.save(tx, request, status=EXPIRED, finished_at=request.detail["ends_at"])


def _messages_price(sv: VerifyServices, request: VerifyRequest) -> Decimal:
    """What the events cost Vonage to send (estimated_price_messages_sent): an SMS each, a
    minute of voice each call. Reported only: Ringback charges per successful verification."""
    total = Decimal(0)
    for event in request.detail["events"]:
        product = "sms" if event["type"] == workflows.SMS else "voice"
        total += _price(sv, request.to_address, product)
    return total


def check(
    tx: Tx, sv: VerifyServices, api_key: str, request_id: str, code: str
) -> Checked | VerifyRefused:
    """A wrong code is returned, not raised: the attempt it records must be committed."""
    now = sv.clock.now()
    request = _owned(tx, api_key, request_id)
    if request is not None:
        request = settle(tx, request, now)
    if request is None or request.status != IN_PROGRESS:
        raise _check_not_found(request_id)
    detail = dict(request.detail)
    valid = code == request.code and now < detail["code_expires"]
    detail["checks"] = [
        *detail["checks"],
        {"at": now, "code": code, "status": "VALID" if valid else "INVALID"},
    ]
    if valid:
        price = _price(sv, request.to_address)
        sv.billing.charge(tx, api_key, PRODUCT, price, request_id)
        estimated = _messages_price(sv, request)
        detail["price"] = price_text(to_units(price))
        detail["estimated"] = price_text(to_units(estimated))
        verify_requests.save(tx, request, status=SUCCESS, finished_at=now, detail=detail)
        return Checked(
            request_id=request_id,
            event_id=detail["events"][-1]["id"],
            price=detail["price"],
            estimated_price_messages_sent=detail["estimated"],
        )
    detail["wrong"] += 1
    if detail["wrong"] >= MAX_WRONG_CODES:
        verify_requests.save(tx, request, status=FAILED, finished_at=now, detail=detail)
        return VerifyRefused(TOO_MANY_WRONG, request_id=request_id)
    verify_requests.save(tx, request, detail=detail)
    return VerifyRefused(WRONG_CODE, request_id=request_id)


def control(tx: Tx, sv: VerifyServices, api_key: str, request_id: str, cmd: str) -> None:
    now = sv.clock.now()
    request = _owned(tx, api_key, request_id)
    if request is not None:
        request = settle(tx, request, now)
    if request is None or request.status != IN_PROGRESS:
        raise _not_active(request_id)
    detail = request.detail
    if cmd == "cancel":
        if now - request.created_at < CANCEL_AFTER_SECONDS:
            raise VerifyRefused(
                CONTROL_REFUSED,
                f"Verification request ['{request_id}'] can't be cancelled within the first "
                "30 seconds.",
            )
        if len(detail["events"]) >= 2:
            raise VerifyRefused(
                CONTROL_REFUSED,
                f"Verification request ['{request_id}'] can't be cancelled now. Too many "
                "attempts to re-deliver have already been made.",
            )
        verify_requests.save(tx, request, status=CANCELLED, finished_at=now)
        return
    if detail["step"] >= len(detail["plan"]):
        raise VerifyRefused(
            CONTROL_REFUSED, f"No more events are left to execute for the request ['{request_id}']"
        )
    _fire(tx, sv, request, now)


def _date(at: float | None) -> str | None:
    if at is None:
        return None
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def view(request: VerifyRequest) -> dict[str, Any]:
    """One request as search shows it; every value a string (the SDK's VerifyStatus)."""
    detail = request.detail
    events = detail["events"]
    body: dict[str, Any] = {
        "request_id": request.request_id,
        "account_id": request.api_key,
        "status": request.status,
        "number": request.to_address,
        "price": detail["price"] or "0.00000000",
        "currency": CURRENCY,
        "sender_id": detail["sender_id"] or DEFAULT_SEARCH_SENDER,
        "date_submitted": _date(request.created_at),
        "date_finalized": _date(request.finished_at),
        "first_event_date": _date(events[0]["at"]) if events else None,
        "last_event_date": _date(events[-1]["at"]) if events else None,
        "checks": [
            {
                "date_received": _date(c["at"]),
                "code": c["code"],
                "status": c["status"],
                "ip_address": "",
            }
            for c in detail["checks"]
        ],
        "events": [{"type": e["type"], "id": e["id"]} for e in events],
        "estimated_price_messages_sent": detail["estimated"],
    }
    return {name: value for name, value in body.items() if value is not None}


def search(
    tx: Tx, sv: VerifyServices, api_key: str, request_ids: list[str]
) -> list[dict[str, Any]]:
    now = sv.clock.now()
    found = []
    for request_id in request_ids:
        request = _owned(tx, api_key, request_id)
        if request is not None:
            found.append(view(settle(tx, request, now)))
    return found
