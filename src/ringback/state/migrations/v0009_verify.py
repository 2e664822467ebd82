"""Verify, legacy and v2: the codes sent on every channel, the requests, and v2's templates."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Connection, Float, ForeignKey, Index, MetaData, Table, Text

schema = MetaData()

# created by v0001, declared here for the foreign keys
accounts = Table("accounts", schema, Column("api_key", Text, primary_key=True))


def _account_key() -> Column[str]:
    return Column(
        "api_key", Text, ForeignKey("accounts.api_key", ondelete="CASCADE"), nullable=False
    )


verify_codes = Table(
    "verify_codes",
    schema,
    Column("id", Text, primary_key=True),
    _account_key(),
    Column("request_id", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("to_address", Text, nullable=False),
    Column("sender", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("delivered_at", Float, nullable=True),
    Column("call_uuid", Text, nullable=True),
    Index("ix_verify_codes_to", "to_address", "delivered_at"),
    Index("ix_verify_codes_request", "request_id"),
    Index("ix_verify_codes_call", "call_uuid"),
    Index("ix_verify_codes_api_key", "api_key"),
)

verify_requests = Table(
    "verify_requests",
    schema,
    Column("request_id", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=True),
    Column("version", Text, nullable=False),
    Column("to_address", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("code", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("finished_at", Float, nullable=True),
    Column("detail", Text, nullable=False),
    Index("ix_verify_requests_to", "to_address", "status"),
    Index("ix_verify_requests_api_key", "api_key", "created_at"),
)

verify_templates = Table(
    "verify_templates",
    schema,
    Column("template_id", Text, primary_key=True),
    _account_key(),
    Column("name", Text, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_verify_templates_api_key", "api_key", "created_at"),
)

verify_template_fragments = Table(
    "verify_template_fragments",
    schema,
    Column("fragment_id", Text, primary_key=True),
    Column(
        "template_id",
        Text,
        ForeignKey("verify_templates.template_id", ondelete="CASCADE"),
        nullable=False,
    ),
    _account_key(),
    Column("channel", Text, nullable=False),
    Column("locale", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_verify_template_fragments_template", "template_id", "created_at"),
)


def upgrade(conn: Connection) -> None:
    for table in (verify_codes, verify_requests, verify_templates, verify_template_fragments):
        table.create(conn, checkfirst=False)
