"""Content readers shared by channels: text, and media objects with a URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringback.apis.messages.validation import fields
from ringback.apis.messages.validation.fields import Problems
from ringback.apis.messages.validation.rules import ContentReader


def text(limit: int | None) -> ContentReader:
    def read(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
        value = fields.text(document, "text", "text", problems, required=True, max_length=limit)
        return {"text": value}

    return read


def media(
    key: str,
    *,
    caption: tuple[int, int] | bool | None = None,
    name_limit: int | bool | None = None,
    thumb: bool = False,
) -> ContentReader:
    """`{key: {url, caption?, name?, thumb_url?}}`; `caption` True (any string) or the
    (min, max) length the spec gives; `name_limit` likewise for a file's name."""

    def read(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
        found = fields.obj(document, key, key, problems, required=True)
        if found is None:
            return {key: None}
        fields.url(found, "url", f"{key}.url", problems)
        if isinstance(caption, tuple):
            low, high = caption
            fields.text(
                found, "caption", f"{key}.caption", problems, min_length=low, max_length=high
            )
        elif caption:
            fields.text(found, "caption", f"{key}.caption", problems, min_length=0)
        if name_limit is not None and name_limit is not False:
            limit = None if name_limit is True else name_limit
            fields.text(found, "name", f"{key}.name", problems, max_length=limit)
        if thumb:
            fields.url(found, "thumb_url", f"{key}.thumb_url", problems)
            thumb_url = found.get("thumb_url")
            if isinstance(thumb_url, str) and len(thumb_url) > 1000:
                problems.add(f"{key}.thumb_url", "Must be at most 1000 characters.")
        return {key: found}

    return read


def custom(*, required: bool) -> ContentReader:
    def read(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
        found = fields.obj(document, "custom", "custom", problems, required=required)
        return {"custom": found if found is not None else {}}

    return read
