from __future__ import annotations

import datetime as dt

from ringback.core.clock import Clock
from ringback.core.errors import (
    Forbidden,
    InvalidParameter,
    InvalidParameters,
    NotFound,
    Unauthorized,
)
from ringback.core.ids import Ids
from ringback.core.money import from_units
from ringback.core.secrets import MAX_SECRETS, secret_problems
from ringback.core.web_urls import BadUrl, check_web_url
from ringback.platform.billing import Billing
from ringback.state import accounts as account_state
from ringback.state.accounts import Account, ApiSecret
from ringback.state.store import Tx

SECRETS_DOCS = "https://developer.nexmo.com/api-errors/account/secret-management"


def balance(account: Account) -> dict[str, object]:
    return {"value": float(from_units(account.balance_units)), "autoReload": account.auto_reload}


def top_up(tx: Tx, billing: Billing, account: Account, trx: str | None) -> None:
    """`trx` must be the reference of the transaction that switched auto-reload on
    (account.yml); any other is refused as an account without auto-reload is: the spec
    documents no other error for this endpoint."""
    if not account.auto_reload:
        raise Unauthorized("not auto-reload enabled")
    if not trx:
        raise InvalidParameters("Missing trx", missing=True)
    if trx != account_state.auto_reload_trx(tx, account.api_key):
        raise Unauthorized("not auto-reload enabled")
    billing.credit(tx, account.api_key, "top-up", from_units(account.auto_reload_amount_units), trx)


def _callback_url(value: str, name: str) -> str:
    if value == "":
        return ""
    try:
        return check_web_url(value)
    except BadUrl:
        raise InvalidParameters(
            f"Invalid {name}: must be an absolute http or https URL",
            invalid_parameters=[InvalidParameter(name, "must be an absolute http(s) URL")],
        ) from None


def change_settings(tx: Tx, account: Account, mo_url: str | None, dr_url: str | None) -> Account:
    values: dict[str, str] = {}
    if mo_url is not None:
        values["mo_callback_url"] = _callback_url(mo_url, "moCallBackUrl")
    if dr_url is not None:
        values["dr_callback_url"] = _callback_url(dr_url, "drCallBackUrl")
    updated = account_state.update_account(tx, account.api_key, **values)
    assert updated is not None
    return updated


def iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def own_key(account: Account, api_key: str) -> None:
    """Secrets of another account are as invisible as an unknown key."""
    if api_key != account.api_key:
        raise NotFound(
            f"API key '{api_key}' not found", title="Invalid API Key", slug="invalid-api-key"
        )


def list_secrets(tx: Tx, account: Account, api_key: str) -> list[ApiSecret]:
    own_key(account, api_key)
    return account_state.list_secrets(tx, api_key)


def get_secret(tx: Tx, account: Account, api_key: str, secret_id: str) -> ApiSecret:
    own_key(account, api_key)
    for secret in account_state.list_secrets(tx, api_key):
        if secret.id == secret_id:
            return secret
    raise NotFound(f"ID '{secret_id}' could not be found", title="Invalid ID", slug="invalid-id")


def create_secret(
    tx: Tx, ids: Ids, clock: Clock, account: Account, api_key: str, secret: object
) -> ApiSecret:
    own_key(account, api_key)
    if not isinstance(secret, str):
        raise InvalidParameters(
            "The request failed due to secret validation errors",
            slug=f"{SECRETS_DOCS}#validation",
            invalid_parameters=[InvalidParameter("secret", "must be a string")],
        )
    problems = secret_problems(secret)
    if problems:
        raise InvalidParameters(
            "The request failed due to secret validation errors",
            slug=f"{SECRETS_DOCS}#validation",
            invalid_parameters=[InvalidParameter("secret", p) for p in problems],
        )
    if account_state.count_secrets(tx, api_key) >= MAX_SECRETS:
        raise Forbidden(
            f"Account reached maximum number [{MAX_SECRETS}] of allowed secrets",
            title="Secret Addition Forbidden",
            slug=f"{SECRETS_DOCS}#add-excess-secret",
        )
    return account_state.add_secret(tx, ids.uuid(), api_key, secret, clock.now())


def revoke_secret(tx: Tx, account: Account, api_key: str, secret_id: str) -> None:
    get_secret(tx, account, api_key, secret_id)
    if account_state.count_secrets(tx, api_key) <= 1:
        raise Forbidden(
            "Can not delete the last secret. The account must always have at least 1 secret "
            "active at any time",
            title="Secret Deletion Forbidden",
            slug=f"{SECRETS_DOCS}#delete-last-secret",
        )
    account_state.delete_secret(tx, api_key, secret_id)


def settings_body(account: Account, max_outbound: int, max_calls: int) -> dict[str, object]:
    return {
        "mo-callback-url": account.mo_callback_url,
        "dr-callback-url": account.dr_callback_url,
        "max-outbound-request": max_outbound,
        "max-inbound-request": max_outbound,
        "max-calls-per-second": max_calls,
    }
