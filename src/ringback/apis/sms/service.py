"""Submitting an SMS: route it, split it into parts, charge each part, store them and schedule
their delivery. One transaction: a refusal (unroutable, barred, an illegal sender) leaves
nothing. Parts are charged one by one, in order: those the balance pays for are sent, the rest
answer status 9 without a message id (a partial failure, as Vonage answers it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ringback.apis.sms.errors import ILLEGAL_SENDER, INVALID, UNROUTABLE, SmsRefused
from ringback.apis.sms.schemas import ConversionRequest, SmsRequest
from ringback.core.clock import Clock
from ringback.core.errors import InsufficientCredit, InvalidParameters
from ringback.core.ids import Ids
from ringback.core.money import to_units
from ringback.core.prices import PriceListError
from ringback.network import numbering
from ringback.network.behaviours import behaviour_for
from ringback.network.delivery.channels import Content, Cut
from ringback.network.delivery.pipeline import DeliveryPipeline
from ringback.network.numbering import NumberInfo
from ringback.network.senders import OWN_NUMBER_REGIONS
from ringback.platform.billing import Billing
from ringback.state import numbers as number_state
from ringback.state import sms_parts as part_state
from ringback.state.sms_parts import SUBMITTED, Part
from ringback.state.store import Tx

PRODUCT = "sms"
DELIVER_JOB = "sms.deliver"


class SmsServices(Protocol):
    """What the SMS API's rules use of Ringback's shared parts (`apis/services.Services` has
    them all; naming only these keeps the rest out of reach)."""

    @property
    def billing(self) -> Billing: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def ids(self) -> Ids: ...
    @property
    def delivery(self) -> DeliveryPipeline: ...


@dataclass(frozen=True)
class Submitted:
    """One part as the submission answer shows it."""

    message_id: str
    to: str
    price_units: int
    balance_units: int
    network: str | None
    client_ref: str | None
    account_ref: str | None


@dataclass(frozen=True)
class Unpaid:
    """A part the balance could not pay for: status 9, never sent, no message id."""

    to: str
    price_units: int
    balance_units: int
    network: str | None


def cut_of(services: SmsServices, request: SmsRequest) -> Cut:
    """Only `type=unicode` is UCS-2; every other text type is GSM-7, come what may."""
    content = Content(text=request.text, kind=request.type, data=request.body, header=request.udh)
    return services.delivery.channel(DELIVER_JOB).cut(content)


def check_sender(tx: Tx, api_key: str, request: SmsRequest, info: NumberInfo | None) -> None:
    """To the US and Canada, `from` must be a number the sending account rents (in real life a
    10DLC or toll-free number registered for SMS); an alphanumeric ID or anyone else's number
    is status 15."""
    if info is None or info.region not in OWN_NUMBER_REGIONS:
        return
    msisdn = numbering.normalise(request.sender)
    owned = number_state.get_number(tx, msisdn) if msisdn else None
    if owned is None or owned.api_key != api_key:
        raise SmsRefused(ILLEGAL_SENDER, to=request.to)


def _price(services: SmsServices, region: str | None, network: str | None) -> Decimal:
    try:
        return services.billing.prices.price(PRODUCT, region, network)
    except PriceListError:
        return Decimal(0)  # a price list without SMS prices makes SMS free


def submit(
    tx: Tx, services: SmsServices, api_key: str, request: SmsRequest
) -> list[Submitted | Unpaid]:
    """One entry per part: sent, or unpaid when the balance ran out before it. Raises
    SmsRefused with the status that refuses the whole message (6 unroutable, 15 illegal
    sender, 7 barred, …), and the transaction rolls back."""
    info = numbering.lookup(request.to)
    behaviour = behaviour_for(tx, request.to)
    # an explicit profile (or a magic number) decides validity; else libphonenumber does
    valid = behaviour.valid if behaviour.valid is not None else bool(info and info.valid)
    if not valid:
        raise SmsRefused(UNROUTABLE, to=request.to)
    check_sender(tx, api_key, request, info)
    if behaviour.submit_status:
        raise SmsRefused(behaviour.submit_status, to=request.to)
    cut = cut_of(services, request)
    if not cut.units:
        raise SmsRefused(INVALID, "Invalid udh param", to=request.to)
    network = behaviour.ported_network or (
        info.network.network_code if info and info.network else None
    )
    price_units = to_units(_price(services, info.region if info else None, network))
    now = services.clock.now()
    ids = [services.ids.uuid() for _ in cut.units]
    balances = _charge_in_order(tx, services, api_key, price_units, ids)
    sent = ids[: len(balances)]
    answer: list[Submitted | Unpaid] = []
    parts: list[Part] = []
    for index, (message_id, body, balance) in enumerate(
        zip(sent, cut.units, balances, strict=False)
    ):
        part = Part(
            message_id=message_id,
            api_key=api_key,
            to_msisdn=request.to,
            sender=request.sender,
            part=index + 1,
            parts=len(cut.units),
            concat_ref=ids[0],
            encoding=cut.encoding,
            body=body,
            udh=request.udh.hex() if request.type == "binary" else None,
            client_ref=request.client_ref,
            account_ref=request.account_ref,
            callback=request.callback,
            status_report_req=request.status_report_req,
            ttl_ms=request.ttl_ms,
            price_units=price_units,
            network_code=network,
            status=SUBMITTED,
            err_code=None,
            submitted_at=now,
            final_at=None,
            converted=None,
            conversion_at=None,
        )
        part_state.add(tx, part)
        parts.append(part)
        answer.append(
            Submitted(
                message_id=message_id,
                to=request.to,
                price_units=price_units,
                balance_units=balance,
                network=network,
                client_ref=request.client_ref,
                account_ref=request.account_ref,
            )
        )
    # only the parts sent: a message missing parts is never put together on the handset
    services.delivery.submit(
        tx,
        DELIVER_JOB,
        sent,
        behaviour=behaviour,
        now=now,
        validity_ms=request.ttl_ms,
        api_key=api_key,
        units=parts,  # as stored: a message due now lands in this transaction, unread
    )
    left = balances[-1] if balances else services.billing.balance_units(tx, api_key)
    unpaid = Unpaid(request.to, price_units, left or 0, network)
    answer.extend(unpaid for _ in ids[len(balances) :])
    return answer


def _charge_in_order(
    tx: Tx, services: SmsServices, api_key: str, price_units: int, ids: list[str]
) -> list[int]:
    """Charge one part per id until the balance runs out; the balance after each charge."""
    balances = []
    for message_id in ids:
        try:
            balances.append(
                services.billing.charge_units(tx, api_key, PRODUCT, price_units, message_id)
            )
        except InsufficientCredit:
            break  # every part costs the same: the ones after cannot be paid either
    return balances


def convert(tx: Tx, services: SmsServices, api_key: str, req: ConversionRequest) -> None:
    """Record a conversion on one of the account's own parts; any other id (unknown, or
    another account's) is invalid, as Vonage cannot tell them apart for you."""
    part = part_state.get(tx, req.message_id)
    if part is None or part.api_key != api_key:
        raise InvalidParameters("Invalid parameters")
    at = req.at if req.at is not None else services.clock.now()
    part_state.convert(tx, part.message_id, req.delivered, at)
