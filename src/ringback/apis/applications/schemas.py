"""The Applications API's request bodies and list parameters (application.v2.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ringback.apis.applications.capabilities import normalise_capabilities
from ringback.apis.applications.keys import InvalidPublicKey, normalise_public_key
from ringback.apis.applications.validation import (
    LIST_VALIDATION,
    Problems,
    as_object,
    boolean,
    is_text,
    known_fields,
)

MAX_NAME_LENGTH = 255
MAX_PUBLIC_KEY_LENGTH = 16384
# the list's default and largest page; the spec's 400 example says "must be between 1 and 100"
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

# `id`, `_links` and `keys.private_key` are what the API itself returns; the Node SDK's
# updateApplication sends an application back as it was read, so they are accepted and ignored
TOP_LEVEL_FIELDS = ("name", "capabilities", "privacy", "keys", "id", "_links")
KEYS_FIELDS = ("public_key", "private_key")


@dataclass(frozen=True)
class ApplicationConfig:
    name: str
    capabilities: dict[str, Any]
    improve_ai: bool | None
    public_key: str | None


def parse_config(body: dict[str, Any] | None) -> ApplicationConfig:
    """A create or update body; `None` is a request without one (the SDK's bare create)."""
    problems = Problems()
    body = body or {}
    known_fields(body, TOP_LEVEL_FIELDS, "", problems)
    name = _name(body.get("name"), "name" in body, problems)
    capabilities = normalise_capabilities(body.get("capabilities"), problems)
    improve_ai = _improve_ai(body.get("privacy"), problems)
    public_key = _public_key(body.get("keys"), problems)
    problems.check()
    assert name is not None
    return ApplicationConfig(name, capabilities, improve_ai, public_key)


def _name(value: Any, given: bool, problems: Problems) -> str | None:
    if not given:
        problems.add("name", "is required")
    elif not is_text(value):
        problems.add("name", "must be a string")
    elif not value.strip():
        problems.add("name", "must not be blank")
    elif len(value) > MAX_NAME_LENGTH:
        problems.add("name", f"must be at most {MAX_NAME_LENGTH} characters long")
    else:
        return value
    return None


def _improve_ai(value: Any, problems: Problems) -> bool | None:
    if value is None:
        return None
    privacy = as_object(value, "privacy", problems)
    if privacy is None:
        return None
    known_fields(privacy, ("improve_ai",), "privacy", problems)
    if privacy.get("improve_ai") is None:
        return None
    return boolean(privacy["improve_ai"], "privacy.improve_ai", problems)


def _public_key(value: Any, problems: Problems) -> str | None:
    if value is None:
        return None
    keys = as_object(value, "keys", problems)
    if keys is None:
        return None
    known_fields(keys, KEYS_FIELDS, "keys", problems)
    given = keys.get("public_key")
    if given is None:
        return None
    if not isinstance(given, str):
        problems.add("keys.public_key", "must be a string")
        return None
    if len(given) > MAX_PUBLIC_KEY_LENGTH:
        problems.add("keys.public_key", "must be a PEM encoded public key")
        return None
    try:
        return normalise_public_key(given)
    except InvalidPublicKey as exc:
        problems.add("keys.public_key", str(exc))
        return None


def parse_page_query(page: str | None, page_size: str | None) -> tuple[int, int]:
    """`(page, page_size)` from the list's query parameters."""
    problems = Problems()
    size = _positive(page_size, DEFAULT_PAGE_SIZE)
    if size is None or size > MAX_PAGE_SIZE:
        problems.add("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")
    number = _positive(page, 1)
    if number is None:
        problems.add("page", "must be a positive integer")
    problems.check(LIST_VALIDATION)
    assert number is not None and size is not None
    return number, size


def _positive(value: str | None, default: int) -> int | None:
    if value is None:
        return default
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9 or int(text) < 1:
        return None
    return int(text)
