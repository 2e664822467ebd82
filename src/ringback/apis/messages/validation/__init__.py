"""Reading a POST /v1/messages body into a `MessageRequest` (`request.py`).

A minimal reader: `text` on every channel and `image` where the channel carries images, with
the common fields (`client_ref`, `webhook_url`, `webhook_version`, `ttl`, the channel's options
object). The full reading of every channel and message type replaces it (same name and
signature); what it refuses is Vonage's 422 (`MessageInvalid`).
"""

from __future__ import annotations

import re
from typing import Any, cast

from ringback.apis.messages.request import (
    CHANNELS,
    Channel,
    InvalidParameter,
    MessageInvalid,
    MessageRequest,
    WebhookVersion,
)
from ringback.core.web_urls import BadUrl, check_web_url

TEXT_LIMITS = {
    "sms": 1000,
    "mms": 1000,
    "whatsapp": 4096,
    "messenger": 640,
    "viber_service": 1000,
    "rcs": 3072,
}
IMAGE_CHANNELS = frozenset({"mms", "whatsapp", "messenger", "viber_service", "rcs"})
E164 = re.compile(r"[1-9]\d{6,14}")


def _invalid(name: str, reason: str, code: int = 1150) -> MessageInvalid:
    return MessageInvalid(
        code,
        "Invalid params",
        "The value of one or more parameters is invalid.",
        (InvalidParameter(name, reason),),
    )


def _text(document: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = document.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise _invalid(name, f"`{name}` must be a non-empty string")
    return value


def _url(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise _invalid(name, f"`{name}` must be a URL")
    try:
        check_web_url(value)
    except BadUrl as bad:
        raise _invalid(name, f"`{name}` {bad}") from None
    return value


def _content(channel: str, message_type: str, document: dict[str, Any]) -> dict[str, Any]:
    if message_type == "text":
        text = _text(document, "text")
        assert text is not None
        if len(text) > TEXT_LIMITS[channel]:
            raise _invalid("text", f"`text` must be at most {TEXT_LIMITS[channel]} characters")
        return {"text": text}
    if message_type == "image" and channel in IMAGE_CHANNELS:
        image = document.get("image")
        if not isinstance(image, dict):
            raise _invalid("image", "`image` must be an object with a `url`")
        found: dict[str, Any] = {"url": _url(image.get("url"), "image.url")}
        if image.get("caption") is not None:
            if not isinstance(image["caption"], str):
                raise _invalid("image.caption", "`image.caption` must be a string")
            found["caption"] = image["caption"]
        return {"image": found}
    raise MessageInvalid(
        1440,
        "Invalid message type",
        f"The message type `{message_type}` is not supported for the channel `{channel}`.",
    )


def read_message(document: object) -> MessageRequest:
    if not isinstance(document, dict):
        raise MessageInvalid(1020, "Invalid params", "The request body must be a JSON object.")
    channel = document.get("channel")
    if channel not in CHANNELS:
        raise MessageInvalid(1400, "Unsupported channel", "The specified channel is not supported.")
    message_type = _text(document, "message_type")
    assert message_type is not None
    to = _text(document, "to")
    sender = _text(document, "from")
    assert to is not None and sender is not None
    if channel != "messenger" and not E164.fullmatch(to):
        raise MessageInvalid(
            1430, "Invalid recipient", "The `to` parameter is invalid for the given channel."
        )
    content = _content(channel, message_type, document)
    client_ref = _text(document, "client_ref", required=False)
    if client_ref is not None and len(client_ref) > 100:
        raise MessageInvalid(
            1450,
            "Invalid client reference",
            "The client reference can be a string of up to 100 characters.",
        )
    webhook_url = document.get("webhook_url")
    if webhook_url is not None:
        webhook_url = _url(webhook_url, "webhook_url")
    version = document.get("webhook_version")
    if version is not None and version not in ("v0.1", "v1"):
        raise _invalid("webhook_version", "`webhook_version` must be v0.1 or v1")
    ttl = document.get("ttl")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 1):
        raise _invalid("ttl", "`ttl` must be a positive whole number of seconds")
    options = document.get(channel)
    if options is not None and not isinstance(options, dict):
        raise _invalid(channel, f"`{channel}` must be an object")
    return MessageRequest(
        channel=cast(Channel, channel),
        message_type=message_type,
        to=to,
        sender=sender,
        content=content,
        options=options or {},
        client_ref=client_ref,
        webhook_url=webhook_url,
        webhook_version=cast(WebhookVersion | None, version),
        ttl=ttl,
        context=document.get("context") if isinstance(document.get("context"), dict) else None,
    )
