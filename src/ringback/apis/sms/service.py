"""Submitting an SMS: route it, split it into parts, charge each part, store them and schedule
their delivery. One transaction: a refusal (unroutable, barred, out of credit) leaves nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ringback.apis.services import Services
from ringback.apis.sms.errors import INVALID, UNROUTABLE, SmsRefused
from ringback.apis.sms.schemas import ConversionRequest, SmsRequest
from ringback.core.errors import InvalidParameters
from ringback.core.money import to_units
from ringback.core.prices import PriceListError
from ringback.network import numbering
from ringback.network.behaviours import behaviour_for
from ringback.network.sms_encoding import Encoding, Segments, segment_binary, segment_text
from ringback.state import sms_parts as part_state
from ringback.state.accounts import Account
from ringback.state.sms_parts import SUBMITTED, Part
from ringback.state.store import Tx

PRODUCT = "sms"
DELIVER_JOB = "sms.deliver"


@dataclass(frozen=True)
class Submitted:
    """One part as the submission answer shows it."""

    message_id: str
    to: str
    price: Decimal
    balance_units: int
    network: str | None
    client_ref: str | None
    account_ref: str | None


def segments_of(request: SmsRequest) -> Segments:
    if request.type == "binary":
        return segment_binary(request.body, request.udh)
    return segment_text(request.text, Encoding.UCS2 if request.type == "unicode" else None)


def _price(services: Services, region: str | None, network: str | None) -> Decimal:
    try:
        return services.billing.prices.price(PRODUCT, region, network)
    except PriceListError:
        return Decimal(0)  # a price list without SMS prices makes SMS free


def submit(tx: Tx, services: Services, account: Account, request: SmsRequest) -> list[Submitted]:
    """Raises SmsRefused with the destination's status (6 unroutable, 7 barred, …) or
    InsufficientCredit (status 9); either way the transaction rolls back."""
    info = numbering.lookup(request.to)
    behaviour = behaviour_for(tx, request.to)
    # an explicit profile (or a magic number) decides validity; else libphonenumber does
    valid = behaviour.valid if behaviour.valid is not None else bool(info and info.valid)
    if not valid:
        raise SmsRefused(UNROUTABLE, to=request.to)
    if behaviour.submit_status:
        raise SmsRefused(behaviour.submit_status, to=request.to)
    segments = segments_of(request)
    if not segments.count:
        raise SmsRefused(INVALID, "Invalid udh param", to=request.to)
    network = behaviour.ported_network or (
        info.network.network_code if info and info.network else None
    )
    price = _price(services, info.region if info else None, network)
    now = services.clock.now()
    # a handset slower than the message's validity never gets it: the part expires at its ttl
    expires = behaviour.delay_seconds * 1000 > request.ttl_ms
    due = now + (request.ttl_ms / 1000 if expires else behaviour.delay_seconds)
    ids = [services.ids.uuid() for _ in segments.parts]
    answer = []
    for index, (message_id, body) in enumerate(zip(ids, segments.parts, strict=True)):
        balance = services.billing.charge(tx, account.api_key, PRODUCT, price, message_id)
        part_state.add(
            tx,
            Part(
                message_id=message_id,
                api_key=account.api_key,
                to_msisdn=request.to,
                sender=request.sender,
                part=index + 1,
                parts=segments.count,
                concat_ref=ids[0],
                encoding=segments.encoding.value,
                body=body,
                udh=request.udh.hex() if request.type == "binary" else None,
                client_ref=request.client_ref,
                account_ref=request.account_ref,
                callback=request.callback,
                status_report_req=request.status_report_req,
                ttl_ms=request.ttl_ms,
                price_units=to_units(price),
                network_code=network,
                status=SUBMITTED,
                err_code=None,
                submitted_at=now,
                final_at=None,
                converted=None,
                conversion_at=None,
            ),
        )
        payload = {"message_id": message_id, "message_ids": ids, "expires": expires}
        services.scheduler.schedule(tx, DELIVER_JOB, due, payload, account.api_key)
        answer.append(
            Submitted(
                message_id=message_id,
                to=request.to,
                price=price,
                balance_units=balance,
                network=network,
                client_ref=request.client_ref,
                account_ref=request.account_ref,
            )
        )
    return answer


def convert(tx: Tx, services: Services, account: Account, req: ConversionRequest) -> None:
    """Record a conversion on one of the account's own parts; any other id (unknown, or
    another account's) is invalid, as Vonage cannot tell them apart for you."""
    part = part_state.get(tx, req.message_id)
    if part is None or part.api_key != account.api_key:
        raise InvalidParameters("Invalid parameters")
    at = req.at if req.at is not None else services.clock.now()
    part_state.convert(tx, part.message_id, req.delivered, at)
