from __future__ import annotations

import random
import time
import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.core.money import from_units, price_text, to_units
from ringback.core.secrets import secret_problems


def test_a_frozen_clock_stands_still_and_advances_on_demand() -> None:
    clock = Clock()
    clock.freeze()
    frozen = clock.now()
    time.sleep(0.01)
    assert clock.now() == frozen
    clock.advance(30)
    assert clock.now() == frozen + 30
    clock.resume()
    assert clock.now() >= frozen + 30
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_advancing_a_running_clock_shifts_it() -> None:
    clock = Clock()
    before = clock.now()
    clock.advance(3600)
    assert clock.now() >= before + 3600


def test_seeded_ids_repeat_and_have_vonage_formats() -> None:
    first, second = Ids(42), Ids(42)
    assert [first.uuid() for _ in range(3)] == [second.uuid() for _ in range(3)]
    key = first.api_key()
    assert len(key) == 8 and all(c in "0123456789abcdef" for c in key)
    assert len(first.instance()) == 32
    assert secret_problems(first.api_secret()) == []


@given(st.decimals(min_value=0, max_value=10**6, places=8, allow_nan=False))
def test_money_round_trips_through_units(amount: Decimal) -> None:
    assert from_units(to_units(amount)) == amount


def test_prices_are_written_as_vonage_does() -> None:
    assert price_text(to_units("0.0333")) == "0.03330000"


@given(st.integers(min_value=-(10**22), max_value=10**22))
def test_price_text_is_from_units_formatted(units: int) -> None:
    assert price_text(units) == f"{from_units(units):.8f}"


@given(
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12),
    )
)
def test_units_of_a_decimal_are_those_of_its_text(amount: Decimal | float) -> None:
    assert to_units(amount) == to_units(str(amount))


@given(st.integers(min_value=0, max_value=2**32))
def test_uuids_are_those_uuid_makes_from_the_same_bits(seed: int) -> None:
    ours, theirs = Ids(seed), random.Random(seed)
    for _ in range(3):
        assert ours.uuid() == str(uuid.UUID(int=theirs.getrandbits(128), version=4))
