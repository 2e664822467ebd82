"""Virtual handsets through the control API: read an inbox, send as the handset, set what
traffic to it does, read its last one-time code, list the magic numbers. No account needed.

The `wait` long-polls are real-time waits for a client (a test never sleeps): they end as soon
as a matching message is recorded (core/changes.py), or after `wait` seconds (at most 60).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ringback.apis.services import Services
from ringback.control import codes, handset_channels
from ringback.control.common import control
from ringback.control.handset_params import (
    DIRECTIONS,
    invalid,
    iso_seconds,
    message_view,
    moment,
    peer,
    phone_number,
    query,
    wait_of,
    whole,
)
from ringback.core.errors import Conflict, InvalidParameter, InvalidParameters
from ringback.core.responses import VonageJSON
from ringback.network import behaviours, handsets, inbound, numbering
from ringback.network.delivery.channels import CHANNELS
from ringback.network.delivery.sms import SMS
from ringback.network.sms_encoding import MAX_TEXT_CHARACTERS, segment_text
from ringback.state import handsets as handset_state
from ringback.state import numbers as number_state
from ringback.state.store import Tx

T = TypeVar("T")
SEND_FIELDS = {"to", "text", "channel"}


def _msisdn(request: Request) -> str:
    return phone_number(request.path_params["msisdn"], "msisdn")


async def _poll(services: Services, msisdn: str, wait: float, read: Callable[[Tx], T]) -> T:
    """`read` now; if it finds nothing, again whenever the handset changes, until `wait` ends."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        seen = services.changes.version
        found = await services.store.transact(read)
        remaining = deadline - loop.time()
        if found or remaining <= 0 or services.changes.closed:
            return found
        await services.changes.wait(handsets.topic(msisdn), remaining, since=seen)


async def read_messages(request: Request, services: Services, body: dict[str, Any]) -> Any:
    msisdn = _msisdn(request)
    direction = query(request, "direction") or "received"
    if direction not in DIRECTIONS:
        raise invalid("direction", "must be received, sent or all")
    channel = query(request, "channel")
    if channel is not None and channel not in CHANNELS:
        raise invalid("channel", f"must be one of {', '.join(CHANNELS.names())}")
    sender = query(request, "from")
    since = query(request, "since")
    after = query(request, "after")
    limit = query(request, "limit")
    filters: dict[str, Any] = {
        "direction": DIRECTIONS[direction],
        "channel": channel,
        "peer": peer(sender) if sender is not None else None,
        "since": moment(since, "since") if since is not None else None,
        "after_id": whole(after, "after", 0, 2**62) if after is not None else None,
        "limit": whole(limit, "limit", 1, 1000) if limit is not None else 1000,
    }
    found = await _poll(
        services,
        msisdn,
        wait_of(request),
        lambda tx: handset_state.messages(tx, msisdn, **filters),
    )
    return {"msisdn": msisdn, "messages": [message_view(m) for m in found]}


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _send_body(body: dict[str, Any]) -> tuple[str, str]:
    problems = [
        InvalidParameter(k, "is not a field of a message") for k in body if k not in SEND_FIELDS
    ]
    text = body.get("text")
    if not isinstance(text, str) or not text:
        problems.append(InvalidParameter("text", "must be a non-empty string"))
    elif not text.isascii() and not _utf8(text):
        problems.append(InvalidParameter("text", "must be valid Unicode (no lone surrogates)"))
    elif len(text) > MAX_TEXT_CHARACTERS:
        problems.append(
            InvalidParameter("text", f"must be at most {MAX_TEXT_CHARACTERS} characters")
        )
    channel = body.get("channel", SMS.name)
    if channel not in CHANNELS:
        names = ", ".join(CHANNELS.names())
        problems.append(InvalidParameter("channel", f"must be one of {names}"))
    elif channel != SMS.name:  # the other channels' handsets send through their own APIs
        problems.append(InvalidParameter("channel", f"a handset sends {SMS.name} here"))
    if not isinstance(body.get("to"), str):
        problems.append(InvalidParameter("to", "must be a phone number in E.164"))
    if problems:
        raise InvalidParameters("Invalid message", invalid_parameters=problems)
    assert isinstance(text, str)
    return phone_number(body["to"], "to"), text


def send_message(request: Request, services: Services, body: dict[str, Any]) -> Response:
    on_messages = handset_channels.send(request, services, body)
    if on_messages is not None:  # a Messages channel, or an SMS to a Messages application
        return on_messages
    msisdn = _msisdn(request)
    to, text = _send_body(body)
    segments = segment_text(text)
    with services.store.begin() as tx:
        own = number_state.get_number(tx, msisdn)
        if own is not None:
            raise Conflict(
                f"{msisdn} is a Vonage number rented by account {own.api_key}: "
                "send from it with the SMS API"
            )
        now = services.clock.now()
        delivered = inbound.deliver_inbound(tx, services, sender=msisdn, to=to, text=text)
        sent = handsets.record(
            tx,
            services.changes,
            msisdn=msisdn,
            direction="sent",
            channel="sms",
            peer=to,
            text=text,
            now=now,
            encoding=segments.encoding.value,
            parts=segments.count,
            api_key=delivered.api_key if delivered else None,
            reference=",".join(delivered.message_ids) if delivered else None,
        )
        received: int | None
        if delivered is None:  # handset to handset, straight into the other inbox
            received = handsets.record(
                tx,
                services.changes,
                msisdn=to,
                direction="received",
                channel="sms",
                peer=msisdn,
                text=text,
                now=now,
                encoding=segments.encoding.value,
                parts=segments.count,
            )
        else:
            received = delivered.handset_message_id
        sent_message = handset_state.message(tx, sent)
        received_message = handset_state.message(tx, received) if received is not None else None
    assert sent_message is not None
    services.webhooks.wake()
    delivered_to = "handset"
    if delivered is not None:
        delivered_to = "refused" if delivered.refused else "account"
    answer = {
        "from": msisdn,
        "to": to,
        "delivered_to": delivered_to,
        "encoding": segments.encoding.value,
        "parts": segments.count,
        "sent": message_view(sent_message),
        "received": message_view(received_message) if received_message else None,
        "inbound": delivered.to_json() if delivered else None,
    }
    return VonageJSON(answer, status_code=201)


