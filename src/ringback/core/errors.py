"""Typed errors raised by services and core parts.

An error says *what* went wrong; how it looks on the wire is decided by the error style of the
API that was called (see `core/error_styles.py`). So the same `Unauthorized` becomes a problem
object on /v2/applications, `{"error-code": "401", ...}` on /number/buy and status 4 on /sms/json.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class InvalidParameter:
    name: str
    reason: str


class RingbackError(Exception):
    status: int = 400
    title: str = "Bad Request"
    slug: str = "bad-request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        title: str | None = None,
        slug: str | None = None,
        invalid_parameters: list[InvalidParameter] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.detail = detail or self.title
        if title is not None:
            self.title = title
        if slug is not None:
            self.slug = slug
        self.invalid_parameters = invalid_parameters or []
        self.headers = headers or {}
        super().__init__(self.detail)


class Unauthorized(RingbackError):
    status = 401
    title = "Invalid credentials supplied"
    slug = "unauthorized"


class Forbidden(RingbackError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class NotFound(RingbackError):
    status = 404
    title = "Not Found"
    slug = "not-found"


class MethodNotAllowed(RingbackError):
    status = 405
    title = "Method Not Allowed"
    slug = "method-not-allowed"


class NotAcceptable(RingbackError):
    status = 406
    title = "Not Acceptable"
    slug = "not-acceptable"


class Conflict(RingbackError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class PayloadTooLarge(RingbackError):
    status = 413
    title = "Payload Too Large"
    slug = "payload-too-large"


class UnsupportedMediaType(RingbackError):
    status = 415
    title = "Unsupported Media Type"
    slug = "unsupported-media-type"


class InvalidParameters(RingbackError):
    """A request Vonage would refuse for its content: missing, malformed or out-of-range fields."""

    status = 400
    title = "Bad Request"
    slug = "bad-request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        missing: bool = False,
        title: str | None = None,
        slug: str | None = None,
        invalid_parameters: list[InvalidParameter] | None = None,
    ) -> None:
        self.missing = missing
        super().__init__(detail, title=title, slug=slug, invalid_parameters=invalid_parameters)


class InsufficientCredit(RingbackError):
    status = 402
    title = "Low balance"
    slug = "low-balance"


class MethodFailed(RingbackError):
    """The Numbers API's HTTP 420: the action was understood but cannot be carried out."""

    status = 420
    title = "method failed"
    slug = "method-failed"


class RateLimited(RingbackError):
    status = 429
    title = "Rate Limit Hit"
    slug = "rate-limit"

    def __init__(self, retry_after: float = 1.0) -> None:
        self.retry_after = retry_after
        seconds = max(1, math.ceil(retry_after))
        super().__init__(
            "Please wait, then retry your request", headers={"Retry-After": str(seconds)}
        )


class InternalError(RingbackError):
    status = 500
    title = "Internal Error"
    slug = "internal-error"


class ServiceUnavailable(RingbackError):
    """Ringback cannot answer for now (its database is down or unreachable): retry shortly."""

    status = 503
    title = "Service Unavailable"
    slug = "service-unavailable"

    def __init__(self, detail: str, retry_after: int = 1) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})

    @classmethod
    def database(cls) -> ServiceUnavailable:
        return cls("Ringback's database is unavailable; retry in a moment")
