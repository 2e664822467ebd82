"""The number a lookup is about: its E.164 form and country, from what the caller sent.

`country` is the region a national-format number is read in ("07700 900000" with GB); with a
number already in international form it must agree with the number's country code
(number-insight.yml, `country`). Without `country` the number must be international: digits
with the country code, optionally after "+" or "00".
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
import pycountry
from phonenumbers import NumberParseException, PhoneNumberFormat

from ringback.apis.insight.schemas import invalid
from ringback.network import countries, numbering
from ringback.network.numbering import NumberInfo

# Vonage's names where they differ from ISO's ("United States of America" in the SDK fixtures)
VONAGE_COUNTRY_NAMES = {"US": "United States of America"}
# regions libphonenumber has and ISO 3166 does not; the codes are the user-assigned ones in use
ISO3_FALLBACK = {"XK": "XKX", "AC": "ASC", "TA": "TAA"}
NOT_A_NUMBER = "Not valid number format detected"


@dataclass(frozen=True)
class Subject:
    msisdn: str  # E.164 digits, no "+": Vonage's `international_format_number`
    info: NumberInfo
    region: str  # ISO 3166-1 alpha-2
    iso3: str
    country_name: str
    prefix: str  # the country calling code, "44"

    @property
    def national_format(self) -> str:
        return self.info.national_format


def _valid(msisdn: str | None) -> bool:
    info = numbering.lookup(msisdn) if msisdn else None
    return info is not None and info.valid


def _e164(raw: str, country: str | None) -> str | None:
    """With a country, digits that already start with its calling code are read as E.164
    when that makes a valid number ("4915123456789" with DE is +49 1512 3456789, not the
    national 0491 5123456789); otherwise as a national number of that country."""
    as_international = numbering.normalise(raw)
    if country is None:
        return as_international
    code = str(phonenumbers.country_code_for_region(country))
    if raw.lstrip().startswith(("+", "00")):
        if as_international and not as_international.startswith(code):
            raise invalid("Country does not match the number", country)
        return as_international
    if as_international and as_international.startswith(code) and _valid(as_international):
        return as_international
    try:
        parsed = phonenumbers.parse(raw, country)
    except NumberParseException:
        return None
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)[1:]


def country_name(region: str) -> str:
    if region in VONAGE_COUNTRY_NAMES:
        return VONAGE_COUNTRY_NAMES[region]
    known = countries.country(region)
    return known.name if known else region


def iso3(region: str) -> str:
    iso = pycountry.countries.get(alpha_2=region)
    return str(iso.alpha_3) if iso is not None else ISO3_FALLBACK.get(region, region)


def resolve(raw: str, country: str | None) -> Subject:
    """The subject, or status 3 for what is no number of any country (wrong length, unknown
    country code). A possible number that libphonenumber holds invalid is still looked up:
    Advanced says `valid_number: not_valid` (or what the handset's behaviour says)."""
    if country is not None and country not in phonenumbers.SUPPORTED_REGIONS:
        raise invalid("Not valid country code detected", country)
    msisdn = _e164(raw, country)
    info = numbering.lookup(msisdn) if msisdn else None
    if info is None or not info.possible or info.region is None:
        raise invalid(NOT_A_NUMBER, raw)
    return Subject(
        msisdn=info.msisdn,
        info=info,
        region=info.region,
        iso3=iso3(info.region),
        country_name=country_name(info.region),
        prefix=str(info.country_code),
    )
