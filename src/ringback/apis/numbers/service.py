from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ringback.apis.numbers import renewals
from ringback.apis.numbers.schemas import Page, Pattern, invalid
from ringback.core.errors import InsufficientCredit, MethodFailed, Unauthorized
from ringback.core.money import to_units
from ringback.core.prices import PriceList
from ringback.core.web_urls import BadUrl, check_web_url
from ringback.network import number_pool
from ringback.platform.billing import Billing
from ringback.scheduler.runner import Scheduler
from ringback.state import jobs as job_state
from ringback.state import numbers as number_state
from ringback.state.accounts import Account
from ringback.state.numbers import OwnedFilter, OwnedNumber
from ringback.state.store import Tx

METHOD_FAILED = "method failed"
# Vonage's label for countries whose numbers need a local address first [spec response420].
# Which countries: the Vonage CLI's issue #51 shows a search in DE answering no numbers
# ("countries where there are restrictions"), so DE is the one Ringback treats this way.
DASHBOARD_LABEL = (
    "Numbers from this country can be requested from the Dashboard "
    "(https://dashboard.nexmo.com/buy-numbers) as they require a valid local address to be "
    "provided before being purchased."
)
DASHBOARD_ONLY = frozenset({"DE"})
VOICE_CALLBACK_TYPES = ("sip", "tel", "app")
_SIP_URI = re.compile(r"^sips?:[^\s@]+(@[^\s@]+)?$")
_TEL = re.compile(r"^\+?[1-9][0-9]{6,14}$")


@dataclass(frozen=True)
class SearchQuery:
    country: str
    number_type: str | None
    features: frozenset[str]
    pattern: Pattern
    page: Page


@dataclass(frozen=True)
class Available:
    msisdn: str
    country: str
    type: str
    cost: Decimal
    features: tuple[str, ...]


@dataclass(frozen=True)
class NumberChanges:
    """What /number/update sets: None leaves a field alone, "" clears it."""

    app_id: str | None = None
    mo_http_url: str | None = None
    mo_smpp_sys_type: str | None = None
    voice_callback_type: str | None = None
    voice_callback_value: str | None = None
    voice_status_callback: str | None = None
    messages_callback_type: str | None = None
    messages_callback_value: str | None = None


def search(tx: Tx, prices: PriceList, query: SearchQuery) -> tuple[int, list[Available]]:
    country = query.country
    if not number_pool.supported_country(country):
        raise invalid("country")
    if country in DASHBOARD_ONLY:
        return 0, []
    offered: list[number_pool.OfferedNumber] = []
    for number_type in [query.number_type] if query.number_type else number_pool.NUMBER_TYPES:
        if query.features <= set(number_pool.features_of(country, number_type)):
            offered += number_pool.offer(
                country, number_type, query.pattern.digits, query.pattern.search_pattern
            )
    offered.sort(key=lambda n: n.msisdn)
    taken = number_state.owned_among(tx, (n.msisdn for n in offered))
    free = [n for n in offered if n.msisdn not in taken]
    start = query.page.offset
    return len(free), [
        Available(
            n.msisdn,
            country,
            n.type,
            prices.price(f"number-{n.type}", country),
            number_pool.features_of(country, n.type),
        )
        for n in free[start : start + query.page.size]
    ]


def _act_for(account: Account, target_api_key: str | None) -> None:
    """No subaccounts yet: any other key is one this account may not act for. Vonage's only
    documented refusal of that kind on /number/* is the 401 body, and it does not tell an
    unknown key from someone else's."""
    if target_api_key and target_api_key != account.api_key:
        raise Unauthorized("authentication failed")


def buy(
    tx: Tx,
    billing: Billing,
    scheduler: Scheduler,
    account: Account,
    country: str,
    msisdn: str,
    target_api_key: str | None,
) -> OwnedNumber:
    _act_for(account, target_api_key)
    if not number_pool.supported_country(country):
        raise invalid("country")
    if country in DASHBOARD_ONLY:
        raise MethodFailed(DASHBOARD_LABEL)
    number_type = number_pool.classify(country, msisdn)
    if number_type is None or number_state.get_number(tx, msisdn) is not None:
        raise MethodFailed(METHOD_FAILED)
    product = f"number-{number_type}"
    price = billing.prices.price(product, country)
    try:
        billing.charge(tx, account.api_key, product, price, msisdn)
    except InsufficientCredit as exc:
        # Vonage answers a purchase without credit with a bare "method failed" (nexmo-cli#157)
        raise MethodFailed(METHOD_FAILED) from exc
    now = billing.clock.now()
    number = OwnedNumber(
        msisdn=msisdn,
        api_key=account.api_key,
        country=country,
        type=number_type,
        features=number_pool.features_of(country, number_type),
        monthly_cost_units=to_units(price),
        app_id=None,
        mo_http_url=None,
        mo_smpp_sys_type=None,
        voice_callback_type=None,
        voice_callback_value=None,
        voice_status_callback=None,
        messages_callback_type=None,
        messages_callback_value=None,
        bought_at=now,
        renews_at=renewals.add_months(now, 1),
    )
    number_state.insert_number(tx, number)
    renewals.schedule(scheduler, tx, number, 1)
    return number


