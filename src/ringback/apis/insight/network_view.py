"""What the simulated network says of a number right now: carriers, porting, and the live
(HLR-style) answers of an Advanced lookup, read from the handset's behaviour profile.

- Network type: libphonenumber's type; NANP numbers (fixed-or-mobile) are split the way the
  Numbers API sells them (`number_pool.classify`), so a number rented as mobile looks mobile.
  A number of no known type that has a behaviour profile (set, or a magic number) is a handset.
- Carriers: a mobile number's range holder (`numbering.lookup`; `Ringback Fictional`, 99999,
  for the ranges reserved for drama, network/fictional.py); a ported handset's current
  carrier is the network it was ported to. Other types get a `<CC>-FIXED` style pseudo network
  ("GB-FIXED-RESERVED", "United Kingdom Landline Reserved" in the Java SDK's fixtures).
- Live answers (mobile only; others are `unknown`, outcome 1 as Vonage's landline example):
  the behaviour's `reachable` decides. reachable, bad_number and blacklisted are answers the
  HLR gives: status 0. An absent handset is known to be absent but has no live location
  (status 43, roaming unknown); undeliverable means the query could not be handled (status 44,
  "Lookup Handler unable to handle request", as the Python SDK's fixture pairs them); unknown
  means nothing came back (status 45). 43-45 are partial answers, outcome 1, and refunded.
"""

from __future__ import annotations

from dataclasses import dataclass

import mobile_codes

from ringback.apis.insight.subject import Subject
from ringback.network import carriers, fictional, number_pool
from ringback.network.behaviours import Behaviour, Effective
from ringback.network.carriers import Network

TYPES = {
    "mobile": "mobile",
    "landline": "landline",
    "toll_free": "landline_tollfree",
    "premium": "landline_premium",
    "voip": "virtual",
    "pager": "pager",
}
PSEUDO_NETWORKS = {
    "landline": ("FIXED", "Landline"),
    "landline_tollfree": ("TOLL-FREE", "Toll Free"),
    "landline_premium": ("PREMIUM", "Premium"),
    "virtual": ("VIRTUAL", "Virtual"),
    "pager": ("PAGER", "Pager"),
}
LIVE_ANSWERS = ("reachable", "bad_number", "blacklisted")
PARTIAL = {
    "absent": (43, "Live mobile lookup not returned"),
    "undeliverable": (44, "Lookup Handler unable to handle request"),
    "unknown": (45, "Live mobile lookup not returned"),
}
OUTCOMES = {0: "Success", 1: "Partial success - some fields populated", 2: "Failed"}
# real_time_data: (active_status, handset_status)
REAL_TIME = {
    "reachable": ("active", "On"),
    "absent": ("active", "Off"),
    "blacklisted": ("active", "On"),
    "bad_number": ("inactive", "Off"),
}


@dataclass(frozen=True)
class Carrier:
    network_code: str | None
    name: str | None
    country: str | None
    network_type: str | None


@dataclass(frozen=True)
class Roaming:
    status: str  # roaming | not_roaming
    country: str | None = None
    network_code: str | None = None
    network_name: str | None = None


@dataclass(frozen=True)
class NetworkView:
    network_type: str
    current: Carrier
    original: Carrier
    ported: str
    valid_number: str
    reachable: str
    roaming: Roaming | None  # None: "unknown"
    status: int  # 0, or 43-45 for a partial live answer
    status_message: str
    lookup_outcome: int
    real_time: tuple[str | None, str | None]

    @property
    def partial(self) -> bool:
        return self.status in PARTIAL_STATUSES

    @property
    def lookup_outcome_message(self) -> str:
        return OUTCOMES[self.lookup_outcome]


PARTIAL_STATUSES = frozenset(status for status, _ in PARTIAL.values())


def network_type(subject: Subject, handset: Effective) -> str:
    kind = subject.info.number_type
    if kind == "landline_or_mobile":
        sold_as = number_pool.classify(subject.region, subject.msisdn)
        return "landline" if sold_as == number_pool.LANDLINE else "mobile"
    if kind == "unknown" and handset.source != "default":
        return "mobile"
    return TYPES.get(kind, "unknown")


def find_network(network_code: str, region: str | None = None) -> Network | None:
    """A network by MCC+MNC, in `region` first, then in any country with that MCC."""
    if network_code == fictional.NETWORK.network_code:
        return fictional.NETWORK
    if region:
        found = carriers.network_by_code(region, network_code)
        if found:
            return found
    try:
        holders = mobile_codes.mcc(network_code[:3])
    except KeyError:
        return None
    for country in holders:
        found = carriers.network_by_code(country.alpha2, network_code)
        if found:
            return found
    return None


def _mobile_carrier(network: Network | None, code: str | None, region: str) -> Carrier:
    if network is not None:
        return Carrier(network.network_code, network.name, region, "mobile")
    return Carrier(code, None, region, "mobile")


def _carriers(subject: Subject, kind: str, behaviour: Behaviour) -> tuple[Carrier, Carrier, str]:
    """(current, original, ported)."""
    region = subject.region
    if kind == "mobile":
        home = subject.info.network
        original = _mobile_carrier(home, None, region)
        moved_to = behaviour.ported_network
        if moved_to and (home is None or moved_to != home.network_code):
            current = _mobile_carrier(find_network(moved_to, region), moved_to, region)
            return current, original, "ported"
        return original, original, "not_ported"
    if kind in PSEUDO_NETWORKS:
        suffix, label = PSEUDO_NETWORKS[kind]
        carrier = Carrier(f"{region}-{suffix}", f"{subject.country_name} {label}", region, kind)
        return carrier, carrier, "assumed_not_ported"
    unreal = Carrier(None, None, region, "unknown")
    return unreal, unreal, "unknown"


def _roaming(subject: Subject, behaviour: Behaviour) -> Roaming:
    country = behaviour.roaming_country
    if not country:
        return Roaming("not_roaming")
    network = None
    if behaviour.roaming_network:
        network = find_network(behaviour.roaming_network, country)
    else:
        visited = carriers.networks_for_region(country)
        network = carriers.stable_pick(visited, subject.msisdn) if visited else None
    return Roaming(
        "roaming",
        country,
        behaviour.roaming_network or (network.network_code if network else None),
        network.name if network else None,
    )


def _live(subject: Subject, behaviour: Behaviour) -> tuple[int, str, Roaming | None, int]:
    """(status, status message, roaming, lookup outcome) of a valid mobile number."""
    if behaviour.reachable in LIVE_ANSWERS:
        return 0, "Success", _roaming(subject, behaviour), 0
    status, message = PARTIAL.get(behaviour.reachable, PARTIAL["unknown"])
    return status, message, None, 1


def view(subject: Subject, handset: Effective) -> NetworkView:
    behaviour = handset.behaviour
    kind = network_type(subject, handset)
    current, original, ported = _carriers(subject, kind, behaviour)
    valid = subject.info.valid if behaviour.valid is None else behaviour.valid
    if valid and kind == "mobile":
        reachable = behaviour.reachable
        status, message, roaming, outcome = _live(subject, behaviour)
        real_time = REAL_TIME.get(reachable, (None, None))
    else:
        reachable, real_time = "unknown", (None, None)
        status, message, roaming, outcome = 0, "Success", None, 1 if valid else 2
    return NetworkView(
        network_type=kind,
        current=current,
        original=original,
        ported=ported,
        valid_number="valid" if valid else "not_valid",
        reachable=reachable,
        roaming=roaming,
        status=status,
        status_message=message,
        lookup_outcome=outcome,
        real_time=real_time,
    )
