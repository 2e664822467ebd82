"""The virtual numbers the simulated network has for rent, generated from libphonenumber's data.

Every number on offer is valid (`phonenumbers.is_valid_number`) and of the type it is sold as.
The offer for a query is a fixed, seeded sample of the country's number range for that type,
so the same search always offers the same numbers; numbers that an account owns are removed
by the caller. A search pattern is honoured by construction: the sample is drawn from the
numbers that carry the pattern in the requested place (see `digit_language`), so a pattern
finds numbers whenever valid ones with it exist.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

from ringback.network import fictional
from ringback.network.digit_constraints import constraint_for
from ringback.network.digit_language import DigitLanguage

MOBILE = "mobile-lvn"
LANDLINE = "landline"
TOLL_FREE = "landline-toll-free"
NUMBER_TYPES = (LANDLINE, MOBILE, TOLL_FREE)
FEATURES = ("VOICE", "SMS", "MMS")

# numbers on offer per country, type and search; Vonage's `count` is of this order (1234 in
# the spec's example), and it keeps a search cheap to generate
OFFER_SIZE = 250
# Vonage sells MMS-capable long numbers in the US and Canada only (a US number bought in the
# Vonage tutorials lists "Features: MMS, SMS, VOICE")
MMS_COUNTRIES = frozenset({"US", "CA"})

_METADATA_FIELD = {LANDLINE: "fixed_line", MOBILE: "mobile", TOLL_FREE: "toll_free"}


@dataclass(frozen=True)
class OfferedNumber:
    msisdn: str
    country: str
    type: str


def supported_country(country: str) -> bool:
    return country in phonenumbers.SUPPORTED_REGIONS


def features_of(country: str, number_type: str) -> tuple[str, ...]:
    """Vonage publishes no default feature set per type; fixtures in the SDKs show landlines
    with ["VOICE"] and mobile numbers with ["VOICE", "SMS"] (plus MMS in the US and Canada)."""
    if number_type == MOBILE:
        return ("VOICE", "SMS", "MMS") if country in MMS_COUNTRIES else ("VOICE", "SMS")
    return ("VOICE",)


@cache
def _language(country: str, number_type: str) -> DigitLanguage | None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(country)
    if metadata is None:
        return None
    desc = getattr(metadata, _METADATA_FIELD[number_type])
    if desc is None or not desc.national_number_pattern:
        return None
    lengths = [n for n in (desc.possible_length or ()) if n > 0]
    if not lengths:
        general = metadata.general_desc
        lengths = [n for n in (general.possible_length or ()) if n > 0] if general else []
    # an MSISDN has at most 15 digits (E.164), country code included
    room = 15 - len(str(phonenumbers.country_code_for_region(country)))
    lengths = [n for n in lengths if n <= room]
    if not lengths:
        return None
    return DigitLanguage(desc.national_number_pattern, lengths)


def offered_types(country: str) -> list[str]:
    return [t for t in NUMBER_TYPES if supported_country(country) and _language(country, t)]


def _half(msisdn: str) -> int:
    return hashlib.sha256(msisdn.encode()).digest()[0] & 1


def classify(country: str, msisdn: str) -> str | None:
    """The Vonage type `msisdn` is sold as in `country`, or None if the network has no such
    number. Where libphonenumber cannot tell fixed from mobile (the NANP), a stable hash of
    the number decides, so every number has exactly one type. Numbers reserved for drama are
    handsets on the fictional network, never for rent."""
    if not msisdn.isdigit() or not 7 <= len(msisdn) <= 15 or not supported_country(country):
        return None
    try:
        number = phonenumbers.parse(f"+{msisdn}", None)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) != f"+{msisdn}":
        return None
    # not `region_code_for_number(number) == country`: regions that share a range (NANP
    # toll-free, Vatican mobiles in Italy's plan) would then never offer those numbers
    if not phonenumbers.is_valid_number_for_region(number, country):
        return None
    if fictional.range_for(number) is not None:
        return None
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.MOBILE:
        return MOBILE
    if kind == PhoneNumberType.FIXED_LINE:
        return LANDLINE
    if kind == PhoneNumberType.TOLL_FREE:
        return TOLL_FREE
    if kind == PhoneNumberType.FIXED_LINE_OR_MOBILE:
        return MOBILE if _half(msisdn) == 0 else LANDLINE
    return None


def _seed(*parts: object) -> int:
    text = "|".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@lru_cache(maxsize=256)
def offer(
    country: str,
    number_type: str,
    pattern: str | None = None,
    search_pattern: int = 0,
    size: int = OFFER_SIZE,
) -> tuple[OfferedNumber, ...]:
    """Up to `size` numbers of one type, sorted by MSISDN; the same arguments, the same numbers."""
    if not supported_country(country):
        return ()
    language = _language(country, number_type)
    if language is None:
        return ()
    calling_code = str(phonenumbers.country_code_for_region(country))
    constraint = constraint_for(pattern, search_pattern)
    matching = language.restricted(constraint, [int(c) for c in calling_code])
    total = matching.count()
    if total == 0:
        return ()
    rng = random.Random(_seed(country, number_type, pattern or "", search_pattern))
    # some draws fail validity or fall in the other half of a fixed-or-mobile range
    draws = rng.sample(range(total), min(total, size * 4))
    found: dict[str, OfferedNumber] = {}
    for index in draws:
        msisdn = calling_code + matching.nth(index)
        if msisdn not in found and classify(country, msisdn) == number_type:
            found[msisdn] = OfferedNumber(msisdn, country, number_type)
            if len(found) == size:
                break
    return tuple(sorted(found.values(), key=lambda n: n.msisdn))
