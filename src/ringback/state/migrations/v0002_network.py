"""The simulated network (handsets, outbound SMS parts) and the webhook outbox.

Tables as they were at this version (see v0001 on why they are written out here).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
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
)

schema = MetaData()

# referenced by sms_messages; created by v0001, declared here only so the foreign key resolves
Table("accounts", schema, Column("api_key", Text, primary_key=True))

NEW = [
    Table(
        "handset_behaviours",
        schema,
        Column("msisdn", Text, primary_key=True),
        Column("profile", Text, nullable=False),
        Column("updated_at", Float, nullable=False),
    ),
    Table(
        "handset_messages",
        schema,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("msisdn", Text, nullable=False),
        Column("direction", Text, nullable=False),
        Column("channel", Text, nullable=False),
        Column("peer", Text, nullable=False),
        Column("text", Text, nullable=False),
        Column("encoding", Text, nullable=False),
        Column("parts", Integer, nullable=False),
        Column("api_key", Text),
        Column("reference", Text),
        Column("created_at", Float, nullable=False),
        Index("ix_handset_messages_msisdn", "msisdn", "id"),
        Index("ix_handset_messages_api_key", "api_key"),
        sqlite_autoincrement=True,
    ),
    Table(
        "sms_messages",
        schema,
        Column("message_id", Text, primary_key=True),
        Column("api_key", Text, ForeignKey("accounts.api_key", ondelete="CASCADE"), nullable=False),
        Column("to_msisdn", Text, nullable=False),
        Column("sender", Text, nullable=False),
        Column("part", Integer, nullable=False),
        Column("parts", Integer, nullable=False),
        Column("concat_ref", Text),
        Column("encoding", Text, nullable=False),
        Column("body", Text, nullable=False),
        Column("udh", Text),
        Column("client_ref", Text),
        Column("account_ref", Text),
        Column("callback", Text),
        Column("status_report_req", Boolean, nullable=False),
        Column("ttl_ms", Integer, nullable=False),
        Column("price_units", BigInteger, nullable=False),
        Column("network_code", Text),
        Column("status", Text, nullable=False),
        Column("err_code", Integer),
        Column("submitted_at", Float, nullable=False),
        Column("final_at", Float),
        Column("converted", Boolean),
        Column("conversion_at", Float),
        Index("ix_sms_messages_api_key", "api_key", "submitted_at"),
    ),
    Table(
        "webhook_deliveries",
        schema,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("api_key", Text),
        Column("kind", Text, nullable=False),
        Column("url", Text, nullable=False),
        Column("method", Text, nullable=False),
        Column("content_type", Text, nullable=False),
        Column("payload", Text, nullable=False),
        Column("signing", Text),
        Column("application_id", Text),
        Column("destination", Text, nullable=False),
        Column("status", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("next_attempt_at", Float, nullable=False),
        Column("give_up_at", Float, nullable=False),
        Column("retry_window", Float, nullable=False),
        Column("created_at", Float, nullable=False),
        Column("last_status", Integer),
        Column("last_error", Text),
        Column("reference", Text),
        Index("ix_webhook_deliveries_pending", "status", "destination", "next_attempt_at", "id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_api_key", "api_key", "id"),
        sqlite_autoincrement=True,
    ),
    Table(
        "webhook_attempts",
        schema,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "delivery_id",
            Integer,
            ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("api_key", Text),
        Column("at", Float, nullable=False),
        Column("url", Text, nullable=False),
        Column("method", Text, nullable=False),
        Column("request_headers", Text, nullable=False),
        Column("request_body", Text, nullable=False),
        Column("response_status", Integer),
        Column("response_excerpt", Text),
        Column("latency_ms", Float),
        Column("error", Text),
        Index("ix_webhook_attempts_delivery", "delivery_id", "id"),
        Index("ix_webhook_attempts_api_key", "api_key", "id"),
        sqlite_autoincrement=True,
    ),
]


def upgrade(conn: Connection) -> None:
    schema.create_all(conn, tables=NEW, checkfirst=False)
