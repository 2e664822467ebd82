"""Reading an SMS submission (sms.yml NewMessage) and a conversion, refusing as Vonage does.

Every value is read as text, the way a form carries it (JSON scalars are stringified), so a
JSON body and a form body of the same message are the same message.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ringback.apis.sms.errors import (
    BAD_CALLBACK,
    ILLEGAL_SENDER,
    INVALID,
    INVALID_MESSAGE_CLASS,
    INVALID_TTL,
    TOO_LONG,
    SmsRefused,
    invalid,
    missing,
)
from ringback.core.errors import InvalidParameters
from ringback.core.request_params import RequestParams
from ringback.core.web_urls import BadUrl, Problem, check_web_url
from ringback.network.sms_encoding import MAX_TEXT_CHARACTERS

TYPES = ("text", "binary", "wappush", "unicode", "vcal", "vcard")
TTL_MIN, TTL_MAX, TTL_DEFAULT = 20_000, 604_800_000, 259_200_000  # ms (sms.yml)
MAX_CALLBACK = 100  # sms.yml `callback`: "Max 100 characters"
MAX_REF = 100  # sms.yml `client-ref`: "up to 100 characters" (the SDK's max_length too)
MAX_BINARY_OCTETS = 140  # udh + body of one binary SMS (Nexmo's status 12 text)
TRUE = ("true", "1")
FALSE = ("false", "0")
_NUMBER_PUNCTUATION = re.compile(r"[\s\-().]")
_DIGITS = re.compile(r"\d+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # re's escapes: no surrogate in the literal (mypyc)
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class SmsRequest:
    sender: str
    to: str  # E.164 digits
    type: str  # one of TYPES
    text: str  # what the handset shows (text types); "" for binary
    body: bytes  # binary only
    udh: bytes  # binary only
    ttl_ms: int
    status_report_req: bool
    callback: str | None
    message_class: int | None
    protocol_id: int | None
    client_ref: str | None
    account_ref: str | None
    entity_id: str | None
    content_id: str | None
    trusted_number: bool | None


def text(params: RequestParams, name: str) -> str | None:
    """The parameter as text; None when absent or empty. An object or list is status 3."""
    try:
        value = params.text(name)
    except InvalidParameters as exc:
        raise invalid(name) from exc
    if value and _SURROGATE.search(value):  # a lone surrogate from JSON: no text can hold it
        raise invalid(name)
    return value or None


def flag(params: RequestParams, name: str) -> bool | None:
    value = text(params, name)
    if value is None:
        return None
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise invalid(name)


def integer(
    params: RequestParams, name: str, low: int, high: int, code: int = INVALID
) -> int | None:
    try:
        value = text(params, name)
    except SmsRefused:
        value = "-"  # an object or list: refused below with the field's own status
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise SmsRefused(code, None if code != INVALID else f"Invalid {name} param")
    return int(value)


def reference(params: RequestParams, name: str) -> str | None:
    value = text(params, name)
    if value is not None and len(value) > MAX_REF:
        raise invalid(name)
    return value


def sender(value: str | None) -> str:
    """`from`: a number (up to 15 digits) or an alphanumeric ID (up to 11 characters, spaces
    ignored, as sms.yml says), else status 15."""
    if value is None or not value.strip():
        raise missing("from")
    compact = value.replace(" ", "")
    digits = compact[1:] if compact.startswith("+") else compact
    if digits.isascii() and digits.isdigit():
        if len(digits) > 15:
            raise SmsRefused(ILLEGAL_SENDER)
        return digits
    if len(compact) > 11 or not all(33 <= ord(c) <= 126 for c in compact):
        raise SmsRefused(ILLEGAL_SENDER)
    return compact


def destination(value: str | None) -> str:
    """`to` as E.164 digits: a leading `+` or `00` and spaces, dashes, dots and brackets are
    dropped; then 7 to 15 digits (sms.yml)."""
    if value is None or not value.strip():
        raise missing("to")
    raw = value.strip()
    if raw.startswith("+"):
        raw = raw[1:]
    elif raw.startswith("00"):
        raw = raw[2:]
    digits = _NUMBER_PUNCTUATION.sub("", raw)
    if not (digits.isascii() and _DIGITS.fullmatch(digits)):
        raise SmsRefused(INVALID, "to address is not numeric")
    if not 7 <= len(digits) <= 15:
        raise SmsRefused(INVALID, "Invalid to address", to=digits)
    return digits


def callback(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_web_url(value, MAX_CALLBACK)
    except BadUrl as bad:
        if bad.problem is Problem.SCHEME:
            raise SmsRefused(BAD_CALLBACK, "Bad callback :: Missing Protocol") from None
        raise SmsRefused(BAD_CALLBACK, "Invalid Callback Url") from None


def hex_bytes(params: RequestParams, name: str) -> bytes:
    value = text(params, name) or ""
    try:
        return bytes.fromhex(value)
    except ValueError as exc:
        raise invalid(name) from exc


def content(params: RequestParams, kind: str) -> tuple[str, bytes, bytes]:
    """(text, body, udh) of the message by its type."""
    if kind == "binary":
        body = hex_bytes(params, "body")
        if not body:
            raise missing("body")
        udh = hex_bytes(params, "udh")
        if len(body) + len(udh) > MAX_BINARY_OCTETS:
            raise SmsRefused(TOO_LONG)
        return "", body, udh
    if kind == "wappush":
        url = text(params, "url")
        if url is None:
            raise missing("url")
        title = text(params, "title")
        message = f"{title} {url}" if title else url
    elif kind in ("vcard", "vcal"):
        message = text(params, kind) or text(params, "text") or ""
        if not message:
            raise missing(kind)
    else:
        message = text(params, "text") or ""
        if not message:
            raise missing("text")
    if len(message) > MAX_TEXT_CHARACTERS:
        raise SmsRefused(TOO_LONG)
    return message, b"", b""


def sms_request(params: RequestParams) -> SmsRequest:
    """The submission, or the first problem as Vonage's status: missing `from`/`to` (2), the
    type (3), the content (2 missing, 3 bad hex, 12 too long), `to` (3), then the other fields
    (3, or their own status: ttl 16, message-class 20, callback 23) and the sender (15)."""
    raw_from = text(params, "from")
    raw_to = text(params, "to")
    kind = (text(params, "type") or "text").lower()
    if raw_from is None or not raw_from.strip():
        raise missing("from")
    if raw_to is None or not raw_to.strip():
        raise missing("to")
    if kind not in TYPES:
        raise invalid("type")
    message, body, udh = content(params, kind)
    to = destination(raw_to)
    ttl = integer(params, "ttl", TTL_MIN, TTL_MAX, INVALID_TTL)
    report = flag(params, "status-report-req")
    return SmsRequest(
        sender=sender(raw_from),
        to=to,
        type=kind,
        text=message,
        body=body,
        udh=udh,
        ttl_ms=TTL_DEFAULT if ttl is None else ttl,
        status_report_req=True if report is None else report,
        callback=callback(text(params, "callback")),
        message_class=integer(params, "message-class", 0, 3, INVALID_MESSAGE_CLASS),
        protocol_id=integer(params, "protocol-id", 0, 255),
        client_ref=reference(params, "client-ref"),
        account_ref=reference(params, "account-ref"),
        entity_id=reference(params, "entity-id"),
        content_id=reference(params, "content-id"),
        trusted_number=flag(params, "trusted-number"),
    )


@dataclass(frozen=True)
class ConversionRequest:
    message_id: str
    delivered: bool
    at: float | None  # when the user converted; None: when Ringback got the request


def conversion_request(params: RequestParams) -> ConversionRequest:
    """conversion.yml: `message-id`, `delivered` (true/false/1/0), `timestamp`
    (`yyyy-MM-dd HH:mm:ss` UTC; absent means now). Any problem is InvalidParameters (420)."""
    try:
        message_id = params.text("message-id")
        delivered = params.text("delivered")
        stamp = params.text("timestamp")
    except InvalidParameters as exc:
        raise InvalidParameters("Invalid parameters") from exc
    if not message_id or delivered is None or delivered.lower() not in TRUE + FALSE:
        raise InvalidParameters("Invalid parameters")
    at = None
    if stamp:
        try:
            parsed = dt.datetime.strptime(stamp, TIMESTAMP_FORMAT).replace(tzinfo=dt.UTC)
        except ValueError as exc:
            raise InvalidParameters("Invalid parameters") from exc
        at = parsed.timestamp()
    return ConversionRequest(message_id, delivered.lower() in TRUE, at)
