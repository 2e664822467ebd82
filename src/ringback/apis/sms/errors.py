"""How the SMS API refuses: HTTP 200 and a status code in the body, never a 4xx or a 500.

`{"message-count": "1", "messages": [{"status": "4", "error-text": "Bad Credentials"}]}` (or
the same as `text/xml` on /sms/xml). Statuses are sms.yml's x-errors; the error texts are the
ones seen in real responses where one is known (vonage-behaviours §3.1), else the old Nexmo
troubleshooting table's names. Core errors (auth, rate limit, credit, body size) are mapped here
so they look the same; auth refusals by their `reason` (platform/auth.py).
"""

from __future__ import annotations

import math

from starlette.responses import Response

from ringback.apis.sms import wire
from ringback.core.error_styles import ProblemStyle
from ringback.core.errors import (
    InsufficientCredit,
    InvalidParameters,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    RingbackError,
    ServiceUnavailable,
)
from ringback.core.responses import VonageJSON
from ringback.platform.auth import AuthRefused

THROTTLED = 1
MISSING = 2
INVALID = 3
BAD_CREDENTIALS = 4
INTERNAL = 5
UNROUTABLE = 6
BARRED = 7
QUOTA = 9
TOO_LONG = 12
INVALID_SIGNATURE = 14
ILLEGAL_SENDER = 15
INVALID_TTL = 16
INVALID_MESSAGE_CLASS = 20
BAD_CALLBACK = 23
SIGNATURE_AND_SECRET = 32

TEXTS = {
    BAD_CREDENTIALS: "Bad Credentials",
    INTERNAL: "Internal Error",
    UNROUTABLE: "Unroutable message - rejected",
    BARRED: "Number barred.",
    8: "Partner Account Barred",
    QUOTA: "Quota Exceeded - rejected",
    TOO_LONG: "Message too long",
    INVALID_SIGNATURE: "Invalid Signature",
    ILLEGAL_SENDER: "Illegal Sender Address - rejected",
    INVALID_TTL: "value for ttl field out of range",
    INVALID_MESSAGE_CLASS: "Invalid Message class",
    29: "Non White-listed Destination - rejected",
    SIGNATURE_AND_SECRET: "Signature And API Secret Disallowed",
    33: "Number De-activated",
}

# platform/auth.py refusal reasons that are not plain bad credentials
AUTH_REASONS = {
    "no credentials supplied": (MISSING, "Missing api_key param"),
    "api_secret missing": (MISSING, "Missing api_secret param"),
    "signature and api_secret both given": (SIGNATURE_AND_SECRET, TEXTS[SIGNATURE_AND_SECRET]),
    "signature timestamp missing or outside the window": (INVALID_SIGNATURE, "Invalid Signature"),
    "signature does not match": (INVALID_SIGNATURE, "Invalid Signature"),
    "sig is not text": (INVALID_SIGNATURE, "Invalid Signature"),
    "timestamp is not text": (INVALID_SIGNATURE, "Invalid Signature"),
}


class SmsRefused(RingbackError):
    """A submission the SMS API refuses with `status` (sms.yml x-errors)."""

    status = 200

    def __init__(self, code: int, text: str | None = None, *, to: str | None = None) -> None:
        self.code = code
        self.text = text or TEXTS.get(code, "Invalid parameters")
        self.to = to
        super().__init__(self.text)


def missing(name: str) -> SmsRefused:
    return SmsRefused(MISSING, f"Missing {name} param")


def invalid(name: str) -> SmsRefused:
    return SmsRefused(INVALID, f"Invalid {name} param")


def as_refusal(error: RingbackError) -> SmsRefused:
    if isinstance(error, SmsRefused):
        return error
    if isinstance(error, AuthRefused):
        code, text = AUTH_REASONS.get(error.reason, (BAD_CREDENTIALS, TEXTS[BAD_CREDENTIALS]))
        return SmsRefused(code, text)
    if isinstance(error, RateLimited):
        wait_ms = max(1, math.ceil(error.retry_after * 1000))
        return SmsRefused(
            THROTTLED, f"Throughput Rate Exceeded - please wait [ {wait_ms} ] and retry"
        )
    if isinstance(error, InsufficientCredit):
        return SmsRefused(QUOTA)
    if isinstance(error, PayloadTooLarge):
        return SmsRefused(TOO_LONG)
    if isinstance(error, InvalidParameters):
        return SmsRefused(INVALID, error.detail)
    if isinstance(error, (NotFound, MethodNotAllowed)):
        return SmsRefused(INVALID, error.detail)
    if error.status == 401:
        return SmsRefused(BAD_CREDENTIALS)
    if error.status < 500:
        return SmsRefused(INVALID, error.detail)
    if isinstance(error, ServiceUnavailable):
        return SmsRefused(INTERNAL, error.detail)
    return SmsRefused(INTERNAL)


class SmsErrorStyle:
    """HTTP 200 with the status in the body; only the router's 404 and 405 (a path or method
    the API does not have) and a 503 (Ringback's database is down) keep their HTTP status,
    still with this body."""

    def __init__(self, xml: bool = False) -> None:
        self.xml = xml

    def render(self, error: RingbackError, instance: str) -> Response:
        refusal = as_refusal(error)
        entry = {"status": str(refusal.code), "error-text": refusal.text}
        if refusal.to is not None:
            entry = {"to": refusal.to, **entry}
        kept = (NotFound, MethodNotAllowed, ServiceUnavailable)
        http_status = error.status if isinstance(error, kept) else 200
        response = wire.answer([entry], xml=self.xml, error=True, status_code=http_status)
        if error.status == 503:
            response.headers.update(error.headers)  # Retry-After
        return response


class ConversionErrorStyle:
    """The Conversion API (conversion.yml): 401 is common_errors' BadCredentialsError problem;
    invalid parameters are HTTP 420 `{type, title, resolution}`."""

    def __init__(self) -> None:
        self.problems = ProblemStyle(type_base="https://developer.vonage.com/api-errors")

    def render(self, error: RingbackError, instance: str) -> Response:
        if isinstance(error, InvalidParameters):
            body = {
                "type": "https://developer.nexmo.com/api-errors#3",
                "title": "Invalid parameters. The value of one or more parameters is invalid.",
                "resolution": "Check your parameters and try again.",
            }
            return VonageJSON(body, status_code=420)
        return self.problems.render(error, instance)
