"""The Messages API's status webhook bodies, v1 (messages_local.json's messageStatus* schemas)
and v0.1 (to/from as `{type, number|id}` objects, `error` as `{code, reason}`)."""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from ringback.apis.messages.errors import error_text, error_type
from ringback.core.money import from_units
from ringback.state.messages import Message

# v0.1 names the party on channels that do not use phone numbers by `id`
ID_CHANNELS = {"messenger": ("id", "id"), "viber_service": ("id", "number")}


@functools.lru_cache(maxsize=8)  # a batch of delivery jobs lands at one time
def timestamp(at: float, version: str) -> str:
    moment = datetime.fromtimestamp(at, UTC)
    if version == "v0.1":
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.lru_cache(maxsize=256)  # a few prices recur
def _price(units: int) -> str:
    return format(from_units(units).normalize(), "f")


def _instance(message: Message, status: str) -> str:
    """The error's record id: 32 hex, stable for the message and status."""
    return hashlib.md5(f"{message.message_id}:{status}".encode()).hexdigest()


def status_body(message: Message, status: str, error_code: int | None, at: float) -> dict[str, Any]:
    if message.webhook_version == "v0.1":
        return _v0_1(message, status, error_code, at)
    body: dict[str, Any] = {
        "message_uuid": message.message_id,
        "to": message.to_msisdn,
        "from": message.sender,
        "timestamp": timestamp(at, "v1"),
        "status": status,
        "channel": message.channel,
    }
    if error_code is not None:
        title, detail = error_text(error_code)
        body["error"] = {
            "type": error_type(error_code),
            "title": title,
            "detail": detail,
            "instance": _instance(message, status),
        }
    if message.client_ref is not None:
        body["client_ref"] = message.client_ref
    if status != "rejected":
        body["usage"] = {"currency": "EUR", "price": _price(message.price_units)}
    if message.workflow is not None:
        body["workflow"] = json.loads(message.workflow)
    if message.channel == "sms":
        body["sms"] = {"count_total": str(message.count_total)}
        if message.network_code:
            body["destination"] = {"network_code": message.network_code}
    return body


def _v0_1(message: Message, status: str, error_code: int | None, at: float) -> dict[str, Any]:
    to_key, from_key = ID_CHANNELS.get(message.channel, ("number", "number"))
    body: dict[str, Any] = {
        "message_uuid": message.message_id,
        "to": {"type": message.channel, to_key: message.to_msisdn},
        "from": {"type": message.channel, from_key: message.sender},
        "timestamp": timestamp(at, "v0.1"),
        "status": status,
    }
    if status != "rejected":
        body["usage"] = {"currency": "EUR", "price": _price(message.price_units)}
    if error_code is not None:
        title, detail = error_text(error_code)
        body["error"] = {"code": error_code, "reason": f"{title} - {detail}"}
    if message.client_ref is not None:
        body["client_ref"] = message.client_ref
    return body
