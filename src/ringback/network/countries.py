"""Countries as Ringback knows them: every region libphonenumber supports.

Names are libphonenumber's English display names (CLDR: "South Korea", "Vatican"); the few
regions it has no name for fall back to the ISO name in `mobile_codes`, then to the code itself
(Ascension, Tristan da Cunha and Kosovo are in neither).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mobile_codes
import phonenumbers
from phonenumbers.geodata.locale import LOCALE_DATA


@dataclass(frozen=True)
class Country:
    region: str  # ISO 3166-1 alpha-2, as libphonenumber spells it
    name: str
    dialing_prefix: str  # the country calling code, e.g. "44"


def _name(region: str) -> str:
    names = LOCALE_DATA.get(region, {})
    name = names.get("en", "")
    if name.startswith("*"):
        name = names.get(name[1:], "")
    if name:
        return name
    try:
        return str(mobile_codes.alpha2(region).name)
    except KeyError:
        return region


@lru_cache(maxsize=1)
def all_countries() -> tuple[Country, ...]:
    return tuple(
        Country(region, _name(region), str(phonenumbers.country_code_for_region(region)))
        for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    )


@lru_cache(maxsize=1)
def _by_region() -> dict[str, Country]:
    return {c.region: c for c in all_countries()}


def country(region: str) -> Country | None:
    return _by_region().get(region.upper())


def countries_with_prefix(dialing_prefix: str) -> tuple[Country, ...]:
    return tuple(c for c in all_countries() if c.dialing_prefix == dialing_prefix)
