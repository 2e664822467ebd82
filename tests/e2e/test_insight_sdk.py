"""The official SDK's Number Insight client, every method, against a live Ringback over TLS.

Handset states come from the magic numbers (docs/magic-numbers.md): 447700900901 absent,
447700900905 unreachable, 447700900906 roaming in France, 447700900907 ported to 23415.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from vonage_number_insight import (
    AdvancedAsyncInsightRequest,
    AdvancedSyncInsightRequest,
    BasicInsightRequest,
    StandardInsightRequest,
)
from vonage_number_insight.errors import NumberInsightError

from ringback.testing.plugin import AccountHandle
from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

GB_MOBILE = "447500123456"  # Vodafone's range
GB_LANDLINE = "442079460123"
US_MOBILE = "12025550123"  # the Numbers API sells it as mobile-lvn
DE_MOBILE = "4915123456789"
ABSENT, UNREACHABLE, ROAMING, PORTED = (
    "447700900901",
    "447700900905",
    "447700900906",
    "447700900907",
)
VODAFONE = {
    "network_code": "23415",
    "name": "Vodafone Ltd",
    "country": "GB",
    "network_type": "mobile",
}


def balance(account: AccountHandle) -> Decimal:
    return Decimal(str(account.client.account.get_balance().value))


def test_basic_formats_a_number_and_names_its_country(account: AccountHandle) -> None:
    ni = account.client.number_insight
    gb = ni.get_basic_info(BasicInsightRequest(number=GB_MOBILE))
    assert gb.status == 0 and gb.status_message == "Success"
    assert len(gb.request_id) == 36
    assert gb.model_dump(exclude={"request_id"}) == {
        "status": 0,
        "status_message": "Success",
        "international_format_number": GB_MOBILE,
        "national_format_number": "07500 123456",
        "country_code": "GB",
        "country_code_iso3": "GBR",
        "country_name": "United Kingdom",
        "country_prefix": "44",
    }
    us = ni.get_basic_info(BasicInsightRequest(number=US_MOBILE))
    assert (us.national_format_number, us.country_code_iso3) == ("(202) 555-0123", "USA")
    assert us.country_name == "United States of America"
    de = ni.get_basic_info(BasicInsightRequest(number=DE_MOBILE, country="DE"))
    assert (de.national_format_number, de.country_name, de.country_prefix) == (
        "01512 3456789",
        "Germany",
        "49",
    )
    assert balance(account) == Decimal("10")  # Basic is free


def test_standard_names_the_carrier_and_charges(account: AccountHandle) -> None:
    info = account.client.number_insight.get_standard_info(StandardInsightRequest(number=GB_MOBILE))
    assert info.status == 0
    assert info.request_price == "0.00500000"
    assert info.refund_price is None
    assert info.remaining_balance == "9.99500000"
    assert info.current_carrier.model_dump() == VODAFONE
    assert info.original_carrier.model_dump() == VODAFONE
    assert info.ported == "not_ported"
    assert info.caller_identity is None
    assert balance(account) == Decimal("9.995")


def test_a_landline_has_a_fixed_pseudo_network(account: AccountHandle) -> None:
    info = account.client.number_insight.get_standard_info(
        StandardInsightRequest(number=GB_LANDLINE)
    )
    landline = {
        "network_code": "GB-FIXED",
        "name": "United Kingdom Landline",
        "country": "GB",
        "network_type": "landline",
    }
    assert info.current_carrier.model_dump() == landline
    assert info.ported == "assumed_not_ported"
    advanced = account.client.number_insight.get_advanced_info_sync(
        AdvancedSyncInsightRequest(number=GB_LANDLINE)
    )
    assert advanced.status == 0
    assert (advanced.roaming, advanced.reachable, advanced.valid_number) == (
        "unknown",
        "unknown",
        "valid",
    )
    assert (advanced.lookup_outcome, advanced.lookup_outcome_message) == (
        1,
        "Partial success - some fields populated",
    )


def test_cnam_names_a_us_caller_and_costs_extra(account: AccountHandle) -> None:
    ni = account.client.number_insight
    info = ni.get_standard_info(StandardInsightRequest(number=US_MOBILE, cnam=True))
    assert info.request_price == "0.01525000"  # standard 0.005 + cnam 0.01025
    caller = info.caller_identity
    assert caller is not None and caller.caller_type in ("consumer", "business")
    assert caller.caller_name
    if caller.caller_type == "consumer":
        assert caller.caller_name == f"{caller.first_name} {caller.last_name}"
    again = ni.get_advanced_info_sync(AdvancedSyncInsightRequest(number=US_MOBILE, cnam=True))
    assert again.caller_identity == caller  # synthetic, but stable per number
    assert again.current_carrier.country == "US"
    assert again.current_carrier.network_type == "mobile"


def test_cnam_outside_the_us_is_refunded(account: AccountHandle) -> None:
    info = account.client.number_insight.get_standard_info(
        StandardInsightRequest(number=GB_MOBILE, cnam=True)
    )
    assert info.caller_identity is None
    assert (info.request_price, info.refund_price) == ("0.01525000", "0.01025000")
    assert info.remaining_balance == "9.99500000"
    assert balance(account) == Decimal("9.995")


def test_advanced_answers_live_for_a_reachable_handset(account: AccountHandle) -> None:
    info = account.client.number_insight.get_advanced_info_sync(
        AdvancedSyncInsightRequest(number=GB_MOBILE)
    )
    assert info.status == 0
    assert info.request_price == "0.03000000"
    assert info.roaming.model_dump() == {
        "status": "not_roaming",
        "roaming_country_code": None,
        "roaming_network_code": None,
        "roaming_network_name": None,
    }
    assert (info.lookup_outcome, info.lookup_outcome_message) == (0, "Success")
    assert (info.valid_number, info.reachable) == ("valid", "reachable")
    assert balance(account) == Decimal("9.97")


def test_a_roaming_handset_says_where_it_is(account: AccountHandle) -> None:
    info = account.client.number_insight.get_advanced_info_sync(
        AdvancedSyncInsightRequest(number=ROAMING)
    )
    assert info.roaming.model_dump() == {
        "status": "roaming",
        "roaming_country_code": "FR",
        "roaming_network_code": "20801",
        "roaming_network_name": "Orange France",
    }
    assert info.valid_number == "valid"  # a magic number is valid whatever libphonenumber says


def test_a_ported_handset_has_two_carriers(account: AccountHandle) -> None:
    info = account.client.number_insight.get_advanced_info_sync(
        AdvancedSyncInsightRequest(number=PORTED)
    )
    assert info.ported == "ported"
    assert info.current_carrier.model_dump() == VODAFONE
    assert info.original_carrier.network_code != "23415"
    assert info.original_carrier.network_type == "mobile"


@pytest.mark.parametrize(
    ("number", "status", "message", "reachable"),
    [
        (ABSENT, 43, "Live mobile lookup not returned", "absent"),
        (UNREACHABLE, 44, "Lookup Handler unable to handle request", "undeliverable"),
    ],
)
def test_a_partial_live_lookup_is_refunded(
    account: AccountHandle, number: str, status: int, message: str, reachable: str
) -> None:
    info = account.client.number_insight.get_advanced_info_sync(
        AdvancedSyncInsightRequest(number=number)
    )
    assert (info.status, info.status_message) == (status, message)
    assert (info.roaming, info.reachable, info.lookup_outcome) == ("unknown", reachable, 1)
    # the live part (advanced 0.03 less standard 0.005) comes back
    assert (info.request_price, info.refund_price) == ("0.03000000", "0.02500000")
    assert info.remaining_balance == "9.99500000"
    assert balance(account) == Decimal("9.995")


@pytest.mark.parametrize("number", ["145645562", "999123456789", "3312345678901"])
def test_what_is_no_number_is_status_3(account: AccountHandle, number: str) -> None:
    with pytest.raises(NumberInsightError) as refused:
        account.client.number_insight.get_standard_info(StandardInsightRequest(number=number))
    text = str(refused.value)
    assert "'status': 3" in text
    assert f"Invalid request :: Not valid number format detected [ {number} ]" in text
    assert balance(account) == Decimal("10")


def test_out_of_credit_is_status_9(ringback: RingbackProcess) -> None:
    client = ringback.client(*ringback.new_account(balance="0.004"))
    ni = client.number_insight
    with pytest.raises(NumberInsightError) as refused:
        ni.get_standard_info(StandardInsightRequest(number=GB_MOBILE))
    assert "'status': 9" in str(refused.value)
    assert "Partner quota exceeded" in str(refused.value)
    assert ni.get_basic_info(BasicInsightRequest(number=GB_MOBILE)).status == 0  # free
    assert client.account.get_balance().value == pytest.approx(0.004)


def test_async_answers_at_once_and_calls_back(
    account: AccountHandle, webhook_receiver: WebhookReceiver
) -> None:
    callback = f"{webhook_receiver.url}/insight"
    ack = account.client.number_insight.get_advanced_info_async(
        AdvancedAsyncInsightRequest(number=ROAMING, callback=callback)
    )
    assert ack.status == 0 and ack.error_text is None
    assert (ack.number, ack.request_price, ack.remaining_balance) == (
        ROAMING,
        "0.03000000",
        "9.97000000",
    )
    (received,) = webhook_receiver.wait_for(1, timeout=10)
    assert (received.method, received.path) == ("POST", "/insight")
    assert received.headers["content-type"] == "application/json"
    assert received.json == {
        "status": 0,
        "status_message": "Success",
        "request_id": ack.request_id,
        "international_format_number": ROAMING,
        "national_format_number": "07700 900906",
        "country_code": "GB",
        "country_code_iso3": "GBR",
        "country_name": "United Kingdom",
        "country_prefix": "44",
        "request_price": "0.03000000",
        "remaining_balance": "9.97000000",
        "current_carrier": received.json["original_carrier"],
        "original_carrier": received.json["current_carrier"],
        "ported": "not_ported",
        "roaming": {
            "status": "roaming",
            "roaming_country_code": "FR",
            "roaming_network_code": "20801",
            "roaming_network_name": "Orange France",
        },
        "lookup_outcome": 0,
        "lookup_outcome_message": "Success",
        "valid_number": "valid",
        "reachable": "reachable",
        "ip_warnings": "unknown",
    }
    carrier = received.json["current_carrier"]
    assert (carrier["country"], carrier["network_type"]) == ("GB", "mobile")
    assert balance(account) == Decimal("9.97")
