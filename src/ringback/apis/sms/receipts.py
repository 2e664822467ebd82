"""The SMS API's status writer on the delivery pipeline (network/delivery/): each part's final
status goes on its row, and a delivery receipt per part is owed to the message's `callback` or
the account's DR URL (sms.yml DeliveryReceipt, vonage-behaviours §3.4), unless
`status-report-req` was false; sent the account's way and signed when the account signs
webhooks. The handset's side (behaviour, inbox, rented numbers) is the pipeline's.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
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


@functools.lru_cache(maxsize=1)
def _stamps(now: float) -> tuple[str, str]:
    """`scts` and `message-timestamp`: the same for every receipt of a batch."""
    return utc(now, "%y%m%d%H%M"), utc(now, "%Y-%m-%d %H:%M:%S")


def receipt(part: Part, status: str, err_code: int, now: float) -> dict[str, str]:
    """The DLR fields, all strings; the direction is reversed (`msisdn` is the handset)."""
    scts, timestamp = _stamps(now)
    fields = {
        "msisdn": part.to_msisdn,
        "to": part.sender,
        "network-code": part.network_code or "",
        "messageId": part.message_id,
        "price": price_text(part.price_units),
        "status": status,
        "scts": scts,
        "err-code": str(err_code),
        "api-key": part.api_key,
        "message-timestamp": timestamp,
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

    def finish_many(self, tx: Tx, landed: Sequence[tuple[Part, Landing]], now: float) -> None:
        outcomes = [(unit.message_id, status, err_code) for unit, (status, err_code) in landed]
        part_state.finish_many(tx, outcomes, now)

    def report(self, tx: Tx, unit: Part, landing: Landing, now: float) -> None:
        if not unit.status_report_req:
            return
        account = account_state.get_account(tx, unit.api_key)
        if account is not None:
            fields = receipt(unit, landing.status, landing.err_code, now)
            self.send_receipt(tx, account, unit, fields, now)

    def report_many(self, tx: Tx, landed: Sequence[tuple[Part, Landing]], now: float) -> None:
        """`report` for each, in order: each account read once (only its DR URL and webhook
        settings are used), the receipts enqueued in one insert."""
        accounts: dict[str, Account | None] = {}
        owed = []
        for unit, (status, err_code) in landed:
            if not unit.status_report_req:
                continue
            if unit.api_key not in accounts:
                accounts[unit.api_key] = account_state.get_account(tx, unit.api_key)
            account = accounts[unit.api_key]
            if account is not None and (unit.callback or account.dr_callback_url):
                owed.append(_owed(account, unit, receipt(unit, status, err_code, now)))
        if owed:
            outbox.enqueue_many(tx, now, owed)
            self.webhooks.wake()

    def send_receipt(
        self, tx: Tx, account: Account, part: Part, fields: dict[str, Any], now: float
    ) -> None:
        if part.callback or account.dr_callback_url:
            outbox.enqueue_owed(tx, now, _owed(account, part, fields))
            self.webhooks.wake()


def _owed(account: Account, part: Part, fields: dict[str, Any]) -> outbox.Owed:
    method, content_type = outbox.sms_webhook_sending(account.sms_webhook_method)
    return outbox.Owed(
        api_key=account.api_key,
        kind=RECEIPT_KIND,
        url=part.callback or account.dr_callback_url,
        payload=fields,
        method=method,
        content_type=content_type,
        signing="sms-signature" if account.signs_webhooks else None,
        reference=part.message_id,
        retry_window=outbox.RECEIPT_RETRY_WINDOW,
    )
