"""The Messages API: messages and their status history, the senders registered to accounts
(WhatsApp, Viber, Messenger, RCS, like the dashboard's external accounts), WhatsApp's 24-hour
customer-care windows, and what a handset's inbox shows of a message's content."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
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


message_senders = Table(
    "message_senders",
    schema,
    Column("channel", Text, primary_key=True),
    Column("sender_id", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=True),
    Column("display_name", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Index("ix_message_senders_api_key", "api_key"),
)

messages = Table(
    "messages",
    schema,
    Column("message_id", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=True),
    Column("channel", Text, nullable=False),
    Column("message_type", Text, nullable=False),
    Column("to_msisdn", Text, nullable=False),
    Column("sender", Text, nullable=False),
    Column("encoding", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("client_ref", Text, nullable=True),
    Column("webhook_url", Text, nullable=True),
    Column("webhook_version", Text, nullable=False),
    Column("ttl", Integer, nullable=True),
    Column("price_units", BigInteger, nullable=False),
    Column("count_total", Integer, nullable=False),
    Column("network_code", Text, nullable=True),
    Column("status", Text, nullable=False),
    Column("error_code", Integer, nullable=True),
    Column("submitted_at", Float, nullable=False),
    Column("final_at", Float, nullable=True),
    Column("read_at", Float, nullable=True),
    Index("ix_messages_api_key", "api_key", "submitted_at"),
    Index("ix_messages_to", "to_msisdn"),
)

message_statuses = Table(
    "message_statuses",
    schema,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "message_id",
        Text,
        ForeignKey("messages.message_id", ondelete="CASCADE"),
        nullable=False,
    ),
    _account_key(),
    Column("status", Text, nullable=False),
    Column("error_code", Integer, nullable=True),
    Column("at", Float, nullable=False),
    Index("ix_message_statuses_message", "message_id", "id"),
    Index("ix_message_statuses_api_key", "api_key"),
    sqlite_autoincrement=True,
)

whatsapp_windows = Table(
    "whatsapp_windows",
    schema,
    Column("sender", Text, primary_key=True),
    Column("user_msisdn", Text, primary_key=True),
    Column("opened_at", Float, nullable=False),
)


def upgrade(conn: Connection) -> None:
    for table in (message_senders, messages, message_statuses, whatsapp_windows):
        table.create(conn, checkfirst=False)
    operations(conn).add_column("handset_messages", Column("content", Text, nullable=True))
