"""The SMS channel: parts of 160/153 GSM-7 septets (70/67 UCS-2 characters, 140/134 bytes of
binary), each landing on its own; the handset sees the whole message when the last part lands
and every part was delivered. A part slower than the message's validity (`ttl`) expires at
that moment."""

from __future__ import annotations

from collections.abc import Sequence

from ringback.network.behaviours import SMS_OUTCOMES, Behaviour
from ringback.network.delivery.channels import (
    Content,
    Cut,
    InboxEntry,
    Landing,
    Timing,
    Unit,
)
from ringback.network.inbound import InboundServices, route_inbound_sms
from ringback.network.sms_encoding import Encoding, segment_binary, segment_text
from ringback.state import numbers as number_state
from ringback.state.store import Tx

TTL_EXPIRED_ERR_CODE = 1  # "Unknown": nothing more specific is known of a validity timeout


class SmsChannel:
    name = "sms"
    outcomes = SMS_OUTCOMES
    delivered = "delivered"

    def cut(self, content: Content) -> Cut:
        """`unicode` is UCS-2, `binary` is bytes, `auto` is GSM-7 when the text fits it (a
        handset's own texts); every other kind is GSM-7, come what may (the SMS API)."""
        if content.kind == "binary":
            segments = segment_binary(content.data, content.header)
        elif content.kind == "auto":
            segments = segment_text(content.text)
        else:
            encoding = Encoding.UCS2 if content.kind == "unicode" else Encoding.GSM7
            segments = segment_text(content.text, encoding)
        return Cut(segments.encoding.value, segments.parts)

    def timing(self, behaviour: Behaviour, now: float, validity_ms: int | None) -> Timing:
        # in milliseconds, as the ttl is given: a handset slower than it never gets the part
        expires = validity_ms is not None and behaviour.delay_seconds * 1000 > validity_ms
        if expires:
            assert validity_ms is not None
            return Timing(now + validity_ms / 1000, True)
        return Timing(now + behaviour.delay_seconds, False)

    def land(self, behaviour: Behaviour, expired: bool) -> Landing:
        if expired:
            # a handset set to expire says why; any other part expired of its ttl: "Unknown"
            err = behaviour.err_code if behaviour.sms == "expired" else TTL_EXPIRED_ERR_CODE
            return Landing("expired", err)
        return Landing(behaviour.sms, behaviour.err_code)

    def inbox_entry(self, units: Sequence[Unit]) -> InboxEntry:
        first = units[0]
        return InboxEntry(
            to=first.to_msisdn,
            sender=first.sender,
            text="".join(u.body for u in units),  # hex, for binary
            encoding=first.encoding,
            parts=len(units),
            api_key=first.api_key,
            reference=",".join(u.message_id for u in units),
            udh=first.udh,
        )

    def to_account(self, tx: Tx, network: InboundServices, entry: InboxEntry) -> bool:
        binary = entry.encoding == "binary"
        routed = route_inbound_sms(
            tx,
            network,
            sender=entry.sender,
            to=entry.to,
            text="" if binary else entry.text,
            type_=entry.encoding,
            udh=entry.udh if binary else None,
            data=entry.text if binary else None,
        )
        return routed is not None

    def accounts_among(self, tx: Tx, msisdns: set[str]) -> set[str]:
        """The destinations some account rents (`to_account` routes them)."""
        return number_state.owned_among(tx, msisdns) if msisdns else set()


SMS = SmsChannel()
