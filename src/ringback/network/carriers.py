"""Mobile networks: which operators serve a country, and which one a phone number is on.

Operators (MCC, MNC, brand, operator name) come from the `mobile_codes` package, the country's
MCCs from its country table. Entries whose MNC is not a plain 2-3 digit code (`&#160;?`,
`481-489`, `2X`, empty) or that have no name at all are skipped.

A number's carrier comes from libphonenumber (`phonenumbers.carrier`), which names carriers the
way subscribers know them ("O2", "Three"), while the MCC/MNC table names the registered operator
("O2 UK Ltd.", "Hutchison 3G UK Ltd"). A carrier name is matched to an operator of the number's
country by name: equal once case, punctuation and legal suffixes are dropped, or else every
significant word of the carrier name appearing in the operator's brand or name; of several
matches the lowest network code wins. A carrier with no match, or a number libphonenumber knows
no carrier for (landlines, and the US, where numbers are portable), gets a stable pick among the
country's operators: SHA-256 of the carrier name (or of the E.164 number) modulo their count.
SHA-256, not `hash()`, so the pick is the same in every process and on every run.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import mobile_codes
import phonenumbers
from phonenumbers import PhoneNumber, carrier
from phonenumbers.carrierdata import CARRIER_DATA

# words that say what kind of company an operator is, not which one
_GENERIC = (
    "ltd limited plc inc llc co corp sa sas ag ab as asa bv nv gmbh mbh kg srl spa the of and uk "
    "mobile mobiles telecom telecoms telecommunications communications wireless network networks "
    "cellular group"
)
GENERIC_WORDS = frozenset(_GENERIC.split())
_MNC = re.compile(r"\d{2,3}")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Network:
    mcc: str
    mnc: str
    name: str  # the operator, as registered
    brand: str  # the name subscribers know, often the same

    @property
    def network_code(self) -> str:
        return self.mcc + self.mnc


@dataclass(frozen=True)
class Coverage:
    """What libphonenumber knows of a network: the carrier names that map to it and the
    number prefixes (country code included) allocated to those carriers."""

    aliases: tuple[str, ...]
    ranges: tuple[int, ...]


def _mccs(region: str) -> list[str]:
    try:
        country = mobile_codes.alpha2(region)
    except KeyError:
        return []
    mccs = country.mcc if isinstance(country.mcc, list) else [country.mcc]
    return [m for m in mccs if m]


@lru_cache(maxsize=512)
def networks_for_region(region: str) -> tuple[Network, ...]:
    """The country's mobile networks, by network code."""
    found: dict[str, Network] = {}
    for mcc in _mccs(region.upper()):
        try:
            operators = mobile_codes.operators(mcc)
        except KeyError:
            continue
        for op in operators:
            mnc = op.mnc.strip()
            brand = " ".join(html.unescape(op.brand).split())
            name = " ".join(html.unescape(op.operator).split()) or brand
            if not _MNC.fullmatch(mnc) or not name:
                continue
            network = Network(mcc=op.mcc, mnc=mnc, name=name, brand=brand or name)
            found.setdefault(network.network_code, network)
    return tuple(found[code] for code in sorted(found))


def network_by_code(region: str, network_code: str) -> Network | None:
    for network in networks_for_region(region):
        if network.network_code == network_code:
            return network
    return None


def _words(name: str) -> list[str]:
    # "S.F.R." is SFR and "S.p.A." is SpA: dots join, every other non-letter separates
    return _WORD.findall(name.lower().replace(".", ""))


def _significant(name: str) -> set[str]:
    return {w for w in _words(name) if w not in GENERIC_WORDS}


def _compact(name: str) -> str:
    return "".join(w for w in _words(name) if w not in GENERIC_WORDS)


def _matches(carrier_name: str, network: Network) -> int:
    """2: the same name; 1: every significant word of the carrier's name is in the
    operator's; 0: no match."""
    wanted = _compact(carrier_name)
    if not wanted:
        return 0
    names = (network.brand, network.name)
    if any(_compact(n) == wanted for n in names):
        return 2
    words = _significant(carrier_name)
    if any(words <= set(_words(n)) for n in names):
        return 1
    return 0


def stable_pick(networks: tuple[Network, ...], key: str) -> Network:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return networks[int.from_bytes(digest[:8], "big") % len(networks)]


@lru_cache(maxsize=4096)
def network_for_carrier(region: str, carrier_name: str) -> Network | None:
    """The operator a libphonenumber carrier name stands for in `region`, by name only."""
    best: tuple[int, str] | None = None
    chosen: Network | None = None
    for network in networks_for_region(region):
        score = _matches(carrier_name, network)
        if score and (best is None or (-score, network.network_code) < best):
            best = (-score, network.network_code)
            chosen = network
    return chosen


@lru_cache(maxsize=65536)
def _network_for(region: str, carrier_name: str, e164: str) -> Network | None:
    networks = networks_for_region(region)
    if not networks:
        return None
    if carrier_name:
        return network_for_carrier(region, carrier_name) or stable_pick(networks, carrier_name)
    return stable_pick(networks, e164)


def network_for_number(number: PhoneNumber) -> Network | None:
    """The mobile network serving `number`; None when its country has no known operator."""
    # numbers outside the national plan (e.g. Ofcom's drama range) still belong to a country
    region = phonenumbers.region_code_for_number(number)
    if not region and number.country_code is not None:
        region = phonenumbers.region_code_for_country_code(number.country_code)
    if not region:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return _network_for(region, carrier.name_for_number(number, "en"), e164)


def _region_of_prefix(prefix: str) -> str | None:
    """The region a carrier-data prefix (country code first) belongs to.

    Prefixes of a country code several regions share (+1, +44, +7 …) are placed by completing
    them into numbers and asking libphonenumber which region's plan makes one valid.
    """
    for length in range(1, 4):
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(prefix[:length]))
        if regions:
            break
    else:
        return None
    if len(regions) == 1:
        return regions[0]
    code, rest = int(prefix[:length]), prefix[length:]
    for fill in "0123456789":
        for size in range(max(len(rest), 1), 16):
            candidate = PhoneNumber(
                country_code=code, national_number=int((rest + fill * 16)[:size])
            )
            region = phonenumbers.region_code_for_number(candidate)
            if region and phonenumbers.is_valid_number_for_region(candidate, region):
                return str(region)
    return None


@lru_cache(maxsize=1)
def _carrier_prefixes() -> dict[str, dict[str, list[int]]]:
    """region -> carrier name -> prefixes, over all of libphonenumber's carrier data."""
    index: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for prefix, names in CARRIER_DATA.items():
        name = names.get("en")
        if not name:
            continue
        region = _region_of_prefix(prefix)
        if region is not None:
            index[region][name].append(int(prefix))
    return {region: dict(by_name) for region, by_name in index.items()}


@lru_cache(maxsize=512)
def coverage_for_region(region: str) -> dict[str, Coverage]:
    """network code -> what libphonenumber knows of it, for every network of `region`."""
    networks = networks_for_region(region)
    aliases: dict[str, set[str]] = defaultdict(set)
    ranges: dict[str, list[int]] = defaultdict(list)
    for name, prefixes in _carrier_prefixes().get(region.upper(), {}).items():
        network = _network_for(region.upper(), name, "")
        if network is None:
            continue
        aliases[network.network_code].add(name)
        ranges[network.network_code].extend(prefixes)
    coverage = {}
    for network in networks:
        code = network.network_code
        names = aliases[code] | ({network.brand} if network.brand != network.name else set())
        coverage[code] = Coverage(tuple(sorted(names)), tuple(sorted(ranges[code])))
    return coverage
