"""One-time codes and email inboxes through the control API.

`GET /_ringback/handsets/{msisdn}/codes/latest` and `GET /_ringback/inboxes/{address}/codes/
latest` answer the last code Verify delivered there, on any channel, straight from the record
of what was sent (`verify_codes`): code, channel, request id and when. For a handset with no
Verify code, the last code found in a message's text answers (an app's own "your code is"
SMS), as before. `GET /_ringback/inboxes/{address}/messages` is an email address's inbox.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.routing import Route

from ringback.apis.services import Services
from ringback.control.common import control
from ringback.control.handset_params import (
    invalid,
    iso,
    message_view,
    moment,
    phone_number,
    query,
    wait_of,
    whole,
)
from ringback.core.errors import NotFound
from ringback.network import handsets
from ringback.state import handsets as handset_state
from ringback.state import verify_codes
from ringback.state.store import Tx
from ringback.state.verify_codes import SentCode

T = TypeVar("T")
# a voice code is delivered by a job that wakes no handset topic: look again this often
RECHECK_SECONDS = 0.25
# the address's shape only (a local part, @, a domain with a dot): what Verify v2 takes
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def email_address(raw: str) -> str:
    address = raw.strip().lower()
    if len(address) > 254 or not EMAIL.match(address):
        raise invalid("address", "must be an email address")
    return address


async def _poll(services: Services, address: str, wait: float, read: Callable[[Tx], T]) -> T:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        seen = services.changes.version
        found = await services.store.transact(read)
        remaining = deadline - loop.time()
        if found or remaining <= 0 or services.changes.closed:
            return found
        await services.changes.wait(
            handsets.topic(address), min(remaining, RECHECK_SECONDS), since=seen
        )


def code_view(address: str, sent: SentCode) -> dict[str, Any]:
    at = sent.delivered_at if sent.delivered_at is not None else sent.created_at
    return {
        "address": address,
        "code": sent.code,
        "channel": sent.channel,
        "request_id": sent.request_id,
        "at": at,
        "time": iso(at),
        "call_uuid": sent.call_uuid,
        "api_key": sent.api_key,
    }


def _latest(address: str, since: float | None, after_id: int | None) -> Callable[[Tx], Any]:
    def read(tx: Tx) -> dict[str, Any] | None:
        sent = verify_codes.latest_delivered(tx, address, since)
        parsed = handsets.latest_code(tx, address, after_id=after_id, since=since)
        if sent is not None and after_id is None:
            at = sent.delivered_at or sent.created_at
            # a newer code in a message that is not this one's (an app's own SMS) wins
            if parsed is None or parsed[1].created_at <= at or parsed[1].reference == sent.id:
                return {**code_view(address, sent), "message": _message_of(tx, address, sent)}
        if parsed is None:
            return None
        code, message = parsed
        return {
            "address": address,
            "code": code,
            "channel": message.channel,
            "request_id": None,
            "at": message.created_at,
            "time": iso(message.created_at),
            "call_uuid": None,
            "api_key": message.api_key,
            "message": message_view(message),
        }

    return read


def _message_of(tx: Tx, address: str, sent: SentCode) -> dict[str, Any] | None:
    for message in handset_state.messages(tx, address, limit=20, newest_first=True):
        if message.reference == sent.id:
            return message_view(message)
    return None


async def _answer_latest(request: Request, services: Services, address: str) -> Any:
    after = query(request, "after")
    since = query(request, "since")
    after_id = whole(after, "after", 0, 2**62) if after is not None else None
    since_at = moment(since, "since") if since is not None else None
    found = await _poll(services, address, wait_of(request), _latest(address, since_at, after_id))
    if found is None:
        raise NotFound(f"{address} has received no one-time code")
    return {"msisdn": address, **found}


async def handset_latest_code(request: Request, services: Services, body: dict[str, Any]) -> Any:
    return await _answer_latest(
        request, services, phone_number(request.path_params["msisdn"], "msisdn")
    )


async def inbox_latest_code(request: Request, services: Services, body: dict[str, Any]) -> Any:
    return await _answer_latest(request, services, email_address(request.path_params["address"]))


async def inbox_messages(request: Request, services: Services, body: dict[str, Any]) -> Any:
    address = email_address(request.path_params["address"])
    since = query(request, "since")
    after = query(request, "after")
    limit = query(request, "limit")
    filters: dict[str, Any] = {
        "since": moment(since, "since") if since is not None else None,
        "after_id": whole(after, "after", 0, 2**62) if after is not None else None,
        "limit": whole(limit, "limit", 1, 1000) if limit is not None else 1000,
    }
    found = await _poll(
        services,
        address,
        wait_of(request),
        lambda tx: handset_state.messages(tx, address, **filters),
    )
    return {"address": address, "messages": [_email_view(m) for m in found]}


def _email_view(message: handset_state.HandsetMessage) -> dict[str, Any]:
    view = message_view(message)
    content = view.get("content") or {}
    return {**view, "subject": content.get("subject") if isinstance(content, dict) else None}


def routes() -> list[Route]:
    base = "/_ringback/inboxes/{address}"
    return [
        Route(f"{base}/messages", control(inbox_messages), methods=["GET"]),
        Route(f"{base}/codes/latest", control(inbox_latest_code), methods=["GET"]),
    ]
