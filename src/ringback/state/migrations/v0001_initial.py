from __future__ import annotations

from sqlalchemy import Connection, text

STATEMENTS = [
    """CREATE TABLE accounts (
        api_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        balance_units BIGINT NOT NULL,
        auto_reload BOOLEAN NOT NULL,
        auto_reload_amount_units BIGINT NOT NULL,
        signature_secret TEXT NOT NULL,
        signature_method TEXT NOT NULL,
        signs_webhooks BOOLEAN NOT NULL,
        mo_callback_url TEXT NOT NULL,
        dr_callback_url TEXT NOT NULL,
        sms_webhook_method TEXT NOT NULL,
        is_default BOOLEAN NOT NULL,
        created_at FLOAT NOT NULL
    )""",
    """CREATE TABLE api_secrets (
        id TEXT PRIMARY KEY,
        api_key TEXT NOT NULL REFERENCES accounts(api_key) ON DELETE CASCADE,
        salt TEXT NOT NULL,
        digest TEXT NOT NULL,
        created_at FLOAT NOT NULL
    )""",
    "CREATE INDEX ix_api_secrets_api_key ON api_secrets (api_key)",
    """CREATE TABLE applications (
        id TEXT PRIMARY KEY,
        api_key TEXT NOT NULL REFERENCES accounts(api_key) ON DELETE CASCADE,
        name TEXT NOT NULL,
        capabilities TEXT NOT NULL,
        privacy TEXT NOT NULL,
        public_key TEXT NOT NULL,
        created_at FLOAT NOT NULL,
        seq INTEGER NOT NULL
    )""",
    "CREATE INDEX ix_applications_api_key_seq ON applications (api_key, seq)",
    "CREATE INDEX ix_applications_seq ON applications (seq)",
    """CREATE TABLE numbers (
        msisdn TEXT PRIMARY KEY,
        api_key TEXT NOT NULL REFERENCES accounts(api_key) ON DELETE CASCADE,
        country TEXT NOT NULL,
        type TEXT NOT NULL,
        features TEXT NOT NULL,
        monthly_cost_units BIGINT NOT NULL,
        app_id TEXT,
        mo_http_url TEXT,
        mo_smpp_sys_type TEXT,
        voice_callback_type TEXT,
        voice_callback_value TEXT,
        voice_status_callback TEXT,
        messages_callback_type TEXT,
        messages_callback_value TEXT,
        bought_at FLOAT NOT NULL,
        renews_at FLOAT NOT NULL
    )""",
    "CREATE INDEX ix_numbers_api_key ON numbers (api_key)",
    """CREATE TABLE charges (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        api_key TEXT NOT NULL REFERENCES accounts(api_key) ON DELETE CASCADE,
        product TEXT NOT NULL,
        reference TEXT NOT NULL,
        amount_units BIGINT NOT NULL,
        balance_after_units BIGINT NOT NULL,
        created_at FLOAT NOT NULL
    )""",
    "CREATE INDEX ix_charges_api_key ON charges (api_key)",
    """CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        due_at FLOAT NOT NULL,
        payload TEXT NOT NULL,
        api_key TEXT,
        attempts INTEGER NOT NULL,
        last_error TEXT,
        created_at FLOAT NOT NULL
    )""",
    "CREATE INDEX ix_jobs_due_at ON jobs (due_at)",
    "CREATE INDEX ix_jobs_api_key ON jobs (api_key)",
    """CREATE TABLE auth_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at FLOAT NOT NULL,
        api TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        api_key TEXT,
        reason TEXT NOT NULL,
        mode TEXT NOT NULL
    )""",
]


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(text(statement))
