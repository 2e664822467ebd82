"""Sending one message (POST /v1/messages), in the request's transaction: who may send on the
channel, from which sender, to what; the price; the message row, its `submitted` status and
its delivery on the channel's line. A message the network refuses at once (an invalid number,
a barred handset, WhatsApp free text outside the 24-hour window) is accepted (202, as Vonage)
and gets a `rejected` status, uncharged."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from ringback.apis.messages.errors import Unprovisioned, invalid_sender
from ringback.apis.messages.request import MessageRequest
from ringback.apis.messages.statuses import MessagesStatusWriter
from ringback.core.clock import Clock
from ringback.core.errors import Unauthorized
from ringback.core.ids import Ids
from ringback.core.money import to_units
from ringback.core.prices import PriceListError
from ringback.network import numbering, whatsapp
from ringback.network.behaviours import Behaviour, behaviour_for
from ringback.network.delivery.channels import Content
from ringback.network.delivery.pipeline import DeliveryPipeline
from ringback.network.numbering import NumberInfo
from ringback.network.senders import alphanumeric_allowed
from ringback.platform.auth import Credential, Principal
from ringback.platform.billing import Billing
from ringback.state import message_senders as sender_state
from ringback.state import messages as message_state
from ringback.state import numbers as number_state
from ringback.state.application_capabilities import capabilities_of
from ringback.state.messages import SUBMITTED, Message
from ringback.state.store import Tx

BASIC_CHANNELS = frozenset({"sms", "mms"})  # reference 000: Basic works for SMS and MMS only
REGISTERED_CHANNELS = frozenset({"whatsapp", "viber_service", "messenger", "rcs"})
PHONE_CHANNELS = frozenset({"sms", "mms", "whatsapp", "viber_service", "rcs"})
# an SMS API submission status a handset's profile gives → the Messages error it means
SUBMIT_REJECTIONS = {6: 1040, 7: 1050, 29: 1160, 33: 1330}
INVALID_NUMBER = 1170
OUTSIDE_WINDOW = 1340
ALPHANUMERIC = re.compile(r"[A-Za-z0-9 ]{1,11}")
Settings = Mapping[str, Any]  # an application's `messages` capability (read-only)


def line_kind(channel: str) -> str:
    """The delivery line (job kind) of a channel: `messages.sms.deliver`, ..."""
    return f"messages.{channel}.deliver"


class MessagesServices(Protocol):
    @property
    def billing(self) -> Billing: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def ids(self) -> Ids: ...
    @property
    def delivery(self) -> DeliveryPipeline: ...


@dataclass(frozen=True)
class Route:
    """Where a message goes from and reports to."""

    application_id: str | None  # the JWT's, or the one the SMS/MMS number is linked to
    info: NumberInfo | None


def check_application(tx: Tx, principal: Principal) -> Settings | None:
    """A JWT's application must have the messages capability (before the body is read): its
    messages settings (read-only), None with another credential."""
    if principal.credential is not Credential.JWT or principal.application_id is None:
        return None
    capabilities = capabilities_of(tx, principal.api_key, principal.application_id)
    if capabilities is None or "messages" not in capabilities:
        raise Unprovisioned()
    settings = capabilities["messages"]
    return settings if isinstance(settings, dict) else {}


def check_credential(principal: Principal, request: MessageRequest) -> None:
    if principal.credential is not Credential.JWT and request.channel not in BASIC_CHANNELS:
        raise Unauthorized("You did not provide correct credentials.")


def _own_number(tx: Tx, api_key: str, sender: str) -> number_state.OwnedNumber | None:
    msisdn = numbering.normalise(sender)
    owned = number_state.get_number(tx, msisdn) if msisdn else None
    return owned if owned is not None and owned.api_key == api_key else None


def check_sender(tx: Tx, principal: Principal, request: MessageRequest) -> Route:
    """The sender as Vonage provisions it, else the spec's ErrorSender (422)."""
    channel = request.channel
    info = numbering.lookup(request.to) if channel in PHONE_CHANNELS else None
    if channel in REGISTERED_CHANNELS:
        registered = sender_state.get(tx, channel, request.sender)
        if (
            registered is None
            or registered.api_key != principal.api_key
            or registered.application_id != principal.application_id
        ):
            raise invalid_sender()
        return Route(principal.application_id, info)
    owned = _own_number(tx, principal.api_key, request.sender)
    if channel == "mms":
        if owned is None or owned.country != "US":
            raise invalid_sender()
    elif owned is None:
        alphanumeric = ALPHANUMERIC.fullmatch(request.sender) and not request.sender.isdigit()
        region = info.region if info else None
        if not alphanumeric or not alphanumeric_allowed(region):
            raise invalid_sender()
    app_id = principal.application_id or (owned.app_id if owned else None)
    return Route(app_id, info)


