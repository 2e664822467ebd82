"""Creating accounts (control API, start-up) with Vonage-shaped credentials."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from ringback.core.clock import Clock
from ringback.core.errors import Conflict, InvalidParameter, InvalidParameters
from ringback.core.ids import Ids
from ringback.core.money import to_units
from ringback.core.private_files import write_private
from ringback.core.secrets import secret_problems
from ringback.state import accounts as account_state
from ringback.state.accounts import Account
from ringback.state.store import Tx


def validate_api_key(api_key: str) -> None:
    if not (1 <= len(api_key) <= 32) or not api_key.isalnum():
        raise InvalidParameters(
            "api_key must be 1 to 32 letters or digits",
            invalid_parameters=[InvalidParameter("api_key", "must be 1-32 letters or digits")],
        )


def validate_secret(secret: str, name: str = "api_secret") -> None:
    problems = secret_problems(secret)
    if problems:
        raise InvalidParameters(
            f"{name} {'; '.join(problems)}",
            invalid_parameters=[InvalidParameter(name, p) for p in problems],
        )


def create_account(
    tx: Tx,
    ids: Ids,
    clock: Clock,
    *,
    api_key: str | None = None,
    api_secret: str | None = None,
    balance: Decimal = Decimal("10.00"),
    name: str | None = None,
    is_default: bool = False,
) -> tuple[Account, str]:
    """The new account and its API secret in clear (the only time it is ever seen)."""
    if api_key is None:
        # a seeded run may draw a key an account kept through a reset already has
        api_key = ids.api_key()
        while account_state.get_account(tx, api_key) is not None:
            api_key = ids.api_key()
    validate_api_key(api_key)
    if api_secret is not None:
        validate_secret(api_secret)
    if account_state.get_account(tx, api_key) is not None:
        raise Conflict(f"account {api_key} already exists")
    secret = api_secret or ids.api_secret()
    now = clock.now()
    account = Account(
        api_key=api_key,
        name=name or api_key,
        balance_units=to_units(balance),
        auto_reload=False,
        auto_reload_amount_units=to_units(Decimal("10.00")),
        signature_secret=ids.api_secret(),
        signature_method="md5hash",
        signs_webhooks=False,
        mo_callback_url="",
        dr_callback_url="",
        # sms.yml declares the receipt and inbound bodies as application/json
        sms_webhook_method="POST-JSON",
        is_default=is_default,
        created_at=now,
    )
    account_state.insert_account(tx, account)
    account_state.add_secret(tx, ids.uuid(), api_key, secret, now)
    return account, secret


def ensure_default_account(
    tx: Tx,
    ids: Ids,
    clock: Clock,
    credentials_file: Path,
    api_key: str | None,
    api_secret: str | None,
    balance: Decimal,
) -> tuple[Account, str]:
    """The default account, with the secret the banner prints.

    Flags win; otherwise the credentials from the previous start (kept in the data directory,
    readable by the owner only); otherwise new random ones.
    """
    saved: dict[str, str] = {}
    if credentials_file.exists():
        saved = json.loads(credentials_file.read_text())
    api_key = api_key or saved.get("api_key")
    secret = api_secret or (saved.get("api_secret") if saved.get("api_key") == api_key else None)
    account = account_state.get_account(tx, api_key) if api_key else None
    if account is None:
        account, secret = create_account(
            tx,
            ids,
            clock,
            api_key=api_key,
            api_secret=secret,
            balance=balance,
            is_default=True,
        )
    else:
        if secret is None or not account_state.secret_is_valid(tx, account.api_key, secret):
            if secret is None:
                secret = ids.api_secret()
            validate_secret(secret)
            for old in account_state.list_secrets(tx, account.api_key):
                account_state.delete_secret(tx, account.api_key, old.id)
            account_state.add_secret(tx, ids.uuid(), account.api_key, secret, clock.now())
    for other in account_state.list_accounts(tx):
        if other.is_default != (other.api_key == account.api_key):
            account_state.update_account(
                tx, other.api_key, is_default=other.api_key == account.api_key
            )
    write_private(credentials_file, json.dumps({"api_key": account.api_key, "api_secret": secret}))
    refreshed = account_state.get_account(tx, account.api_key)
    assert refreshed is not None
    return refreshed, secret
