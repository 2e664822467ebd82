"""`auth_log.level`: a row is a refusal (as every row before) or a warning about a request
that was accepted but that Vonage itself may refuse."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Text

from ringback.state.migrations.operations import operations


def upgrade(conn: Connection) -> None:
    operations(conn).add_column(
        "auth_log", Column("level", Text, nullable=False, server_default="refusal")
    )