def _own(tx: Tx, account: Account, country: str, msisdn: str) -> OwnedNumber:
    """The caller's number; someone else's answers exactly like one that does not exist."""
    number = number_state.get_number(tx, msisdn)
    if number is None or number.api_key != account.api_key or number.country != country:
        raise MethodFailed(METHOD_FAILED)
    return number


def cancel(tx: Tx, account: Account, country: str, msisdn: str, target_api_key: str | None) -> None:
    _act_for(account, target_api_key)
    _own(tx, account, country, msisdn)
    number_state.delete_number(tx, msisdn)
    job_state.delete_jobs_of(tx, renewals.RENEW_JOB, "msisdn", msisdn)


def _url(value: str, name: str) -> str | None:
    if value == "":
        return None
    try:
        return check_web_url(value)
    except BadUrl:
        raise invalid(name) from None


def _application(tx: Tx, account: Account, value: str, name: str) -> str | None:
    if value == "":
        return None
    if not number_state.application_of(tx, value, account.api_key):
        raise invalid(name)
    return value


def _voice_callback(
    tx: Tx, account: Account, kind: str, value: str
) -> tuple[str | None, str | None]:
    if kind not in ("", *VOICE_CALLBACK_TYPES):
        raise invalid("voiceCallbackType")
    if value == "":
        return None, None
    if kind == "":
        raise invalid("voiceCallbackType")
    if kind == "app":
        _application(tx, account, value, "voiceCallbackValue")
    elif not (_SIP_URI if kind == "sip" else _TEL).match(value):
        raise invalid("voiceCallbackValue")
    return kind, value.removeprefix("+") if kind == "tel" else value


def _pair(first: str | None, second: str | None, names: tuple[str, str]) -> tuple[str, str] | None:
    """A type/value pair, None when neither was given; one without the other is refused."""
    if first is None and second is None:
        return None
    if first is None or second is None:
        raise invalid(names[0] if first is None else names[1])
    return first, second


def _messages_callback(
    tx: Tx, account: Account, kind: str, value: str
) -> tuple[str | None, str | None]:
    if kind == "" and value == "":
        return None, None
    if kind != "app":
        raise invalid("messagesCallbackType")
    if not value:
        raise invalid("messagesCallbackValue")
    return kind, _application(tx, account, value, "messagesCallbackValue")


def update(tx: Tx, account: Account, country: str, msisdn: str, changes: NumberChanges) -> None:
    _own(tx, account, country, msisdn)
    values: dict[str, str | None] = {}
    if changes.app_id is not None:
        values["app_id"] = _application(tx, account, changes.app_id, "app_id")
    if changes.mo_http_url is not None:
        values["mo_http_url"] = _url(changes.mo_http_url, "moHttpUrl")
    if changes.mo_smpp_sys_type is not None:
        values["mo_smpp_sys_type"] = changes.mo_smpp_sys_type or None
    if changes.voice_status_callback is not None:
        values["voice_status_callback"] = _url(changes.voice_status_callback, "voiceStatusCallback")
    voice = _pair(
        changes.voice_callback_type,
        changes.voice_callback_value,
        ("voiceCallbackType", "voiceCallbackValue"),
    )
    if voice is not None:
        kind, value = _voice_callback(tx, account, *voice)
        values.update(voice_callback_type=kind, voice_callback_value=value)
    messages = _pair(
        changes.messages_callback_type,
        changes.messages_callback_value,
        ("messagesCallbackType", "messagesCallbackValue"),
    )
    if messages is not None:
        kind, value = _messages_callback(tx, account, *messages)
        values.update(messages_callback_type=kind, messages_callback_value=value)
    number_state.update_number(tx, msisdn, **values)


def list_owned(
    tx: Tx, account: Account, where: OwnedFilter, page: Page
) -> tuple[int, list[OwnedNumber]]:
    return number_state.list_numbers(tx, account.api_key, where, page.offset, page.size)
