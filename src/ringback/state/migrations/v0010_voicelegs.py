"""Voice legs: the leg a `connect` dialled knows the leg that dialled it, a leg in a named
conversation knows the room and its options, and each live room is a row (who started it,
its recording)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Connection, Float, ForeignKey, MetaData, Table, Text

from ringback.state.migrations.operations import operations

schema = MetaData()

accounts = Table("accounts", schema, Column("api_key", Text, primary_key=True))

voice_rooms = Table(
    "voice_rooms",
    schema,
    Column("room_key", Text, primary_key=True),
    Column("api_key", Text, ForeignKey("accounts.api_key", ondelete="CASCADE"), nullable=False),
    Column("application_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("conversation_uuid", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("started", Boolean, nullable=False),
    Column("recording", Text, nullable=True),
)


def upgrade(conn: Connection) -> None:
    ops = operations(conn)
    ops.add_column("calls", Column("parent_uuid", Text, nullable=True))
    ops.add_column("calls", Column("room", Text, nullable=True))
    ops.add_column("calls", Column("room_options", Text, nullable=True))
    voice_rooms.create(conn, checkfirst=False)
