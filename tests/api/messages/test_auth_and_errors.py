"""The Messages API's refusals as its spec gives them: the auth matrix (Basic only for SMS and
MMS, a JWT of an application with the messages capability for everything), 402, 429 and
unreadable bodies, each a problem body, never a 500."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from tests.api.messages.conftest import Sender, World

from ringback.testing.asgi import InProcessRingback

HANDSET = "447700900123"
INSTANCE = re.compile(r"[0-9a-f]{32}")
CREDENTIALS_TYPE = "https://developer.vonage.com/api-errors#unauthorized"


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert {"type", "title", "detail", "instance"} <= set(body)
    assert INSTANCE.fullmatch(body["instance"])
    return dict(body)


def whatsapp(sender: Sender) -> dict[str, Any]:
    """A WhatsApp text the sender may send (registered, the user's window open)."""
    sender.register("whatsapp", sender.whatsapp)
    window = {"sender": sender.whatsapp}
    sender.world.control("POST", f"/handsets/{HANDSET}/whatsapp-window", json=window)
    return {
        "channel": "whatsapp",
        "message_type": "text",
        "to": HANDSET,
        "from": sender.whatsapp,
        "text": "hi",
    }


def token(sender: Sender, private_pem: str | bytes, **claims: Any) -> str:
    now = int(time.time())
    base = {"application_id": sender.app_id, "iat": now, "jti": "x", "exp": now + 900}
    return jwt.encode({**base, **claims}, private_pem, algorithm="RS256")


def bearer(sender: Sender, body: dict[str, Any], value: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {value}"}
    return sender.world.app.https.post("/v1/messages", json=body, headers=headers)


def test_basic_works_on_sms_but_not_on_whatsapp(world: World, sender: Sender) -> None:
    sms = {"channel": "sms", "message_type": "text", "to": HANDSET, "from": "Acme", "text": "x"}
    assert sender.send(sms, basic=True).status_code == 202
    body = whatsapp(sender)
    refused = problem(sender.send(body, basic=True), 401)
    assert refused["type"] == CREDENTIALS_TYPE
    assert refused["title"] == "You did not provide correct credentials."
    assert sender.send(body).status_code == 202


def test_a_jwt_of_an_application_without_messages_is_refused(world: World, sender: Sender) -> None:
    created = world.app.https.post(
        "/v2/applications",
        json={"name": "voice only", "capabilities": {"voice": {}}},
        auth=(sender.api_key, sender.api_secret),
    ).json()
    voice = Sender(
        world, sender.api_key, sender.api_secret, created["id"], created["keys"]["private_key"], ""
    )
    sms = {"channel": "sms", "message_type": "text", "to": HANDSET, "from": "Acme", "text": "x"}
    refused = problem(voice.send(sms), 401)
    assert refused["type"] == "https://developer.vonage.com/api-errors/#unprovisioned"
    assert refused["detail"] == "Check your API key is correct and has been whitelisted"


def test_forged_expired_and_missing_credentials_are_401(world: World, sender: Sender) -> None:
    body = whatsapp(sender)
    assert bearer(sender, body, token(sender, sender.private_key)).status_code == 202
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged_key = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    old = int(time.time()) - 4000
    refused = [
        bearer(sender, body, token(sender, forged_key)),
        bearer(sender, body, token(sender, sender.private_key, iat=old, exp=old + 900)),
        bearer(sender, body, "not-a-jwt"),
        world.app.https.post("/v1/messages", json=body),
        world.app.https.post("/v1/messages", json=body, auth=(sender.api_key, "wrong")),
    ]
    for response in refused:
        assert problem(response, 401)["type"] == CREDENTIALS_TYPE


def test_out_of_credit_is_402_and_nothing_is_sent(world: World) -> None:
    poor = world.sender("/poor", balance="0")
    refused = problem(poor.send(whatsapp(poor)), 402)
    assert refused["type"] == "https://developer.vonage.com/api-errors/#low-balance"
    assert refused["title"] == "Low balance"
    assert "balance being low" in refused["detail"]
    world.advance(2)
    messages = world.control("GET", f"/handsets/{HANDSET}/messages")["messages"]
    assert all(m["api_key"] != poor.api_key for m in messages)


def test_unreadable_bodies(world: World, sender: Sender) -> None:
    auth = (sender.api_key, sender.api_secret)
    post = world.app.https.post
    not_json = problem(
        post(
            "/v1/messages",
            content=b"{nope",
            auth=auth,
            headers={"content-type": "application/json"},
        ),
        422,
    )
    assert not_json["type"] == "https://developer.vonage.com/api-errors#invalid-json"
    assert not_json["title"] == "The request body did not contain valid JSON"
    a_list = problem(post("/v1/messages", json=[1], auth=auth), 422)
    assert a_list["type"] == not_json["type"]
    form = post("/v1/messages", data={"channel": "sms"}, auth=auth)
    assert problem(form, 415)["title"] == "Unsupported Media Type"
    channel = problem(post("/v1/messages", json={"channel": "fax"}, auth=auth), 422)
    assert channel["type"] == "https://developer.vonage.com/api-errors/messages#1400"
    assert channel["title"] == "Unsupported channel"
    huge = post("/v1/messages", content=b"{" + b" " * (3 * 1024 * 1024) + b"}", auth=auth)
    assert problem(huge, 413)["title"] == "Payload Too Large"
    wrong_verb = world.app.https.get("/v1/messages", auth=auth)
    assert problem(wrong_verb, 405)["title"] == "Method Not Allowed"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessRingback]:
    app = InProcessRingback(Path(tmp_path_factory.mktemp("limited")))
    app.start()
    try:
        yield app
    finally:
        app.stop()


def test_more_than_75_a_second_is_429(limited: InProcessRingback) -> None:
    limits = limited.control("GET", "/rate-limits").json()["limits"]
    assert limits["messages"] == "75 per 1 second"
    limited.control("PUT", "/rate-limits", json={"limits": {"messages": "3/minute"}})
    api_key, secret = limited.new_account()
    sms = {"channel": "sms", "message_type": "text", "to": HANDSET, "from": "Acme", "text": "x"}
    answers = [
        limited.https.post("/v1/messages", json=sms, auth=(api_key, secret)) for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    throttled = problem(answers[3], 429)
    assert throttled["type"] == "https://developer.vonage.com/api-errors/messages#1000"
    assert throttled["title"] == "Rate Limit Hit"
    assert int(answers[3].headers["retry-after"]) >= 1
