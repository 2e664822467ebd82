"""How Verify (legacy) refuses: HTTP 200 and a `status` string with `error_text` in the body
(verify.yml), as JSON or as the XML of the endpoint's root element. Core errors (auth, rate
limit, credit, unreadable bodies) are mapped here so they look the same; only the router's 404
and 405 and a 503 (Ringback's database is down) keep their HTTP status, still with this body.
"""

from __future__ import annotations

from starlette.responses import Response

from ringback.apis.verify_legacy import wire
from ringback.core.errors import (
    InsufficientCredit,
    InvalidParameters,
    MethodNotAllowed,
    NotFound,
    RateLimited,
    RingbackError,
    ServiceUnavailable,
)
from ringback.platform.auth import AuthRefused

SUCCESS = "0"
THROTTLED = "1"
MISSING = "2"
INVALID = "3"
BAD_CREDENTIALS = "4"
INTERNAL = "5"
NOT_FOUND = "6"
QUOTA = "9"
CONCURRENT = "10"
WRONG_CODE = "16"
TOO_MANY_WRONG = "17"
CONTROL_REFUSED = "19"
NO_RESPONSE = "101"

TEXTS = {
    THROTTLED: "Throttled",
    INTERNAL: "Internal Error",
    QUOTA: "Partner quota exceeded",
    CONCURRENT: "Concurrent verifications to the same number are not allowed",
    WRONG_CODE: "The code inserted does not match the expected value",
    TOO_MANY_WRONG: "The wrong code was provided too many times. Request terminated",
    NO_RESPONSE: "No response found",
}
# verify.yml's examples: the request endpoints say "Invalid credentials were provided", check,
# search and control "Bad credentials"
CREDENTIAL_TEXTS = {"request": "Invalid credentials were provided"}
BAD_CREDENTIALS_TEXT = "Bad credentials"


class VerifyRefused(RingbackError):
    """A Verify status other than 0; `request_id` goes into the body where Vonage puts it
    (status 10 names the request already running; check errors echo the request)."""

    status = 200

    def __init__(self, code: str, text: str | None = None, *, request_id: str | None = None):
        self.code = code
        self.text = text or TEXTS.get(code, "Internal Error")
        self.request_id = request_id
        super().__init__(self.text)


def missing(name: str) -> VerifyRefused:
    return VerifyRefused(
        MISSING, f"Your request is incomplete and missing the mandatory parameter `{name}`"
    )


def invalid(name: str) -> VerifyRefused:
    return VerifyRefused(INVALID, f"Invalid value for param: {name}")


def _auth_refusal(error: AuthRefused, shape: str) -> VerifyRefused:
    if error.reason == "no credentials supplied":
        return missing("api_key")
    if error.reason == "api_secret missing":
        return missing("api_secret")
    return VerifyRefused(BAD_CREDENTIALS, CREDENTIAL_TEXTS.get(shape, BAD_CREDENTIALS_TEXT))


def as_refusal(error: RingbackError, shape: str) -> VerifyRefused:
    if isinstance(error, VerifyRefused):
        return error
    if isinstance(error, AuthRefused):
        return _auth_refusal(error, shape)
    if isinstance(error, RateLimited):
        return VerifyRefused(THROTTLED)
    if isinstance(error, InsufficientCredit):
        return VerifyRefused(QUOTA)
    if isinstance(error, InvalidParameters):
        return VerifyRefused(INVALID, error.detail)
    if isinstance(error, (NotFound, MethodNotAllowed)):
        return VerifyRefused(INVALID, error.detail)
    if error.status == 401:
        return VerifyRefused(BAD_CREDENTIALS, CREDENTIAL_TEXTS.get(shape, BAD_CREDENTIALS_TEXT))
    if error.status < 500:
        return VerifyRefused(INVALID, error.detail)
    if isinstance(error, ServiceUnavailable):
        return VerifyRefused(INTERNAL, f"Internal Error :: {error.detail}")
    return VerifyRefused(INTERNAL)


class VerifyErrorStyle:
    """`shape` is the endpoint's: `request` (and psd2), `check`, `search` or `control`; it
    names the XML root (verify.yml's `xml.name`) and the credential text."""

    def __init__(self, shape: str, *, xml: bool = False) -> None:
        self.shape = shape
        self.xml = xml

    def render(self, error: RingbackError, instance: str) -> Response:
        refusal = as_refusal(error, self.shape)
        body: dict[str, object] = {}
        if refusal.request_id is not None:
            body["request_id"] = refusal.request_id
        body["status"] = refusal.code
        body["error_text"] = refusal.text
        kept = (NotFound, MethodNotAllowed, ServiceUnavailable)
        http_status = error.status if isinstance(error, kept) else 200
        response = wire.answer(body, self.shape, xml=self.xml, status_code=http_status)
        if error.status == 503:
            response.headers.update(error.headers)  # Retry-After
        return response
