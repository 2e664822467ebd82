"""The SMS API's status writer on the delivery pipeline (network/delivery/): each part's final
status goes on its row, and a delivery receipt per part is owed to the message's `callback` or
the account's DR URL (sms.yml DeliveryReceipt, vonage-behaviours §3.4), unless
`status-report-req` was false; sent the account's way and signed when the account signs
webhooks. The handset's side (behaviour, inbox, rented numbers) is the pipeline's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from ringback.core.money import price_text
from ringback.network.delivery.channels import Landing
from ringback.state import accounts as account_state
from ringback.state import sms_parts as part_state
from ringback.state.accounts import Account
from ringback.state.sms_parts import Part
from ringback.state.store import Tx
from ringback.webhooks import outbox

RECEIPT_KIND = "sms-dlr"


class Wakes(Protocol):
    def wake(self) -> None: ...


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


@dataclass(frozen=True)
class SmsReceipts:
    """A `StatusWriter` over `sms_messages`; `webhooks` is woken when a receipt is owed."""

    webhooks: Wakes

    def unit(self, tx: Tx, unit_id: str) -> Part | None:
        return part_state.get(tx, unit_id)

    def units(self, tx: Tx, unit_ids: list[str]) -> list[Part]:
        return part_state.of_message(tx, unit_ids)

    def finish(self, tx: Tx, unit: Part, landing: Landing, now: float) -> None:
        part_state.finish(tx, unit.message_id, landing.status, landing.err_code, now)

    def report(self, tx: Tx, unit: Part, landing: Landing, now: float) -> None:
        if not unit.status_report_req:
            return
        account = account_state.get_account(tx, unit.api_key)
        if account is not None:
            fields = receipt(unit, landing.status, landing.err_code, now)
            self.send_receipt(tx, account, unit, fields, now)

    def send_receipt(
        self, tx: Tx, account: Account, part: Part, fields: dict[str, Any], now: float
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
        self.webhooks.wake()
