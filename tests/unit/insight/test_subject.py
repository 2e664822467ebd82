"""Reading the number of a lookup, and the synthetic caller names: pure functions, real data."""

from __future__ import annotations

import pytest

from ringback.apis.insight.callers import identity
from ringback.apis.insight.subject import iso3, resolve
from ringback.core.errors import InvalidParameters


@pytest.mark.parametrize(
    ("raw", "country", "msisdn"),
    [
        ("447500123456", None, "447500123456"),
        ("+44 7500 123456", None, "447500123456"),
        ("0044 7500-123456", None, "447500123456"),
        ("07500 123456", "GB", "447500123456"),
        ("447500123456", "GB", "447500123456"),
        ("+447500123456", "GB", "447500123456"),
        ("(202) 555-0123", "US", "12025550123"),
        ("12025550123", "US", "12025550123"),
        ("4915123456789", "DE", "4915123456789"),  # E.164 wins over a long national reading
        ("015123456789", "DE", "4915123456789"),
        ("07700 900123", "GB", "447700900123"),  # Ofcom's drama range: a fictional mobile
    ],
)
def test_numbers_are_read_as_vonage_reads_them(raw: str, country: str | None, msisdn: str) -> None:
    assert resolve(raw, country).msisdn == msisdn


@pytest.mark.parametrize(
    ("raw", "country", "detail"),
    [
        ("07500123456", None, "Not valid number format detected [ 07500123456 ]"),
        ("999123456789", None, "Not valid number format detected [ 999123456789 ]"),
        ("+33612345678", "GB", "Country does not match the number [ GB ]"),
        ("0033612345678", "GB", "Country does not match the number [ GB ]"),
        ("447500123456", "ZZ", "Not valid country code detected [ ZZ ]"),
    ],
)
def test_what_is_no_number_is_refused(raw: str, country: str | None, detail: str) -> None:
    with pytest.raises(InvalidParameters) as refused:
        resolve(raw, country)
    assert refused.value.detail == detail


def test_country_fields() -> None:
    us = resolve("12025550123", None)
    assert (us.region, us.iso3, us.country_name, us.prefix) == (
        "US",
        "USA",
        "United States of America",
        "1",
    )
    assert (iso3("GB"), iso3("XK"), iso3("AC")) == ("GBR", "XKX", "ASC")


def test_caller_names_are_stable_and_shaped_by_type() -> None:
    names = {msisdn: identity(msisdn) for msisdn in (f"1202555{n:04d}" for n in range(200))}
    assert all(identity(m) == who for m, who in names.items())
    kinds = {who.caller_type for who in names.values()}
    assert kinds == {"consumer", "business"}
    for who in names.values():
        if who.caller_type == "consumer":
            assert who.caller_name == f"{who.first_name} {who.last_name}"
        else:
            assert who.first_name is None and who.last_name is None
