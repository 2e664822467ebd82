"""Countries as Ringback knows them: every region libphonenumber supports.

Names are ISO 3166 names from `pycountry`, the common name where ISO has one ("South Korea",
"Iran", "Taiwan"); the few regions it has no name for fall back to `mobile_codes`, then to the
code itself (Ascension, Tristan da Cunha and Kosovo are in neither). libphonenumber's own
display names would cost ~100 MiB of resident memory for its all-locale table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mobile_codes
import phonenumbers
import pycountry


@dataclass(frozen=True)
class Country:
    region: str  # ISO 3166-1 alpha-2, as libphonenumber spells it
    name: str
    dialing_prefix: str  # the country calling code, e.g. "44"


def _name(region: str) -> str:
    iso = pycountry.countries.get(alpha_2=region)
    if iso is not None:
        return str(getattr(iso, "common_name", None) or iso.name)
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
