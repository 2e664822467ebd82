"""Hostile input on the SMS API: always HTTP 200 with Vonage's status and error text in the
body (JSON, or XML on /sms/xml), never a 4xx for bad content and never a 500."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ringback.core.signatures import sign
from ringback.testing.asgi import InProcessRingback

MAGIC = "447700900900"
GOOD = {"from": "Acme", "to": MAGIC, "text": "hello"}


class Sms:
    def __init__(self, ringback: InProcessRingback) -> None:
        self.ringback = ringback
        self.api_key, self.api_secret = ringback.new_account(balance="1000")
        self.creds = {"api_key": self.api_key, "api_secret": self.api_secret}

    def post(self, fields: Any = None, path: str = "/sms/json", **kwargs: Any) -> httpx.Response:
        if fields is not None:
            kwargs["data"] = fields
        return self.ringback.http.post(path, **kwargs)

    def status(self, fields: dict[str, Any], **kwargs: Any) -> tuple[str, str]:
        """(status, error-text) of a form send with this account's key and secret."""
        return first(self.post({**self.creds, **fields}, **kwargs))


def first(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["message-count"] == str(len(body["messages"]))
    message = body["messages"][0]
    return message["status"], message.get("error-text", "")


@pytest.fixture(scope="module")
def sms(ringback: InProcessRingback) -> Sms:
    return Sms(ringback)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"to": MAGIC, "text": "x"}, ("2", "Missing from param")),
        ({"from": "  ", "to": MAGIC, "text": "x"}, ("2", "Missing from param")),
        ({"from": "Acme", "text": "x"}, ("2", "Missing to param")),
        ({"from": "Acme", "to": MAGIC}, ("2", "Missing text param")),
        ({"from": "Acme", "to": MAGIC, "text": ""}, ("2", "Missing text param")),
        ({**GOOD, "type": "binary"}, ("2", "Missing body param")),
        ({**GOOD, "type": "wappush"}, ("2", "Missing url param")),
        ({**GOOD, "type": "vcard", "text": ""}, ("2", "Missing vcard param")),
        ({**GOOD, "type": "flash"}, ("3", "Invalid type param")),
        ({**GOOD, "to": "4477009abc"}, ("3", "to address is not numeric")),
        ({**GOOD, "to": "447700900900,447700900901"}, ("3", "to address is not numeric")),
        ({**GOOD, "to": "12345"}, ("3", "Invalid to address")),
        ({**GOOD, "to": "1234567890123456"}, ("3", "Invalid to address")),
        ({**GOOD, "to": "441000123456"}, ("6", "Unroutable message - rejected")),  # no UK 0100
        ({**GOOD, "to": "447700900903"}, ("7", "Number barred.")),
        ({**GOOD, "ttl": "19999"}, ("16", "value for ttl field out of range")),
        ({**GOOD, "ttl": "604800001"}, ("16", "value for ttl field out of range")),
        ({**GOOD, "ttl": "soon"}, ("16", "value for ttl field out of range")),
        ({**GOOD, "ttl": "-30000"}, ("16", "value for ttl field out of range")),
        ({**GOOD, "status-report-req": "maybe"}, ("3", "Invalid status-report-req param")),
        ({**GOOD, "message-class": "4"}, ("20", "Invalid Message class")),
        ({**GOOD, "protocol-id": "256"}, ("3", "Invalid protocol-id param")),
        ({**GOOD, "client-ref": "r" * 101}, ("3", "Invalid client-ref param")),
        ({**GOOD, "trusted-number": "yes"}, ("3", "Invalid trusted-number param")),
        ({**GOOD, "callback": "ftp://example.com/dlr"}, ("23", "Bad callback :: Missing Protocol")),
        ({**GOOD, "callback": "example.com/dlr"}, ("23", "Bad callback :: Missing Protocol")),
        ({**GOOD, "callback": "https://"}, ("23", "Invalid Callback Url")),
        (
            {**GOOD, "callback": "https://example.com/" + "d" * 81},
            ("23", "Invalid Callback Url"),
        ),
        ({**GOOD, "text": "x" * 3201}, ("12", "Message too long")),
        ({**GOOD, "from": "ThisIsTooLong"}, ("15", "Illegal Sender Address - rejected")),
        ({**GOOD, "from": "1234567890123456"}, ("15", "Illegal Sender Address - rejected")),
        ({**GOOD, "from": "Ácme"}, ("15", "Illegal Sender Address - rejected")),
        ({**GOOD, "type": "binary", "body": "zz"}, ("3", "Invalid body param")),
        ({**GOOD, "type": "binary", "body": "00", "udh": "0g"}, ("3", "Invalid udh param")),
        (
            {**GOOD, "type": "binary", "body": "00" * 134, "udh": "00" * 7},
            ("12", "Message too long"),
        ),
    ],
)
def test_bad_fields(sms: Sms, fields: dict[str, Any], expected: tuple[str, str]) -> None:
    assert sms.status(fields) == expected


