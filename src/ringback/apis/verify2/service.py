"""Verify v2's rules, in the request's (or the step job's) transaction.

A request sends one code (generated, or the caller's `code`) along its workflow: the first
channel at once, the next one `channel_timeout` seconds later on Ringback's clock (a
`verify2.step` job), or at once on `next_workflow`; after the last channel's timeout the
request expires. Status callbacks (`summary` at the end, an `event` per channel that
completed) go to the application's verify `status_url`, JWT-signed.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from ringback.apis.verify2 import templates
from ringback.apis.verify2.errors import VerifyError, invalid_params, not_found
from ringback.apis.verify2.schemas import NewRequest
from ringback.core.clock import Clock
from ringback.core.errors import InsufficientCredit
from ringback.core.ids import Ids
from ringback.core.prices import PriceListError
from ringback.network import numbering
from ringback.network.verification import CodeDelivery
from ringback.platform.billing import Billing
from ringback.state import applications as application_state
from ringback.state import verify_requests
from ringback.state.store import Tx
from ringback.state.verify_requests import VerifyRequest
from ringback.webhooks import outbox

STEP_JOB = "verify2.step"
VERSION = "v2"
ACTIVE = ("in_progress",)
# wrong codes answered 400 before the next one ends the workflow with 410 (v2 gives no
# number; Verify legacy allows three checks per code: vonage-behaviours §6.1)
MAX_WRONG_CODES = 3
CANCEL_AFTER_SECONDS = 30
CALLBACK_KIND = "verify-status"


class Woken(Protocol):
    def wake(self) -> None: ...


class Verify2Services(Protocol):
    @property
    def clock(self) -> Clock: ...
    @property
    def ids(self) -> Ids: ...
    @property
    def billing(self) -> Billing: ...
    @property
    def verification(self) -> CodeDelivery: ...
    @property
    def webhooks(self) -> Woken: ...


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- starting -------------------------------------------------------------------------------


def start(
    tx: Tx,
    sv: Verify2Services,
    api_key: str,
    application_id: str | None,
    new: NewRequest,
    base: str,
) -> dict[str, Any]:
    first = new.workflow[0]
    for running in verify_requests.active_to(tx, VERSION, first.to, ACTIVE):
        raise VerifyError(
            409,
            "Conflict",
            "conflict",
            "Concurrent verifications to the same number are not allowed.",
            request_id=running.request_id,
        )
    if new.template_id is not None and templates.get(tx, api_key, new.template_id) is None:
        raise invalid_params([("template_id", "no such template")])
    now = sv.clock.now()
    request_id = sv.ids.uuid()
    code = new.code or sv.ids.digits(new.code_length)
    detail = {
        "brand": new.brand,
        "locale": new.locale,
        "channel_timeout": new.channel_timeout,
        "client_ref": new.client_ref,
        "code_length": new.code_length,
        "fraud_check": new.fraud_check,
        "template_id": new.template_id,
        "workflow": [asdict(step) for step in new.workflow],
        "step": -1,
        "steps": [],  # per step started: {channel, initiated_at, status, code_id}
        "wrong": 0,
        "silent_auth_done": False,
        "check_url": None,
        "base": base,
    }
    request = VerifyRequest(
        request_id,
        api_key,
        application_id,
        VERSION,
        first.to,
        "in_progress",
        code,
        now,
        None,
        detail,
    )
    verify_requests.add(tx, request)
    request = _advance(tx, sv, request)
    answer: dict[str, Any] = {"request_id": request_id}
    if request.detail["check_url"]:
        answer["check_url"] = request.detail["check_url"]
    return answer


def _advance(tx: Tx, sv: Verify2Services, request: VerifyRequest) -> VerifyRequest:
    """Start the next channel of the workflow (the first one on a new request)."""
    detail = dict(request.detail)
    now = sv.clock.now()
    steps = [dict(s) for s in detail["steps"]]
    if steps and steps[-1]["status"] == "pending":
        steps[-1]["status"] = "expired"  # passed over: the next channel takes it
    index = detail["step"] + 1
    step = detail["workflow"][index]
    text = templates.text_for(tx, request.api_key, detail, step["channel"], request.code or "")
    sent = sv.verification.send(
        tx,
        api_key=request.api_key,
        request_id=request.request_id,
        channel=step["channel"],
        to=step["to"],
        code=request.code or "",
        brand=detail["brand"],
        locale=detail["locale"],
        sender=step.get("sender"),
        text=text,
    )
    steps.append(
        {"channel": step["channel"], "initiated_at": now, "status": "pending", "code_id": sent.id}
    )
    detail.update(step=index, steps=steps)
    if step["channel"] == "silent_auth":
        detail["check_url"] = (
            f"{detail['base']}/v2/verify/{request.request_id}/silent-auth/redirect"
        )
    sv.verification.schedule_step(
        tx, STEP_JOB, now + detail["channel_timeout"], request.request_id, index, request.api_key
    )
    return verify_requests.save(tx, request, detail=detail)


def on_step_due(tx: Tx, sv: Verify2Services, payload: dict[str, Any]) -> None:
    """A channel's timeout: the next channel, or the request expires after the last one."""
    request = verify_requests.get(tx, str(payload.get("request_id")))
    if request is None or request.status not in ACTIVE:
        return
    if request.detail["step"] != payload.get("step"):
        return  # moved on meanwhile (next_workflow)
    if request.detail["step"] + 1 < len(request.detail["workflow"]):
        _advance(tx, sv, request)
        return
    _finish(tx, sv, request, "expired", step_status="expired")


