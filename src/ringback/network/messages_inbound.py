"""A handset's message to an account on a Messages channel: the inbound-message webhook to
the application's messages `inbound_url`.

Who receives it: on `sms` and `mms`, the account renting the number, through the application
the number is linked to (on `sms` only when that application has the messages capability with
an `inbound_url`; otherwise the SMS API's inbound webhook, network/inbound.py, takes it); on
`whatsapp`, `messenger`, `viber_service` and `rcs`, the account the channel sender is
registered to, through the sender's application. Media the handset sends are kept and served
at `<base>/v3/media/<id>` (apis/messages/media.py). A WhatsApp message opens (refreshes) the
24-hour customer-care window of the business sender with that user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ringback.core.errors import InvalidParameter, InvalidParameters
from ringback.core.prices import PriceListError
from ringback.network import handsets, numbering, whatsapp
from ringback.network.delivery.messaging import summary
from ringback.network.inbound import InboundServices, keyword
from ringback.network.messages_inbound_types import InboundEvent, InboundRequest
from ringback.network.messages_inbound_wire import inbound_body
from ringback.network.sms_encoding import segment_text
from ringback.state import accounts as account_state
from ringback.state import applications as application_state
from ringback.state import inbound_messages as inbound_state
from ringback.state import message_senders as sender_state
from ringback.state import messages as message_state
from ringback.state import numbers as number_state
from ringback.state.inbound_messages import InboundMessage, Media
from ringback.state.store import Tx
from ringback.webhooks import outbox

KIND = "messages-inbound"
NUMBER_CHANNELS = frozenset({"sms", "mms"})
DEFAULT_PROFILE_NAME = "Ringback User"


@dataclass(frozen=True)
class Destination:
    api_key: str
    application_id: str | None
    inbound_url: str | None
    version: str


@dataclass(frozen=True)
class Delivered:
    message_uuid: str
    api_key: str
    application_id: str | None
    webhook_url: str | None
    version: str
    signed: bool
    received_id: int  # the entry on the receiving number's or sender's inbox
    payload: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "message_uuid": self.message_uuid,
            "api_key": self.api_key,
            "application_id": self.application_id,
            "webhook_url": self.webhook_url,
            "webhook_version": self.version,
            "signed": self.signed,
            "payload": self.payload,
        }


def _messages_settings(tx: Tx, api_key: str, app_id: str | None) -> dict[str, Any] | None:
    """The application's messages capability, None when it has none."""
    if app_id is None:
        return None
    app = application_state.get_application(tx, api_key, app_id)
    settings = app.capabilities.get("messages") if app else None
    return settings if isinstance(settings, dict) else None


def _inbound_url(settings: dict[str, Any]) -> str | None:
    hook = (settings.get("webhooks") or {}).get("inbound_url")
    address = hook.get("address") if isinstance(hook, dict) else None
    return address if isinstance(address, str) and address else None


def authenticates_media(tx: Tx, api_key: str, app_id: str | None) -> bool:
    settings = _messages_settings(tx, api_key, app_id)
    return bool(settings and settings.get("authenticate_inbound_media") is True)


def destination(tx: Tx, channel: str, to: str) -> Destination | None:
    """The account and application a handset's message on `channel` to `to` goes to; None
    when no account has `to` on that channel (or, on `sms`, when the SMS API takes it)."""
    if channel in NUMBER_CHANNELS:
        number = number_state.get_number(tx, to)
        if number is None:
            return None
        api_key, app_id = number.api_key, number.app_id
    else:
        sender = sender_state.get(tx, channel, to)
        if sender is None:
            return None
        api_key, app_id = sender.api_key, sender.application_id
    settings = _messages_settings(tx, api_key, app_id)
    url = _inbound_url(settings) if settings is not None else None
    if channel == "sms" and url is None:
        return None  # the SMS API's inbound webhook (network/inbound.py)
    version = str((settings or {}).get("version") or "v1")
    return Destination(api_key, app_id if settings is not None else None, url, version)


def _context(
    tx: Tx, context_uuid: str | None, dest: Destination
) -> tuple[dict[str, str] | None, str]:
    """The replied-to message as the webhook names it, and `context_status`."""
    if context_uuid is None:
        return None, "none"
    original = message_state.get(tx, context_uuid)
    if original is None or original.api_key != dest.api_key:
        return {"message_uuid": context_uuid, "message_from": ""}, "unavailable"
    return {"message_uuid": context_uuid, "message_from": original.sender}, "available"


