"""What the network knows of a number from its digits alone (libphonenumber's data)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, ValidationResult

from ringback.network import carriers, fictional
from ringback.network.carriers import Network

TYPE_NAMES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}
_DIGITS = re.compile(r"\d{6,15}")
# libphonenumber's length verdict for a whole number; TOO_SHORT, TOO_LONG, INVALID_LENGTH and
# IS_POSSIBLE_LOCAL_ONLY (a local number without its area code) are not whole numbers
WHOLE_NUMBER = ValidationResult.IS_POSSIBLE


@dataclass(frozen=True)
class NumberInfo:
    msisdn: str  # E.164 digits, no "+"
    valid: bool
    possible: bool  # a whole number's length in its country (not too short, too long, local)
    region: str | None  # ISO 3166-1 alpha-2
    country_code: int
    number_type: str  # a value of TYPE_NAMES
    national_format: str
    international_format: str  # "+44 7700 900000"
    network: Network | None  # the mobile network serving it (mobile-capable numbers only)
    fictional: bool = False  # in a range reserved for drama (network/fictional.py)


def normalise(raw: str) -> str | None:
    """E.164 digits from what an API caller may send: "+44 7700-900000", "0044…", "447700…"."""
    text = raw.strip()
    if text.startswith("+"):
        text = text[1:]
    elif text.startswith("00"):
        text = text[2:]
    digits = re.sub(r"[\s\-().]", "", text)
    return digits if _DIGITS.fullmatch(digits) else None


@lru_cache(maxsize=65536)
def lookup(msisdn: str) -> NumberInfo | None:
    """None when the digits are not a number of any country (bad country code, too short…).
    A number of a range reserved for drama is a valid mobile on the fictional network."""
    try:
        number = phonenumbers.parse("+" + msisdn)
    except NumberParseException:
        return None
    if number.country_code is None or number.national_number is None:
        return None
    region = phonenumbers.region_code_for_number(number) or (
        phonenumbers.region_code_for_country_code(number.country_code) or None
    )
    if region == "001":  # non-geographic entities (satellite, UIFN)
        region = None
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    if fictional.range_for(number) is not None:
        return NumberInfo(
            msisdn=msisdn,
            valid=True,
            possible=True,
            region=region,
            country_code=number.country_code,
            number_type="mobile",
            network=fictional.NETWORK,
            national_format=national,
            international_format=international,
            fictional=True,
        )
    number_type = TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")
    mobile_capable = number_type in ("mobile", "landline_or_mobile", "unknown")
    return NumberInfo(
        msisdn=msisdn,
        valid=phonenumbers.is_valid_number(number),
        possible=phonenumbers.is_possible_number_with_reason(number) == WHOLE_NUMBER,
        region=region,
        country_code=number.country_code,
        number_type=number_type,
        national_format=national,
        international_format=international,
        network=carriers.network_for_number(number) if mobile_capable else None,
    )
