"""Flows across the platform APIs, as an app lives them, including a restart in the middle."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from vonage_application import ApplicationConfig
from vonage_numbers import (
    ListOwnedNumbersFilter,
    NumberParams,
    SearchAvailableNumbersFilter,
    UpdateNumberParams,
)

from ringback.testing.server import RingbackProcess


def jwt_check(server: RingbackProcess, token: str) -> httpx.Response:
    return httpx.get(
        f"{server.https_url}/_ringback/credentials/check",
        headers={"Authorization": f"Bearer {token}"},
        verify=server.tls,
    )


def test_applications_numbers_and_keys_survive_a_restart(tmp_path: Path) -> None:
    from vonage_jwt import JwtClient

    server = RingbackProcess(tmp_path / "d", "--no-rate-limits").start()
    try:
        api_key, api_secret = server.new_account(balance="15")
        client = server.client(api_key, api_secret)
        app = client.application.create_application(ApplicationConfig(name="kept app"))
        private_key = app.keys.private_key
        offer = client.numbers.search_available_numbers(
            SearchAvailableNumbersFilter(country="GB", type="mobile-lvn")
        )
        msisdn = offer[0][0].msisdn
        client.numbers.buy_number(NumberParams(country="GB", msisdn=msisdn))
        client.numbers.update_number(UpdateNumberParams(country="GB", msisdn=msisdn, app_id=app.id))
        balance_before = client.account.get_balance().value

        server.restart()

        client = server.client(api_key, api_secret)
        assert client.application.get_application(app.id).name == "kept app"
        owned, count, _ = client.numbers.list_owned_numbers(ListOwnedNumbersFilter())
        assert count == 1
        assert (owned[0].msisdn, owned[0].app_id) == (msisdn, app.id)
        assert client.account.get_balance().value == pytest.approx(balance_before)
        token = JwtClient(app.id, private_key).generate_application_jwt().decode()
        assert jwt_check(server, token).json()["application_id"] == app.id
        renewals = server.control("GET", "/jobs", params={"api_key": api_key}).json()["jobs"]
        assert [j["kind"] for j in renewals] == ["number.renew"]
    finally:
        server.stop()


def test_deleting_an_application_unlinks_its_numbers(ringback: RingbackProcess) -> None:
    api_key, api_secret = ringback.new_account()
    client = ringback.client(api_key, api_secret)
    app = client.application.create_application(ApplicationConfig(name="short-lived"))
    offer = client.numbers.search_available_numbers(SearchAvailableNumbersFilter(country="US"))
    msisdn = offer[0][0].msisdn
    client.numbers.buy_number(NumberParams(country="US", msisdn=msisdn))
    client.numbers.update_number(UpdateNumberParams(country="US", msisdn=msisdn, app_id=app.id))
    client.application.delete_application(app.id)
    owned, _, _ = client.numbers.list_owned_numbers(ListOwnedNumbersFilter())
    assert owned[0].app_id is None
    assert owned[0].voice_callback_value is None


def test_a_snapshot_restores_applications_numbers_and_balance(ringback: RingbackProcess) -> None:
    api_key, api_secret = ringback.new_account()
    client = ringback.client(api_key, api_secret)
    app = client.application.create_application(ApplicationConfig(name="seeded"))
    offer = client.numbers.search_available_numbers(SearchAvailableNumbersFilter(country="GB"))
    msisdn = offer[0][0].msisdn
    client.numbers.buy_number(NumberParams(country="GB", msisdn=msisdn))
    ringback.control("POST", "/snapshots", json={"name": "platform-seeded"})
    balance = client.account.get_balance().value

    client.application.delete_application(app.id)
    client.numbers.cancel_number(NumberParams(country="GB", msisdn=msisdn))

    ringback.control("POST", "/snapshots/platform-seeded/restore")
    assert client.application.get_application(app.id).name == "seeded"
    owned, count, _ = client.numbers.list_owned_numbers(ListOwnedNumbersFilter())
    assert count == 1 and owned[0].msisdn == msisdn
    assert client.account.get_balance().value == pytest.approx(balance)


def test_accounts_never_see_each_other(ringback: RingbackProcess) -> None:
    a = ringback.client(*ringback.new_account())
    b_key, b_secret = ringback.new_account()
    b = ringback.client(b_key, b_secret)
    b_app = b.application.create_application(ApplicationConfig(name="b's"))
    offer = b.numbers.search_available_numbers(SearchAvailableNumbersFilter(country="GB"))
    b.numbers.buy_number(NumberParams(country="GB", msisdn=offer[0][0].msisdn))
    apps, _ = a.application.list_applications()
    assert b_app.id not in {x.id for x in apps}
    owned, count, _ = a.numbers.list_owned_numbers(ListOwnedNumbersFilter())
    assert (owned, count) == ([], 0)
