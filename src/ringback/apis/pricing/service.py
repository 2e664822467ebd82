"""Outbound prices per country and network, from the same price list billing charges by.

A country is every region libphonenumber supports; its networks are its mobile operators
(`network/carriers.py`), each priced by its own network override if the price list has one,
else by the country's price, else by the default. What does not depend on the price list
(names, prefixes, networks, their aliases and number ranges) is built once per country and
cached; prices are looked up on every request, so a different price list is never served stale.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from ringback.core.errors import InvalidParameter, InvalidParameters
from ringback.core.prices import PRODUCTS_BY_PRICING_TYPE, PriceList
from ringback.network import carriers, countries
from ringback.network.countries import Country

NETWORK_TYPE = "mobile"


def _invalid(parameter: str, message: str) -> InvalidParameters:
    return InvalidParameters(
        f"{parameter}: {message}", invalid_parameters=[InvalidParameter(parameter, message)]
    )


def product_for(pricing_type: str) -> str:
    product = PRODUCTS_BY_PRICING_TYPE.get(pricing_type)
    if product is None:
        allowed = ", ".join(PRODUCTS_BY_PRICING_TYPE)
        raise _invalid("type", f"Must be one of: {allowed}")
    return product


def price_text(price: Decimal) -> str:
    """As Vonage writes prices here: a string with 8 decimals, "0.04590000"."""
    return f"{price:.8f}"


@lru_cache(maxsize=512)
def _static_networks(region: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    coverage = carriers.coverage_for_region(region)
    return tuple(
        (
            network.network_code,
            {
                "type": NETWORK_TYPE,
                "mcc": network.mcc,
                "mnc": network.mnc,
                "networkCode": network.network_code,
                "networkName": network.name,
                "aliases": list(coverage[network.network_code].aliases),
                "ranges": list(coverage[network.network_code].ranges),
            },
        )
        for network in carriers.networks_for_region(region)
    )


def _country_body(prices: PriceList, product: str, country: Country) -> dict[str, Any]:
    region = country.region
    currency = prices.currency
    networks = [
        {**static, "price": price_text(prices.price(product, region, code)), "currency": currency}
        for code, static in _static_networks(region)
    ]
    return {
        "countryCode": region,
        "countryName": country.name,
        "countryDisplayName": country.name,
        "currency": currency,
        "defaultPrice": price_text(prices.price(product, region)),
        "dialingPrefix": country.dialing_prefix,
        "networks": networks,
    }


def country_pricing(
    prices: PriceList, pricing_type: str, country_code: str | None
) -> dict[str, Any]:
    product = product_for(pricing_type)
    if not country_code:
        raise _invalid("country", "Is required")
    country = countries.country(country_code) if len(country_code) == 2 else None
    if country is None:
        raise _invalid("country", "Is invalid")
    return _country_body(prices, product, country)


def _many(prices: PriceList, product: str, chosen: tuple[Country, ...]) -> dict[str, Any]:
    return {"count": len(chosen), "countries": [_country_body(prices, product, c) for c in chosen]}


def all_countries_pricing(prices: PriceList, pricing_type: str) -> dict[str, Any]:
    return _many(prices, product_for(pricing_type), countries.all_countries())


def prefix_pricing(prices: PriceList, pricing_type: str, prefix: str | None) -> dict[str, Any]:
    """Every country whose dialling prefix is `prefix` (44: GB, GG, IM, JE); none is no error."""
    product = product_for(pricing_type)
    if not prefix:
        raise _invalid("prefix", "Is required")
    if not (prefix.isascii() and prefix.isdigit()) or len(prefix) > 4:
        raise _invalid("prefix", "Is invalid")
    return _many(prices, product, countries.countries_with_prefix(prefix))