@pytest.mark.parametrize(
    "fields",
    [
        {**GOOD, "callback": "https://example.com/" + "d" * 80},  # exactly 100 characters
        {**GOOD, "from": "My Company1"},  # spaces are ignored: 10 characters
        {**GOOD, "from": "+447700900555"},
        {**GOOD, "to": "+44 (0) 7700-900900".replace("(0) ", "")},
        {**GOOD, "to": "00447700900900"},
        {**GOOD, "ttl": "20000", "message-class": "0", "protocol-id": "127"},
        {**GOOD, "status-report-req": "False", "trusted-number": "True"},
        {**GOOD, "type": "binary", "body": "00" * 133, "udh": "00" * 7},  # 140 octets
        {**GOOD, "type": "wappush", "url": "https://example.com", "title": "Look"},
        {**GOOD, "type": "vcard", "vcard": "BEGIN:VCARD\nFN:Ann\nEND:VCARD"},
        {**GOOD, "account-ref": "customer-1", "entity-id": "1101", "content-id": "1107"},
    ],
)
def test_good_fields(sms: Sms, fields: dict[str, Any]) -> None:
    assert sms.status(fields) == ("0", "")


def test_json_bodies_whatever_the_content_type(sms: Sms) -> None:
    body = json.dumps({**sms.creds, **GOOD, "to": int(MAGIC), "status-report-req": False})
    for content_type in ("application/json", "text/plain", "application/x-www-form-urlencoded"):
        response = sms.post(content=body, headers={"content-type": content_type})
        assert first(response) == ("0", "")
    for value, name in (({"a": 1}, "to"), (["x"], "text"), ([1], "callback"), ({}, "from")):
        fields = {**sms.creds, **GOOD, name: value}
        assert first(sms.post(json=fields)) == ("3", f"Invalid {name} param")
    ttl = ("16", "value for ttl field out of range")
    assert first(sms.post(json={**sms.creds, **GOOD, "ttl": {"k": 1}})) == ttl
    assert first(sms.post(json={**sms.creds, **GOOD, "ttl": 30000.5}))[0] == "16"
    start = b'{"api_key": "%s", "api_secret": "%s", "from": "Acme", "to": "447700900900", ' % (
        sms.api_key.encode(),
        sms.api_secret.encode(),
    )
    assert first(sms.post(content=start + b'"text": "a\\ud800b"}')) == ("3", "Invalid text param")
    assert first(sms.post(content=start + b'"text": "x", "ttl": Infinity}')) == ttl
    assert first(sms.post(content=start + b'"text": "x", "ttl": NaN}')) == ttl
    assert first(sms.post(content=b'{"api_key": ')) == ("3", "The request body is not valid JSON")
    assert first(sms.post(content=b"to=\xff\xfe", headers={"content-type": "text/plain"}))[0] == "3"
    xml = b"<sms><to>447700900900</to></sms>"
    assert first(sms.post(content=xml, auth=(sms.api_key, sms.api_secret)))[0] == "2"
    assert first(sms.post(content=b"x" * (2 * 1024 * 1024 + 1))) == ("12", "Message too long")


def test_wrong_credentials_in_every_way(sms: Sms, ringback: InProcessRingback) -> None:
    key, secret = sms.api_key, sms.api_secret
    assert first(sms.post(GOOD)) == ("2", "Missing api_key param")
    assert first(sms.post({**GOOD, "api_key": key})) == ("2", "Missing api_secret param")
    bad = ("4", "Bad Credentials")
    assert first(sms.post({**GOOD, "api_key": key, "api_secret": "Wrong123"})) == bad
    assert first(sms.post({**GOOD, "api_key": "ffffffff", "api_secret": secret})) == bad
    assert first(sms.post(GOOD, auth=(key, "Wrong123"))) == bad
    assert first(sms.post(GOOD, headers={"authorization": "Basic !!!"})) == bad
    token = base64.b64encode(key.encode()).decode()  # no colon
    assert first(sms.post(GOOD, headers={"authorization": f"Basic {token}"})) == bad
    assert first(sms.post(GOOD, headers={"authorization": "Bearer abc.def.ghi"})) == bad
    assert first(sms.post(json={**GOOD, "api_key": [key], "api_secret": secret})) == bad
    assert first(sms.post(GOOD, auth=(key, secret))) == ("0", "")


def signed(fields: dict[str, Any], secret: str, method: str, **extra: Any) -> dict[str, Any]:
    params = {**fields, "timestamp": str(int(time.time())), **extra}
    return {**params, "sig": sign(params, secret, method)}


