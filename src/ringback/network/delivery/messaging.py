"""The Messages API's own channels: WhatsApp, Messenger, Viber, RCS and MMS. A message is one
unit (whatever it carries: text, an image and its caption, a template and its parameters...),
its `body` the JSON of what was sent, and the handset's inbox gets all of it as `content`.

Outcomes are the Messages API's statuses with its error codes (1000-1484). A handset's
profile says what happens: its `message`/`message_error` when set (per channel through the
profile's `channels`), else its SMS outcome translated (`messages_outcome`), so the magic
numbers mean the same on every channel. A message slower than its `ttl` is undeliverable
with 1360 "TTL was activated".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ringback.network.behaviours import MESSAGE_OUTCOMES, Behaviour
from ringback.network.delivery.channels import Content, Cut, InboxEntry, Landing, Timing, Unit
from ringback.network.inbound import InboundServices
from ringback.state.store import Tx

TTL_ACTIVATED = 1360
# an SMS receipt's err-code (vonage-behaviours §3.4) → the Messages error of the same meaning
# (reference 002's table: 1180 absent temporary, 1190 permanent, 1050 barred, ...)
SMS_ERR_TO_MESSAGES = {
    1: 1330,
    2: 1180,
    3: 1190,
    4: 1050,
    5: 1200,
    6: 1210,
    7: 1220,
    8: 1230,
    9: 1240,
    10: 1040,
    11: 1250,
    12: 1260,
    13: 1270,
    14: 1280,
    15: 1290,
    16: 1070,
    50: 1480,
    51: 1481,
    52: 1482,
    53: 1483,
    54: 1484,
    99: 1330,
}
# the SMS outcome → the Messages status: a refusal stays `rejected`, a failure is
# `undeliverable`
SMS_STATUS_TO_MESSAGES = {
    "delivered": "delivered",
    "rejected": "rejected",
    "failed": "undeliverable",
    "expired": "undeliverable",
}
DEFAULT_ERRORS = {"rejected": 1330, "undeliverable": 1330}


def messages_outcome(status: str, err_code: int) -> Landing:
    """An SMS outcome (the SMS channel's `Landing`) as the Messages API reports it."""
    translated = SMS_STATUS_TO_MESSAGES.get(status, "undeliverable")
    if translated == "delivered":
        return Landing("delivered", 0)
    return Landing(translated, SMS_ERR_TO_MESSAGES.get(err_code, DEFAULT_ERRORS[translated]))


class MessagingChannel:
    outcomes = MESSAGE_OUTCOMES
    delivered = "delivered"

    def __init__(self, name: str, read_receipts: bool) -> None:
        self.name = name
        self.read_receipts = read_receipts  # the handset reports reading (status `read`)

    def cut(self, content: Content) -> Cut:
        """One unit: the JSON of what was sent (`Content.text`), as it was sent."""
        return Cut("json", [content.text])

    def timing(self, behaviour: Behaviour, now: float, validity_ms: int | None) -> Timing:
        if validity_ms is not None and behaviour.delay_seconds * 1000 > validity_ms:
            return Timing(now + validity_ms / 1000, True)
        return Timing(now + behaviour.delay_seconds, False)

    def land(self, behaviour: Behaviour, expired: bool) -> Landing:
        if expired:
            return Landing("undeliverable", TTL_ACTIVATED)
        if behaviour.message is not None:
            code = 0 if behaviour.message == "delivered" else behaviour.message_error
            return Landing(behaviour.message, code or DEFAULT_ERRORS.get(behaviour.message, 0))
        return messages_outcome(behaviour.sms, behaviour.err_code)

    def inbox_entry(self, units: Sequence[Unit]) -> InboxEntry:
        unit = units[0]
        content: dict[str, Any] = json.loads(unit.body)
        return InboxEntry(
            to=unit.to_msisdn,
            sender=unit.sender,
            text=summary(content),
            encoding=unit.encoding,
            parts=1,
            api_key=unit.api_key,
            reference=unit.message_id,
            content=content,
        )

    def to_account(self, tx: Tx, network: InboundServices, entry: InboxEntry) -> bool:
        return False  # a message to one of Ringback's own senders: the inbound issue's part

    def accounts_among(self, tx: Tx, msisdns: set[str]) -> set[str]:
        return set()


def summary(content: dict[str, Any]) -> str:
    """The inbox's `text` of a message: its text, else its media's caption, else its type."""
    kind = str(content.get("message_type", ""))
    value = content.get(kind)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("text", "caption", "name", "url"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return f"[{kind}]"


WHATSAPP = MessagingChannel("whatsapp", read_receipts=True)
MESSENGER = MessagingChannel("messenger", read_receipts=True)
VIBER = MessagingChannel("viber_service", read_receipts=True)
RCS = MessagingChannel("rcs", read_receipts=True)
MMS = MessagingChannel("mms", read_receipts=False)
MESSAGING_CHANNELS = (WHATSAPP, MESSENGER, VIBER, RCS, MMS)
