"""Reading the Numbers API's parameters. Anything malformed is refused the way the Numbers
API refuses: HTTP 420 with `{"error-code": "420", "error-code-label": ...}`; the labels name
the parameter with the wording of Vonage's other legacy APIs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ringback.core.errors import InvalidParameters, MethodFailed
from ringback.core.request_params import RequestParams

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
MAX_INDEX = 2**31 - 1
NUMBER_TYPES = ("landline", "mobile-lvn", "landline-toll-free")
FEATURES = ("SMS", "VOICE", "MMS")

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_MSISDN = re.compile(r"^[1-9][0-9]{6,14}$")
_PATTERN = re.compile(r"^[0-9]{1,15}$")
_INTEGER = re.compile(r"^[0-9]{1,10}$")


def missing(name: str) -> MethodFailed:
    return MethodFailed(f"Your request is incomplete and missing the mandatory parameter: {name}")


def invalid(name: str) -> MethodFailed:
    return MethodFailed(f"Invalid value for parameter: {name}")


def text(params: RequestParams, name: str, max_length: int = 2000) -> str | None:
    try:
        value = params.text(name)
    except InvalidParameters as exc:
        raise invalid(name) from exc
    if value is not None and len(value) > max_length:
        raise invalid(name)
    return value


def optional(params: RequestParams, name: str, max_length: int = 2000) -> str | None:
    """An optional filter: absent and empty are the same."""
    value = text(params, name, max_length)
    return value if value else None


def _country(params: RequestParams) -> str | None:
    value = text(params, "country", 10)
    if not value:
        return None
    if not _COUNTRY.match(value):
        raise invalid("country")
    return value.upper()


def country(params: RequestParams) -> str:
    """The country a request is about: required, two letters, any case."""
    value = _country(params)
    if value is None:
        raise missing("country")
    return value


def country_filter(params: RequestParams) -> str | None:
    return _country(params)


def msisdn(params: RequestParams) -> str:
    value = text(params, "msisdn", 40)
    if not value:
        raise missing("msisdn")
    value = value.removeprefix("+")
    if not _MSISDN.match(value):
        raise invalid("msisdn")
    return value


def _integer(params: RequestParams, name: str, default: int, low: int, high: int) -> int:
    value = text(params, name, 20)
    if value is None or value == "":
        return default
    if not _INTEGER.match(value) or not low <= int(value) <= high:
        raise invalid(name)
    return int(value)


@dataclass(frozen=True)
class Page:
    size: int
    index: int

    @property
    def offset(self) -> int:
        return (self.index - 1) * self.size


def page(params: RequestParams) -> Page:
    return Page(
        size=_integer(params, "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        index=_integer(params, "index", 1, 1, MAX_INDEX),
    )


@dataclass(frozen=True)
class Pattern:
    digits: str | None
    search_pattern: int


def pattern(params: RequestParams) -> Pattern:
    mode = _integer(params, "search_pattern", 0, 0, 2)
    digits = optional(params, "pattern", 40)
    if digits is not None:
        digits = digits.removeprefix("+")
        if not _PATTERN.match(digits):
            raise invalid("pattern")
    return Pattern(digits, mode)


def number_type(params: RequestParams) -> str | None:
    value = optional(params, "type", 40)
    if value is not None and value not in NUMBER_TYPES:
        raise invalid("type")
    return value


def features(params: RequestParams) -> frozenset[str]:
    value = optional(params, "features", 40)
    if value is None:
        return frozenset()
    wanted = [part.strip().upper() for part in value.split(",")]
    if any(part not in FEATURES for part in wanted):
        raise invalid("features")
    return frozenset(wanted)


def flag(params: RequestParams, name: str) -> bool | None:
    """A boolean filter; the Python SDK writes Python's `True`/`False`."""
    value = optional(params, name, 10)
    if value is None:
        return None
    if value.lower() not in ("true", "false"):
        raise invalid(name)
    return value.lower() == "true"