@pytest.mark.parametrize("method", ["md5hash", "md5", "sha1", "sha256", "sha512"])
def test_signatures(sms: Sms, ringback: InProcessRingback, method: str) -> None:
    key = ringback.new_account()[0]
    secret = "Signature123"
    settings = {"signature_secret": secret, "signature_method": method}
    ringback.control("PATCH", f"/accounts/{key}", json=settings).raise_for_status()
    fields = {**GOOD, "api_key": key, "text": "a&b=c"}
    assert first(sms.post(signed(fields, secret, method))) == ("0", "")
    upper = signed(fields, secret, method)
    assert first(sms.post({**upper, "sig": upper["sig"].upper()})) == ("0", "")
    invalid = ("14", "Invalid Signature")
    assert first(sms.post(signed(fields, "OtherSecret1", method))) == invalid
    tampered = {**signed(fields, secret, method), "text": "changed"}
    assert first(sms.post(tampered)) == invalid
    old = signed(fields, secret, method, timestamp=str(int(time.time()) - 400))
    assert first(sms.post(old)) == invalid
    no_time = signed(fields, secret, method)
    del no_time["timestamp"]
    assert first(sms.post(no_time)) == invalid
    assert first(sms.post(json={**signed(fields, secret, method), "sig": {"x": 1}})) == invalid
    with_secret = {**signed(fields, secret, method), "api_secret": "whatever"}
    assert first(sms.post(with_secret)) == ("32", "Signature And API Secret Disallowed")
    unknown = signed({**fields, "api_key": "ffffffff"}, secret, method)
    assert first(sms.post(unknown)) == ("4", "Bad Credentials")


def test_xml_path(sms: Sms) -> None:
    response = sms.post({**sms.creds, "from": "Acme", "text": "x"}, path="/sms/xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text == (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><mt-submission-response>'
        "<messages><message><status>2</status><error-text>Missing to param</error-text>"
        "</message></messages></mt-submission-response>"
    )
    response = sms.post({**sms.creds, **GOOD, "client-ref": "<&>"}, path="/sms/xml")
    assert '<messages count="1"><message><to>447700900900</to><messageId>' in response.text
    assert "<status>0</status><remainingBalance>" in response.text
    assert "<messagePrice>0.04590000</messagePrice>" in response.text
    assert "<client-ref>&lt;&amp;&gt;</client-ref>" in response.text
    wrong = sms.post({**GOOD, "api_key": sms.api_key, "api_secret": "no"}, path="/sms/xml")
    assert "<status>4</status><error-text>Bad Credentials</error-text>" in wrong.text


def test_other_paths_and_methods(sms: Sms) -> None:
    response = sms.ringback.http.put("/sms/json", params={**sms.creds, **GOOD})
    assert response.status_code == 405
    assert response.json()["messages"][0]["status"] == "3"
    response = sms.post({**sms.creds, **GOOD}, path="/sms/csv")
    assert response.status_code == 404
    assert response.json()["messages"][0]["status"] == "3"


def test_conversions_bad_input(sms: Sms) -> None:
    sent = sms.post({**sms.creds, **GOOD}).json()["messages"][0]["message-id"]
    invalid = {
        "type": "https://developer.nexmo.com/api-errors#3",
        "title": "Invalid parameters. The value of one or more parameters is invalid.",
        "resolution": "Check your parameters and try again.",
    }
    auth = (sms.api_key, sms.api_secret)
    for fields in (
        {"delivered": "true"},
        {"message-id": sent},
        {"message-id": sent, "delivered": "perhaps"},
        {"message-id": sent, "delivered": "1", "timestamp": "yesterday"},
        {"message-id": "not-a-message", "delivered": "true"},
    ):
        response = sms.post(fields, path="/conversions/sms", auth=auth)
        assert (response.status_code, response.json()) == (420, invalid)
    ok = sms.post({"message-id": sent, "delivered": "0"}, path="/conversions/sms", auth=auth)
    assert (ok.status_code, ok.content) == (200, b"")
    wrong = sms.post({"message-id": sent, "delivered": "1"}, path="/conversions/sms")
    assert wrong.status_code == 401
    assert wrong.json()["type"] == "https://developer.vonage.com/api-errors#unauthorized"


FIELDS = [
    "api_key",
    "api_secret",
    "from",
    "to",
    "text",
    "type",
    "ttl",
    "callback",
    "body",
    "udh",
    "status-report-req",
    "message-class",
    "protocol-id",
    "client-ref",
    "sig",
]
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fields=st.dictionaries(st.sampled_from(FIELDS), VALUES))
def test_anything_gets_a_status_never_a_500(sms: Sms, fields: dict[str, Any]) -> None:
    status, text = first(sms.post(json={**sms.creds, **fields}))
    assert status.isdigit() and text is not None