def _messages_settings(tx: Tx, api_key: str, app_id: str | None) -> Settings:
    capabilities = capabilities_of(tx, api_key, app_id) if app_id is not None else None
    settings = capabilities.get("messages") if capabilities else None
    return settings if isinstance(settings, dict) else {}


def _status_url(settings: Settings) -> str | None:
    hook = (settings.get("webhooks") or {}).get("status_url")
    address = hook.get("address") if isinstance(hook, dict) else None
    return address if isinstance(address, str) and address else None


def _price(
    services: MessagesServices, product: str, region: str | None, network: str | None
) -> Decimal:
    try:
        return services.billing.prices.price(product, region, network)
    except PriceListError:
        return Decimal(0)  # a price list without the product makes it free


def _rejection(
    tx: Tx, request: MessageRequest, behaviour: Behaviour, info: NumberInfo | None, now: float
) -> int | None:
    """The error code of a message the network refuses at once, or None."""
    if request.channel in PHONE_CHANNELS:
        valid = behaviour.valid if behaviour.valid is not None else bool(info and info.valid)
        if not valid:
            return INVALID_NUMBER
        if behaviour.submit_status:
            return SUBMIT_REJECTIONS.get(behaviour.submit_status, 1330)
    if request.channel == "whatsapp" and not whatsapp.may_send(
        tx, request.sender, request.to, request.message_type, now
    ):
        return OUTSIDE_WINDOW
    return None


def send(
    tx: Tx,
    services: MessagesServices,
    writer: MessagesStatusWriter,
    principal: Principal,
    request: MessageRequest,
    workflow: str | None = None,
    settings: Settings | None = None,
) -> Message:
    """The accepted message (its `status` is `rejected` when the network refused it at once).
    `settings`: the JWT's application's messages settings, when already read."""
    check_credential(principal, request)
    route = check_sender(tx, principal, request)
    return dispatch(tx, services, writer, principal, request, route, workflow, settings=settings)


def dispatch(
    tx: Tx,
    services: MessagesServices,
    writer: MessagesStatusWriter,
    principal: Principal,
    request: MessageRequest,
    route: Route,
    workflow: str | None = None,
    refused: int | None = None,
    settings: Settings | None = None,
) -> Message:
    """A message whose credential and sender were checked: charged, stored, its `submitted`
    status and its delivery; or, refused (`refused`, or by the network at once), `rejected`
    and uncharged."""
    if settings is None or route.application_id != principal.application_id:
        settings = _messages_settings(tx, principal.api_key, route.application_id)
    channel = request.channel
    kind = line_kind(channel)
    behaviour = behaviour_for(tx, request.to, channel)
    now = services.clock.now()
    info = route.info
    network = behaviour.ported_network or (
        info.network.network_code if info and info.network else None
    )
    region = info.region if info else None
    if channel == "sms":
        encoding_type = str(request.options.get("encoding_type") or "auto")
        text = str(request.content.get("text", ""))
        cut = services.delivery.channel(kind).cut(Content(text=text, kind=encoding_type))
        body, encoding, count = text, cut.encoding, len(cut.units)
        product = "sms"
    else:
        content = {"message_type": request.message_type, **request.content}
        for name, value in (("context", request.context), (channel, request.options or None)):
            if value:
                content[name] = value
        body, encoding, count = json.dumps(content, separators=(",", ":")), "json", 1
        product = f"messages-{channel}"
    message_id = services.ids.uuid()
    rejected = refused or _rejection(tx, request, behaviour, info, now)
    price = Decimal(0) if rejected else _price(services, product, region, network) * count
    if rejected is None:
        services.billing.charge(tx, principal.api_key, f"messages-{channel}", price, message_id)
    message = Message(
        message_id=message_id,
        api_key=principal.api_key,
        application_id=route.application_id,
        channel=channel,
        message_type=request.message_type,
        to_msisdn=request.to,
        sender=request.sender,
        encoding=encoding,
        body=body,
        client_ref=request.client_ref,
        webhook_url=request.webhook_url or _status_url(settings),
        webhook_version=request.webhook_version or str(settings.get("version") or "v1"),
        ttl=request.ttl,
        price_units=to_units(price),
        count_total=count,
        network_code=network,
        status="rejected" if rejected else SUBMITTED,
        error_code=rejected,
        submitted_at=now,
        final_at=now if rejected else None,
        read_at=None,
        workflow=workflow,
    )
    message_state.add(tx, message)
    if rejected is not None:
        writer.send_status(tx, message, "rejected", rejected, now)
        return message
    writer.send_status(tx, message, SUBMITTED, None, now)
    services.delivery.submit(
        tx,
        kind,
        [message_id],
        behaviour=behaviour,
        now=now,
        validity_ms=request.ttl * 1000 if request.ttl is not None else None,
        api_key=principal.api_key,
        units=[message],
    )
    return message