def _price(services: InboundServices, product: str, region: str | None, parts: int) -> Decimal:
    try:
        return services.billing.prices.price(product, region) * parts
    except PriceListError:
        return Decimal(0)  # Ringback's default list has no inbound price: inbound is free


def _with_media(
    tx: Tx,
    services: InboundServices,
    request: InboundRequest,
    dest: Destination,
    message_id: str,
    base_url: str,
    now: float,
) -> Any:
    """The content, its `url` Ringback's own when the handset sent the file's bytes."""
    if request.media is None:
        return request.content
    media_id = services.ids.uuid()
    inbound_state.add_media(
        tx,
        Media(
            media_id=media_id,
            api_key=dest.api_key,
            application_id=dest.application_id,
            message_id=message_id,
            mime_type=request.media.mime_type,
            name=request.media.name,
            content=request.media.content,
            created_at=now,
        ),
    )
    content = dict(request.content or {})
    content["url"] = f"{base_url}/v3/media/{media_id}"
    if request.media.name and "name" not in content:
        content["name"] = request.media.name
    return content


def deliver(
    tx: Tx, services: InboundServices, request: InboundRequest, dest: Destination, base_url: str
) -> Delivered:
    """The webhook owed for the handset's message, and the message on the receiver's inbox."""
    account = account_state.get_account(tx, dest.api_key)
    if account is None:
        raise InvalidParameters("the receiving account is gone")
    now = services.clock.now()
    message_id = services.ids.uuid()
    content = _with_media(tx, services, request, dest, message_id, base_url, now)
    context, context_status = _context(tx, request.context_uuid, dest)
    info = numbering.lookup(request.sender) if request.channel in NUMBER_CHANNELS else None
    network = info.network.network_code if info and info.network else None
    parts, price, word = 1, Decimal(0), ""
    if request.channel == "sms":
        parts = segment_text(str(content)).count
        word = keyword(str(content))
        number = number_state.get_number(tx, request.to)
        price = _price(services, "sms-inbound", number.country if number else None, parts)
        if price > 0:
            services.billing.charge(tx, dest.api_key, "sms-inbound", price, message_id)
    event = InboundEvent(
        message_id=message_id,
        channel=request.channel,
        message_type=request.message_type,
        sender=request.sender,
        to=request.to,
        at=now,
        content=content,
        profile_name=request.profile_name or DEFAULT_PROFILE_NAME,
        context=context,
        context_status=context_status,
        network_code=network,
        parts=parts,
        keyword=word,
        price=format(price.normalize(), "f"),
        extras=request.extras,
        self_href=f"{base_url}/v1/messages/{message_id}",
    )
    payload = inbound_body(event, dest.version)
    signing = "jwt" if account.signs_webhooks else None
    if dest.inbound_url is not None:
        outbox.enqueue(
            tx,
            now,
            api_key=dest.api_key,
            kind=KIND,
            url=dest.inbound_url,
            payload=payload,
            signing=signing,
            reference=message_id,
            application_id=dest.application_id,
        )
    if request.channel == "whatsapp":
        whatsapp.open_window(tx, request.to, request.sender, now)
    shown = {"message_type": request.message_type, request.message_type: content}
    received = handsets.record(
        tx,
        services.changes,
        msisdn=request.to,
        direction="received",
        channel=request.channel,
        peer=request.sender,
        text=str(content) if request.message_type == "text" else summary(shown),
        now=now,
        parts=parts,
        api_key=dest.api_key,
        reference=message_id,
        content=None if request.channel == "sms" else shown,
    )
    return Delivered(
        message_uuid=message_id,
        api_key=dest.api_key,
        application_id=dest.application_id,
        webhook_url=dest.inbound_url,
        version=dest.version,
        signed=signing is not None,
        received_id=received,
        payload=payload,
    )


def remember(
    tx: Tx, request: InboundRequest, delivered: Delivered, handset_message_id: int, now: float
) -> None:
    """The inbound message, for PATCH /v1/messages (read) to find, with the handset's entry."""
    inbound_state.add(
        tx,
        InboundMessage(
            message_id=delivered.message_uuid,
            api_key=delivered.api_key,
            application_id=delivered.application_id,
            channel=request.channel,
            message_type=request.message_type,
            sender=request.sender,
            to_id=request.to,
            handset_message_id=handset_message_id,
            created_at=now,
        ),
    )


def unknown_receiver(channel: str, to: str) -> InvalidParameters:
    return InvalidParameters(
        "Invalid message",
        invalid_parameters=[
            InvalidParameter("to", f"no account has {to} as a {channel} sender or number")
        ],
    )
