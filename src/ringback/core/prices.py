"""The price list: EUR per product, per country, optionally per network (MCC+MNC)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

PRODUCTS_BY_PRICING_TYPE = {"sms": "sms", "sms-transit": "sms-transit", "voice": "voice"}


class PriceListError(ValueError):
    pass


class PriceList:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.currency: str = data.get("currency", "EUR")
        self.default = self._prices(data.get("default", {}), "default")
        self.countries = {
            code.upper(): self._prices(entry, code)
            for code, entry in data.get("countries", {}).items()
        }
        self.networks = {
            code: self._prices(entry, code) for code, entry in data.get("networks", {}).items()
        }

    @staticmethod
    def _prices(entry: dict[str, Any], where: str) -> dict[str, Decimal]:
        prices = {}
        for product, value in entry.items():
            try:
                price = Decimal(str(value))
            except InvalidOperation as exc:
                raise PriceListError(f"{where}.{product}: {value!r} is not a price") from exc
            if price < 0:
                raise PriceListError(f"{where}.{product}: a price cannot be negative")
            prices[product] = price
        return prices

    @classmethod
    def load(cls, path: Path | None = None) -> PriceList:
        if path is None:
            text = resources.files("ringback.data").joinpath("prices.json").read_text()
        else:
            text = path.read_text()
        try:
            return cls(json.loads(text))
        except json.JSONDecodeError as exc:
            raise PriceListError(f"price list is not valid JSON: {exc}") from exc

    def price(self, product: str, country: str | None, network: str | None = None) -> Decimal:
        if network and product in self.networks.get(network, {}):
            return self.networks[network][product]
        if country and product in self.countries.get(country.upper(), {}):
            return self.countries[country.upper()][product]
        if product in self.default:
            return self.default[product]
        raise PriceListError(f"the price list has no price for {product!r}")
