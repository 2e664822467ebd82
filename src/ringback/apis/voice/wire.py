"""Calls on the wire: CallInfo (GET /v1/calls/{uuid}) and the HAL list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ringback.ncco.events import timestamp
from ringback.state.calls import Call


def call_info(call: Call, url: str) -> dict[str, Any]:
    """`url(path)` makes an absolute URL on the host the client called."""
    body: dict[str, Any] = {
        "uuid": call.uuid,
        "conversation_uuid": call.conversation_uuid,
        "to": call.to_endpoint,
        "from": call.from_endpoint,
        "status": call.status,
        "direction": call.direction,
        "rate": call.rate,
        "price": call.price,
        "duration": str(call.duration) if call.duration is not None else None,
        "start_time": timestamp(call.start_time) if call.start_time is not None else None,
        "end_time": timestamp(call.end_time) if call.end_time is not None else None,
        "network": call.network,
        "_links": {"self": {"href": f"{url}/v1/calls/{call.uuid}"}},
    }
    return {k: v for k, v in body.items() if v is not None}


def call_list(
    calls: list[Call], total: int, page_size: int, record_index: int, query: dict[str, str],
    base: str,
) -> dict[str, Any]:  # fmt: skip
    def link(index: int) -> dict[str, str]:
        params = {**query, "page_size": str(page_size), "record_index": str(index)}
        return {"href": f"{base}/v1/calls?{urlencode(params)}"}

    links: dict[str, Any] = {"self": link(record_index), "first": link(0)}
    last = max(0, (total - 1) // page_size * page_size)
    links["last"] = link(last)
    if record_index + page_size < total:
        links["next"] = link(record_index + page_size)
    if record_index > 0:
        links["prev"] = link(max(0, record_index - page_size))
    return {
        "count": total,
        "page_size": page_size,
        "record_index": record_index,
        "_links": links,
        "_embedded": {"calls": [call_info(c, base) for c in calls]},
    }
