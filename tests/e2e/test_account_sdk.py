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


SPEC_EXAMPLE_TRX = "8ef2447e69604f642ae59363aa5f781b"  # account.yml's example


def refused_top_up(account: AccountHandle, trx: str) -> None:
    with pytest.raises(AuthenticationError) as refused:
        account.client.account.top_up(trx)
    assert "not auto-reload enabled" in str(refused.value)


def test_top_up_needs_auto_reload(ringback: RingbackProcess, account: AccountHandle) -> None:
    refused_top_up(account, SPEC_EXAMPLE_TRX)
    enabled = ringback.control(
        "PATCH",
        f"/accounts/{account.api_key}",
        json={"auto_reload": True, "auto_reload_amount": "20"},
    ).json()
    trx = enabled["auto_reload_trx"]
    assert len(trx) == 32 and trx != SPEC_EXAMPLE_TRX
    assert ringback.control("GET", f"/accounts/{account.api_key}").json()["auto_reload_trx"] == trx
    account.client.account.top_up(trx)
    assert account.client.account.get_balance().value == pytest.approx(30.0)


def test_top_up_checks_trx_against_the_auto_reload_transaction(
    ringback: RingbackProcess, account: AccountHandle
) -> None:
    path = f"/accounts/{account.api_key}"
    first = ringback.control("PATCH", path, json={"auto_reload": True}).json()["auto_reload_trx"]
    refused_top_up(account, SPEC_EXAMPLE_TRX)  # someone else's reference
    refused_top_up(account, first.upper())
    assert account.client.account.get_balance().value == pytest.approx(10.0)
    # a test written against Vonage can name its own reference
    named = ringback.control("PATCH", path, json={"auto_reload_trx": SPEC_EXAMPLE_TRX}).json()
    assert named["auto_reload_trx"] == SPEC_EXAMPLE_TRX
    refused_top_up(account, first)  # the latest auto-reload payment is the one that counts
    account.client.account.top_up(SPEC_EXAMPLE_TRX)
    assert account.client.account.get_balance().value == pytest.approx(20.0)
    # switched off, no reference works; switched on again, a new one
    off = ringback.control("PATCH", path, json={"auto_reload": False}).json()
    assert off["auto_reload_trx"] is None
    refused_top_up(account, SPEC_EXAMPLE_TRX)
    again = ringback.control("PATCH", path, json={"auto_reload": True}).json()["auto_reload_trx"]
    assert again not in (first, SPEC_EXAMPLE_TRX)
    refused_top_up(account, SPEC_EXAMPLE_TRX)
    account.client.account.top_up(again)
    assert account.client.account.get_balance().value == pytest.approx(30.0)


def test_another_accounts_trx_is_refused(ringback: RingbackProcess, account: AccountHandle) -> None:
    other_key, _ = ringback.new_account()
    theirs = ringback.control("PATCH", f"/accounts/{other_key}", json={"auto_reload": True})
    ringback.control("PATCH", f"/accounts/{account.api_key}", json={"auto_reload": True})
    refused_top_up(account, theirs.json()["auto_reload_trx"])


@pytest.mark.parametrize("trx", [12, "", "has space", "x" * 65, True])
def test_a_bad_trx_in_the_control_api_is_a_400(
    ringback: RingbackProcess, account: AccountHandle, trx: object
) -> None:
    answer = ringback.control(
        "PATCH", f"/accounts/{account.api_key}", json={"auto_reload_trx": trx}
    )
    assert answer.status_code == 400
    assert "auto_reload_trx" in answer.json()["detail"]


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
