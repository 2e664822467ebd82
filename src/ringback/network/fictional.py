"""Numbers regulators reserve for drama and documentation, and the carrier they live on.

No real subscriber can ever hold one of these numbers, so they are the numbers a test should
text. libphonenumber holds some of them invalid (the UK's 07700 900xxx) and sells others as
ordinary ranges (NANP 555-01xx is "fixed line or mobile", Australia's are Telstra's), so
Ringback decides them here: each is a valid mobile of its country on one fictional network.

The network code is MCC 999 + MNC 99. ITU-T E.212 keeps MCC 999 for internal use within
private networks: no public operator ever gets it, `mobile_codes` lists no operator under it,
and so it can never be mistaken for (or priced as) a real network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberType

from ringback.network.carriers import Network

NETWORK = Network(mcc="999", mnc="99", name="Ringback Fictional", brand="Ringback Fictional")

# NANP area codes that are not geographic: 555-01xx is reserved in the geographic ones only
_GEOGRAPHIC_TYPES = frozenset(
    {PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


@dataclass(frozen=True)
class FictionalRange:
    country_code: int
    national: re.Pattern[str]  # over the national significant number
    example: str  # E.164 digits of one number in the range
    description: str
    source: str
    geographic_only: bool = False  # the rest of the number must be in a geographic area code


# the 30 mobile numbers ACMA lists for creative works, 0491 570 006 ... 0491 579 760 (its
# 21 October 2009 list had five: 0491 570 110 and 156-159)
_ACMA_MOBILES = (
    r"491(?:570(?:006|110|15[6-9]|313|737)|571(?:266|491|804)|572(?:549|665|983)"
    r"|573(?:087|770)|574(?:118|632)|575(?:254|789)|576(?:398|801)|577(?:426|644)"
    r"|578(?:148|888|957)|579(?:212|455|760))"
)

RANGES: tuple[FictionalRange, ...] = (
    FictionalRange(
        country_code=44,
        national=re.compile(r"7700900\d{3}"),
        example="447700900123",
        description="UK mobile 07700 900000-900999",
        source="Ofcom, telephone numbers for drama purposes (BBC News, 20 April 2015: "
        "'The 20,000 fake phone numbers used on film and television')",
    ),
    FictionalRange(
        country_code=1,
        national=re.compile(r"[2-9]\d{2}55501\d{2}"),
        example="12015550123",
        description="NANP NXX-555-0100 to 0199, every geographic area code",
        source="NANPA: 555-0100 through 555-0199 are reserved for fictional use, the rest of "
        "555 released for assignment",
        geographic_only=True,
    ),
    FictionalRange(
        country_code=61,
        national=re.compile(_ACMA_MOBILES),
        example="61491570156",
        description="Australian mobiles 0491 570 006, 0491 570 110, 0491 570 156-159 and "
        "24 more in 0491 570-579",
        source="ACMA, phone numbers for use in TV shows, films and creative works "
        "(30 mobile numbers; the 21 October 2009 list had 0491 570 156-159 and 110)",
    ),
)


def range_for(number: PhoneNumber) -> FictionalRange | None:
    """The reserved range `number` is in, or None."""
    if number.country_code is None or number.national_number is None:
        return None
    national = phonenumbers.national_significant_number(number)
    for reserved in RANGES:
        if reserved.country_code != number.country_code:
            continue
        if not reserved.national.fullmatch(national):
            continue
        if reserved.geographic_only and phonenumbers.number_type(number) not in _GEOGRAPHIC_TYPES:
            continue
        return reserved
    return None


def is_fictional(msisdn: str) -> bool:
    """For E.164 digits without "+"."""
    try:
        number = phonenumbers.parse("+" + msisdn)
    except phonenumbers.NumberParseException:
        return False
    return range_for(number) is not None
