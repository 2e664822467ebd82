"""The SMS API (rest.nexmo.com/sms/{json,xml}) and the Conversion API's SMS path
(api.nexmo.com/conversions/sms)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ringback.apis.endpoint import Api, Ctx, route
from ringback.apis.services import Services
from ringback.apis.sms import schemas, service, wire
from ringback.apis.sms.errors import QUOTA, TEXTS, ConversionErrorStyle, SmsErrorStyle
from ringback.apis.sms.receipts import SmsReceipts
from ringback.apis.sms.service import DELIVER_JOB, Submitted, Unpaid
from ringback.core.money import price_text
from ringback.platform.auth import Credential

# /sms/xml first: the registry gives a path the first API whose prefix matches
SMS_XML = Api("sms", SmsErrorStyle(xml=True), prefixes=("/sms/xml",))
SMS = Api("sms", SmsErrorStyle(), prefixes=("/sms/",))
CONVERSIONS = Api("conversions", ConversionErrorStyle(), prefixes=("/conversions/",))

AUTH = (Credential.SIGNATURE, Credential.PARAMS, Credential.BASIC)
# what the Python SDK signs: every SmsMessage field, the absent ones as "None" (contract §1c)
SDK_SIGNED_FIELDS = (
    "to",
    "from",
    "text",
    "sig",
    "client-ref",
    "type",
    "ttl",
    "status-report-req",
    "callback",
    "message-class",
    "body",
    "udh",
    "protocol-id",
    "account-ref",
    "entity-id",
    "content-id",
    "trusted-number",
)


def _message(part: Submitted | Unpaid) -> dict[str, str]:
    if isinstance(part, Unpaid):
        return _unpaid(part)
    body = {
        "to": part.to,
        "message-id": part.message_id,
        "status": "0",
        "remaining-balance": price_text(part.balance_units),
        "message-price": price_text(part.price_units),
    }
    if part.network:
        body["network"] = part.network
    if part.client_ref is not None:
        body["client-ref"] = part.client_ref
    if part.account_ref is not None:
        body["account-ref"] = part.account_ref
    return body


def _unpaid(part: Unpaid) -> dict[str, str]:
    """A status 9 part as Vonage answers one: no message id, the price it would have cost and
    the balance that could not pay it (a real answer seen in public code)."""
    body = {
        "to": part.to,
        "status": str(QUOTA),
        "error-text": TEXTS[QUOTA],
        "remaining-balance": price_text(part.balance_units),
        "message-price": price_text(part.price_units),
    }
    if part.network:
        body["network"] = part.network
    return body


def _send(ctx: Ctx, xml: bool) -> Response:
    request = schemas.sms_request(ctx.params)
    submitted = service.submit(ctx.tx, ctx.services, ctx.api_key, request)
    return wire.answer([_message(part) for part in submitted], xml=xml)


def send_sms_json(ctx: Ctx) -> Response:
    return _send(ctx, xml=False)


def send_sms_xml(ctx: Ctx) -> Response:
    return _send(ctx, xml=True)


def submit_sms_conversion(ctx: Ctx) -> Response:
    request = schemas.conversion_request(ctx.params)
    service.convert(ctx.tx, ctx.services, ctx.api_key, request)
    return Response(status_code=200)  # conversion.yml: "200 OK", no body


def routes() -> list[Any]:
    sending = {"auth": AUTH, "rate_limit": "sms", "sdk_signed_fields": SDK_SIGNED_FIELDS}
    return [
        # Vonage takes a send as query parameters on GET too
        route(SMS, "/sms/json", ["GET", "POST"], send_sms_json, **sending),
        route(SMS_XML, "/sms/xml", ["GET", "POST"], send_sms_xml, **sending),
        route(CONVERSIONS, "/conversions/sms", ["POST"], submit_sms_conversion, auth=AUTH),
    ]


def register_jobs(services: Services) -> None:
    """Each part lands through the delivery pipeline's SMS channel; the SMS API writes its
    status and receipt (`receipts.py`)."""
    services.delivery.open_line(DELIVER_JOB, "sms", SmsReceipts(services.webhooks))


APIS = [SMS_XML, SMS, CONVERSIONS]
