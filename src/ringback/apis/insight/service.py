"""Number Insight lookups: the subject, the network's view of it, the caller name, the bill.

Billing (number-insight.yml `request_price` / `refund_price`): a lookup is charged its
level's price (`ni-basic`, `ni-standard`, `ni-advanced`) plus `ni-cnam` when `cnam=true`
on Standard or Advanced, in one transaction with the answer; out of credit is status 9 and
nothing is charged. The spec's refunds are credited at once: the CNAM price when the number is
not a US number ("If cnam is requested for a non-US number the refund_price will reflect the
cnam price"), and the live part of Advanced (its price less Standard's) when the live lookup
came back partial (status 43-45; the SDK fixture refunds part of the price with status 44).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ringback.apis.insight import network_view
from ringback.apis.insight.callers import CallerIdentity, identity
from ringback.apis.insight.network_view import NetworkView
from ringback.apis.insight.schemas import InsightQuery
from ringback.apis.insight.subject import Subject, resolve
from ringback.core.errors import InternalError
from ringback.core.money import to_units
from ringback.core.prices import PriceListError
from ringback.network.behaviours import effective
from ringback.platform.billing import Billing
from ringback.state.store import Tx

CNAM_COUNTRIES = frozenset({"US"})
REFUND_PRODUCT = "ni-refund"


@dataclass(frozen=True)
class Bill:
    request_units: int
    refund_units: int
    balance_units: int  # after the charge and any refund


@dataclass(frozen=True)
class Insight:
    request_id: str
    query: InsightQuery
    subject: Subject
    network: NetworkView
    caller: CallerIdentity | None
    bill: Bill

    @property
    def status(self) -> int:
        """Only Advanced has a live part that can come back partial."""
        return self.network.status if self.query.level == "advanced" else 0

    @property
    def status_message(self) -> str:
        return self.network.status_message if self.status else "Success"


def _price(billing: Billing, product: str, region: str) -> Decimal:
    try:
        return billing.prices.price(product, region)
    except PriceListError as exc:
        raise InternalError(str(exc)) from exc


def _bill(
    tx: Tx,
    billing: Billing,
    api_key: str,
    request_id: str,
    query: InsightQuery,
    subject: Subject,
    partial: bool,
) -> Bill:
    region = subject.region
    charges = [(f"ni-{query.level}", _price(billing, f"ni-{query.level}", region))]
    refund = Decimal(0)
    if query.cnam:
        cnam = _price(billing, "ni-cnam", region)
        charges.append(("ni-cnam", cnam))
        if region not in CNAM_COUNTRIES:
            refund += cnam
    if partial:
        live = charges[0][1] - _price(billing, "ni-standard", region)
        refund += max(live, Decimal(0))
    for product, amount in charges:
        if amount > 0:
            billing.charge(tx, api_key, product, amount, request_id)
    if refund > 0:
        billing.credit(tx, api_key, REFUND_PRODUCT, refund, request_id)
    balance = billing.balance_units(tx, api_key)
    if balance is None:
        raise InternalError(f"account {api_key} not found")
    return Bill(to_units(sum((a for _, a in charges), Decimal(0))), to_units(refund), balance)


def look_up(
    tx: Tx, billing: Billing, api_key: str, request_id: str, query: InsightQuery
) -> Insight:
    subject = resolve(query.number, query.country)
    network = network_view.view(subject, effective(tx, subject.msisdn))
    partial = query.level == "advanced" and network.partial
    caller = None
    if query.cnam and subject.region in CNAM_COUNTRIES:
        caller = identity(subject.msisdn)
    bill = _bill(tx, billing, api_key, request_id, query, subject, partial)
    return Insight(request_id, query, subject, network, caller, bill)
