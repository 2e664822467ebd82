"""Messages API inbound: what handsets sent to an account's numbers and channel senders, the
media they carried (served at /v3/media/{id}), and when a business marked a handset's message
read."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
)

from ringback.state.migrations.operations import operations

schema = MetaData()

# created by v0001, declared here for the foreign keys
accounts = Table("accounts", schema, Column("api_key", Text, primary_key=True))


def _account_key() -> Column[str]:
    return Column(
        "api_key", Text, ForeignKey("accounts.api_key", ondelete="CASCADE"), nullable=False
    )


inbound_messages = Table(
    "inbound_messages",
    schema,
    Column("message_id", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=True),
    Column("channel", Text, nullable=False),
    Column("message_type", Text, nullable=False),
    Column("sender", Text, nullable=False),
    Column("to_id", Text, nullable=False),
    Column("handset_message_id", Integer, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("read_at", Float, nullable=True),
    Index("ix_inbound_messages_api_key", "api_key"),
)

inbound_media = Table(
    "inbound_media",
    schema,
    Column("media_id", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=True),
    Column("message_id", Text, nullable=False),
    Column("mime_type", Text, nullable=False),
    Column("name", Text, nullable=True),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_inbound_media_api_key", "api_key"),
)


def upgrade(conn: Connection) -> None:
    for table in (inbound_messages, inbound_media):
        table.create(conn, checkfirst=False)
    operations(conn).add_column("handset_messages", Column("read_at", Float, nullable=True))
