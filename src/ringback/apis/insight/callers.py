"""CNAM (caller name) for US numbers: SYNTHETIC names, made up from a hash of the number.

There is no caller-name database in a simulated network. Each US number gets a stable,
plausible owner: the same number always answers the same name, on every run and machine
(SHA-256, not `hash()`). About one in four owners is a business; businesses have no first or
last name (number-insight.yml: those are "only present" for individuals).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

FIRST_NAMES = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Emily",
    "Paul",
    "Donna",
    "Andrew",
    "Michelle",
    "Joshua",
    "Carol",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Hill",
)
TRADES = (
    "Plumbing",
    "Bakery",
    "Dental",
    "Roofing",
    "Auto Repair",
    "Landscaping",
    "Insurance",
    "Realty",
    "Hardware",
    "Pharmacy",
    "Catering",
    "Printing",
    "Consulting",
    "Electric",
    "Flooring",
    "Storage",
    "Logistics",
    "Cleaning",
)
SUFFIXES = ("LLC", "Inc", "Co", "Group", "& Sons")


@dataclass(frozen=True)
class CallerIdentity:
    caller_type: str  # business | consumer
    caller_name: str
    first_name: str | None
    last_name: str | None


def _pick(options: list[str] | tuple[str, ...], value: int) -> str:
    return options[value % len(options)]


def identity(msisdn: str) -> CallerIdentity:
    digest = hashlib.sha256(f"cnam:{msisdn}".encode()).digest()
    first = _pick(FIRST_NAMES, digest[1])
    last = _pick(LAST_NAMES, digest[2])
    if digest[0] % 4 == 0:
        name = f"{last} {_pick(TRADES, digest[3])} {_pick(SUFFIXES, digest[4])}"
        return CallerIdentity("business", name, None, None)
    return CallerIdentity("consumer", f"{first} {last}", first, last)
