"""Reading one JSON value at a time, and collecting what is wrong with it.

Every reader takes the container, the key and the dotted name Vonage would report
(`image.url`, `failover[0].text`), never raises for a bad value, and notes the reason in
`Problems` in the wording of the spec's examples ("is required.", "Must be one of ...").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ringback.apis.messages.request import InvalidParameter, MessageInvalid
from ringback.core.web_urls import BadUrl, check_web_url

REQUIRED = "is required."
NOT_EMPTY = "Must not be empty."
A_STRING = "Must be a string."
AN_OBJECT = "Must be an object."
AN_ARRAY = "Must be an array."
A_BOOLEAN = "Must be a boolean."
A_URL = "Must be an http or https URL."


def one_of(choices: Sequence[str]) -> str:
    quoted = [f"`{c}`" for c in choices]
    if len(quoted) == 1:
        return f"Must be {quoted[0]}."
    return f"Must be one of {', '.join(quoted[:-1])} or {quoted[-1]}."


class Problems:
    """The bad fields found for one problem type (1150 params, 1410 channel options)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.found: list[InvalidParameter] = []

    def add(self, name: str, reason: str) -> None:
        self.found.append(InvalidParameter(self.prefix + name, reason))

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_if_any(self, code: int, title: str, detail: str) -> None:
        if self.found:
            raise MessageInvalid(code, title, detail, tuple(self.found))


def text(
    container: Mapping[str, Any],
    key: str,
    name: str,
    problems: Problems,
    *,
    required: bool = False,
    max_length: int | None = None,
    min_length: int = 1,
) -> str | None:
    value = container.get(key)
    if value is None:
        if required:
            problems.add(name, REQUIRED)
        return None
    if not isinstance(value, str):
        problems.add(name, A_STRING)
        return None
    if len(value) < min_length:
        problems.add(
            name, NOT_EMPTY if min_length == 1 else f"Must be at least {min_length} characters."
        )
        return None
    if max_length is not None and len(value) > max_length:
        problems.add(name, f"Must be at most {max_length} characters.")
        return None
    return value


def obj(
    container: Mapping[str, Any], key: str, name: str, problems: Problems, *, required: bool = False
) -> dict[str, Any] | None:
    value = container.get(key)
    if value is None:
        if required:
            problems.add(name, REQUIRED)
        return None
    if not isinstance(value, dict):
        problems.add(name, AN_OBJECT)
        return None
    return value


def array(
    container: Mapping[str, Any],
    key: str,
    name: str,
    problems: Problems,
    *,
    required: bool = False,
    min_items: int = 0,
    max_items: int | None = None,
) -> list[Any] | None:
    value = container.get(key)
    if value is None:
        if required:
            problems.add(name, REQUIRED)
        return None
    if not isinstance(value, list):
        problems.add(name, AN_ARRAY)
        return None
    if len(value) < min_items:
        problems.add(name, f"Must have at least {min_items} item{'s' if min_items > 1 else ''}.")
        return None
    if max_items is not None and len(value) > max_items:
        problems.add(name, f"Must have at most {max_items} items.")
        return None
    return value


def url(
    container: Mapping[str, Any], key: str, name: str, problems: Problems, *, required: bool = True
) -> str | None:
    value = text(container, key, name, problems, required=required)
    if value is None:
        return None
    try:
        return check_web_url(value)
    except BadUrl:
        problems.add(name, A_URL)
        return None


def choice(
    container: Mapping[str, Any],
    key: str,
    name: str,
    problems: Problems,
    choices: Sequence[str],
    *,
    required: bool = False,
) -> str | None:
    value = container.get(key)
    if value is None:
        if required:
            problems.add(name, REQUIRED)
        return None
    if not isinstance(value, str) or value not in choices:
        problems.add(name, one_of(choices))
        return None
    return value


def integer(
    container: Mapping[str, Any],
    key: str,
    name: str,
    problems: Problems,
    low: int,
    high: int,
    *,
    required: bool = False,
) -> int | None:
    value = container.get(key)
    if value is None:
        if required:
            problems.add(name, REQUIRED)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.add(name, f"Must be an integer between {low} and {high}.")
        return None
    return value


def number_text(
    container: Mapping[str, Any],
    key: str,
    name: str,
    problems: Problems,
    low: int,
    high: int,
    *,
    required: bool = False,
) -> str | int | None:
    """A whole number the spec types as a string (Viber's `duration`, `file_size`); a JSON
    number is taken too."""
    value = container.get(key)
    if value is None:
        if required:
            problems.add(name, REQUIRED)
        return None
    digits = value if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
    if (
        digits is None
        or not digits.isascii()
        or not digits.isdigit()
        or not low <= int(digits) <= high
    ):
        problems.add(name, f"Must be a whole number between {low} and {high}.")
        return None
    return value if isinstance(value, str) else int(value)


def boolean(container: Mapping[str, Any], key: str, name: str, problems: Problems) -> bool | None:
    value = container.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        problems.add(name, A_BOOLEAN)
        return None
    return value


def strings(
    container: Mapping[str, Any], key: str, name: str, problems: Problems
) -> list[str] | None:
    """An optional array of strings (template parameters)."""
    items = array(container, key, name, problems)
    if items is None:
        return None
    for index, item in enumerate(items):
        if not isinstance(item, str):
            problems.add(f"{name}[{index}]", A_STRING)
    return items
