"""A real Ringback world for the network tests: store, clock, ids, billing and outbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ringback.apis.services import Services
from ringback.app import build_services
from ringback.config import Settings
from ringback.platform.provisioning import create_account
from ringback.state import accounts as account_state
from ringback.state import numbers as number_state
from ringback.state import webhook_deliveries as delivery_state
from ringback.state.numbers import OwnedNumber
from ringback.state.webhook_deliveries import Delivery, Filter
from ringback.testing import backends


@dataclass
class World:
    services: Services

    def account(self, balance: str = "10.00", **settings: Any) -> str:
        with self.services.store.begin() as tx:
            account, _ = create_account(
                tx, self.services.ids, self.services.clock, balance=Decimal(balance)
            )
            if settings:
                account_state.update_account(tx, account.api_key, **settings)
        return account.api_key

    def rent(self, api_key: str, msisdn: str, mo_http_url: str | None = None) -> str:
        now = self.services.clock.now()
        with self.services.store.begin() as tx:
            number_state.insert_number(
                tx,
                OwnedNumber(
                    msisdn=msisdn,
                    api_key=api_key,
                    country="GB",
                    type="mobile-lvn",
                    features=("VOICE", "SMS"),
                    monthly_cost_units=0,
                    app_id=None,
                    mo_http_url=mo_http_url,
                    mo_smpp_sys_type=None,
                    voice_callback_type=None,
                    voice_callback_value=None,
                    voice_status_callback=None,
                    messages_callback_type=None,
                    messages_callback_value=None,
                    bought_at=now,
                    renews_at=now + 30 * 86400,
                ),
            )
        return msisdn

    def deliveries(self) -> list[Delivery]:
        with self.services.store.begin() as tx:
            newest_first = delivery_state.find(tx, Filter(limit=1_000_000))
        return newest_first[::-1]

    def balance(self, api_key: str) -> int:
        with self.services.store.begin() as tx:
            units = self.services.billing.balance_units(tx, api_key)
        assert units is not None
        return units


def make_world(tmp_path: Path, prices: dict[str, Any] | None = None) -> World:
    price_path = None
    if prices is not None:
        price_path = tmp_path / "prices.json"
        price_path.write_text(json.dumps(prices))
    database = backends.new_database() if backends.on_postgres() else str(tmp_path / "r.db")
    settings = Settings(data_dir=tmp_path, database=database, prices=price_path, seed=1)
    services = build_services(settings)
    services.clock.freeze()
    return World(services)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = make_world(tmp_path)
    yield made
    made.services.store.close()


@pytest.fixture
def priced_world(tmp_path: Path) -> Iterator[World]:
    """Inbound SMS to GB numbers costs 0.01 EUR a part; elsewhere it stays free."""
    prices = {
        "default": {"sms": "0.05"},
        "countries": {"GB": {"sms-inbound": "0.01"}},
    }
    made = make_world(tmp_path, prices)
    yield made
    made.services.store.close()
