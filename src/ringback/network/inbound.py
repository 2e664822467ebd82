"""Inbound SMS: a text to a number a Ringback account rents becomes that account's webhook.

Whoever sends it (a virtual handset through the control API, or another account through the
SMS API) calls `route_inbound_sms` inside its own transaction. Per SMS part, one inbound-SMS
webhook is owed (webhooks/outbox.py) to the number's `mo_http_url`, else the account's
`mo_callback_url`, sent the account's way (`sms_webhook_method`) and signed when the account
signs webhooks. The whole message is also recorded as received on the number's own inbox
(`GET /_ringback/handsets/{number}/messages`), with or without a URL to send it to, so
callers must not record it there again.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from ringback.core.changes import Changes
from ringback.core.clock import Clock
from ringback.core.errors import InsufficientCredit, InvalidParameters
from ringback.core.ids import Ids
from ringback.core.prices import PriceListError
from ringback.network import handsets
from ringback.network.sms_encoding import Encoding, Segments, segment_binary, segment_text
from ringback.platform.billing import Billing
from ringback.state import accounts as account_state
from ringback.state import numbers as number_state
from ringback.state.store import Tx
from ringback.webhooks import outbox

KIND = "sms-inbound"
RETRY_WINDOW = outbox.DAY  # sms.yml: "Vonage will resend the inbound message for 24 hours"
PRODUCT = "sms-inbound"  # charged per part only when the price list names it


class InboundServices(Protocol):
    """What routing an inbound message needs of Ringback's shared parts (the APIs' `Services`
    has them all; the network sits below the APIs, so it names only these)."""

    @property
    def billing(self) -> Billing: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def ids(self) -> Ids: ...
    @property
    def changes(self) -> Changes: ...


@dataclass(frozen=True)
class Inbound:
    """What became of a message to an owned number."""

    api_key: str  # the account renting the number
    message_ids: tuple[str, ...]  # one per SMS part, as the webhooks carry them
    url: str | None  # where the webhooks go; None when neither URL is set
    method: str  # POST-JSON | POST | GET
    signed: bool
    refused: str | None = None  # why nothing was delivered (the account cannot pay)
    handset_message_id: int | None = None  # the entry on the number's inbox

    def to_json(self) -> dict[str, Any]:
        return {
            "api_key": self.api_key,
            "message_ids": list(self.message_ids),
            "webhook_url": self.url,
            "webhook_method": self.method,
            "signed": self.signed,
            "refused": self.refused,
        }


def route_inbound_sms(
    tx: Tx,
    services: InboundServices,
    *,
    sender: str,
    to: str,
    text: str,
    type_: str = "text",
    udh: str | None = None,
    data: str | None = None,
) -> list[str] | None:
    """The message ids of the parts delivered to the account owning `to`; None when no
    account owns `to` (it is an ordinary handset); [] when the account could not pay."""
    result = deliver_inbound(
        tx, services, sender=sender, to=to, text=text, type_=type_, udh=udh, data=data
    )
    return None if result is None else list(result.message_ids)


def keyword(text: str) -> str:
    words = text.split()
    return words[0].upper() if words else ""


def timestamp(now: float) -> str:
    """`message-timestamp`: UTC `YYYY-MM-DD HH:MM:SS`."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now))


def _segments(type_: str, text: str, udh: str | None, data: str | None) -> Segments:
    if type_ == "binary":
        try:
            body = bytes.fromhex(data or "")
            header = bytes.fromhex(udh or "")
        except ValueError as exc:
            raise InvalidParameters("data and udh must be hex") from exc
        segments = segment_binary(body, header)
        if not segments.count:
            raise InvalidParameters("udh leaves no room for data")
        return segments
    if type_ not in ("text", "unicode"):
        raise InvalidParameters("type must be text, unicode or binary")
    return segment_text(text, Encoding.UCS2 if type_ == "unicode" else None)


def _price(services: InboundServices, country: str, parts: int) -> Decimal:
    try:
        return services.billing.prices.price(PRODUCT, country) * parts
    except PriceListError:
        return Decimal(0)  # Ringback's default list has no inbound price: inbound is free


def deliver_inbound(
    tx: Tx,
    services: InboundServices,
    *,
    sender: str,
    to: str,
    text: str,
    type_: str = "text",
    udh: str | None = None,
    data: str | None = None,
) -> Inbound | None:
    number = number_state.get_number(tx, to)
    if number is None:
        return None
    account = account_state.get_account(tx, number.api_key)
    if account is None:  # a number outlives no account (ON DELETE CASCADE); be safe anyway
        return None
    segments = _segments(type_, text, udh, data)
    ids = tuple(services.ids.uuid() for _ in segments.parts)
    url = number.mo_http_url or account.mo_callback_url or None
    method, content_type = outbox.sms_webhook_sending(account.sms_webhook_method)
    signing = "sms-signature" if account.signs_webhooks else None
    outcome = Inbound(
        api_key=account.api_key,
        message_ids=ids,
        url=url,
        method=account.sms_webhook_method,
        signed=signing is not None,
    )
    price = _price(services, number.country, segments.count)
    if price > 0:
        try:
            services.billing.charge(tx, account.api_key, PRODUCT, price, ids[0])
        except InsufficientCredit:
            refused = "the receiving account's balance cannot pay for inbound SMS"
            return dataclasses.replace(outcome, message_ids=(), refused=refused)
    now = services.clock.now()
    if url is not None:
        common: dict[str, Any] = {
            "api-key": account.api_key,
            "msisdn": sender,
            "to": to,
            "type": segments.encoding.value,
            "message-timestamp": timestamp(now),
        }
        concat_ref = str(services.ids.randint(1, 255)) if segments.count > 1 else None
        for index, (part, message_id) in enumerate(zip(segments.parts, ids, strict=True)):
            payload = {**common, "messageId": message_id}
            if segments.encoding is Encoding.BINARY:
                # inbound-sms guide: binary messages carry data and udh instead of text/keyword
                payload["data"] = part
                if udh:
                    payload["udh"] = udh
            else:
                payload.update(text=part, keyword=keyword(part))
            if concat_ref is not None:
                payload.update(
                    {
                        "concat": "true",
                        "concat-ref": concat_ref,
                        "concat-total": str(segments.count),
                        "concat-part": str(index + 1),
                    }
                )
            outbox.enqueue(
                tx,
                now,
                api_key=account.api_key,
                kind=KIND,
                url=url,
                payload=payload,
                method=method,
                content_type=content_type,
                signing=signing,
                reference=message_id,
                retry_window=RETRY_WINDOW,
            )
    entry = handsets.record(
        tx,
        services.changes,
        msisdn=to,
        direction="received",
        channel="sms",
        peer=sender,
        text=(data or "") if segments.encoding is Encoding.BINARY else text,
        now=now,
        encoding=segments.encoding.value,
        parts=segments.count,
        api_key=account.api_key,
        reference=",".join(ids),
    )
    return dataclasses.replace(outcome, handset_message_id=entry)
