"""A POST /v1/messages body once read and checked: what the sending rules work from.

`read_message(document)` (in `apis/messages/validation/`) turns the JSON document into a
`MessageRequest` or raises `MessageInvalid`, the 422 problem Vonage answers. Everything the
sender gave is kept: `content` is the message type's own object as sent (for `text` the text
itself under "text"), `options` the channel's options object (`sms`, `whatsapp`, `viber_service`,
`messenger`, `rcs`, `mms`), so the recipient's handset shows everything that was sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Channel = Literal["sms", "mms", "whatsapp", "messenger", "viber_service", "rcs"]
CHANNELS: tuple[Channel, ...] = ("sms", "mms", "whatsapp", "messenger", "viber_service", "rcs")
WebhookVersion = Literal["v0.1", "v1"]
PROBLEM_TYPE_BASE = "https://developer.vonage.com/api-errors/messages#"


@dataclass(frozen=True)
class MessageRequest:
    channel: Channel
    message_type: str  # "text", "image", "template", ... as the spec names it
    to: str  # E.164 digits (sms, mms, whatsapp, viber_service, rcs) or a Messenger PSID
    sender: str  # `from`: a number, an alphanumeric id, a WhatsApp/Viber/RCS/Messenger id
    content: Mapping[str, Any]  # {"text": "..."} or {"image": {"url": ..., "caption": ...}}, ...
    options: Mapping[str, Any] = field(default_factory=dict)  # the channel's options object
    client_ref: str | None = None
    webhook_url: str | None = None
    webhook_version: WebhookVersion | None = None
    ttl: int | None = None  # seconds
    context: Mapping[str, Any] | None = None  # a reply's `context.message_uuid`
    failover: tuple[MessageRequest, ...] = ()  # the next channels, in order
    trusted_recipient: bool | None = None  # SMS, MMS, RCS: bypass Fraud Defender for this one


@dataclass(frozen=True)
class InvalidParameter:
    name: str
    reason: str


class MessageInvalid(Exception):
    """A 422 in Vonage's Messages problem shape (type, title, detail, instance,
    invalid_parameters). `type_slug` picks the documented problem type, e.g.
    "messages-invalid-params" (https://developer.vonage.com/api-errors/messages#1150)."""

    def __init__(
        self,
        code: int,
        title: str,
        detail: str,
        invalid_parameters: tuple[InvalidParameter, ...] = (),
    ) -> None:
        super().__init__(detail)
        self.code = code  # the error table's number (1000-1484): the problem type's anchor
        self.title = title
        self.detail = detail
        self.invalid_parameters = invalid_parameters

    @property
    def type(self) -> str:
        return f"{PROBLEM_TYPE_BASE}{self.code}"

    def problem(self) -> dict[str, Any]:
        """The 422 body but `instance` (the endpoint adds its trace id); `invalid_parameters`
        only when there are some."""
        body: dict[str, Any] = {"type": self.type, "title": self.title, "detail": self.detail}
        if self.invalid_parameters:
            body["invalid_parameters"] = [
                {"name": p.name, "reason": p.reason} for p in self.invalid_parameters
            ]
        return body
