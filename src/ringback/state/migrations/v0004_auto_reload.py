"""Auto-reload transactions: the reference `POST /account/top-up` checks its `trx` against."""

from __future__ import annotations

import secrets

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    insert,
    select,
)

schema = MetaData()

# created by v0001, declared here for the foreign key and the data below
accounts = Table(
    "accounts",
    schema,
    Column("api_key", Text, primary_key=True),
    Column("auto_reload", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
)
transactions = Table(
    "auto_reload_transactions",
    schema,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("api_key", Text, ForeignKey("accounts.api_key", ondelete="CASCADE"), nullable=False),
    Column("trx", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_auto_reload_transactions_api_key", "api_key", "seq"),
    sqlite_autoincrement=True,
)


def upgrade(conn: Connection) -> None:
    transactions.create(conn, checkfirst=False)
    # accounts that already have auto-reload on get the transaction they would have had
    on = select(accounts.c.api_key, accounts.c.created_at).where(accounts.c.auto_reload)
    rows = [
        {"api_key": key, "trx": secrets.token_hex(16), "created_at": created_at}
        for key, created_at in conn.execute(on)
    ]
    if rows:
        conn.execute(insert(transactions), rows)
