"""RCS rich content: suggestion chips, cards and carousels (the Python SDK's `RcsText`,
`RcsCardMessage`, `RcsCarouselMessage`; the spec sends them as `custom`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringback.apis.messages.validation import addresses, fields
from ringback.apis.messages.validation.fields import Problems

SUGGESTION_TYPES = (
    "reply",
    "dial",
    "view_location",
    "share_location",
    "open_url",
    "open_url_in_webview",
    "create_calendar_event",
)
VIEW_MODES = ("FULL", "TALL", "HALF")
MEDIA_HEIGHTS = ("SHORT", "MEDIUM", "TALL")
MESSAGE_SUGGESTIONS = 11
CARD_SUGGESTIONS = 4
CAROUSEL_CARDS = (2, 10)


def suggestions(container: Mapping[str, Any], name: str, problems: Problems, limit: int) -> None:
    items = fields.array(container, "suggestions", name, problems, min_items=1, max_items=limit)
    for index, item in enumerate(items or ()):
        suggestion(item, f"{name}[{index}]", problems)


def suggestion(item: object, name: str, problems: Problems) -> None:
    if not isinstance(item, dict):
        problems.add(name, fields.AN_OBJECT)
        return
    kind = fields.choice(item, "type", f"{name}.type", problems, SUGGESTION_TYPES, required=True)
    fields.text(item, "text", f"{name}.text", problems, required=True, max_length=25)
    fields.text(
        item, "postback_data", f"{name}.postback_data", problems, required=True, min_length=0
    )
    if kind in ("dial", "view_location", "create_calendar_event"):
        fields.url(item, "fallback_url", f"{name}.fallback_url", problems, required=False)
    if kind == "dial":
        reason = addresses.e164(item.get("phone_number"))
        if reason:
            problems.add(f"{name}.phone_number", reason)
    elif kind == "view_location":
        for key in ("latitude", "longitude", "pin_label"):
            fields.text(item, key, f"{name}.{key}", problems, required=True)
    elif kind in ("open_url", "open_url_in_webview"):
        fields.url(item, "url", f"{name}.url", problems)
        fields.text(
            item, "description", f"{name}.description", problems, required=True, max_length=500
        )
        if kind == "open_url_in_webview":
            fields.choice(item, "view_mode", f"{name}.view_mode", problems, VIEW_MODES)
    elif kind == "create_calendar_event":
        for key in ("start_time", "end_time"):
            fields.text(item, key, f"{name}.{key}", problems, required=True)
        fields.text(item, "title", f"{name}.title", problems, required=True, max_length=100)
        fields.text(
            item, "description", f"{name}.description", problems, required=True, max_length=500
        )


def card(found: Mapping[str, Any], name: str, problems: Problems) -> None:
    fields.text(found, "title", f"{name}.title", problems, required=True, max_length=200)
    fields.text(found, "text", f"{name}.text", problems, required=True, max_length=2000)
    fields.url(found, "media_url", f"{name}.media_url", problems)
    fields.text(found, "media_description", f"{name}.media_description", problems, min_length=0)
    fields.choice(found, "media_height", f"{name}.media_height", problems, MEDIA_HEIGHTS)
    fields.url(found, "thumbnail_url", f"{name}.thumbnail_url", problems, required=False)
    fields.boolean(found, "media_force_refresh", f"{name}.media_force_refresh", problems)
    suggestions(found, f"{name}.suggestions", problems, CARD_SUGGESTIONS)


def text_message(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    value = fields.text(document, "text", "text", problems, required=True, max_length=3072)
    suggestions(document, "suggestions", problems, MESSAGE_SUGGESTIONS)
    return _with_suggestions({"text": value}, document)


def card_message(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    found = fields.obj(document, "card", "card", problems, required=True)
    if found is not None:
        card(found, "card", problems)
        rcs = document.get("rcs")
        vertical = isinstance(rcs, dict) and rcs.get("card_orientation") == "VERTICAL"
        if vertical and found.get("media_height") is None:
            problems.add(
                "card.media_height", "is required when `rcs.card_orientation` is `VERTICAL`."
            )
    return {"card": found}


def carousel_message(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    found = fields.obj(document, "carousel", "carousel", problems, required=True)
    if found is not None:
        low, high = CAROUSEL_CARDS
        cards = fields.array(
            found, "cards", "carousel.cards", problems, required=True, min_items=low, max_items=high
        )
        for index, item in enumerate(cards or ()):
            if isinstance(item, dict):
                card(item, f"carousel.cards[{index}]", problems)
            else:
                problems.add(f"carousel.cards[{index}]", fields.AN_OBJECT)
    suggestions(document, "suggestions", problems, MESSAGE_SUGGESTIONS)
    return _with_suggestions({"carousel": found}, document)


def _with_suggestions(content: dict[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    if document.get("suggestions") is not None:
        content["suggestions"] = document["suggestions"]
    return content
