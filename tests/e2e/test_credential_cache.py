"""Verified credentials are remembered in memory; a change of secrets is seen at once.

Each secret is used first (so it is cached), then taken away: the very next request with it is
refused, on the SMS API (key and secret in the body), the Account API (Basic) and the control
API's credential check."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from vonage_http_client import AuthenticationError
from vonage_sms import SmsError, SmsMessage

from ringback.testing.plugin import AccountHandle
from ringback.testing.server import RingbackProcess

HANDSET = "447400123456"


def checks(server: RingbackProcess, api_key: str, secret: str) -> int:
    return httpx.get(
        f"{server.http_url}/_ringback/credentials/check", auth=(api_key, secret)
    ).status_code


def test_a_revoked_secret_is_refused_at_once(
    ringback: RingbackProcess, account: AccountHandle
) -> None:
    old = account.client
    old.sms.send(SmsMessage(to=HANDSET, from_="Acme", text="cached"))
    assert old.account.get_balance().value > 0
    assert checks(ringback, account.api_key, account.api_secret) == 200

    (first,) = old.account.list_secrets()
    old.account.create_secret("Rotated1Secret")
    rotated = ringback.client(account.api_key, "Rotated1Secret")
    rotated.sms.send(SmsMessage(to=HANDSET, from_="Acme", text="new secret"))
    rotated.account.revoke_secret(first.id)

    with pytest.raises(SmsError, match="error code 4"):
        old.sms.send(SmsMessage(to=HANDSET, from_="Acme", text="old secret"))
    with pytest.raises(AuthenticationError):
        old.account.get_balance()
    assert checks(ringback, account.api_key, account.api_secret) == 401
    assert rotated.account.get_balance().value > 0


def test_a_restored_snapshot_forgets_secrets_made_after_it(tmp_path: Path) -> None:
    server = RingbackProcess(tmp_path / "rb").start()  # its own: a restore rewinds everyone
    try:
        api_key, secret = server.new_account()
        assert server.control("POST", "/snapshots", json={"name": "before"}).status_code == 200
        server.client(api_key, secret).account.create_secret("Later1Secret")
        later = server.client(api_key, "Later1Secret")
        later.sms.send(SmsMessage(to=HANDSET, from_="Acme", text="cached"))
        assert checks(server, api_key, "Later1Secret") == 200

        assert server.control("POST", "/snapshots/before/restore").status_code == 200
        with pytest.raises(SmsError, match="error code 4"):
            later.sms.send(SmsMessage(to=HANDSET, from_="Acme", text="not any more"))
        assert checks(server, api_key, "Later1Secret") == 401
        assert checks(server, api_key, secret) == 200  # the secret it had then still works
    finally:
        server.stop()


def test_a_wrong_secret_is_refused_every_time(ringback: RingbackProcess) -> None:
    api_key, secret = ringback.new_account()
    assert checks(ringback, api_key, secret) == 200
    for _ in range(3):
        assert checks(ringback, api_key, secret + "x") == 401
        assert checks(ringback, api_key, secret[:-1]) == 401
