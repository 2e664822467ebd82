"""Field checks for Application payloads: every problem is collected, then reported at once.

Vonage answers a bad payload with one 400 whose `invalid_parameters` names each bad field by its
dotted path, e.g. `capabilities.voice.webhooks.answer_url.http_method` (application.v2.yml,
InvalidPayloadError). A check records its problem and returns None, so the walk goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeGuard

from ringback.core.errors import InvalidParameter, InvalidParameters
from ringback.core.web_urls import BadUrl, check_web_url

PAYLOAD_VALIDATION = "https://developer.nexmo.com/api-errors/application#payload-validation"
LIST_VALIDATION = "https://developer.nexmo.com/api-errors/application#list-validation"
VALIDATION_DETAIL = "The request failed due to validation errors"
MAX_URL_LENGTH = 2048

FieldCheck = Callable[[Any, str, "Problems"], Any]


class Problems:
    def __init__(self) -> None:
        self.found: list[InvalidParameter] = []

    def add(self, name: str, reason: str) -> None:
        # a field name is echoed back, and JSON can smuggle in lone surrogates
        printable = name.encode("utf-8", "replace").decode("utf-8")
        self.found.append(InvalidParameter(printable, reason))

    def check(self, slug: str = PAYLOAD_VALIDATION) -> None:
        if self.found:
            raise InvalidParameters(VALIDATION_DETAIL, slug=slug, invalid_parameters=self.found)


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def is_text(value: Any) -> TypeGuard[str]:
    """A string that can be stored and sent back as UTF-8 (no lone surrogates)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def as_object(value: Any, path: str, problems: Problems) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    problems.add(path, "must be an object")
    return None


def known_fields(
    obj: dict[str, Any], allowed: Collection[str], path: str, problems: Problems
) -> None:
    for key in obj:
        if key not in allowed:
            problems.add(join(path, key), "is not a recognised field")


def boolean(value: Any, path: str, problems: Problems) -> bool | None:
    if isinstance(value, bool):
        return value
    problems.add(path, "must be a boolean")
    return None


def integer(low: int, high: int) -> FieldCheck:
    def check(value: Any, path: str, problems: Problems) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            problems.add(path, "must be an integer")
            return None
        if not low <= value <= high:
            problems.add(path, f"must be between {low} and {high}")
            return None
        return value

    return check


def text(max_length: int) -> FieldCheck:
    def check(value: Any, path: str, problems: Problems) -> str | None:
        if not is_text(value):
            problems.add(path, "must be a string")
            return None
        if len(value) > max_length:
            problems.add(path, f"must be at most {max_length} characters long")
            return None
        return value

    return check


def one_of(*choices: str) -> FieldCheck:
    def check(value: Any, path: str, problems: Problems) -> str | None:
        if isinstance(value, str) and value in choices:
            return value
        problems.add(path, f"must be one of: {', '.join(choices)}")
        return None

    return check


def url(value: Any, path: str, problems: Problems) -> str | None:
    if not is_text(value):
        problems.add(path, "must be a string")
        return None
    if not _is_web_url(value):
        problems.add(path, "must be an absolute http or https URL")
        return None
    return value


def _is_web_url(value: str) -> bool:
    try:
        check_web_url(value, MAX_URL_LENGTH)
    except BadUrl:
        return False
    return True
