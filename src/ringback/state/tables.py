"""The schema, as SQLAlchemy Core tables. Versioned DDL lives in `state/migrations/`.

Money is stored as integer units of 1e-8 EUR (`*_units`), so that balances and charges add up
exactly and a charge can be applied with one atomic UPDATE.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    Table,
    Text,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("api_key", Text, primary_key=True),
    Column("name", Text, nullable=False),
    # balance in 1e-8 EUR
    Column("balance_units", BigInteger, nullable=False),
    Column("auto_reload", Boolean, nullable=False),
    # what one top-up adds (Vonage: "the same amount as the auto-reload payment")
    Column("auto_reload_amount_units", BigInteger, nullable=False),
    Column("signature_secret", Text, nullable=False),
    # md5hash | md5 | sha1 | sha256 | sha512 (the HMAC digests as Vonage names them)
    Column("signature_method", Text, nullable=False),
    Column("signs_webhooks", Boolean, nullable=False),
    Column("mo_callback_url", Text, nullable=False),
    Column("dr_callback_url", Text, nullable=False),
    # GET or POST for inbound SMS and receipts (Vonage's "HTTP method" dashboard setting)
    Column("sms_webhook_method", Text, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
)

api_secrets = Table(
    "api_secrets",
    metadata,
    Column("id", Text, primary_key=True),
    Column("api_key", Text, nullable=False, index=True),
    Column("salt", Text, nullable=False),
    # sha256(salt + secret); the value itself is only ever shown once, at creation
    Column("digest", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

applications = Table(
    "applications",
    metadata,
    Column("id", Text, primary_key=True),
    Column("api_key", Text, nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("capabilities", Text, nullable=False),  # JSON, as given (normalised) by the user
    Column("privacy", Text, nullable=False),  # JSON
    Column("public_key", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("seq", Integer, nullable=False),  # creation order, for stable list pages
)

numbers = Table(
    "numbers",
    metadata,
    Column("msisdn", Text, primary_key=True),
    Column("api_key", Text, nullable=False, index=True),
    Column("country", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("features", Text, nullable=False),  # JSON list
    Column("monthly_cost_units", BigInteger, nullable=False),
    Column("app_id", Text, nullable=True),
    Column("mo_http_url", Text, nullable=True),
    Column("mo_smpp_sys_type", Text, nullable=True),
    Column("voice_callback_type", Text, nullable=True),
    Column("voice_callback_value", Text, nullable=True),
    Column("voice_status_callback", Text, nullable=True),
    Column("messages_callback_type", Text, nullable=True),
    Column("messages_callback_value", Text, nullable=True),
    Column("bought_at", Float, nullable=False),
    Column("renews_at", Float, nullable=False),
)

charges = Table(
    "charges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("api_key", Text, nullable=False, index=True),
    Column("product", Text, nullable=False),
    Column("reference", Text, nullable=False),
    Column("amount_units", BigInteger, nullable=False),  # positive = charged, negative = credit
    Column("balance_after_units", BigInteger, nullable=False),
    Column("created_at", Float, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("due_at", Float, nullable=False, index=True),
    Column("payload", Text, nullable=False),  # JSON
    Column("api_key", Text, nullable=True, index=True),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", Float, nullable=False),
)

auth_log = Table(
    "auth_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("api", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("api_key", Text, nullable=True),
    Column("reason", Text, nullable=False),
    Column("mode", Text, nullable=False),  # strict: refused; soft: let through
)
