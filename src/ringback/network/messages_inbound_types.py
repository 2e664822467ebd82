"""What a handset sends on a Messages channel, and what the inbound webhook is made of.

The message types each channel delivers inbound are those of messages_local.json 1.11.0
`x-webhooks.inbound-message`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INBOUND_TYPES: dict[str, tuple[str, ...]] = {
    "sms": ("text",),
    "mms": ("text", "image", "vcard", "audio", "video", "file"),
    "rcs": ("text", "image", "video", "audio", "file", "vcard", "location", "reply", "button"),
    "whatsapp": (
        "text",
        "image",
        "video",
        "file",
        "audio",
        "location",
        "contacts",
        "reply",
        "button",
        "order",
        "sticker",
        "reaction",
        "unsupported",
    ),
    "messenger": ("text", "image", "video", "file", "audio", "unsupported"),
    "viber_service": ("text", "image", "video", "file"),
}
# types whose content is a file at a URL (Ringback's, when the handset sends the bytes)
MEDIA_TYPES = frozenset({"image", "video", "audio", "file", "vcard", "sticker"})
# what the content of the other types is: text a string, contacts a list, the rest objects
LIST_TYPES = frozenset({"contacts"})


@dataclass(frozen=True)
class MediaUpload:
    content: bytes
    mime_type: str
    name: str | None


@dataclass(frozen=True)
class InboundRequest:
    """A handset's message on a Messages channel, as the control API read it."""

    channel: str
    message_type: str
    sender: str  # the handset's number (a Messenger user's id on messenger)
    to: str  # the account's number or channel sender
    content: Any  # text: str; contacts: list; unsupported: None; else the type's object
    media: MediaUpload | None = None
    context_uuid: str | None = None  # the message this one replies to
    profile_name: str | None = None  # WhatsApp's display name of the handset's user
    extras: dict[str, Any] = field(default_factory=dict)  # WhatsApp's `whatsapp` object


@dataclass(frozen=True)
class InboundEvent:
    """Everything one inbound webhook says."""

    message_id: str
    channel: str
    message_type: str
    sender: str
    to: str
    at: float
    content: Any
    profile_name: str
    context: dict[str, str] | None  # {message_uuid, message_from}
    context_status: str  # none | available | unavailable
    network_code: str | None
    parts: int = 1
    keyword: str = ""
    price: str = "0"
    extras: dict[str, Any] = field(default_factory=dict)
    self_href: str = ""