# --- checking -------------------------------------------------------------------------------


def _owned(tx: Tx, api_key: str, request_id: str) -> VerifyRequest:
    request = verify_requests.get(tx, request_id)
    if request is None or request.api_key != api_key or request.version != VERSION:
        raise not_found(request_id)
    return request


def check(
    tx: Tx, sv: Verify2Services, api_key: str, request_id: str, code: str
) -> dict[str, Any] | VerifyError:
    """The answer, or the refusal to answer with: a wrong code is *returned*, not raised, so
    the count it adds is committed (a raised error rolls the request back)."""
    request = _owned(tx, api_key, request_id)
    if request.status == "failed" and request.detail.get("reason") == "wrong_codes":
        raise _too_many()
    if request.status not in ACTIVE:
        raise not_found(request_id)
    current = request.detail["workflow"][request.detail["step"]]
    if current["channel"] == "silent_auth" and not request.detail["silent_auth_done"]:
        raise VerifyError(
            409, "Conflict", "conflict", "The current Verify workflow step does not support a code."
        )
    if code != request.code:
        wrong = request.detail["wrong"] + 1
        detail = {**request.detail, "wrong": wrong}
        request = verify_requests.save(tx, request, detail=detail)
        if wrong > MAX_WRONG_CODES:
            _finish(tx, sv, request, "failed", step_status="failed", reason="wrong_codes")
            return _too_many()
        return VerifyError(
            400,
            "Invalid Code",
            "invalid-code",
            "The code you provided does not match the expected value.",
        )
    _finish(tx, sv, request, "completed", step_status="completed")
    return {"request_id": request_id, "status": "completed"}


def _too_many() -> VerifyError:
    return VerifyError(
        410,
        "Invalid Code",
        "expired",
        "An incorrect code has been provided too many times. Workflow terminated.",
    )


def _price(sv: Verify2Services, to: str) -> Decimal:
    info = numbering.lookup(to) if "@" not in to else None
    region = info.region if info is not None else None
    try:
        return sv.billing.prices.price("verify", region, None)
    except PriceListError:
        return Decimal(0)


def _finish(
    tx: Tx,
    sv: Verify2Services,
    request: VerifyRequest,
    status: str,
    *,
    step_status: str,
    reason: str | None = None,
) -> VerifyRequest:
    now = sv.clock.now()
    detail = dict(request.detail)
    steps = [dict(s) for s in detail["steps"]]
    if steps:
        steps[-1]["status"] = step_status
        steps[-1]["finalized_at"] = now
    detail["steps"] = steps
    if reason:
        detail["reason"] = reason
    price = Decimal(0)
    if status == "completed":
        price = _price(sv, request.to_address)
        try:
            sv.billing.charge(tx, request.api_key, "verify", price, request.request_id)
        except InsufficientCredit:
            price = Decimal(0)  # the user is verified whatever: the ledger simply has no row
    detail["price"] = f"{price:.8f}"
    request = verify_requests.save(tx, request, status=status, finished_at=now, detail=detail)
    if status == "completed" and steps:
        _callback(tx, sv, request, _event(request, steps[-1], now))
    if status in ("completed", "failed", "expired"):
        _callback(tx, sv, request, summary(request))
    return request


# --- cancel and next_workflow ---------------------------------------------------------------


