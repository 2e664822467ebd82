from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update

from ringback.core.secrets import hash_secret, secret_matches
from ringback.state.prepared import Prepared
from ringback.state.rows import row_of
from ringback.state.store import Tx
from ringback.state.tables import accounts, api_secrets, auto_reload_transactions

SIGNATURE_METHODS = ("md5hash", "md5", "sha1", "sha256", "sha512")
# how inbound SMS and receipts are sent (Vonage's dashboard "API settings"): a JSON body, a
# form body, or a query string
SMS_WEBHOOK_METHODS = ("POST-JSON", "POST", "GET")


@dataclass(frozen=True)
class Account:
    api_key: str
    name: str
    balance_units: int
    auto_reload: bool
    auto_reload_amount_units: int
    signature_secret: str
    signature_method: str
    signs_webhooks: bool
    mo_callback_url: str
    dr_callback_url: str
    sms_webhook_method: str
    is_default: bool
    created_at: float


@dataclass(frozen=True)
class ApiSecret:
    id: str
    api_key: str
    created_at: float


# the columns in Account's field order: every query here selects them first, so a row's first
# values are an Account's arguments (by name through row._mapping cost ~3 times as much, and an
# account is read per request and per SMS receipt)
_COLUMNS = [accounts.c[name] for name in Account.__dataclass_fields__]


def _account(row: Any) -> Account:
    return Account(*row[: len(_COLUMNS)])


_ACCOUNT = Prepared(select(*_COLUMNS).where(accounts.c.api_key == bindparam("api_key")))


def get_account(tx: Tx, api_key: str) -> Account | None:
    row = _ACCOUNT.first(tx, {"api_key": api_key})
    return _account(row) if row else None


def list_accounts(tx: Tx) -> list[Account]:
    rows = tx.conn.execute(select(*_COLUMNS).order_by(accounts.c.created_at, accounts.c.api_key))
    return [_account(r) for r in rows]


def default_account(tx: Tx) -> Account | None:
    row = tx.conn.execute(select(*_COLUMNS).where(accounts.c.is_default.is_(True))).first()
    return _account(row) if row else None


def insert_account(tx: Tx, account: Account) -> None:
    tx.conn.execute(insert(accounts).values(**row_of(account)))


def update_account(tx: Tx, api_key: str, **values: Any) -> Account | None:
    if values:
        tx.conn.execute(update(accounts).where(accounts.c.api_key == api_key).values(**values))
    return get_account(tx, api_key)


def delete_account(tx: Tx, api_key: str) -> bool:
    if tx.credentials is not None:
        tx.credentials.forget_account(api_key)
    result = tx.conn.execute(delete(accounts).where(accounts.c.api_key == api_key))
    return bool(result.rowcount)


def add_secret(tx: Tx, secret_id: str, api_key: str, secret: str, now: float) -> ApiSecret:
    salt, digest = hash_secret(secret)
    tx.conn.execute(
        insert(api_secrets).values(
            id=secret_id, api_key=api_key, salt=salt, digest=digest, created_at=now
        )
    )
    return ApiSecret(id=secret_id, api_key=api_key, created_at=now)


def list_secrets(tx: Tx, api_key: str) -> list[ApiSecret]:
    rows = tx.conn.execute(
        select(api_secrets.c.id, api_secrets.c.api_key, api_secrets.c.created_at)
        .where(api_secrets.c.api_key == api_key)
        .order_by(api_secrets.c.created_at, api_secrets.c.id)
    )
    return [ApiSecret(id=r.id, api_key=r.api_key, created_at=r.created_at) for r in rows]


def count_secrets(tx: Tx, api_key: str) -> int:
    return int(
        tx.conn.execute(
            select(func.count()).select_from(api_secrets).where(api_secrets.c.api_key == api_key)
        ).scalar_one()
    )


def delete_secret(tx: Tx, api_key: str, secret_id: str) -> bool:
    if tx.credentials is not None:
        tx.credentials.forget_account(api_key)
    result = tx.conn.execute(
        delete(api_secrets).where(api_secrets.c.api_key == api_key, api_secrets.c.id == secret_id)
    )
    return bool(result.rowcount)


# built once: constructing a statement per call costs more than running it
_ACCOUNT_WITH_SECRETS = (
    select(*_COLUMNS, api_secrets.c.salt, api_secrets.c.digest)
    .outerjoin(api_secrets, api_secrets.c.api_key == accounts.c.api_key)
    .where(accounts.c.api_key == bindparam("api_key"))
)


def account_if_secret_matches(tx: Tx, api_key: str, secret: str) -> tuple[Account | None, bool]:
    """The account and whether `secret` is one of its secrets, in one query (every request
    authenticated by key and secret runs this)."""
    rows = tx.conn.execute(_ACCOUNT_WITH_SECRETS, {"api_key": api_key}).all()
    if not rows:
        return None, False
    matches = any(r.salt is not None and secret_matches(secret, r.salt, r.digest) for r in rows)
    if matches and tx.credentials is not None:
        tx.credentials.remember(api_key, secret)
    return _account(rows[0]), matches


def secret_known(tx: Tx, api_key: str, secret: str) -> bool:
    """True if this key and secret were verified before and neither the secret nor the account
    was deleted since: no query (state/credential_cache.py). False means: ask the store."""
    return tx.credentials is not None and tx.credentials.verified(api_key, secret)


def secret_is_valid(tx: Tx, api_key: str, secret: str) -> bool:
    rows = tx.conn.execute(
        select(api_secrets.c.salt, api_secrets.c.digest).where(api_secrets.c.api_key == api_key)
    )
    return any(secret_matches(secret, r.salt, r.digest) for r in rows)


def record_auto_reload(tx: Tx, api_key: str, trx: str, now: float) -> None:
    """Auto-reload switched on (or its payment made again): `trx` is now the reference."""
    tx.conn.execute(
        insert(auto_reload_transactions).values(api_key=api_key, trx=trx, created_at=now)
    )


def auto_reload_trx(tx: Tx, api_key: str) -> str | None:
    """The reference of the latest auto-reload transaction, the one a top-up must name."""
    row = tx.conn.execute(
        select(auto_reload_transactions.c.trx)
        .where(auto_reload_transactions.c.api_key == api_key)
        .order_by(auto_reload_transactions.c.seq.desc())
        .limit(1)
    ).first()
    return str(row.trx) if row else None
