"""The official SDK's pricing methods against a live Ringback: the prices are the price list's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import phonenumbers
import pytest
from vonage_account import GetCountryPricingRequest, GetPrefixPricingRequest, ServiceType

from ringback.core.prices import PriceList
from ringback.testing.plugin import AccountHandle
from ringback.testing.server import RingbackProcess

PRICES = PriceList.load()


def test_country_pricing_is_the_price_list(account: AccountHandle) -> None:
    gb = account.client.account.get_country_pricing(
        GetCountryPricingRequest(type=ServiceType.SMS, country_code="GB")
    )
    assert gb.country_code == "GB"
    assert gb.country_name == gb.country_display_name == "United Kingdom"
    assert gb.dialing_prefix == "44"
    assert gb.currency == "EUR"
    assert Decimal(gb.default_price) == Decimal("0.0459")
    networks = {n.network_code: n for n in gb.networks}
    assert Decimal(networks["23410"].price) == Decimal("0.0430")  # a network override
    assert Decimal(networks["23415"].price) == Decimal("0.0440")
    assert networks["23415"].network_name == "Vodafone Ltd"
    assert "Vodafone" in networks["23415"].aliases
    assert 447799 in networks["23415"].ranges
    for code, network in networks.items():
        assert (network.mcc, network.mnc, network.type) == (code[:3], code[3:], "mobile")
        assert Decimal(network.price) == PRICES.price("sms", "GB", code)
        assert network.currency == "EUR"


@pytest.mark.parametrize(
    ("service", "country", "default"),
    [(ServiceType.VOICE, "GB", "0.0140"), (ServiceType.SMS_TRANSIT, "us", "0.00809")],
)
def test_voice_and_transit_prices(
    account: AccountHandle, service: ServiceType, country: str, default: str
) -> None:
    pricing = account.client.account.get_country_pricing(
        GetCountryPricingRequest(type=service, country_code=country)
    )
    assert pricing.country_code == country.upper()
    assert Decimal(pricing.default_price) == Decimal(default)
    # network overrides are per product: the default list only overrides sms
    assert {Decimal(n.price) for n in pricing.networks} == {Decimal(default)}


def test_all_countries(account: AccountHandle) -> None:
    everything = account.client.account.get_all_countries_pricing(ServiceType.SMS)
    assert everything.count == len(everything.countries) == len(phonenumbers.SUPPORTED_REGIONS)
    for country in everything.countries:
        assert Decimal(country.default_price) == PRICES.price("sms", country.country_code)
        assert country.dialing_prefix == str(
            phonenumbers.country_code_for_region(country.country_code)
        )
    by_code = {c.country_code: c for c in everything.countries}
    assert Decimal(by_code["DE"].default_price) == Decimal("0.0927")
    assert Decimal(by_code["ZM"].default_price) == Decimal("0.0500")  # the default
    assert by_code["KR"].country_name == "South Korea"


def test_prefix_pricing(account: AccountHandle) -> None:
    uk = account.client.account.get_prefix_pricing(
        GetPrefixPricingRequest(prefix="44", type=ServiceType.VOICE)
    )
    assert uk.count == 4
    assert sorted(c.country_code for c in uk.countries) == ["GB", "GG", "IM", "JE"]
    nanp = account.client.account.get_prefix_pricing(GetPrefixPricingRequest(prefix="1"))
    assert {"US", "CA", "JM", "PR"} <= {c.country_code for c in nanp.countries}
    assert all(c.dialing_prefix == "1" for c in nanp.countries)
    nowhere = account.client.account.get_prefix_pricing(GetPrefixPricingRequest(prefix="999"))
    assert (nowhere.count, nowhere.countries) == (0, [])


@pytest.fixture(scope="module")
def custom_priced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    data_dir = tmp_path_factory.mktemp("priced")
    price_file = Path(data_dir) / "my-prices.json"
    price_file.write_text(
        json.dumps(
            {
                "currency": "EUR",
                "default": {"sms": "0.1", "sms-transit": "0.1", "voice": "0.2"},
                "countries": {"GB": {"sms": "0.0123"}},
                "networks": {"23415": {"sms": "0.0077"}},
            }
        )
    )
    server = RingbackProcess(data_dir, "--no-rate-limits", "--prices", str(price_file))
    server.start()
    yield server
    server.stop()


def test_a_custom_price_list_changes_the_prices(custom_priced: RingbackProcess) -> None:
    client = custom_priced.client(*custom_priced.new_account())
    gb = client.account.get_country_pricing(GetCountryPricingRequest(country_code="GB"))
    assert gb.default_price == "0.01230000"
    networks = {n.network_code: n.price for n in gb.networks}
    assert networks["23415"] == "0.00770000"
    assert networks["23410"] == "0.01230000"  # the default list's override is gone
    fr = client.account.get_country_pricing(
        GetCountryPricingRequest(type=ServiceType.VOICE, country_code="FR")
    )
    assert fr.default_price == "0.20000000"
