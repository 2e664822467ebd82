"""Voice: calls, each call's handset transcript, and recordings (described, rendered on
download)."""

from __future__ import annotations

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
)

schema = MetaData()

# created by v0001, declared here for the foreign keys
Table("accounts", schema, Column("api_key", Text, primary_key=True))


def _account_key() -> Column[str]:
    return Column(
        "api_key", Text, ForeignKey("accounts.api_key", ondelete="CASCADE"), nullable=False
    )


calls = Table(
    "calls",
    schema,
    Column("uuid", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=False),
    Column("conversation_uuid", Text, nullable=False),
    Column("direction", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("to_endpoint", Text, nullable=False),
    Column("from_endpoint", Text, nullable=False),
    Column("to_msisdn", Text, nullable=True),
    Column("answer_url", Text, nullable=True),
    Column("answer_method", Text, nullable=False),
    Column("event_url", Text, nullable=True),
    Column("event_method", Text, nullable=False),
    Column("ncco", Text, nullable=True),
    Column("ringing_timer", Integer, nullable=False),
    Column("length_timer", Integer, nullable=False),
    Column("machine_detection", Text, nullable=True),
    Column("rate", Text, nullable=True),
    Column("network", Text, nullable=True),
    Column("price", Text, nullable=True),
    Column("duration", Integer, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("start_time", Float, nullable=True),
    Column("end_time", Float, nullable=True),
    Column("ended", Boolean, nullable=False),
    Column("engine", Text, nullable=True),
    Column("alarm", Float, nullable=True),
    Index("ix_calls_api_key", "api_key", "created_at"),
    Index("ix_calls_to_msisdn", "to_msisdn", "created_at"),
)

call_events = Table(
    "call_events",
    schema,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("call_uuid", Text, ForeignKey("calls.uuid", ondelete="CASCADE"), nullable=False),
    _account_key(),
    Column("at", Float, nullable=False),
    Column("side", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Index("ix_call_events_call", "call_uuid", "id"),
    sqlite_autoincrement=True,
)

recordings = Table(
    "recordings",
    schema,
    Column("recording_uuid", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=False),
    Column("call_uuid", Text, nullable=False),
    Column("conversation_uuid", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("recording", Text, nullable=False),
    Index("ix_recordings_api_key", "api_key", "created_at"),
)


def upgrade(conn: Connection) -> None:
    for table in (calls, call_events, recordings):
        table.create(conn, checkfirst=False)
