"""Facebook Messenger: text (640), image, audio, video, file; ids for `to` and `from`;
the `messenger` options (category, and a tag when the category is `message_tag`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringback.apis.messages.validation import addresses, fields, media
from ringback.apis.messages.validation.fields import Problems
from ringback.apis.messages.validation.rules import ChannelRules

TEXT_LIMIT = 640
CATEGORIES = ("response", "update", "message_tag")


def options(document: Mapping[str, Any], message_type: str, problems: Problems) -> dict[str, Any]:
    found = fields.obj(document, "messenger", "messenger", problems)
    if found is None:
        return {}
    category = fields.choice(found, "category", "messenger.category", problems, CATEGORIES)
    fields.text(found, "tag", "messenger.tag", problems, required=category == "message_tag")
    return found


RULES = ChannelRules(
    channel="messenger",
    types={
        "text": media.text(TEXT_LIMIT),
        "image": media.media("image"),
        "audio": media.media("audio"),
        "video": media.media("video"),
        "file": media.media("file"),
    },
    recipient=addresses.page_id,
    sender=addresses.page_id,
    options=options,
)
