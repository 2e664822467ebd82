"""Reading the handset routes' input: phone numbers, times, waits; every refusal a 400."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from ringback.core.errors import InvalidParameter, InvalidParameters
from ringback.network import numbering
from ringback.state.handsets import HandsetMessage

MAX_WAIT_SECONDS = 60.0  # a long-poll answers after at most this long, whatever was asked
DIRECTIONS = {"received": "received", "sent": "sent", "all": None}
_TZ_SPACE = re.compile(r" (\d\d:?\d\d)$")  # "+01:00" arrives as " 01:00" from an unencoded query


def invalid(name: str, reason: str) -> InvalidParameters:
    return InvalidParameters(
        f"{name} {reason}", invalid_parameters=[InvalidParameter(name, reason)]
    )


def phone_number(raw: Any, name: str) -> str:
    """E.164 digits of a number of some country ("+44 7700 900901", "447700900901")."""
    msisdn = numbering.normalise(raw) if isinstance(raw, str) else None
    if msisdn is None or numbering.lookup(msisdn) is None:
        raise invalid(name, "must be a phone number in E.164, e.g. +447700900901")
    return msisdn


def peer(raw: str) -> str:
    """The other party as stored: E.164 digits, or an alphanumeric sender ID as given."""
    msisdn = numbering.normalise(raw)
    if msisdn is not None:
        return msisdn
    if not raw.strip() or len(raw) > 64:
        raise invalid("from", "must be a phone number or a sender ID")
    return raw.strip()


def seconds(raw: str, name: str, *, cap: float | None = None) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise invalid(name, "must be a number of seconds") from None
    if not (math.isfinite(value) and value >= 0):
        raise invalid(name, "must be a number of seconds, 0 or more")
    return min(value, cap) if cap is not None else value


def moment(raw: str, name: str) -> float:
    """Ringback-clock seconds since the epoch, or an ISO 8601 time (UTC unless it says)."""
    try:
        value = float(raw)
    except ValueError:
        pass
    else:
        if not math.isfinite(value):
            raise invalid(name, "must be epoch seconds or an ISO 8601 time")
        return value
    try:
        parsed = datetime.fromisoformat(_TZ_SPACE.sub(r"+\1", raw.strip()))
    except ValueError:
        raise invalid(name, "must be epoch seconds or an ISO 8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def whole(raw: str, name: str, low: int, high: int) -> int:
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12) or not low <= int(raw) <= high:
        raise invalid(name, f"must be a whole number from {low} to {high}")
    return int(raw)


def query(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return value if value not in (None, "") else None


def wait_of(request: Request) -> float:
    raw = query(request, "wait")
    return 0.0 if raw is None else seconds(raw, "wait", cap=MAX_WAIT_SECONDS)


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_seconds(at: float) -> str:
    """ISO 8601 UTC to the second, "2026-12-01T23:10:00Z"."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def message_view(message: HandsetMessage) -> dict[str, Any]:
    received = message.direction == "received"
    return {
        "id": message.id,
        "direction": message.direction,
        "channel": message.channel,
        "from": message.peer if received else message.msisdn,
        "to": message.msisdn if received else message.peer,
        "text": message.text,
        "encoding": message.encoding,
        "parts": message.parts,
        "api_key": message.api_key,
        "message_ids": message.reference.split(",") if message.reference else [],
        "created_at": message.created_at,
        "time": iso(message.created_at),
        # the Messages API's content as sent ({"message_type": "image", "image": {...}}), or null
        "content": json.loads(message.content) if message.content else None,
        # a message this handset sent that the business marked read (WhatsApp), else null
        "read_at": message.read_at,
    }
