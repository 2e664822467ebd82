"""The shapes Vonage's APIs give their errors. Each API picks one; core errors go through it."""

from __future__ import annotations

from typing import Protocol

from starlette.responses import Response

from ringback.core.errors import RingbackError
from ringback.core.responses import VonageJSON


class ErrorStyle(Protocol):
    def render(self, error: RingbackError, instance: str) -> Response: ...


class ProblemStyle:
    """RFC 7807-style objects: Applications, secrets, Messages, Verify v2, Voice."""

    def __init__(
        self,
        type_base: str = "https://developer.nexmo.com/api-errors",
        slugs: dict[str, str] | None = None,
        titles: dict[str, str] | None = None,
    ) -> None:
        self.type_base = type_base
        self.slugs = slugs or {}
        self.titles = titles or {}

    def render(self, error: RingbackError, instance: str) -> Response:
        slug = self.slugs.get(error.slug, error.slug)
        body: dict[str, object] = {
            "type": slug if slug.startswith("https://") else f"{self.type_base}#{slug}",
            "title": self._title(error),
            "detail": error.detail,
            "instance": instance,
        }
        if error.invalid_parameters:
            body["invalid_parameters"] = [
                {"name": p.name, "reason": p.reason} for p in error.invalid_parameters
            ]
        return VonageJSON(body, status_code=error.status, headers=error.headers)

    def _title(self, error: RingbackError) -> str:
        if error.title != type(error).title:
            return error.title
        return self.titles.get(error.slug, error.title)


ERROR_CODE_LABELS = {
    401: "authentication failed",
    420: "method failed",
    429: "Rate Limit Hit",
}


class ErrorCodeStyle:
    """`{"error-code": "401", "error-code-label": "..."}`: Numbers and the legacy Account paths."""

    def render(self, error: RingbackError, instance: str) -> Response:
        fixed = error.status == 429 or (error.status == 401 and getattr(error, "reason", None))
        label = ERROR_CODE_LABELS[error.status] if fixed else error.detail
        body = {"error-code": str(error.status), "error-code-label": label}
        return VonageJSON(body, status_code=error.status, headers=error.headers)
