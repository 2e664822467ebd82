"""The Pricing API's two error shapes (pricing.yml), and one family for what it leaves open.

- 401: `{"currency": "EUR", "code": "401", "error-code-label": "authentication failed"}`
- 400: `{"type": "BAD_REQUEST", "error_title": "Bad Request",
  "invalid_parameters": {"parameter": "country", "message": "Is required"}}` (an object, not a
  list, as the spec and its examples have it)

The spec declares 404 and 429 without a body. Ringback answers them, and any other status, in
the 400's family: `type` is the status name, `error_title` its phrase (`TOO_MANY_REQUESTS`,
"Too Many Requests"), as Redact's `{"type": "UNAUTHORIZED", "error_title": "Unauthorized"}`.
"""

from __future__ import annotations

from http import HTTPStatus

from starlette.responses import Response

from ringback.core.errors import RingbackError
from ringback.core.responses import VonageJSON

CURRENCY = "EUR"


class PricingErrorStyle:
    def render(self, error: RingbackError, instance: str) -> Response:
        body: dict[str, object]
        if error.status == 401:
            body = {
                "currency": CURRENCY,
                "code": "401",
                "error-code-label": "authentication failed",
            }
        else:
            body = {"type": _status_name(error), "error_title": _status_phrase(error)}
            if error.status == 400:
                body["invalid_parameters"] = self._invalid(error)
        return VonageJSON(body, status_code=error.status, headers=error.headers)

    @staticmethod
    def _invalid(error: RingbackError) -> dict[str, str]:
        if error.invalid_parameters:
            first = error.invalid_parameters[0]
            return {"parameter": first.name, "message": first.reason}
        return {"message": error.detail}


def _status_name(error: RingbackError) -> str:
    try:
        return HTTPStatus(error.status).name
    except ValueError:  # not an IANA status, e.g. Numbers' 420
        return error.slug.upper().replace("-", "_")


def _status_phrase(error: RingbackError) -> str:
    try:
        return HTTPStatus(error.status).phrase
    except ValueError:
        return error.title
