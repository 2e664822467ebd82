"""Signed webhooks verify with the official SDK's own verifiers (and md5hash by Vonage's
documented algorithm)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import jwt
import pytest
from vonage_http_client import Auth
from vonage_jwt import verify_signature

from ringback.state import accounts as account_state

from .conftest import Outbox, run

INBOUND = {
    "msisdn": "447700900901",
    "to": "447700900900",
    "messageId": "0A0000000123ABCD1",
    "text": "Hi & welcome = yes",
    "type": "text",
    "keyword": "HI",
    "message-timestamp": "2026-11-26 10:00:00",
}
WAYS = [("POST", "json"), ("POST", "form"), ("GET", "form")]


async def drain_once(box: Outbox) -> None:
    dispatcher = box.dispatcher()
    await dispatcher.drain()
    await dispatcher.stop()


@pytest.mark.parametrize("way", WAYS, ids=["json", "form", "get"])
@pytest.mark.parametrize("method", ["md5", "sha1", "sha256", "sha512"])
def test_an_hmac_signature_is_accepted_by_the_sdk(
    box: Outbox, method: str, way: tuple[str, str]
) -> None:
    account = box.account(signature_method=method, signs_webhooks=True)
    receiver = box.receiver()
    delivery_id = box.enqueue(
        receiver.url,
        INBOUND,
        api_key=account.api_key,
        signing="sms-signature",
        method=way[0],
        content_type=way[1],
    )
    run(drain_once(box))
    (got,) = receiver.received
    fields = dict(got.fields)
    assert {k: fields[k] for k in INBOUND} == INBOUND  # values on the wire are unchanged
    assert fields["timestamp"] == str(int(box.clock.now()))
    uuid.UUID(fields["nonce"])
    auth = Auth(
        api_key=account.api_key,
        signature_secret=account.signature_secret,
        signature_method=method,
    )
    assert auth.check_signature(dict(fields))
    assert not auth.check_signature({**fields, "text": "tampered"})
    (attempt,) = box.delivery(delivery_id)["attempts"]
    assert attempt["request_body"] == got.body.decode()  # recorded as sent, signed


def test_md5hash_follows_the_documented_algorithm(box: Outbox) -> None:
    account = box.account(signature_method="md5hash", signs_webhooks=True)
    receiver = box.receiver()
    box.enqueue(receiver.url, INBOUND, api_key=account.api_key, signing="sms-signature")
    run(drain_once(box))
    fields = receiver.received[0].fields
    text = "".join(
        f"&{key}={str(fields[key]).replace('&', '_').replace('=', '_')}"
        for key in sorted(fields)
        if key != "sig"
    )
    expected = hashlib.md5((text + account.signature_secret).encode()).hexdigest()
    assert fields["sig"] == expected


def test_non_text_json_values_are_signed_as_the_text_sent(box: Outbox) -> None:
    account = box.account(signature_method="sha256", signs_webhooks=True)
    receiver = box.receiver()
    payload = {"concat": True, "concat-part": 2, "udh": None}
    box.enqueue(receiver.url, payload, api_key=account.api_key, signing="sms-signature")
    run(drain_once(box))
    fields = receiver.received[0].json
    assert {k: fields[k] for k in ("concat", "concat-part")} == {
        "concat": "true",
        "concat-part": "2",
    }
    assert "udh" not in fields
    secret = account.signature_secret
    auth = Auth(api_key=account.api_key, signature_secret=secret, signature_method="sha256")
    assert auth.check_signature(fields)


def test_each_attempt_is_signed_afresh_on_the_clock(box: Outbox) -> None:
    account = box.account(signature_method="sha1", signs_webhooks=True)
    receiver = box.receiver(statuses=[500])
    box.enqueue(receiver.url, INBOUND, api_key=account.api_key, signing="sms-signature")

    async def go() -> None:
        dispatcher = box.dispatcher()
        await dispatcher.drain()
        box.clock.advance(5)
        await dispatcher.drain()
        await dispatcher.stop()

    run(go())
    first, second = (r.fields for r in receiver.received)
    assert int(second["timestamp"]) == int(first["timestamp"]) + 5
    assert first["nonce"] != second["nonce"]


def test_unsigned_deliveries_carry_no_signature(box: Outbox) -> None:
    account = box.account(signs_webhooks=True)
    receiver = box.receiver()
    box.enqueue(receiver.url, INBOUND, api_key=account.api_key)
    run(drain_once(box))
    (got,) = receiver.received
    assert got.json == INBOUND
    assert "authorization" not in got.headers


# Ringback's generated secrets are 16 bytes; PyJWT (inside vonage_jwt) warns about that
SHORT_KEY = "ignore::jwt.warnings.InsecureKeyLengthWarning"


@pytest.mark.filterwarnings(SHORT_KEY)
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_jwt_signed_callback_verifies_with_the_sdk(box: Outbox, method: str) -> None:
    account = box.account(signature_method="md5hash")  # JWTs are HS256 whatever the method
    receiver = box.receiver()
    app_id = str(uuid.uuid4())
    box.enqueue(
        receiver.url + "/status",
        {"message_uuid": str(uuid.uuid4()), "status": "delivered"},
        api_key=account.api_key,
        signing="jwt",
        application_id=app_id,
        method=method,
    )
    run(drain_once(box))
    (got,) = receiver.received
    scheme, _, token = got.headers["authorization"].partition(" ")
    assert scheme == "Bearer"
    assert verify_signature(token, account.signature_secret)
    assert not verify_signature(token, account.signature_secret + "x")
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, account.signature_secret, algorithms=["HS256"])
    assert claims["payload_hash"] == hashlib.sha256(got.body).hexdigest()
    assert (claims["iss"], claims["api_key"], claims["application_id"]) == (
        "Vonage",
        account.api_key,
        app_id,
    )
    uuid.UUID(claims["jti"])
    assert isinstance(claims["iat"], int)
    assert "exp" not in claims and "aud" not in claims


@pytest.mark.filterwarnings(SHORT_KEY)
def test_a_jwt_without_an_application_has_no_application_id(box: Outbox) -> None:
    account = box.account()
    receiver = box.receiver()
    box.enqueue(receiver.url, {"a": "b"}, api_key=account.api_key, signing="jwt")
    run(drain_once(box))
    token = receiver.received[0].headers["authorization"].removeprefix("Bearer ")
    assert "application_id" not in jwt.decode(token, account.signature_secret, ["HS256"])


def _claims(got: Any, secret: str) -> dict[str, Any]:
    token = got.headers["authorization"].removeprefix("Bearer ")
    assert verify_signature(token, secret)
    claims: dict[str, Any] = jwt.decode(token, secret, algorithms=["HS256"])
    assert claims["payload_hash"] == hashlib.sha256(got.body).hexdigest()
    return claims


@pytest.mark.filterwarnings(SHORT_KEY)
def test_each_jwt_attempt_is_signed_afresh_over_its_own_body(box: Outbox) -> None:
    """A retried Messages status webhook: a new `jti` per attempt, each verifying with the SDK
    and hashing exactly the bytes that attempt sent."""
    account = box.account()
    receiver = box.receiver(statuses=[500, 503])
    app_id = str(uuid.uuid4())
    payload = {"message_uuid": str(uuid.uuid4()), "status": "delivered", "text": "héllo ✓"}
    delivery_id = box.enqueue(
        receiver.url, payload, api_key=account.api_key, signing="jwt", application_id=app_id
    )

    async def go() -> None:
        dispatcher = box.dispatcher()
        await dispatcher.drain()
        box.clock.advance(5)
        await dispatcher.drain()
        box.clock.advance(10)
        await dispatcher.drain()
        await dispatcher.stop()

    run(go())
    received = receiver.received
    assert len(received) == 3
    claims = [_claims(got, account.signature_secret) for got in received]
    assert len({c["jti"] for c in claims}) == 3
    assert {(c["api_key"], c["application_id"], c["iss"]) for c in claims} == {
        (account.api_key, app_id, "Vonage")
    }
    assert all(got.json == payload for got in received)
    attempts = box.delivery(delivery_id)["attempts"]
    tokens = {a["request_headers"]["Authorization"] for a in attempts}
    assert len(tokens) == 3  # recorded as sent, each with its own token


@pytest.mark.filterwarnings(SHORT_KEY)
def test_the_jwt_is_made_at_send_time_with_the_secret_then_in_force(box: Outbox) -> None:
    account = box.account()
    receiver = box.receiver(statuses=[500])
    box.enqueue(receiver.url, {"status": "read"}, api_key=account.api_key, signing="jwt")
    new_secret = "rotated" + account.signature_secret

    async def go() -> None:
        dispatcher = box.dispatcher()
        await dispatcher.drain()
        with box.store.begin() as tx:
            account_state.update_account(tx, account.api_key, signature_secret=new_secret)
        box.clock.advance(5)
        await dispatcher.drain()
        await dispatcher.stop()

    run(go())
    first, second = receiver.received
    _claims(first, account.signature_secret)
    _claims(second, new_secret)
    assert not verify_signature(
        second.headers["authorization"].removeprefix("Bearer "), account.signature_secret
    )


@pytest.mark.filterwarnings(SHORT_KEY)
def test_a_jwt_over_a_form_body_hashes_the_form_bytes(box: Outbox) -> None:
    account = box.account()
    receiver = box.receiver()
    box.enqueue(
        receiver.url,
        {"status": "delivered", "to": "447700900000"},
        api_key=account.api_key,
        signing="jwt",
        content_type="form",
    )
    run(drain_once(box))
    (got,) = receiver.received
    assert got.body == b"status=delivered&to=447700900000"
    _claims(got, account.signature_secret)
