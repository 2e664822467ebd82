"""Viber Business Messages: text (1000), image, video, file; the `viber_service` options:
category, ttl (30-259200), type, an action button (text and image), and for video its
duration and file size."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringback.apis.messages.validation import addresses, fields, media
from ringback.apis.messages.validation.fields import Problems
from ringback.apis.messages.validation.rules import ChannelRules

TEXT_LIMIT = 1000
CATEGORIES = ("transaction", "promotion")
TYPES = ("string", "template")  # the Python SDK's ViberOptions.type; the spec says any string
TTL = (30, 259200)
ACTION_TEXT_LIMIT = 30


def options(document: Mapping[str, Any], message_type: str, problems: Problems) -> dict[str, Any]:
    video = message_type == "video"
    found = fields.obj(document, "viber_service", "viber_service", problems, required=video)
    if found is None:
        return {}
    fields.choice(found, "category", "viber_service.category", problems, CATEGORIES)
    low, high = TTL
    fields.integer(found, "ttl", "viber_service.ttl", problems, low, high)
    fields.choice(found, "type", "viber_service.type", problems, TYPES)
    if video:
        fields.number_text(
            found, "duration", "viber_service.duration", problems, 1, 600, required=True
        )
        fields.number_text(
            found, "file_size", "viber_service.file_size", problems, 1, 200, required=True
        )
    if message_type in ("text", "image"):
        action = fields.obj(found, "action", "viber_service.action", problems)
        if action is not None:
            fields.url(action, "url", "viber_service.action.url", problems)
            fields.text(
                action,
                "text",
                "viber_service.action.text",
                problems,
                required=True,
                max_length=ACTION_TEXT_LIMIT,
            )
    return found


RULES = ChannelRules(
    channel="viber_service",
    types={
        "text": media.text(TEXT_LIMIT),
        "image": media.media("image", caption=True),
        "video": media.media("video", caption=(0, 1000), thumb=True),
        "file": media.media("file", name_limit=25),
    },
    recipient=addresses.e164,
    sender=addresses.page_id,
    options=options,
)