def _channel(request: Request) -> str | None:
    """`?channel=`: the behaviour on one channel (its overrides on the handset's profile)."""
    channel = query(request, "channel")
    if channel is not None and channel not in CHANNELS:
        raise invalid("channel", f"must be one of {', '.join(CHANNELS.names())}")
    return channel


def _behaviour_view(tx: Tx, msisdn: str, channel: str | None = None) -> dict[str, Any]:
    found = behaviours.effective(tx, msisdn)
    behaviour = found.behaviour.for_channel(channel)
    view = {
        "msisdn": msisdn,
        "source": found.source,
        "updated_at": found.updated_at,
        "behaviour": behaviour.to_json(),
        "explained": behaviours.explain(behaviour),
    }
    if channel is not None:
        view["channel"] = channel
    return view


def read_behaviour(request: Request, services: Services, body: dict[str, Any]) -> Any:
    msisdn = _msisdn(request)
    channel = _channel(request)
    with services.store.begin() as tx:
        return _behaviour_view(tx, msisdn, channel)


def _set_channel_behaviour(
    services: Services, msisdn: str, channel: str, fields: dict[str, Any]
) -> Any:
    """The fields as the handset's overrides on `channel` ({} removes them)."""
    with services.store.begin() as tx:
        base = behaviours.effective(tx, msisdn).behaviour
        behaviour = behaviours.with_channel(base, channel, fields)
        behaviours.set_behaviour(tx, msisdn, behaviour, services.clock.now())
        return _behaviour_view(tx, msisdn, channel)


def set_behaviour(request: Request, services: Services, body: dict[str, Any]) -> Any:
    msisdn = _msisdn(request)
    channel = _channel(request)
    if channel is not None:
        if not body:
            raise invalid("body", "must give the behaviour's fields on that channel")
        return _set_channel_behaviour(services, msisdn, channel, dict(body))
    fields = dict(body)
    base = behaviours.DEFAULT
    if "profile" in fields:
        name = fields.pop("profile")
        found = behaviours.named(name) if isinstance(name, str) else None
        if found is None:
            names = ", ".join(behaviours.PROFILES)
            raise invalid("profile", f"must be one of {names}")
        base = found
    behaviour = behaviours.validate(fields, base)
    with services.store.begin() as tx:
        behaviours.set_behaviour(tx, msisdn, behaviour, services.clock.now())
        return _behaviour_view(tx, msisdn)


def reset_behaviour(request: Request, services: Services, body: dict[str, Any]) -> Any:
    msisdn = _msisdn(request)
    channel = _channel(request)
    if channel is not None:
        return _set_channel_behaviour(services, msisdn, channel, {})
    with services.store.begin() as tx:
        behaviours.clear_behaviour(tx, msisdn)
        return _behaviour_view(tx, msisdn)


def list_handsets(request: Request, services: Services, body: dict[str, Any]) -> Any:
    """Every number that has sent or received something, newest traffic first."""
    raw = query(request, "limit")
    limit = whole(raw, "limit", 1, 1000) if raw is not None else 100
    with services.store.begin() as tx:
        total = handset_state.count_handsets(tx)
        found = handset_state.handsets_with_traffic(tx, limit)
    return {
        "count": total,
        "handsets": [
            {
                "msisdn": h.msisdn,
                "last_at": iso_seconds(h.last_at),
                "received": h.received,
                "sent": h.sent,
                "channels": h.channels,
            }
            for h in found
        ],
    }


async def magic_numbers(request: Request, services: Services, body: dict[str, Any]) -> Any:
    rows = []
    for msisdn, behaviour in behaviours.MAGIC_NUMBERS.items():
        info = numbering.lookup(msisdn)
        rows.append(
            {
                "msisdn": msisdn,
                "number": info.international_format if info else f"+{msisdn}",
                "name": behaviour.name,
                **behaviours.explain(behaviour),
                "behaviour": behaviour.to_json(),
            }
        )
    return {"magic_numbers": rows}


def routes() -> list[Route]:
    base = "/_ringback/handsets/{msisdn}"
    return [
        Route("/_ringback/handsets", control(list_handsets), methods=["GET"]),
        Route(f"{base}/messages", control(read_messages), methods=["GET"]),
        Route(f"{base}/messages", control(send_message), methods=["POST"]),
        Route(f"{base}/behaviour", control(read_behaviour), methods=["GET"]),
        Route(f"{base}/behaviour", control(set_behaviour), methods=["PUT"]),
        Route(f"{base}/behaviour", control(reset_behaviour), methods=["DELETE"]),
        Route(f"{base}/codes/latest", control(codes.handset_latest_code), methods=["GET"]),
        Route("/_ringback/magic-numbers", control(magic_numbers), methods=["GET"]),
    ]
