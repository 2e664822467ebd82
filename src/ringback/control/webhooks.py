"""The webhook outbox through the control API: list (with long-poll), show, replay, send a
test webhook, and the delivery settings."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ringback.apis.services import Services
from ringback.control.common import control, field
from ringback.control.shared import publish
from ringback.core.errors import InvalidParameters, NotFound
from ringback.core.responses import VonageJSON
from ringback.core.web_urls import BadUrl, check_web_url
from ringback.state import accounts as account_state
from ringback.state.store import Tx
from ringback.state.webhook_deliveries import Filter
from ringback.webhooks import history, outbox
from ringback.webhooks.dispatcher import TOPIC

FILTERS = ("status", "url", "api_key", "kind", "reference", "since", "min_attempts", "limit")
MAX_LIMIT = 1000
MAX_WAIT_SECONDS = 60.0
POLL_SECONDS = 0.25  # enqueues that nobody announces are still seen this soon
SIGNINGS = {"none": None, "sms-signature": "sms-signature", "jwt": "jwt"}


def _number(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise InvalidParameters(f"{name} must be a number") from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidParameters(f"{name} must be a number")
    return value


def _since(text: str) -> float:
    try:
        return _number(text, "since")
    except InvalidParameters:
        pass
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidParameters("since must be unix seconds or an ISO 8601 time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


def _whole(text: str, name: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise InvalidParameters(f"{name} must be a whole number") from exc
    if not low <= value <= high:
        raise InvalidParameters(f"{name} must be between {low} and {high}")
    return value


def parse_filter(params: dict[str, str]) -> Filter:
    unknown = sorted(set(params) - {*FILTERS, "wait"})
    if unknown:
        raise InvalidParameters(f"unknown filter {unknown[0]!r}; filters are {', '.join(FILTERS)}")
    status = params.get("status")
    if status is not None and status not in outbox.STATUSES:
        raise InvalidParameters(f"status must be one of {', '.join(outbox.STATUSES)}")
    return Filter(
        status=status,
        url=params.get("url") or None,
        api_key=params.get("api_key") or None,
        kind=params.get("kind") or None,
        reference=params.get("reference") or None,
        since=_since(params["since"]) if "since" in params else None,
        min_attempts=(
            _whole(params["min_attempts"], "min_attempts", 0, 1_000_000)
            if "min_attempts" in params
            else None
        ),
        limit=_whole(params["limit"], "limit", 1, MAX_LIMIT) if "limit" in params else 100,
    )


async def list_webhooks(request: Request, services: Services, body: dict[str, Any]) -> Any:
    params = dict(request.query_params)
    where = parse_filter(params)
    wait = _number(params["wait"], "wait") if "wait" in params else 0.0
    if not 0 <= wait <= MAX_WAIT_SECONDS:
        raise InvalidParameters(f"wait must be between 0 and {MAX_WAIT_SECONDS:g} seconds")
    deadline = time.monotonic() + wait
    while True:
        seen = services.changes.version
        found = await services.store.transact(history.list_deliveries, where)
        remaining = deadline - time.monotonic()
        if found or remaining <= 0 or services.changes.closed:
            return {"deliveries": found}
        await services.changes.wait(TOPIC, min(remaining, POLL_SECONDS), since=seen)


def _delivery_id(request: Request) -> int:
    raw = request.path_params["delivery_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound(f"webhook delivery {raw} not found")
    return int(raw)


def read_webhook(request: Request, services: Services, body: dict[str, Any]) -> Any:
    delivery_id = _delivery_id(request)
    with services.store.begin() as tx:
        found = history.get_delivery(tx, delivery_id)
    if found is None:
        raise NotFound(f"webhook delivery {delivery_id} not found")
    return found


async def replay(request: Request, services: Services, body: dict[str, Any]) -> Any:
    delivery_id = _delivery_id(request)
    await services.store.transact(_replay, delivery_id, services.clock.now())
    services.webhooks.wake()
    await services.webhooks.run_due()
    return await services.store.transact(history.get_delivery, delivery_id)


def _replay(tx: Tx, delivery_id: int, now: float) -> None:
    if outbox.replay(tx, delivery_id, now) is None:
        raise NotFound(f"webhook delivery {delivery_id} not found")


def _callback_url(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidParameters("url is required: the absolute http(s) URL to call")
    try:
        return check_web_url(value)
    except BadUrl as bad:
        raise InvalidParameters(f"url {bad}: an absolute http(s) URL Ringback can call") from None


def _choice(body: dict[str, Any], name: str, choices: tuple[str, ...], default: str) -> str:
    value = body.get(name, default)
    if value not in choices:
        raise InvalidParameters(f"{name} must be one of {', '.join(choices)}")
    return str(value)


async def send_test(request: Request, services: Services, body: dict[str, Any]) -> Response:
    """A "test webhook" button: a ping through the real outbox, retried and recorded."""
    delivery_id = await services.store.run(_enqueue_test, services, body)
    services.webhooks.wake()
    await services.webhooks.run_due()
    found = await services.store.transact(history.get_delivery, delivery_id)
    return VonageJSON(found, status_code=201)


def _enqueue_test(services: Services, body: dict[str, Any]) -> int:
    url = _callback_url(body.get("url"))
    api_key = field(body, "api_key", str)
    method = _choice(body, "method", outbox.METHODS, "POST")
    content_type = _choice(body, "content_type", outbox.CONTENT_TYPES, "json")
    payload = body.get("payload")
    if payload is not None and not isinstance(payload, dict):
        raise InvalidParameters("payload must be a JSON object")
    window = body.get("retry_window", outbox.DEFAULT_RETRY_WINDOW)
    if isinstance(window, bool) or not isinstance(window, (int, float)):
        raise InvalidParameters("retry_window must be a number of seconds")
    if not 0 <= window <= outbox.RECEIPT_RETRY_WINDOW:
        raise InvalidParameters("retry_window must be between 0 and 259200 seconds")
    now = services.clock.now()
    with services.store.begin() as tx:
        account = account_state.get_account(tx, api_key) if api_key else None
        if api_key and account is None:
            raise NotFound(f"account {api_key} not found")
        default = "sms-signature" if account is not None and account.signs_webhooks else "none"
        signing = SIGNINGS[_choice(body, "signing", tuple(SIGNINGS), default)]
        if signing is not None and account is None:
            raise InvalidParameters("signing needs the api_key of the account whose secret signs")
        if payload is None:
            stamp = dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
            payload = {"type": "ping", "message": "Ringback test webhook", "timestamp": stamp}
            if api_key:
                payload["api-key"] = api_key
        delivery_id = outbox.enqueue(
            tx,
            now,
            api_key=api_key,
            kind="test",
            url=url,
            payload=payload,
            method=method,
            content_type=content_type,
            signing=signing,
            retry_window=float(window),
            application_id=field(body, "application_id", str),
        )
    return delivery_id


def settings_view(services: Services) -> dict[str, Any]:
    dispatcher = services.webhooks
    return {
        "concurrency": dispatcher.concurrency,
        "connect_timeout": dispatcher.connect_timeout,
        "response_timeout": dispatcher.response_timeout,
        "pipeline": dispatcher.pipeline,
    }


def _setting(body: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low < value <= high:
        raise InvalidParameters(f"{name} must be a number above {low:g}, at most {high:g}")
    return float(value)


async def read_settings(request: Request, services: Services, body: dict[str, Any]) -> Any:
    return settings_view(services)


async def change_settings(request: Request, services: Services, body: dict[str, Any]) -> Any:
    unknown = sorted(set(body) - {*settings_view(services)})
    if unknown:
        raise InvalidParameters(f"unknown setting {unknown[0]!r}")
    concurrency = _setting(body, "concurrency", 0, 1024)
    pipeline = _setting(body, "pipeline", 0, 256)
    for name, value in (("concurrency", concurrency), ("pipeline", pipeline)):
        if value is not None and value != int(value):
            raise InvalidParameters(f"{name} must be a whole number")
    services.webhooks.configure(
        concurrency=int(concurrency) if concurrency is not None else None,
        pipeline=int(pipeline) if pipeline is not None else None,
        connect_timeout=_setting(body, "connect_timeout", 0, 60),
        response_timeout=_setting(body, "response_timeout", 0, 300),
    )
    await publish(services, "webhook-settings", settings_view(services))
    return settings_view(services)


def routes() -> list[Route]:
    return [
        Route("/_ringback/webhooks", control(list_webhooks), methods=["GET"]),
        Route("/_ringback/webhooks/test", control(send_test), methods=["POST"]),
        Route("/_ringback/webhooks/settings", control(read_settings), methods=["GET"]),
        Route("/_ringback/webhooks/settings", control(change_settings), methods=["PUT"]),
        Route("/_ringback/webhooks/{delivery_id}", control(read_webhook), methods=["GET"]),
        Route("/_ringback/webhooks/{delivery_id}/replay", control(replay), methods=["POST"]),
    ]
