"""`auth_log.level`: a row is a refusal (as every row before) or a warning about a request
that was accepted but that Vonage itself may refuse."""

from __future__ import annotations

from sqlalchemy import Connection, text

STATEMENTS = [
    "ALTER TABLE auth_log ADD COLUMN level TEXT NOT NULL DEFAULT 'refusal'",
]


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(text(statement))
