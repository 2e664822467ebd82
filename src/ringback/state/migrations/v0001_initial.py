"""The first schema (0.1.0): accounts and their secrets, applications, numbers, the ledger,
jobs and the auth log.

The tables are written out here as they were at this version, never imported from
`state/tables.py`: that module moves on, a migration does not. SQLAlchemy renders them for the
database at hand (SQLite or PostgreSQL).
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


def _account_key() -> Column[str]:
    return Column(
        "api_key", Text, ForeignKey("accounts.api_key", ondelete="CASCADE"), nullable=False
    )


Table(
    "accounts",
    schema,
    Column("api_key", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("balance_units", BigInteger, nullable=False),
    Column("auto_reload", Boolean, nullable=False),
    Column("auto_reload_amount_units", BigInteger, nullable=False),
    Column("signature_secret", Text, nullable=False),
    Column("signature_method", Text, nullable=False),
    Column("signs_webhooks", Boolean, nullable=False),
    Column("mo_callback_url", Text, nullable=False),
    Column("dr_callback_url", Text, nullable=False),
    Column("sms_webhook_method", Text, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
)
Table(
    "api_secrets",
    schema,
    Column("id", Text, primary_key=True),
    _account_key(),
    Column("salt", Text, nullable=False),
    Column("digest", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_api_secrets_api_key", "api_key"),
)
Table(
    "applications",
    schema,
    Column("id", Text, primary_key=True),
    _account_key(),
    Column("name", Text, nullable=False),
    Column("capabilities", Text, nullable=False),
    Column("privacy", Text, nullable=False),
    Column("public_key", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("seq", Integer, nullable=False),
    Index("ix_applications_api_key_seq", "api_key", "seq"),
    Index("ix_applications_seq", "seq"),
)
Table(
    "numbers",
    schema,
    Column("msisdn", Text, primary_key=True),
    _account_key(),
    Column("country", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("features", Text, nullable=False),
    Column("monthly_cost_units", BigInteger, nullable=False),
    Column("app_id", Text),
    Column("mo_http_url", Text),
    Column("mo_smpp_sys_type", Text),
    Column("voice_callback_type", Text),
    Column("voice_callback_value", Text),
    Column("voice_status_callback", Text),
    Column("messages_callback_type", Text),
    Column("messages_callback_value", Text),
    Column("bought_at", Float, nullable=False),
    Column("renews_at", Float, nullable=False),
    Index("ix_numbers_api_key", "api_key"),
)
Table(
    "charges",
    schema,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _account_key(),
    Column("product", Text, nullable=False),
    Column("reference", Text, nullable=False),
    Column("amount_units", BigInteger, nullable=False),
    Column("balance_after_units", BigInteger, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_charges_api_key", "api_key"),
    sqlite_autoincrement=True,
)
Table(
    "jobs",
    schema,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("due_at", Float, nullable=False),
    Column("payload", Text, nullable=False),
    Column("api_key", Text),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", Float, nullable=False),
    Index("ix_jobs_due_at", "due_at"),
    Index("ix_jobs_api_key", "api_key"),
    sqlite_autoincrement=True,
)
Table(
    "auth_log",
    schema,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("api", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("api_key", Text),
    Column("reason", Text, nullable=False),
    Column("mode", Text, nullable=False),
    sqlite_autoincrement=True,
)


def upgrade(conn: Connection) -> None:
    schema.create_all(conn, checkfirst=False)
