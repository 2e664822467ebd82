"""The simulated network (handsets, outbound SMS parts) and the webhook outbox."""

from __future__ import annotations

from sqlalchemy import Connection, text

STATEMENTS = [
    """CREATE TABLE handset_behaviours (
        msisdn TEXT PRIMARY KEY,
        profile TEXT NOT NULL,
        updated_at FLOAT NOT NULL
    )""",
    """CREATE TABLE handset_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        msisdn TEXT NOT NULL,
        direction TEXT NOT NULL,
        channel TEXT NOT NULL,
        peer TEXT NOT NULL,
        text TEXT NOT NULL,
        encoding TEXT NOT NULL,
        parts INTEGER NOT NULL,
        api_key TEXT,
        reference TEXT,
        created_at FLOAT NOT NULL
    )""",
    "CREATE INDEX ix_handset_messages_msisdn ON handset_messages (msisdn, id)",
    "CREATE INDEX ix_handset_messages_api_key ON handset_messages (api_key)",
    """CREATE TABLE sms_messages (
        message_id TEXT PRIMARY KEY,
        api_key TEXT NOT NULL REFERENCES accounts(api_key) ON DELETE CASCADE,
        to_msisdn TEXT NOT NULL,
        sender TEXT NOT NULL,
        part INTEGER NOT NULL,
        parts INTEGER NOT NULL,
        concat_ref TEXT,
        encoding TEXT NOT NULL,
        body TEXT NOT NULL,
        udh TEXT,
        client_ref TEXT,
        account_ref TEXT,
        callback TEXT,
        status_report_req BOOLEAN NOT NULL,
        ttl_ms INTEGER NOT NULL,
        price_units BIGINT NOT NULL,
        network_code TEXT,
        status TEXT NOT NULL,
        err_code INTEGER,
        submitted_at FLOAT NOT NULL,
        final_at FLOAT,
        converted BOOLEAN,
        conversion_at FLOAT
    )""",
    "CREATE INDEX ix_sms_messages_api_key ON sms_messages (api_key, submitted_at)",
    """CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        api_key TEXT,
        kind TEXT NOT NULL,
        url TEXT NOT NULL,
        method TEXT NOT NULL,
        content_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        signing TEXT,
        application_id TEXT,
        destination TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at FLOAT NOT NULL,
        give_up_at FLOAT NOT NULL,
        retry_window FLOAT NOT NULL,
        created_at FLOAT NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        reference TEXT
    )""",
    "CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries "
    "(status, destination, next_attempt_at, id)",
    "CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
    "CREATE INDEX ix_webhook_deliveries_api_key ON webhook_deliveries (api_key, id)",
    """CREATE TABLE webhook_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        api_key TEXT,
        at FLOAT NOT NULL,
        url TEXT NOT NULL,
        method TEXT NOT NULL,
        request_headers TEXT NOT NULL,
        request_body TEXT NOT NULL,
        response_status INTEGER,
        response_excerpt TEXT,
        latency_ms FLOAT,
        error TEXT
    )""",
    "CREATE INDEX ix_webhook_attempts_delivery ON webhook_attempts (delivery_id, id)",
    "CREATE INDEX ix_webhook_attempts_api_key ON webhook_attempts (api_key, id)",
]


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(text(statement))
