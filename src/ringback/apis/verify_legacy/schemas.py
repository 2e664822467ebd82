"""Reading Verify (legacy) requests, field by field in the order Vonage checks them, into
frozen dataclasses; a bad field is status 2 (missing) or 3 (invalid), never a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from ringback.apis.verify_legacy.errors import invalid, missing
from ringback.core.request_params import RequestParams
from ringback.network import numbering

# verify.yml's `lg` enum for /verify and for /verify/psd2
LANGUAGES = frozenset(
    [
        "ar-xa",
        "cs-cz",
        "cy-cy",
        "cy-gb",
        "da-dk",
        "de-de",
        "el-gr",
        "en-au",
        "en-gb",
        "en-in",
        "en-us",
        "es-es",
        "es-mx",
        "es-us",
        "fi-fi",
        "fil-ph",
        "fr-ca",
        "fr-fr",
        "hi-in",
        "hu-hu",
        "id-id",
        "is-is",
        "it-it",
        "ja-jp",
        "ko-kr",
        "nb-no",
        "nl-nl",
        "pl-pl",
        "pt-br",
        "pt-pt",
        "ro-ro",
        "ru-ru",
        "sv-se",
        "th-th",
        "tr-tr",
        "vi-vn",
        "yue-cn",
        "zh-cn",
        "zh-tw",
    ]
)
PSD2_LANGUAGES = frozenset(
    [
        "en-gb",
        "bg-bg",
        "cs-cz",
        "da-dk",
        "de-de",
        "ee-et",
        "el-gr",
        "es-es",
        "fi-fi",
        "fr-fr",
        "ga-ie",
        "hu-hu",
        "it-it",
        "lv-lv",
        "lt-lt",
        "mt-mt",
        "nl-nl",
        "pl-pl",
        "sk-sk",
        "sl-si",
        "sv-se",
    ]
)
WORKFLOWS = range(1, 8)
PIN_EXPIRY = (60, 3600)
NEXT_EVENT_WAIT = (60, 900)
MAX_SEARCH_IDS = 10
PIN_CODE = re.compile(r"^[A-Za-z0-9-]{4,10}$")
CODE = re.compile(r"^[A-Za-z0-9-]{1,10}$")
REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{1,40}$")


@dataclass(frozen=True)
class StartRequest:
    number: str  # E.164 digits
    workflow_id: int
    code_length: int
    lg: str
    pin_expiry: int | None
    next_event_wait: int | None
    brand: str | None = None  # /verify
    sender_id: str | None = None
    pin_code: str | None = None
    payee: str | None = None  # /verify/psd2
    amount: str | None = None


def _text(params: RequestParams, name: str) -> str | None:
    value = params.text(name)
    return value if value not in (None, "") else None


def _required(params: RequestParams, name: str) -> str:
    value = _text(params, name)
    if value is None:
        raise missing(name)
    return value


def _whole(params: RequestParams, name: str, allowed: range | tuple[int, int]) -> int | None:
    value = _text(params, name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit():
        raise invalid(name)
    number = int(value)
    low, high = (allowed[0], allowed[-1]) if isinstance(allowed, range) else allowed
    if not low <= number <= high:
        raise invalid(name)
    return number


def _country(params: RequestParams) -> str | None:
    country = _text(params, "country")
    if country is None:
        return None
    country = country.upper()
    if country not in phonenumbers.SUPPORTED_REGIONS:
        raise invalid("country")
    return country


def _e164(raw: str, country: str | None) -> str | None:
    """Digits in international format as they are; with `country`, a number that is not a
    whole international one is read as that country's national number."""
    international = numbering.normalise(raw)
    info = numbering.lookup(international) if international else None
    if country is None or raw.lstrip().startswith(("+", "00")):
        return international
    if info is not None and info.possible and info.region == country:
        return international
    try:
        parsed = phonenumbers.parse(raw, country)
    except NumberParseException:
        return None
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)[1:]


def number_of(params: RequestParams) -> str:
    raw = _required(params, "number")
    country = _country(params)
    msisdn = _e164(raw, country)
    info = numbering.lookup(msisdn) if msisdn else None
    if info is None or not info.possible:
        raise invalid("number")
    return info.msisdn


