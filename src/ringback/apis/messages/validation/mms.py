"""MMS: text, image, vcard, audio, video, file and content (OutboundMMS*); ttl 300-259200."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringback.apis.messages.validation import addresses, fields, media
from ringback.apis.messages.validation.fields import Problems
from ringback.apis.messages.validation.rules import ChannelRules

CAPTION = (1, 3000)
CONTENT_TYPES = ("image", "audio", "video", "vcard", "file")


def content(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    items = fields.array(document, "content", "content", problems, required=True, min_items=1)
    for index, item in enumerate(items or ()):
        name = f"content[{index}]"
        if not isinstance(item, dict):
            problems.add(name, fields.AN_OBJECT)
            continue
        fields.choice(item, "type", f"{name}.type", problems, CONTENT_TYPES, required=True)
        fields.url(item, "url", f"{name}.url", problems)
        low, high = CAPTION
        fields.text(item, "caption", f"{name}.caption", problems, min_length=low, max_length=high)
    return {"content": items}


RULES = ChannelRules(
    channel="mms",
    types={
        # the spec gives MMS text no limit
        "text": media.text(None),
        "image": media.media("image", caption=CAPTION),
        "vcard": media.media("vcard", caption=CAPTION),
        "audio": media.media("audio", caption=CAPTION),
        "video": media.media("video", caption=CAPTION),
        "file": media.media("file", caption=CAPTION),
        "content": content,
    },
    recipient=addresses.e164,
    sender=addresses.number_sender,
    ttl=(300, 259200),
)
