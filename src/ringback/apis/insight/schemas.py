"""Reading a Number Insight request: `number`, `country`, `cnam`, `real_time_data`, `callback`.

Refusals are status 3 with Vonage's "Invalid request :: <what> [ <value> ]" wording (the SDK
fixture: "Invalid request :: Not valid number format detected [ 145645562 ]").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ringback.core.errors import InvalidParameters
from ringback.core.request_params import RequestParams
from ringback.core.web_urls import BadUrl, check_web_url

LEVELS = ("basic", "standard", "advanced")
# number-insight.yml: `^[0-9-+\(\)\s]*$`
_NUMBER_CHARS = re.compile(r"^[0-9\-+()\s]*$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
MAX_ECHO = 32  # how much of a refused value is echoed back
MAX_NUMBER_CHARS = 64
MAX_URL_CHARS = 2000
_TRUE = ("true", "1")
_FALSE = ("false", "0")


@dataclass(frozen=True)
class InsightQuery:
    level: str
    number: str
    country: str | None = None
    cnam: bool = False
    real_time_data: bool = False
    callback: str | None = None


def echo(value: str) -> str:
    return value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "..."


def invalid(what: str, value: str) -> InvalidParameters:
    return InvalidParameters(f"{what} [ {echo(value)} ]")


def missing(name: str) -> InvalidParameters:
    return InvalidParameters(f"Missing mandatory parameter [ {name} ]", missing=True)


def _text(params: RequestParams, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise invalid(f"Not valid value detected for {name}", type(value).__name__)
    text = params.text(name)
    return None if text is None else text.strip()


def number(params: RequestParams) -> str:
    value = _text(params, "number")
    if not value:
        raise missing("number")
    if len(value) > MAX_NUMBER_CHARS or not _NUMBER_CHARS.fullmatch(value):
        raise invalid("Not valid number format detected", value)
    return value


def country(params: RequestParams) -> str | None:
    value = _text(params, "country")
    if not value:
        return None
    if not _COUNTRY.fullmatch(value):
        raise invalid("Not valid country code detected", value)
    return value.upper()


def flag(params: RequestParams, name: str) -> bool:
    """`true`/`false` as the spec has it; the Python SDK sends `True`/`False`."""
    value = _text(params, name)
    if value is None or value == "":
        return False
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise invalid(f"Not valid value detected for {name}", value)


def callback(params: RequestParams) -> str:
    value = _text(params, "callback")
    if not value:
        raise missing("callback")
    try:
        return check_web_url(value, MAX_URL_CHARS)
    except BadUrl:
        raise invalid("Not valid callback URL detected", value) from None


def query(params: RequestParams, level: str, *, is_async: bool = False) -> InsightQuery:
    """Every parameter the level reads; the others (Basic's `cnam`, the deprecated `ip`)
    are ignored, as Vonage ignores parameters an endpoint does not take."""
    wanted_number = number(params)
    wanted_country = country(params)
    return InsightQuery(
        level=level,
        number=wanted_number,
        country=wanted_country,
        cnam=flag(params, "cnam") if level != "basic" else False,
        # the spec takes `real_time_data` on the synchronous Advanced endpoint only
        real_time_data=(
            flag(params, "real_time_data") if level == "advanced" and not is_async else False
        ),
        callback=callback(params) if is_async else None,
    )
