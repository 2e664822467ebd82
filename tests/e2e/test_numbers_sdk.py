"""The official SDK's Numbers client, every method, against a live Ringback over TLS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from vonage_application import ApplicationConfig
from vonage_http_client import AuthenticationError, HttpRequestError
from vonage_numbers import (
    ListOwnedNumbersFilter,
    NumberFeatures,
    NumberParams,
    NumberType,
    SearchAvailableNumbersFilter,
    UpdateNumberParams,
    VoiceCallbackType,
)

from ringback.testing.plugin import AccountHandle
from ringback.testing.server import RingbackProcess

METHOD_FAILED = {"error-code": "420", "error-code-label": "method failed"}


def search(client: Any, **fields: Any) -> tuple[list[Any], int, int | None]:
    result: tuple[list[Any], int, int | None] = client.numbers.search_available_numbers(
        SearchAvailableNumbersFilter(**fields)
    )
    return result


def owned(client: Any, **fields: Any) -> tuple[list[Any], int, int | None]:
    result: tuple[list[Any], int, int | None] = client.numbers.list_owned_numbers(
        ListOwnedNumbersFilter(**fields)
    )
    return result


def buy_one(client: Any, country: str = "GB", **fields: Any) -> Any:
    """Buy the first number a search offers; returns the AvailableNumber bought."""
    numbers, _, _ = search(client, country=country, size=1, **fields)
    client.numbers.buy_number(NumberParams(country=country, msisdn=numbers[0].msisdn))
    return numbers[0]


def refused(call: Any, status: int = 420) -> dict[str, Any]:
    with pytest.raises(HttpRequestError) as error:
        call()
    assert error.value.response.status_code == status
    body: dict[str, Any] = error.value.response.json()
    return body


def balance(client: Any) -> float:
    return float(client.account.get_balance().value)


def test_search_offers_valid_priced_numbers_with_paging(account: AccountHandle) -> None:
    numbers, count, next_index = search(
        account.client, country="GB", type=NumberType.MOBILE_LVN, size=10
    )
    assert len(numbers) == 10
    assert isinstance(count, int) and count > 10
    assert next_index == 2
    for number in numbers:
        assert number.country == "GB"
        assert number.type == "mobile-lvn"
        assert number.cost == "0.90"
        assert number.features == ["VOICE", "SMS"]
        parsed = phonenumbers.parse(f"+{number.msisdn}")
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    second, again_count, _ = search(
        account.client, country="GB", type=NumberType.MOBILE_LVN, size=10, index=2
    )
    assert again_count == count
    assert not {n.msisdn for n in numbers} & {n.msisdn for n in second}
    same, _, _ = search(account.client, country="GB", type=NumberType.MOBILE_LVN, size=10)
    assert [n.msisdn for n in same] == [n.msisdn for n in numbers]
    last_page = (count - 1) // 10 + 1
    tail, _, no_more = search(
        account.client, country="GB", type=NumberType.MOBILE_LVN, size=10, index=last_page
    )
    assert tail and no_more is None


def test_search_filters_by_type_and_features(account: AccountHandle) -> None:
    everything, total, _ = search(account.client, country="US", size=100)
    assert {n.type for n in everything} <= {"landline", "mobile-lvn", "landline-toll-free"}
    mms, mms_total, _ = search(account.client, country="US", features=NumberFeatures.MMS)
    assert mms and {n.type for n in mms} == {"mobile-lvn"}
    assert all(n.features == ["VOICE", "SMS", "MMS"] for n in mms)
    assert 0 < mms_total < total
    toll_free, _, _ = search(account.client, country="US", type=NumberType.LANDLINE_TOLL_FREE)
    assert toll_free and all(n.cost == "0.98" and n.features == ["VOICE"] for n in toll_free)
    sms_voice, _, _ = search(account.client, country="GB", features=NumberFeatures.SMS_VOICE)
    assert sms_voice and {n.type for n in sms_voice} == {"mobile-lvn"}
    assert search(account.client, country="GB", type="landline", features="SMS") == ([], 0, None)


@pytest.mark.parametrize(
    ("pattern", "search_pattern", "check"),
    [
        ("4479", 0, str.startswith),
        ("2468", 1, str.__contains__),
        ("007", 2, str.endswith),
    ],
)
def test_search_patterns(
    account: AccountHandle, pattern: str, search_pattern: int, check: Any
) -> None:
    numbers, count, _ = search(
        account.client, country="GB", pattern=pattern, search_pattern=search_pattern, size=20
    )
    assert len(numbers) == 20 and count >= 20
    assert all(check(n.msisdn, pattern) for n in numbers)


def test_searches_with_nothing_to_offer(account: AccountHandle) -> None:
    assert search(account.client, country="GB", pattern="33", search_pattern=0) == ([], 0, None)
    # numbers from Germany are requested from the Dashboard: the API search offers none
    assert search(account.client, country="DE") == ([], 0, None)


def test_buy_charges_the_first_month_and_owns_the_number(account: AccountHandle) -> None:
    bought = buy_one(account.client, "US", type=NumberType.MOBILE_LVN)
    assert balance(account.client) == pytest.approx(10 - 0.98)
    numbers, count, next_index = owned(account.client)
    assert (count, next_index) == (1, None)
    (number,) = numbers
    assert (number.msisdn, number.country, number.type) == (bought.msisdn, "US", "mobile-lvn")
    assert number.features == ["VOICE", "SMS", "MMS"]
    assert number.app_id is None and number.mo_http_url is None
    # a number someone rents is no longer offered, even searched for by name
    assert search(account.client, country="US", pattern=bought.msisdn, search_pattern=1)[1] == 0


def test_a_rented_number_cannot_be_bought_again(
    ringback: RingbackProcess, account: AccountHandle
) -> None:
    bought = buy_one(account.client)
    other = ringback.client(*ringback.new_account())
    params = NumberParams(country="GB", msisdn=bought.msisdn)
    assert refused(lambda: other.numbers.buy_number(params)) == METHOD_FAILED
    assert refused(lambda: account.client.numbers.buy_number(params)) == METHOD_FAILED
    assert balance(other) == pytest.approx(10.0)
    assert balance(account.client) == pytest.approx(9.10)


def test_buying_without_credit_fails_and_charges_nothing(
    ringback: RingbackProcess, account: AccountHandle
) -> None:
    ringback.control("PATCH", f"/accounts/{account.api_key}", json={"balance": "0.50"})
    (number,), _, _ = search(account.client, country="GB", size=1)
    params = NumberParams(country="GB", msisdn=number.msisdn)
    assert refused(lambda: account.client.numbers.buy_number(params)) == METHOD_FAILED
    assert balance(account.client) == pytest.approx(0.50)
    assert owned(account.client) == ([], 0, None)


def test_numbers_that_cannot_be_bought(account: AccountHandle) -> None:
    client = account.client
    german = phonenumbers.example_number_for_type("DE", phonenumbers.PhoneNumberType.MOBILE)
    msisdn = phonenumbers.format_number(german, phonenumbers.PhoneNumberFormat.E164)[1:]
    body = refused(lambda: client.numbers.buy_number(NumberParams(country="DE", msisdn=msisdn)))
    assert body["error-code"] == "420"
    assert body["error-code-label"].startswith("Numbers from this country can be requested")
    for country, msisdn in [("FR", "447400123456"), ("GB", "449091234567"), ("GB", "4474001")]:
        params = NumberParams(country=country, msisdn=msisdn)
        assert refused(lambda p=params: client.numbers.buy_number(p)) == METHOD_FAILED
    assert balance(client) == pytest.approx(10.0)


def test_target_api_key_other_than_your_own(
    ringback: RingbackProcess, account: AccountHandle
) -> None:
    (number,), _, _ = search(account.client, country="GB", size=1)
    other_key, _ = ringback.new_account()
    for target in (other_key, "ffffffff"):
        params = NumberParams(country="GB", msisdn=number.msisdn, target_api_key=target)
        with pytest.raises(AuthenticationError) as error:
            account.client.numbers.buy_number(params)
        assert error.value.response.json() == {
            "error-code": "401",
            "error-code-label": "authentication failed",
        }
    mine = NumberParams(country="GB", msisdn=number.msisdn, target_api_key=account.api_key)
    assert account.client.numbers.buy_number(mine).error_code == "200"


def test_cancel_releases_the_number(account: AccountHandle) -> None:
    client = account.client
    bought = buy_one(client)
    status = client.numbers.cancel_number(NumberParams(country="GB", msisdn=bought.msisdn))
    assert (status.error_code, status.error_code_label) == ("200", "success")
    assert owned(client) == ([], 0, None)
    offered, count, _ = search(client, country="GB", pattern=bought.msisdn, search_pattern=0)
    assert count == 1 and offered[0].msisdn == bought.msisdn
    again = NumberParams(country="GB", msisdn=bought.msisdn)
    assert refused(lambda: client.numbers.cancel_number(again)) == METHOD_FAILED
    assert balance(client) == pytest.approx(9.10)  # no refund of the month paid


def test_someone_elses_number_is_like_no_number(
    ringback: RingbackProcess, account: AccountHandle
) -> None:
    bought = buy_one(account.client)
    other = ringback.client(*ringback.new_account())
    params = NumberParams(country="GB", msisdn=bought.msisdn)
    assert refused(lambda: other.numbers.cancel_number(params)) == METHOD_FAILED
    update = UpdateNumberParams(country="GB", msisdn=bought.msisdn, mo_http_url="https://x.test")
    assert refused(lambda: other.numbers.update_number(update)) == METHOD_FAILED
    assert owned(other) == ([], 0, None)
    assert owned(account.client)[1] == 1


def test_update_sets_and_clears_webhooks(account: AccountHandle) -> None:
    client = account.client
    bought = buy_one(client, type=NumberType.MOBILE_LVN)
    client.numbers.update_number(
        UpdateNumberParams(
            country="GB",
            msisdn=bought.msisdn,
            mo_http_url="https://example.com/inbound-sms",
            mo_smpp_sytem_type="inbound",
            voice_callback_type=VoiceCallbackType.TEL,
            voice_callback_value="447700900901",
            voice_status_callback="https://example.com/status",
        )
    )
    (number,), _, _ = owned(client)
    assert number.mo_http_url == "https://example.com/inbound-sms"
    assert (number.voice_callback_type, number.voice_callback_value) == ("tel", "447700900901")
    client.numbers.update_number(
        UpdateNumberParams(
            country="GB",
            msisdn=bought.msisdn,
            voice_callback_type=VoiceCallbackType.SIP,
            voice_callback_value="sip:agent@example.com",
        )
    )
    (number,), _, _ = owned(client)
    assert number.voice_callback_value == "sip:agent@example.com"
    assert number.mo_http_url == "https://example.com/inbound-sms"  # untouched
    client.numbers.update_number(
        UpdateNumberParams(
            country="GB",
            msisdn=bought.msisdn,
            mo_http_url="",
            voice_callback_type=VoiceCallbackType.SIP,
            voice_callback_value="",
        )
    )
    body = refused(
        lambda: client.numbers.update_number(
            UpdateNumberParams(country="GB", msisdn=bought.msisdn, mo_http_url="ftp://x")
        )
    )
    assert body == {
        "error-code": "420",
        "error-code-label": "Invalid value for parameter: moHttpUrl",
    }
    (number,), _, _ = owned(client)
    assert number.mo_http_url is None
    assert (number.voice_callback_type, number.voice_callback_value) == (None, None)


def test_linking_an_application_and_the_owned_filters(
    ringback: RingbackProcess, account: AccountHandle
) -> None:
    client = account.client
    app = client.application.create_application(ApplicationConfig(name="numbers test"))
    linked = buy_one(client, "GB", type=NumberType.MOBILE_LVN)
    plain = buy_one(client, "GB", type=NumberType.LANDLINE)
    american = buy_one(client, "US", type=NumberType.LANDLINE_TOLL_FREE)
    client.numbers.update_number(
        UpdateNumberParams(country="GB", msisdn=linked.msisdn, app_id=app.id)
    )
    with_app, count, _ = owned(client, has_application=True)
    assert count == 1 and with_app[0].msisdn == linked.msisdn
    assert with_app[0].app_id == app.id
    assert (with_app[0].messages_callback_type, with_app[0].messages_callback_value) == (
        "app",
        app.id,
    )
    assert {n.msisdn for n in owned(client, has_application=False)[0]} == {
        plain.msisdn,
        american.msisdn,
    }
    assert [n.msisdn for n in owned(client, application_id=app.id)[0]] == [linked.msisdn]
    assert owned(client, country="US")[1] == 1
    assert owned(client, pattern=linked.msisdn[:6], search_pattern=0)[0][0].msisdn == (
        linked.msisdn
    )
    assert owned(client, pattern=plain.msisdn[3:9], search_pattern=1)[0][0].msisdn == (plain.msisdn)
    assert owned(client, pattern=american.msisdn[-5:], search_pattern=2)[1] == 1
    page, total, next_index = owned(client, size=2)
    assert (len(page), total, next_index) == (2, 3, 2)
    rest, _, done = owned(client, size=2, index=2)
    assert len(rest) == 1 and done is None
    assert sorted(n.msisdn for n in page + rest) == sorted(
        [linked.msisdn, plain.msisdn, american.msisdn]
    )
    # another account's application is as unknown as a made-up one
    other = ringback.client(*ringback.new_account())
    foreign = other.application.create_application(ApplicationConfig(name="not yours"))
    for app_id in (foreign.id, "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"):
        update = UpdateNumberParams(country="GB", msisdn=plain.msisdn, app_id=app_id)
        assert refused(lambda u=update: client.numbers.update_number(u)) == {
            "error-code": "420",
            "error-code-label": "Invalid value for parameter: app_id",
        }
    client.numbers.update_number(UpdateNumberParams(country="GB", msisdn=linked.msisdn, app_id=""))
    assert owned(client, has_application=True) == ([], 0, None)


@pytest.fixture(scope="module")
def clock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    """A Ringback of its own: these tests move its clock a month on, which the shared server's
    other tests (JWTs, expiries) must not see."""
    server = RingbackProcess(Path(tmp_path_factory.mktemp("numbers-clock")), "--no-rate-limits")
    server.start()
    server.control("POST", "/clock", json={"freeze": True})
    yield server
    server.stop()


def month_later(server: RingbackProcess) -> None:
    response = server.control("POST", "/clock", json={"advance_seconds": 32 * 86400})
    assert response.status_code == 200


def test_the_second_month_is_charged(clock_server: RingbackProcess) -> None:
    client = clock_server.client(*clock_server.new_account())
    bought = buy_one(client, type=NumberType.MOBILE_LVN)
    assert balance(client) == pytest.approx(9.10)
    month_later(clock_server)
    assert balance(client) == pytest.approx(8.20)
    assert [n.msisdn for n in owned(client)[0]] == [bought.msisdn]
    month_later(clock_server)
    assert balance(client) == pytest.approx(7.30)


def test_a_broke_account_loses_its_number(clock_server: RingbackProcess) -> None:
    client = clock_server.client(*clock_server.new_account(balance="1.00"))
    bought = buy_one(client, type=NumberType.LANDLINE)
    assert balance(client) == pytest.approx(0.10)
    month_later(clock_server)
    assert owned(client) == ([], 0, None)
    assert balance(client) == pytest.approx(0.10)
    found = search(client, country="GB", pattern=bought.msisdn, search_pattern=2)
    assert [n.msisdn for n in found[0]] == [bought.msisdn]  # back on offer
