"""The call status webhooks Vonage sends to the event_url, shaped as the webhook reference
shows them (vonage-behaviours §5.2)."""

from __future__ import annotations

from typing import Any

from ringback.ncco.events import timestamp
from ringback.state.calls import Call


def address(endpoint: dict[str, Any]) -> str:
    for key in ("number", "uri", "user", "extension"):
        if key in endpoint:
            return str(endpoint[key])
    return ""


def status_event(call: Call, status: str, at: float, **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "from": address(call.from_endpoint),
        "to": address(call.to_endpoint),
        "uuid": call.uuid,
        "conversation_uuid": call.conversation_uuid,
        "status": status,
        "direction": call.direction,
        "timestamp": timestamp(at),
    }
    payload.update(extra)
    return payload


def machine_event(call: Call, status: str, at: float) -> dict[str, Any]:
    """`human` / `machine`: `call_uuid`, not `uuid` (voice_local_fixed.json)."""
    return {
        "call_uuid": call.uuid,
        "conversation_uuid": call.conversation_uuid,
        "status": status,
        "direction": call.direction,
        "timestamp": timestamp(at),
    }


def transfer_event(call: Call, at: float) -> dict[str, Any]:
    return {
        "conversation_uuid_from": call.conversation_uuid,
        "conversation_uuid_to": call.conversation_uuid,
        "uuid": call.uuid,
        "timestamp": timestamp(at),
    }
