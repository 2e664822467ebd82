"""Auto-reload transactions: the reference `POST /account/top-up` checks its `trx` against."""

from __future__ import annotations

from sqlalchemy import Connection, text

STATEMENTS = [
    """CREATE TABLE auto_reload_transactions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        api_key TEXT NOT NULL REFERENCES accounts(api_key) ON DELETE CASCADE,
        trx TEXT NOT NULL,
        created_at FLOAT NOT NULL
    )""",
    "CREATE INDEX ix_auto_reload_transactions_api_key ON auto_reload_transactions (api_key, seq)",
    # accounts that already have auto-reload on get the transaction they would have had
    """INSERT INTO auto_reload_transactions (api_key, trx, created_at)
        SELECT api_key, lower(hex(randomblob(16))), created_at FROM accounts WHERE auto_reload""",
]


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(text(statement))
