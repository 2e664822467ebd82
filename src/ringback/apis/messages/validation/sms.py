"""SMS: text only (OutboundSMSText), up to 1000 characters; the `sms` options object."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringback.apis.messages.validation import addresses, fields, media
from ringback.apis.messages.validation.fields import Problems
from ringback.apis.messages.validation.rules import ChannelRules

TEXT_LIMIT = 1000  # channelOptionsSms / OutboundSMSText: "limited to 1000 characters"
ENCODINGS = ("text", "unicode", "auto")


def options(document: Mapping[str, Any], message_type: str, problems: Problems) -> dict[str, Any]:
    found = fields.obj(document, "sms", "sms", problems)
    if found is None:
        return {}
    fields.choice(found, "encoding_type", "sms.encoding_type", problems, ENCODINGS)
    for key in ("content_id", "entity_id", "pool_id"):
        fields.text(found, key, f"sms.{key}", problems)
    return found


RULES = ChannelRules(
    channel="sms",
    types={"text": media.text(TEXT_LIMIT)},
    recipient=addresses.e164,
    sender=addresses.sms_sender,
    options=options,
    # no range in the spec; the Python SDK's `Sms.ttl` (ge=20, le=604800)
    ttl=(20, 604800),
)
