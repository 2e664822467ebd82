"""How Verify v2's errors look (verify.v2.yml): problem objects whose `type` is under
`https://www.developer.vonage.com/api-errors`, a 409 on a new request naming the request
already running, 429 "Rate Limit Hit"."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ringback.core.errors import InvalidParameter, InvalidParameters, RingbackError
from ringback.core.responses import VonageJSON

ERRORS = "https://www.developer.vonage.com/api-errors"
TYPES = {
    "unauthorized": "https://developer.vonage.com/api-errors#unauthorized",
    "not-found": "https://developer.vonage.com/api-errors#not-found",
    "rate-limit": f"{ERRORS}#throttled",
    "throttled": f"{ERRORS}#throttled",
    "invalid-params": f"{ERRORS}#invalid-params",
    "bad-request": f"{ERRORS}#invalid-params",
    "invalid-code": f"{ERRORS}/verify#invalid-code",
    "expired": f"{ERRORS}/verify#expired",
    "conflict": f"{ERRORS}/verify#conflict",
    "low-balance": f"{ERRORS}#low-balance",
}
TITLES = {"rate-limit": "Rate Limit Hit", "unauthorized": "Unauthorized"}
DETAILS = {"rate-limit": "Please wait, then retry your request"}


class VerifyError(RingbackError):
    """An answer of verify.v2.yml's own: `status`, `title`, `slug`, and `extra` fields."""

    def __init__(self, status: int, title: str, slug: str, detail: str, **extra: Any) -> None:
        self.status = status
        self.extra = extra
        super().__init__(detail, title=title, slug=slug)


def invalid_params(problems: list[tuple[str, str]]) -> RingbackError:
    error = InvalidParameters(
        "The value of one or more parameters is invalid",
        title="Invalid params",
        slug="invalid-params",
        invalid_parameters=[InvalidParameter(name, reason) for name, reason in problems],
    )
    error.status = 422
    return error


def not_found(request_id: str) -> VerifyError:
    return VerifyError(
        404,
        "Not Found",
        "not-found",
        f"Request {request_id} was not found or it has been verified already.",
    )


class Verify2Style:
    def render(self, error: RingbackError, instance: str) -> Response:
        body: dict[str, Any] = {
            "title": TITLES.get(error.slug, error.title)
            if error.title == type(error).title
            else error.title,
            "type": TYPES.get(error.slug, f"{ERRORS}#{error.slug}"),
            "detail": DETAILS.get(error.slug, error.detail),
            "instance": instance,
        }
        if error.invalid_parameters:
            body["invalid_parameters"] = [
                {"name": p.name, "reason": p.reason} for p in error.invalid_parameters
            ]
        body.update(getattr(error, "extra", {}))
        return VonageJSON(body, status_code=error.status, headers=error.headers)


VERIFY2_STYLE = Verify2Style()