def _timings(params: RequestParams) -> tuple[int | None, int | None]:
    pin_expiry = _whole(params, "pin_expiry", PIN_EXPIRY)
    next_event_wait = _whole(params, "next_event_wait", NEXT_EVENT_WAIT)
    # verify.yml: not a multiple → pin_expiry "is defaulted to equal next_event_wait"
    if pin_expiry is not None and next_event_wait is not None and pin_expiry % next_event_wait:
        pin_expiry = next_event_wait
    return pin_expiry, next_event_wait


def start_request(params: RequestParams) -> StartRequest:
    number = number_of(params)
    brand = _required(params, "brand")
    if len(brand) > 18:
        raise invalid("brand")
    sender_id = _text(params, "sender_id")
    if sender_id is not None and len(sender_id) > 11:
        raise invalid("sender_id")
    code_length = _whole(params, "code_length", (4, 6))
    if code_length not in (None, 4, 6):
        raise invalid("code_length")
    lg = (_text(params, "lg") or "en-us").lower()
    if lg not in LANGUAGES:
        raise invalid("lg")
    pin_expiry, next_event_wait = _timings(params)
    workflow_id = _whole(params, "workflow_id", WORKFLOWS) or 1
    pin_code = _text(params, "pin_code")
    if pin_code is not None and not PIN_CODE.match(pin_code):
        raise invalid("pin_code")
    return StartRequest(
        number=number,
        workflow_id=workflow_id,
        code_length=code_length or 4,
        lg=lg,
        pin_expiry=pin_expiry,
        next_event_wait=next_event_wait,
        brand=brand,
        sender_id=sender_id,
        pin_code=pin_code,
    )


def psd2_request(params: RequestParams) -> StartRequest:
    number = number_of(params)
    payee = _required(params, "payee")
    if len(payee) > 18:
        raise invalid("payee")
    amount_text = _required(params, "amount")
    try:
        amount = Decimal(amount_text)
    except InvalidOperation:
        raise invalid("amount") from None
    if not amount.is_finite() or amount <= 0:
        raise invalid("amount")
    code_length = _whole(params, "code_length", (4, 6))
    if code_length not in (None, 4, 6):
        raise invalid("code_length")
    lg = (_text(params, "lg") or "en-gb").lower()
    if lg not in PSD2_LANGUAGES:
        raise invalid("lg")
    pin_expiry, next_event_wait = _timings(params)
    workflow_id = _whole(params, "workflow_id", WORKFLOWS) or 1
    return StartRequest(
        number=number,
        workflow_id=workflow_id,
        code_length=code_length or 4,
        lg=lg,
        pin_expiry=pin_expiry,
        next_event_wait=next_event_wait,
        payee=payee,
        amount=f"{amount:.2f}",
    )


def request_id(params: RequestParams) -> str:
    value = _required(params, "request_id")
    if not REQUEST_ID.match(value):
        raise invalid("request_id")
    return value


def check_request(params: RequestParams) -> tuple[str, str]:
    found = request_id(params)
    code = _required(params, "code")
    if not CODE.match(code):
        raise invalid("code")
    return found, code


def control_request(params: RequestParams) -> tuple[str, str]:
    found = request_id(params)
    cmd = _required(params, "cmd")
    if cmd not in ("cancel", "trigger_next_event"):
        raise invalid("cmd")
    return found, cmd


def search_ids(params: RequestParams, repeated: list[str]) -> tuple[list[str], bool]:
    """The ids asked for and whether it was the list form (`request_ids`, repeated or one
    comma-separated value) rather than one `request_id`."""
    if repeated:
        ids = [part for value in repeated for part in value.split(",") if part]
        if not ids:
            raise missing("request_id")
        if len(ids) > MAX_SEARCH_IDS:
            raise invalid("request_ids")
        for value in ids:
            if not REQUEST_ID.match(value):
                raise invalid("request_ids")
        return ids, True
    return [request_id(params)], False
