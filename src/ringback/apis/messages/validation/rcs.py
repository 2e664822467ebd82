"""RCS: text (3072, with suggestions), image, video, file, custom, and the Python SDK's card
and carousel; sent from the agent's id; ttl 300-2592000; the `rcs` options (category, card
orientation and image alignment, carousel card width)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringback.apis.messages.validation import addresses, fields, media, rcs_rich
from ringback.apis.messages.validation.fields import Problems
from ringback.apis.messages.validation.rules import ChannelRules

CATEGORIES = ("acknowledgement", "authentication", "promotion", "service-request", "transaction")
ORIENTATIONS = ("VERTICAL", "HORIZONTAL")
ALIGNMENTS = ("LEFT", "RIGHT")
CARD_WIDTHS = ("SMALL", "MEDIUM")


def options(document: Mapping[str, Any], message_type: str, problems: Problems) -> dict[str, Any]:
    carousel = message_type == "carousel"
    found = fields.obj(document, "rcs", "rcs", problems)
    if found is None:
        if carousel:
            problems.add("rcs.card_width", fields.REQUIRED)
        return {}
    fields.choice(found, "category", "rcs.category", problems, CATEGORIES)
    if message_type == "card":
        orientation = fields.choice(
            found, "card_orientation", "rcs.card_orientation", problems, ORIENTATIONS
        )
        fields.choice(
            found,
            "image_alignment",
            "rcs.image_alignment",
            problems,
            ALIGNMENTS,
            required=orientation == "HORIZONTAL",
        )
    if carousel:
        fields.choice(found, "card_width", "rcs.card_width", problems, CARD_WIDTHS, required=True)
    return found


RULES = ChannelRules(
    channel="rcs",
    types={
        "text": rcs_rich.text_message,
        "image": media.media("image"),
        "video": media.media("video"),
        "file": media.media("file"),
        "custom": media.custom(required=False),
        "card": rcs_rich.card_message,
        "carousel": rcs_rich.carousel_message,
    },
    recipient=addresses.e164,
    sender=addresses.rcs_agent,
    options=options,
    ttl=(300, 2592000),  # channelOptionsRcs; the Python SDK's BaseRcs says 20-259200
)
