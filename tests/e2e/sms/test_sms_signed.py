"""Signed SMS with the official SDK, on the session server (the SDK signs with the real time,
so these tests leave the clock alone): every HMAC method both ways, the SDK's own signing quirk
(contract §1c) and a stale Authorization header next to a signature (contract §0.4)."""

from __future__ import annotations

from typing import Any

import pytest
from vonage_http_client import Auth
from vonage_sms import SmsError, SmsMessage

from ringback.testing.server import RingbackProcess

MAGIC = "447700900900"


def signing_account(ringback: RingbackProcess, method: str, **settings: Any) -> tuple[str, str]:
    api_key, _ = ringback.new_account()
    secret = f"Sig{method}Secret42"
    fields = {"signature_secret": secret, "signature_method": method, **settings}
    ringback.control("PATCH", f"/accounts/{api_key}", json=fields).raise_for_status()
    return api_key, secret


def signing_client(
    ringback: RingbackProcess, api_key: str, secret: str, method: str, api_secret: str = "unused"
) -> Any:
    """The SDK signs SMS requests whenever it has a signature secret; the API secret is only
    used by the other APIs."""
    return ringback.client(api_key, api_secret, signature_secret=secret, signature_method=method)


@pytest.mark.parametrize("method", ["md5", "sha1", "sha256", "sha512"])
def test_signed_send_and_signed_receipt(
    ringback: RingbackProcess, receiver: Any, method: str
) -> None:
    api_key, secret = signing_account(ringback, method, signs_webhooks=True)
    client = signing_client(ringback, api_key, secret, method)
    # `&` and `=` in values, and most fields absent: the SDK signs them as "None"
    message = SmsMessage(
        to=MAGIC, from_="Acme", text="a&b=c", client_ref="ref&1", callback=receiver.url
    )
    (part,) = client.sms.send(message).messages
    assert part.status == "0"
    (receipt,) = receiver.wait_for(1)
    fields = dict(receipt.fields)
    assert {"sig", "timestamp", "nonce"} <= set(fields)
    assert fields["messageId"] == part.message_id
    checker = Auth(api_key=api_key, signature_secret=secret, signature_method=method)
    assert checker.check_signature(dict(fields))
    assert not checker.check_signature({**fields, "status": "failed"})
    client.sms.submit_sms_conversion(part.message_id)  # signed too, with its date timestamp


def test_a_signature_made_with_another_method_is_refused(ringback: RingbackProcess) -> None:
    api_key, secret = signing_account(ringback, "sha256")
    client = signing_client(ringback, api_key, secret, "sha512")
    with pytest.raises(SmsError, match="error code 14: Invalid Signature"):
        client.sms.send(SmsMessage(to=MAGIC, from_="Acme", text="x"))


def test_a_signature_with_the_wrong_secret_is_refused(ringback: RingbackProcess) -> None:
    api_key, _ = signing_account(ringback, "md5")
    client = signing_client(ringback, api_key, "NotTheSecret1", "md5")
    with pytest.raises(SmsError, match="error code 14: Invalid Signature"):
        client.sms.send(SmsMessage(to=MAGIC, from_="Acme", text="x"))


def test_the_signature_wins_over_a_stale_authorization_header(ringback: RingbackProcess) -> None:
    api_key, secret = signing_account(ringback, "sha256")
    api_secret = ringback.new_account()[1]  # a secret that is not this account's
    client = signing_client(ringback, api_key, secret, "sha256", api_secret)
    with pytest.raises(Exception, match="401"):
        client.account.get_balance()  # leaves a (wrong) Basic header on the shared session
    (part,) = client.sms.send(SmsMessage(to=MAGIC, from_="Acme", text="x")).messages
    assert part.status == "0"


def test_the_sdks_signature_leaves_a_warning_in_the_auth_log(ringback: RingbackProcess) -> None:
    """Accepted (the SDK could not send signed SMS otherwise), but Vonage checks the signature
    over what was sent, which the SDK did not sign: the auth log says so."""
    api_key, secret = signing_account(ringback, "sha256")
    client = signing_client(ringback, api_key, secret, "sha256")
    (part,) = client.sms.send(SmsMessage(to=MAGIC, from_="Acme", text="x")).messages
    assert part.status == "0"
    log = ringback.control("GET", "/auth-log", params={"api_key": api_key}).json()
    (entry,) = log["entries"]
    assert (entry["level"], entry["path"], entry["api"]) == ("warning", "/sms/json", "sms")
    assert "Vonage may refuse it (status 14)" in entry["reason"]
