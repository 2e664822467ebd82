"""The official SDK's Account client, every method, against a live Ringback over TLS."""

from __future__ import annotations

import pytest
from vonage_account import GetCountryPricingRequest  # noqa: F401  (pricing: see test_pricing)
from vonage_http_client import AuthenticationError, ForbiddenError, HttpRequestError

from ringback.testing.plugin import AccountHandle
from ringback.testing.server import RingbackProcess


def test_get_balance_is_the_accounts_starting_credit(account: AccountHandle) -> None:
    balance = account.client.account.get_balance()
    assert balance.value == pytest.approx(10.0)
    assert balance.auto_reload is False


def test_balance_follows_the_control_api(ringback: RingbackProcess, account: AccountHandle) -> None:
    ringback.control("PATCH", f"/accounts/{account.api_key}", json={"balance": "3.25"})
    assert account.client.account.get_balance().value == pytest.approx(3.25)


def test_top_up_needs_auto_reload(ringback: RingbackProcess, account: AccountHandle) -> None:
    with pytest.raises(AuthenticationError) as refused:
        account.client.account.top_up("8ef2447e69604f642ae59363aa5f781b")
    assert "not auto-reload enabled" in str(refused.value)
    ringback.control(
        "PATCH",
        f"/accounts/{account.api_key}",
        json={"auto_reload": True, "auto_reload_amount": "20"},
    )
    account.client.account.top_up("8ef2447e69604f642ae59363aa5f781b")
    assert account.client.account.get_balance().value == pytest.approx(30.0)


def test_sms_webhook_settings_round_trip(account: AccountHandle) -> None:
    settings = account.client.account.update_default_sms_webhook(
        mo_callback_url="https://example.com/inbound", dr_callback_url="https://example.com/dlr"
    )
    assert settings.mo_callback_url == "https://example.com/inbound"
    assert settings.dr_callback_url == "https://example.com/dlr"
    assert settings.max_outbound_request == 30
    cleared = account.client.account.update_default_sms_webhook(mo_callback_url="")
    assert cleared.mo_callback_url == ""
    assert cleared.dr_callback_url == "https://example.com/dlr"


def test_settings_refuse_a_url_that_is_not_one(account: AccountHandle) -> None:
    with pytest.raises(HttpRequestError) as refused:
        account.client.account.update_default_sms_webhook(mo_callback_url="not a url")
    assert refused.value.response.status_code == 400
    assert refused.value.response.json()["error-code"] == "400"


def test_secret_lifecycle(ringback: RingbackProcess, account: AccountHandle) -> None:
    client = account.client
    (first,) = client.account.list_secrets()
    created = client.account.create_secret("Rotated1Secret")
    assert created.id != first.id
    assert {s.id for s in client.account.list_secrets()} == {first.id, created.id}
    assert client.account.get_secret(created.id).created_at == created.created_at
    # the new secret authenticates; revoking the old one keeps the account reachable
    rotated = ringback.client(account.api_key, "Rotated1Secret")
    rotated.account.revoke_secret(first.id)
    assert [s.id for s in rotated.account.list_secrets()] == [created.id]
    with pytest.raises(AuthenticationError):
        client.account.get_balance()


def test_third_secret_and_last_secret_are_forbidden(account: AccountHandle) -> None:
    client = account.client
    client.account.create_secret("Second1Secret")
    with pytest.raises(ForbiddenError) as too_many:
        client.account.create_secret("Third1Secret")
    assert too_many.value.response.json()["title"] == "Secret Addition Forbidden"
    for secret in client.account.list_secrets():
        if secret.id != client.account.list_secrets()[0].id:
            client.account.revoke_secret(secret.id)
    (last,) = client.account.list_secrets()
    with pytest.raises(ForbiddenError) as last_one:
        client.account.revoke_secret(last.id)
    assert "at least 1 secret" in last_one.value.response.json()["detail"]
