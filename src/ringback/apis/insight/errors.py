"""Number Insight's legacy error style: HTTP 200 and a `status` integer in the body.

`{"status": 3, "status_message": "Invalid request :: Not valid number format detected [ 1 ]"}`
(Python SDK fixture `basic_insight_error.json`); the async endpoint names the text `error_text`
(`advanced_async_insight_error.json`: `{"error_text": "Invalid credentials", "status": 4}`).
No `request_id` on errors: neither fixture has one. The status codes are number-insight.yml's
niStandardAdvancedStatus; the throttled text is what Vonage's gateway answers (its `nii` rate
limit tests look for "Busy (Throttled) Please re-try" in an HTTP 200 body).

Only the router's own 404 and 405 keep their HTTP status (an unknown path is not a lookup), and
a 503 (Ringback's database is down: retry).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from starlette.responses import Response

from ringback.core.errors import RingbackError
from ringback.core.responses import VonageJSON

SUCCESS = 0
THROTTLED = 1
INVALID = 3
BAD_CREDENTIALS = 4
INTERNAL = 5
NO_CREDIT = 9
NOT_ALLOWED = 19
UNPARSEABLE = 999

MESSAGES = {
    SUCCESS: "Success",
    THROTTLED: "Busy (Throttled) Please re-try",
    INVALID: "Invalid request",
    BAD_CREDENTIALS: "Invalid credentials",
    INTERNAL: "Internal Error",
    NO_CREDIT: "Partner quota exceeded",
    NOT_ALLOWED: "Facility Not Allowed",
    UNPARSEABLE: "Request unparseable",
}
_BY_HTTP_STATUS = {
    400: INVALID,
    401: BAD_CREDENTIALS,
    402: NO_CREDIT,
    403: NOT_ALLOWED,
    404: INVALID,
    405: INVALID,
    413: UNPARSEABLE,
    429: THROTTLED,
}
# what core/request_params.py says of a body it cannot read at all
_UNREADABLE_BODY = "The request body is not valid"

# Vonage sunsets Number Insight on 2027-02-04 (reference 000; developer.vonage.com/api/
# number-insight); RFC 8594's header says so to any client that looks
SUNSET_HEADERS = {"Sunset": "Thu, 04 Feb 2027 00:00:00 GMT"}
XML_MEDIA_TYPE = "text/xml"


class InsightStatus(RingbackError):
    """A Number Insight status that no generic error stands for (5 for an unknown format)."""

    def __init__(self, ni_status: int, detail: str | None = None) -> None:
        self.ni_status = ni_status
        super().__init__(detail or MESSAGES.get(ni_status, "Internal Error"))


def status_of(error: RingbackError) -> tuple[int, str]:
    """The `status` and its text for an error."""
    if isinstance(error, InsightStatus):
        base = MESSAGES.get(error.ni_status, "Internal Error")
        text = base if error.detail == base else f"{base} :: {error.detail}"
        return error.ni_status, text
    if error.status == 400 and error.detail.startswith(_UNREADABLE_BODY):
        return UNPARSEABLE, MESSAGES[UNPARSEABLE]
    if error.status == 503:  # Ringback's database is down
        return INTERNAL, f"{MESSAGES[INTERNAL]} :: {error.detail}"
    ni_status = _BY_HTTP_STATUS.get(error.status, INTERNAL)
    if ni_status == INVALID:
        return ni_status, f"{MESSAGES[INVALID]} :: {error.detail}"
    return ni_status, MESSAGES[ni_status]


def xml_response(root: ET.Element, http_status: int = 200) -> Response:
    body = ET.tostring(root, encoding="unicode")
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'
    return Response(
        text, status_code=http_status, media_type=XML_MEDIA_TYPE, headers=SUNSET_HEADERS
    )


def _http_status(error: RingbackError) -> int:
    return error.status if error.status in (404, 405, 503) else 200


class InsightErrorStyle:
    """JSON or XML; `async_shape` for /ni/advanced/async (`error_text` instead of
    `status_message`, and its XML root holds `status` and `error_text` elements)."""

    def __init__(self, *, xml: bool = False, async_shape: bool = False) -> None:
        self.xml = xml
        self.async_shape = async_shape

    def render(self, error: RingbackError, instance: str) -> Response:
        ni_status, text = status_of(error)
        if self.xml:
            response = xml_response(self._xml(ni_status, text), _http_status(error))
        else:
            key = "error_text" if self.async_shape else "status_message"
            body = {"status": ni_status, key: text}
            response = VonageJSON(body, status_code=_http_status(error), headers=SUNSET_HEADERS)
        if error.status == 503:
            response.headers.update(error.headers)  # Retry-After
        return response

    def _xml(self, ni_status: int, text: str) -> ET.Element:
        root = ET.Element("lookup")
        if self.async_shape:
            ET.SubElement(root, "status").text = str(ni_status)
            ET.SubElement(root, "error_text").text = text
        else:
            ET.SubElement(root, "error", code=str(ni_status)).text = text
        return root