def cancel(tx: Tx, sv: Verify2Services, api_key: str, request_id: str) -> None:
    request = _owned(tx, api_key, request_id)
    if request.status not in ACTIVE:
        raise not_found(request_id)
    now = sv.clock.now()
    if now - request.created_at < CANCEL_AFTER_SECONDS:
        raise VerifyError(
            409,
            "Conflict",
            "conflict",
            f"Verification request [{request_id}] can't be cancelled within the first 30 seconds.",
        )
    if request.detail["step"] >= 1:
        raise VerifyError(
            409,
            "Conflict",
            "conflict",
            f"Verification request [{request_id}] can't be cancelled now. "
            "Too many attempts to re-deliver have already been made.",
        )
    steps = [dict(s) for s in request.detail["steps"]]
    if steps:
        steps[-1]["status"] = "cancelled"
    verify_requests.save(
        tx, request, status="cancelled", finished_at=now, detail={**request.detail, "steps": steps}
    )


def next_workflow(tx: Tx, sv: Verify2Services, api_key: str, request_id: str) -> None:
    request = _owned(tx, api_key, request_id)
    if request.status not in ACTIVE:
        raise not_found(request_id)
    if request.detail["step"] + 1 >= len(request.detail["workflow"]):
        raise VerifyError(409, "Conflict", "conflict", "There are no more events left to trigger.")
    _advance(tx, sv, request)


# --- silent auth ----------------------------------------------------------------------------


def silent_auth_opened(tx: Tx, sv: Verify2Services, request_id: str) -> tuple[str, str | None]:
    """The handset opened the check URL over its mobile data: the step is verified, and the
    code goes back (to the redirect URL when the workflow gave one). Returns (code, redirect)."""
    request = verify_requests.get(tx, request_id)
    if request is None or request.version != VERSION or request.status not in ACTIVE:
        raise not_found(request_id)
    step = request.detail["workflow"][request.detail["step"]]
    if step["channel"] != "silent_auth":
        raise not_found(request_id)
    sent = request.detail["steps"][-1]
    sv.verification.complete_silent_auth(tx, sent["code_id"])
    verify_requests.save(tx, request, detail={**request.detail, "silent_auth_done": True})
    return request.code or "", step.get("redirect_url")


# --- callbacks ------------------------------------------------------------------------------


def summary(request: VerifyRequest) -> dict[str, Any]:
    detail = request.detail
    body: dict[str, Any] = {
        "request_id": request.request_id,
        "submitted_at": _iso(request.created_at),
        "status": request.status,
        "type": "summary",
        "channel_timeout": detail["channel_timeout"],
        "workflow": [
            {
                "channel": s["channel"],
                "initiated_at": _iso(s["initiated_at"]),
                "status": "expired" if s["status"] == "pending" else s["status"],
            }
            for s in detail["steps"]
        ]
        + [
            {"channel": w["channel"], "status": "unused"}
            for w in detail["workflow"][len(detail["steps"]) :]
        ],
        "price": detail.get("price", "0.00000000"),
    }
    if detail.get("client_ref"):
        body["client_ref"] = detail["client_ref"]
    return body


def _event(request: VerifyRequest, step: dict[str, Any], now: float) -> dict[str, Any]:
    body: dict[str, Any] = {
        "request_id": request.request_id,
        "triggered_at": _iso(step["initiated_at"]),
        "type": "event",
        "channel": step["channel"],
        "status": step["status"],
        "finalized_at": _iso(now),
    }
    if request.detail.get("client_ref"):
        body["client_ref"] = request.detail["client_ref"]
    return body


def status_url(tx: Tx, request: VerifyRequest) -> str | None:
    if not request.application_id:
        return None
    app = application_state.get_application(tx, request.api_key, request.application_id)
    verify = app.capabilities.get("verify") if app is not None else None
    hooks = verify.get("webhooks") if isinstance(verify, dict) else None
    hook = hooks.get("status_url") if isinstance(hooks, dict) else None
    address = hook.get("address") if isinstance(hook, dict) else None
    return address if isinstance(address, str) and address else None


def _callback(tx: Tx, sv: Verify2Services, request: VerifyRequest, payload: dict[str, Any]) -> None:
    url = status_url(tx, request)
    if url is None:
        return
    outbox.enqueue(
        tx,
        sv.clock.now(),
        api_key=request.api_key,
        kind=CALLBACK_KIND,
        url=url,
        payload=payload,
        signing="jwt",
        reference=request.request_id,
        application_id=request.application_id,
    )
    sv.webhooks.wake()
