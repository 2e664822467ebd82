"""Sending with GET (query parameters, as Vonage accepts), key and secret or signed, on
/sms/json and /sms/xml; and the wire of a partly failed send (status 0 parts next to status 9
parts) in JSON and XML."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from ringback.core.signatures import sign
from ringback.testing.asgi import InProcessRingback

MAGIC = "447700900900"
MESSAGE = {"from": "Acme", "to": MAGIC, "text": "hello"}


def get(ringback: InProcessRingback, path: str, params: dict[str, Any]) -> httpx.Response:
    response = ringback.http.get(path, params=params)
    assert response.status_code == 200, response.text
    return response


def test_get_with_key_and_secret(ringback: InProcessRingback) -> None:
    api_key, api_secret = ringback.new_account()
    creds = {"api_key": api_key, "api_secret": api_secret}
    answer = get(ringback, "/sms/json", {**creds, **MESSAGE, "client-ref": "get-1"}).json()
    assert answer["message-count"] == "1"
    (part,) = answer["messages"]
    assert (part["status"], part["to"], part["client-ref"]) == ("0", MAGIC, "get-1")
    assert part["message-price"] == "0.04590000"
    xml = get(ringback, "/sms/xml", {**creds, **MESSAGE, "text": "x" * 161})
    assert xml.headers["content-type"].startswith("text/xml")
    assert '<messages count="2"><message><to>447700900900</to><messageId>' in xml.text
    assert xml.text.count("<status>0</status>") == 2
    refused = get(ringback, "/sms/json", {**creds, "api_secret": "Wrong123", **MESSAGE}).json()
    assert refused["messages"] == [{"status": "4", "error-text": "Bad Credentials"}]
    missing = get(ringback, "/sms/xml", {**creds, "from": "Acme", "text": "x"})
    assert "<status>2</status><error-text>Missing to param</error-text>" in missing.text


@pytest.mark.parametrize("method", ["md5hash", "sha256"])
def test_get_signed(ringback: InProcessRingback, method: str) -> None:
    api_key, _ = ringback.new_account()
    secret = "Signature123"
    settings = {"signature_secret": secret, "signature_method": method}
    ringback.control("PATCH", f"/accounts/{api_key}", json=settings).raise_for_status()
    params = {"api_key": api_key, **MESSAGE, "text": "a&b=c", "timestamp": str(int(time.time()))}
    signed = {**params, "sig": sign(params, secret, method)}
    assert get(ringback, "/sms/json", signed).json()["messages"][0]["status"] == "0"
    tampered = {**signed, "text": "changed"}
    (refused,) = get(ringback, "/sms/json", tampered).json()["messages"]
    assert (refused["status"], refused["error-text"]) == ("14", "Invalid Signature")


def test_partial_failure_on_the_wire(ringback: InProcessRingback) -> None:
    api_key, api_secret = ringback.new_account(balance="0.05")  # one part of 0.0459
    creds = {"api_key": api_key, "api_secret": api_secret}
    response = ringback.http.post("/sms/json", data={**creds, **MESSAGE, "text": "y" * 200})
    answer = response.json()
    assert answer["message-count"] == "2"
    sent, unpaid = answer["messages"]
    assert sent["status"] == "0" and sent["remaining-balance"] == "0.00410000"
    assert "message-id" not in unpaid
    assert (unpaid["status"], unpaid["error-text"]) == ("9", "Quota Exceeded - rejected")
    # the XML answer: the same two entries, each with its own status
    api_key, api_secret = ringback.new_account(balance="0.05")
    creds = {"api_key": api_key, "api_secret": api_secret}
    xml = get(ringback, "/sms/xml", {**creds, **MESSAGE, "text": "y" * 200}).text
    assert '<messages count="2">' in xml
    first, second = xml.split("</message>")[:2]
    assert "<messageId>" in first and "<status>0</status>" in first
    assert "<messageId>" not in second
    assert "<status>9</status><error-text>Quota Exceeded - rejected</error-text>" in second
    assert "<remainingBalance>0.00410000</remainingBalance>" in second
