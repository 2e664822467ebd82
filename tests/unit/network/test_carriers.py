from __future__ import annotations

import os
import subprocess
import sys

import phonenumbers
import pytest
from phonenumbers import carrier as libphonenumber_carrier

from ringback.network import carriers
from ringback.network.carriers import Network


def number(e164: str) -> phonenumbers.PhoneNumber:
    return phonenumbers.parse(e164)


def test_a_countrys_networks_come_from_its_mccs_without_junk() -> None:
    gb = carriers.networks_for_region("GB")
    codes = [n.network_code for n in gb]
    assert codes == sorted(set(codes))
    assert {"23410", "23415", "23420", "23591"} <= set(codes)  # both of GB's MCCs, 234 and 235
    assert all(n.mnc.isdigit() and len(n.mnc) in (2, 3) for n in gb)
    # mobile_codes lists Cloud 9 Mobile with the MNC "&#160;?": skipped, not half-parsed
    assert not any(n.mnc.startswith("&") or n.name == "Cloud 9 Mobile" for n in gb)
    assert carriers.network_by_code("GB", "23415") == Network(
        "234", "15", "Vodafone Ltd", "Vodafone Ltd"
    )
    assert carriers.networks_for_region("gb") == gb
    assert carriers.networks_for_region("GB") is gb  # cached


def test_names_are_unescaped_and_whitespace_collapsed() -> None:
    for region in ("CH", "FR", "DE"):
        for network in carriers.networks_for_region(region):
            assert "&amp;" not in network.name
            assert "\n" not in network.name
            assert network.name and network.brand


@pytest.mark.parametrize("region", ["VA", "XK", "ZZ", "001"])
def test_regions_without_operators(region: str) -> None:
    assert carriers.networks_for_region(region) == ()


@pytest.mark.parametrize(
    ("e164", "carrier", "network_code"),
    [
        ("+447799123456", "Vodafone", "23415"),  # "Vodafone" is in "Vodafone Ltd"
        ("+447958123456", "EE", "23486"),  # "EE" is in "EE Limited ( TM)"
        ("+447106123456", "O2", "23402"),  # O2 UK Ltd. is 02, 10 and 11: the lowest code
        ("+33612345678", "SFR", "20809"),  # "S.F.R." is SFR
        ("+447781123456", "Sure", "23436"),  # Guernsey, on the shared MCC 234
    ],
)
def test_carrier_names_match_operators_by_name(e164: str, carrier: str, network_code: str) -> None:
    parsed = number(e164)
    assert libphonenumber_carrier.name_for_number(parsed, "en") == carrier
    network = carriers.network_for_number(parsed)
    assert network is not None
    assert network.network_code == network_code


def test_a_carrier_with_no_operator_of_its_name_gets_a_stable_pick() -> None:
    # libphonenumber's "Three" is registered as Hutchison 3G: no name matches
    assert carriers.network_for_carrier("GB", "Three") is None
    three = carriers.network_for_number(number("+447400123456"))
    assert three == carriers.stable_pick(carriers.networks_for_region("GB"), "Three")
    assert three == carriers.network_for_number(number("+447450999999"))  # any Three number
    assert three is not None
    assert three.network_code == "23422"


def test_a_number_without_carrier_data_is_spread_by_number_but_stable() -> None:
    first = carriers.network_for_number(number("+12025550123"))
    assert first in carriers.networks_for_region("US")
    assert first == carriers.network_for_number(number("+12025550123"))
    picks = {carriers.network_for_number(number(f"+1202555{n:04d}")) for n in range(40)}
    assert len(picks) > 1


def test_the_pick_is_the_same_in_another_process() -> None:
    """Python's hash() of a str differs per process; the pick must not."""
    script = (
        "import phonenumbers\n"
        "from ringback.network.carriers import network_for_number\n"
        "for n in ('+447400123456', '+12025550123'):\n"
        "    print(network_for_number(phonenumbers.parse(n)).network_code)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    ).stdout.split()
    here = [carriers.network_for_number(number(n)) for n in ("+447400123456", "+12025550123")]
    assert out == [n.network_code for n in here if n is not None]


def test_numbers_outside_the_plan_still_belong_to_their_country() -> None:
    drama = number("+447700900123")  # Ofcom's range for fiction: not a valid number
    assert not phonenumbers.is_valid_number(drama)
    network = carriers.network_for_number(drama)
    assert network in carriers.networks_for_region("GB")


@pytest.mark.parametrize("e164", ["+390669812345", "+80012345678", "+8821234567"])
def test_no_operator_no_network(e164: str) -> None:
    assert carriers.network_for_number(number(e164)) is None


def test_coverage_ranges_lead_back_to_their_network() -> None:
    coverage = carriers.coverage_for_region("GB")
    assert set(coverage) == {n.network_code for n in carriers.networks_for_region("GB")}
    vodafone = coverage["23415"]
    assert "Vodafone" in vodafone.aliases
    assert 447799 in vodafone.ranges
    # a number is on the network of the longest range it starts with, as Vonage's ranges read
    owner = {str(r): code for code, cover in coverage.items() for r in cover.ranges}
    for cover in coverage.values():
        for prefix in cover.ranges[:5]:
            digits = str(prefix).ljust(12, "5")[:12]
            longest = max((p for p in owner if digits.startswith(p)), key=len)
            found = carriers.network_for_number(number(f"+{digits}"))
            assert found is not None
            assert found.network_code == owner[longest], digits


def test_shared_country_codes_place_prefixes_in_the_right_region() -> None:
    gg_ranges = {r for c in carriers.coverage_for_region("GG").values() for r in c.ranges}
    gb_ranges = {r for c in carriers.coverage_for_region("GB").values() for r in c.ranges}
    assert 447781 in gg_ranges
    assert 447781 not in gb_ranges
    ca_ranges = {r for c in carriers.coverage_for_region("CA").values() for r in c.ranges}
    assert all(str(r).startswith("1") for r in ca_ranges)
