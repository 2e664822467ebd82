"""What one channel allows: its message types, addresses, options object and ttl."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ringback.apis.messages.request import Channel
from ringback.apis.messages.validation.addresses import Check
from ringback.apis.messages.validation.fields import Problems

# reads the message type's own fields from the document into `MessageRequest.content`
ContentReader = Callable[[Mapping[str, Any], Problems], dict[str, Any]]
# reads the channel's options object (`sms`, `whatsapp`, ...) for a message type
OptionsReader = Callable[[Mapping[str, Any], str, Problems], dict[str, Any]]


def no_options(
    document: Mapping[str, Any], message_type: str, problems: Problems
) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class ChannelRules:
    channel: Channel
    types: Mapping[str, ContentReader]
    recipient: Check
    sender: Check
    options: OptionsReader = no_options
    ttl: tuple[int, int] | None = None  # the top-level `ttl`'s range, where the channel has one
    replies: bool = False  # takes `context.message_uuid`
