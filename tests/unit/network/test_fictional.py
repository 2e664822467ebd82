from __future__ import annotations

from pathlib import Path

import mobile_codes
import phonenumbers
import pytest

from ringback.network import carriers, fictional, number_pool, numbering

DOCS = Path(__file__).parents[3] / "docs" / "magic-numbers.md"


@pytest.mark.parametrize(
    ("msisdn", "region"),
    [
        ("447700900000", "GB"),  # Vonage's documentation's own example: a handset, not magic
        ("447700900123", "GB"),
        ("447700900999", "GB"),
        ("12015550123", "US"),
        ("12125550100", "US"),
        ("14165550199", "CA"),
        ("61491570006", "AU"),
        ("61491570156", "AU"),
        ("61491579760", "AU"),
    ],
)
def test_reserved_numbers_are_valid_mobiles_on_the_fictional_network(
    msisdn: str, region: str
) -> None:
    info = numbering.lookup(msisdn)
    assert info is not None
    assert (info.valid, info.possible, info.region, info.number_type) == (
        True,
        True,
        region,
        "mobile",
    )
    assert info.fictional
    assert info.network == fictional.NETWORK
    assert (info.network.network_code, info.network.name) == ("99999", "Ringback Fictional")


@pytest.mark.parametrize(
    "msisdn",
    [
        "447700901000",  # just past Ofcom's range
        "4477009001234",  # too long to be in it
        "12015550200",  # 555-0200: released for assignment, not fiction
        "12015550099",
        "18005550100",  # toll-free: no geographic area code
        "19005550100",  # premium
        "12995550123",  # no such area code
        "61491570007",  # next to an ACMA number, an ordinary Telstra mobile
        "61491580006",
    ],
)
def test_neighbours_of_the_ranges_are_what_libphonenumber_says(msisdn: str) -> None:
    info = numbering.lookup(msisdn)
    assert info is not None and not info.fictional
    assert info.network != fictional.NETWORK
    assert info.valid == phonenumbers.is_valid_number(phonenumbers.parse("+" + msisdn))


def test_acma_lists_thirty_mobile_numbers() -> None:
    found = [n for n in range(61491570000, 61491580000) if fictional.is_fictional(str(n))]
    assert len(found) == 30
    assert {61491570006, 61491570110, 61491570156, 61491570159, 61491579455} <= set(found)


def test_the_network_code_belongs_to_no_real_operator() -> None:
    assert mobile_codes.operators("999") == []
    for region in phonenumbers.SUPPORTED_REGIONS:
        assert carriers.network_by_code(region, fictional.NETWORK.network_code) is None


def test_every_range_has_a_source_and_an_example_in_it() -> None:
    for reserved in fictional.RANGES:
        assert reserved.source and reserved.description
        assert fictional.is_fictional(reserved.example)


def test_the_docs_list_every_range() -> None:
    text = DOCS.read_text()
    for reserved in fictional.RANGES:
        assert f"`{reserved.example}`" in text
    assert "99999" in text and "Ringback Fictional" in text


@pytest.mark.parametrize(
    ("country", "msisdn"), [("US", "12015550123"), ("CA", "14165550150"), ("AU", "61491570156")]
)
def test_handsets_are_never_for_rent(country: str, msisdn: str) -> None:
    assert number_pool.classify(country, msisdn) is None
    offered = number_pool.offer(country, number_pool.MOBILE, "55501", 1)  # "55501" anywhere
    assert offered and not any(fictional.is_fictional(n.msisdn) for n in offered)
