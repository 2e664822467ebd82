"""A part reaching (or not reaching) its handset, and the delivery receipt that tells the sender.

Each part has a delivery job, due at submission + the destination's `delay_seconds` (or its
ttl, when the handset is slower than that: the part expires). The job sets the part's final
status from the handset's behaviour; when the last part of a delivered message lands, the whole
message goes to the handset's inbox, or, for a number a Ringback account rents, to that account
as an inbound SMS (network/inbound.py). A message some of whose parts were never sent (the
balance ran out) is never put together: the handset gets nothing, the sent parts' receipts
still come. Then, unless `status-report-req` was false, a receipt per
part is owed to the message's `callback` or the account's DR URL (sms.yml DeliveryReceipt,
vonage-behaviours §3.4), sent the account's way and signed when the account signs webhooks.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from ringback.apis.services import Services
from ringback.core.money import price_text
from ringback.network import handsets
from ringback.network.behaviours import behaviour_for
from ringback.network.inbound import route_inbound_sms
from ringback.state import accounts as account_state
from ringback.state import sms_parts as part_state
from ringback.state.accounts import Account
from ringback.state.jobs import Job
from ringback.state.sms_parts import Part
from ringback.state.store import Tx
from ringback.webhooks import outbox

RECEIPT_KIND = "sms-dlr"
TTL_EXPIRED_ERR_CODE = 1  # "Unknown": nothing more specific is known of a validity timeout


def utc(at: float, pattern: str) -> str:
    return time.strftime(pattern, time.gmtime(at))


def receipt(part: Part, status: str, err_code: int, now: float) -> dict[str, str]:
    """The DLR fields, all strings; the direction is reversed (`msisdn` is the handset)."""
    fields = {
        "msisdn": part.to_msisdn,
        "to": part.sender,
        "network-code": part.network_code or "",
        "messageId": part.message_id,
        "price": price_text(part.price_units),
        "status": status,
        "scts": utc(now, "%y%m%d%H%M"),
        "err-code": str(err_code),
        "api-key": part.api_key,
        "message-timestamp": utc(now, "%Y-%m-%d %H:%M:%S"),
    }
    if not part.network_code:
        del fields["network-code"]
    if part.client_ref:
        fields["client-ref"] = part.client_ref
    return fields


def deliver(tx: Tx, services: Services, job: Job) -> None:
    part = part_state.get(tx, str(job.payload.get("message_id")))
    if part is None or part.final:
        return  # the account was reset, or this job already ran
    now = services.clock.now()
    behaviour = behaviour_for(tx, part.to_msisdn)
    if job.payload.get("expires"):
        status = "expired"
        err_code = behaviour.err_code if behaviour.sms == "expired" else TTL_EXPIRED_ERR_CODE
    else:
        status, err_code = behaviour.sms, behaviour.err_code
    part_state.finish(tx, part.message_id, status, err_code, now)
    if status == "delivered":
        ids = [str(i) for i in job.payload.get("message_ids") or [part.message_id]]
        if ids == [part.message_id]:  # a one-part message: the row just written, not re-read
            siblings = [dataclasses.replace(part, status=status, err_code=err_code, final_at=now)]
        else:
            siblings = part_state.of_message(tx, ids)
        # only the last part to land sees every part delivered (this one included)
        whole = len(siblings) == part.parts
        if whole and all(sibling.status == "delivered" for sibling in siblings):
            hand_over(tx, services, siblings, now)
    if not part.status_report_req:
        return
    account = account_state.get_account(tx, part.api_key)
    if account is not None:
        send_receipt(tx, services, account, part, receipt(part, status, err_code, now), now)


def hand_over(tx: Tx, services: Services, siblings: list[Part], now: float) -> None:
    """The whole message reaches the handset, or the account renting the number."""
    first = siblings[0]
    binary = first.encoding == "binary"
    text = "".join(p.body for p in siblings)
    routed = route_inbound_sms(
        tx,
        services,
        sender=first.sender,
        to=first.to_msisdn,
        text="" if binary else text,
        type_=first.encoding,
        udh=first.udh if binary else None,
        data=text if binary else None,
    )
    if routed is not None:
        return  # network/inbound.py recorded it on the number's inbox itself
    handsets.record(
        tx,
        services.changes,
        msisdn=first.to_msisdn,
        direction="received",
        channel="sms",
        peer=first.sender,
        text=text,
        now=now,
        encoding=first.encoding,
        parts=len(siblings),
        api_key=first.api_key,
        reference=",".join(p.message_id for p in siblings),
    )


def send_receipt(
    tx: Tx,
    services: Services,
    account: Account,
    part: Part,
    fields: dict[str, Any],
    now: float,
) -> None:
    url = part.callback or account.dr_callback_url
    if not url:
        return
    method, content_type = outbox.sms_webhook_sending(account.sms_webhook_method)
    outbox.enqueue(
        tx,
        now,
        api_key=account.api_key,
        kind=RECEIPT_KIND,
        url=url,
        payload=fields,
        method=method,
        content_type=content_type,
        signing="sms-signature" if account.signs_webhooks else None,
        reference=part.message_id,
        retry_window=outbox.RECEIPT_RETRY_WINDOW,
    )
    services.webhooks.wake()
