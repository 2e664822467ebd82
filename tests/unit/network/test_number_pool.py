"""The numbers the simulated network offers: valid, of the type sold, patterns honoured."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType

from ringback.network import number_pool
from ringback.network.digit_constraints import Contains, EndsWith, StartsWith, matches
from ringback.network.digit_language import DigitLanguage, Unconstrained
from ringback.network.digit_patterns import PatternSyntaxError, parse_pattern

PHONE_TYPES = {
    "mobile-lvn": {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE},
    "landline": {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE},
    "landline-toll-free": {PhoneNumberType.TOLL_FREE},
}
REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)


def assert_sold_right(country: str, offered: tuple[number_pool.OfferedNumber, ...]) -> None:
    for number in offered:
        parsed = phonenumbers.parse(f"+{number.msisdn}")
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.is_valid_number_for_region(parsed, country), number
        assert phonenumbers.number_type(parsed) in PHONE_TYPES[number.type], number
        assert number.country == country
        assert number_pool.classify(country, number.msisdn) == number.type


@pytest.mark.parametrize(
    ("country", "number_type"),
    [
        ("GB", "mobile-lvn"),
        ("GB", "landline"),
        ("GB", "landline-toll-free"),
        ("US", "mobile-lvn"),
        ("US", "landline"),
        ("US", "landline-toll-free"),
        ("FR", "mobile-lvn"),
        ("AU", "landline"),
        ("JP", "mobile-lvn"),
        ("BR", "landline-toll-free"),
    ],
)
def test_offers_are_valid_and_of_the_type_sold(country: str, number_type: str) -> None:
    offered = number_pool.offer(country, number_type, size=40)
    assert len(offered) == 40
    assert [n.msisdn for n in offered] == sorted({n.msisdn for n in offered})
    assert_sold_right(country, offered)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    country=st.sampled_from(REGIONS),
    number_type=st.sampled_from(number_pool.NUMBER_TYPES),
)
def test_every_region_offers_only_valid_numbers(country: str, number_type: str) -> None:
    offered = number_pool.offer(country, number_type, size=8)
    assert_sold_right(country, offered)
    if number_type in number_pool.offered_types(country):
        assert offered  # a range in the metadata always yields numbers


def test_every_region_offers_numbers_of_each_type_it_has() -> None:
    for country in REGIONS:
        for number_type in number_pool.offered_types(country):
            assert number_pool.offer(country, number_type, size=4), (country, number_type)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    country=st.sampled_from(REGIONS),
    number_type=st.sampled_from(number_pool.NUMBER_TYPES),
    search_pattern=st.sampled_from([0, 1, 2]),
    data=st.data(),
)
def test_a_pattern_cut_from_an_offered_number_finds_numbers(
    country: str, number_type: str, search_pattern: int, data: st.DataObject
) -> None:
    offered = number_pool.offer(country, number_type, size=4)
    if not offered:
        return
    msisdn = data.draw(st.sampled_from([n.msisdn for n in offered]))
    length = data.draw(st.integers(1, len(msisdn)))
    start = {0: 0, 2: len(msisdn) - length}.get(search_pattern)
    if start is None:
        start = data.draw(st.integers(0, len(msisdn) - length))
    pattern = msisdn[start : start + length]
    found = number_pool.offer(country, number_type, pattern, search_pattern, size=5)
    assert found
    assert all(matches(n.msisdn, pattern, search_pattern) for n in found)
    assert_sold_right(country, found)


def test_the_same_query_gives_the_same_numbers() -> None:
    first = number_pool.offer("GB", "mobile-lvn", "447", 0, size=30)
    number_pool.offer.cache_clear()
    again = number_pool.offer("GB", "mobile-lvn", "447", 0, size=30)
    assert first == again
    assert first != number_pool.offer("GB", "mobile-lvn", "448", 1, size=30)


@pytest.mark.parametrize(
    ("country", "number_type", "pattern", "search_pattern"),
    [
        ("GB", "mobile-lvn", "4479", 0),
        ("GB", "mobile-lvn", "12345", 1),
        ("GB", "landline", "0000", 2),
        ("US", "mobile-lvn", "1212", 0),
        ("US", "landline-toll-free", "1800", 0),
        ("US", "landline", "4242", 1),
        ("FR", "mobile-lvn", "999", 2),
        ("GB", "landline", "4420", 0),
        ("GB", "landline", "4", 0),  # shorter than the country code
        ("GB", "mobile-lvn", "447", 1),  # straddles the country code
    ],
)
def test_patterns_are_honoured_by_construction(
    country: str, number_type: str, pattern: str, search_pattern: int
) -> None:
    offered = number_pool.offer(country, number_type, pattern, search_pattern, size=25)
    assert len(offered) == 25
    assert all(matches(n.msisdn, pattern, search_pattern) for n in offered)
    assert_sold_right(country, offered)


def test_a_full_number_as_pattern_finds_exactly_that_number() -> None:
    (some, *_) = number_pool.offer("GB", "mobile-lvn", size=1)
    for search_pattern in (0, 1, 2):
        found = number_pool.offer("GB", "mobile-lvn", some.msisdn, search_pattern)
        assert found == (some,)


def test_patterns_that_no_valid_number_has_find_nothing() -> None:
    assert number_pool.offer("GB", "mobile-lvn", "33", 0) == ()  # France's code
    assert number_pool.offer("GB", "mobile-lvn", "4470", 0) == ()  # 070 is personal numbering
    assert number_pool.offer("GB", "mobile-lvn", "9" * 16, 1) == ()


def test_classify_refuses_what_the_network_does_not_sell() -> None:
    assert number_pool.classify("GB", "447400123456") == "mobile-lvn"
    assert number_pool.classify("GB", "442079460000") == "landline"
    assert number_pool.classify("GB", "448001234567") == "landline-toll-free"
    assert number_pool.classify("FR", "447400123456") is None  # another country's number
    assert number_pool.classify("GB", "44740012345") is None  # too short
    assert number_pool.classify("GB", "449091234567") is None  # premium rate
    assert number_pool.classify("GB", "4474001234x6") is None
    assert number_pool.classify("ZZ", "447400123456") is None


def test_nanp_numbers_get_one_stable_type() -> None:
    mobile = {n.msisdn for n in number_pool.offer("US", "mobile-lvn", size=50)}
    landline = {n.msisdn for n in number_pool.offer("US", "landline", size=50)}
    assert not mobile & landline
    assert {number_pool.classify("US", m) for m in mobile} == {"mobile-lvn"}


def test_features_by_type() -> None:
    assert number_pool.features_of("GB", "mobile-lvn") == ("VOICE", "SMS")
    assert number_pool.features_of("US", "mobile-lvn") == ("VOICE", "SMS", "MMS")
    assert number_pool.features_of("GB", "landline") == ("VOICE",)
    assert number_pool.features_of("US", "landline-toll-free") == ("VOICE",)


def test_digit_language_counts_and_indexes() -> None:
    language = DigitLanguage("1[2-4]\\d|5(?:67)?", [1, 3])
    everything = language.restricted(Unconstrained())
    assert everything.count() == 32  # 1[2-4]\d is 30 strings, then "5" and "567"
    listed = [everything.nth(i) for i in range(everything.count())]
    assert listed == sorted(listed)
    assert listed[0] == "120" and listed[-1] == "567" and "5" in listed
    ends = language.restricted(EndsWith("67"))
    assert [ends.nth(i) for i in range(ends.count())] == ["567"]
    assert language.restricted(Contains("33")).count() == 1
    assert language.restricted(StartsWith("9")).count() == 0


def test_every_metadata_pattern_parses() -> None:
    for region in REGIONS:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        for desc in (metadata.mobile, metadata.fixed_line, metadata.toll_free):
            if desc is not None and desc.national_number_pattern:
                parse_pattern(desc.national_number_pattern)
    with pytest.raises(PatternSyntaxError):
        parse_pattern("7.*")
