"""What one attempt of a delivery puts on the wire: method, URL, headers and body.

GET sends the fields as a query string, POST as a form or a JSON body (vonage-behaviours §1.3).
Query and form values are text: booleans `true`/`false`, numbers as written, objects and lists as
compact JSON, and a null field is left out. A signed (`sms-signature`) JSON body carries text
values too, as Vonage's SMS webhooks do, so that a receiver that recomputes `sig` over the
parsed body signs exactly the strings Ringback signed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ringback.state.accounts import Account
from ringback.state.webhook_deliveries import Delivery
from ringback.webhooks import signing

USER_AGENT = "Ringback-Webhooks/1.0"


@dataclass(frozen=True)
class Outgoing:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes


def text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def text_fields(payload: dict[str, Any]) -> dict[str, str]:
    return {str(k): text_of(v) for k, v in payload.items() if v is not None}


def build(delivery: Delivery, account: Account | None, now: float) -> Outgoing:
    """`account` is needed only to sign; `now` is Ringback's clock (the signed timestamp)."""
    headers = {"User-Agent": USER_AGENT}
    sms_signed = delivery.signing == "sms-signature" and account is not None
    textual = delivery.method == "GET" or delivery.content_type == "form" or sms_signed
    fields: dict[str, Any] = text_fields(delivery.payload) if textual else delivery.payload
    if sms_signed:
        assert account is not None
        fields = signing.sign_fields(fields, account, now)
    if delivery.method == "GET":
        url = delivery.url
        if fields:
            separator = "&" if "?" in url else "?"
            url = f"{url}{separator}{urlencode(fields)}"
        body = b""
    else:
        url = delivery.url
        if delivery.content_type == "form":
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
    if delivery.signing == "jwt" and account is not None:
        headers["Authorization"] = signing.jwt_header(body, account, delivery.application_id)
    return Outgoing(delivery.method, url, headers, body)
