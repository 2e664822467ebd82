"""Monthly rental: numbers renew on the same day of the month as bought, on Ringback's clock."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from ringback.core.errors import InsufficientCredit
from ringback.core.money import from_units
from ringback.platform.billing import Billing
from ringback.scheduler.runner import Scheduler
from ringback.state import numbers as number_state
from ringback.state.numbers import OwnedNumber
from ringback.state.store import Tx

RENEW_JOB = "number.renew"


def add_months(timestamp: float, months: int) -> float:
    """The same day of the month `months` later, in UTC (31 Jan + 1 month is 28/29 Feb)."""
    start = dt.datetime.fromtimestamp(timestamp, dt.UTC)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day).timestamp()


def schedule(scheduler: Scheduler, tx: Tx, number: OwnedNumber, cycle: int) -> None:
    """Renewal `cycle` (1 = the second month) of a number, due at its `renews_at`."""
    payload = {"msisdn": number.msisdn, "cycle": cycle, "renews_at": number.renews_at}
    scheduler.schedule(tx, RENEW_JOB, number.renews_at, payload, number.api_key)


def renew(tx: Tx, billing: Billing, scheduler: Scheduler, payload: dict[str, Any]) -> None:
    """Charge the next month, or release the number when the balance cannot pay for it
    (Vonage: "at a zero balance ... the rented numbers are cancelled"; the dashboard guide:
    "if your account has insufficient credit, your numbers may be released")."""
    number = number_state.get_number(tx, str(payload.get("msisdn")))
    if number is None or number.renews_at != payload.get("renews_at"):
        return  # cancelled, or bought again since: that purchase has its own renewal
    cycle = int(payload.get("cycle", 1))
    product = f"number-{number.type}"
    try:
        billing.charge(
            tx, number.api_key, product, from_units(number.monthly_cost_units), number.msisdn
        )
    except InsufficientCredit:
        number_state.delete_number(tx, number.msisdn)
        return
    renews_at = add_months(number.bought_at, cycle + 1)
    number_state.update_number(tx, number.msisdn, renews_at=renews_at)
    renewed = number_state.get_number(tx, number.msisdn)
    assert renewed is not None
    schedule(scheduler, tx, renewed, cycle + 1)
