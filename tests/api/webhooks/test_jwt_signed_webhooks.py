"""A bearer-JWT-signed webhook end to end in the running app: the control API's test webhook
carries the same outbox option the Messages, Voice and Verify v2 webhooks use (account X's
signature secret, application Y in the claims), to a real local receiver that checks it as a
Vonage app would: `vonage_jwt.verify_signature` and the body's SHA-256."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator

import jwt
import pytest
from vonage_jwt import verify_signature

from ringback.testing.asgi import AppAccount, InProcessRingback
from ringback.testing.receiver import WebhookReceiver

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    found = WebhookReceiver().start()
    yield found
    found.stop()


def test_a_jwt_signed_webhook_verifies_in_the_receiver(
    ringback: InProcessRingback, account: AppAccount, receiver: WebhookReceiver
) -> None:
    secret = ringback.control("GET", f"/accounts/{account.api_key}").json()["signature_secret"]
    app_id = str(uuid.uuid4())
    payload = {"message_uuid": str(uuid.uuid4()), "status": "delivered", "channel": "whatsapp"}
    answer = ringback.control(
        "POST",
        "/webhooks/test",
        json={
            "url": receiver.url + "/status",
            "api_key": account.api_key,
            "signing": "jwt",
            "application_id": app_id,
            "payload": payload,
        },
    )
    assert answer.status_code == 201, answer.text
    (got,) = receiver.wait_for(1)
    assert got.json == payload
    scheme, _, token = got.headers["authorization"].partition(" ")
    assert scheme == "Bearer"
    assert verify_signature(token, secret)
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    assert claims["payload_hash"] == hashlib.sha256(got.body).hexdigest()
    assert (claims["iss"], claims["api_key"], claims["application_id"]) == (
        "Vonage",
        account.api_key,
        app_id,
    )
