-- The schema Ringback 0.1.0 created (its migrations v0001 and v0002, hand-written SQLite DDL),
-- kept to check that a database made by that release migrates to today's tables.

CREATE TABLE accounts (
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
    );

CREATE TABLE api_secrets (
        id TEXT PRIMARY KEY,
        api_key TEXT NOT NULL REFERENCES accounts(api_key) ON DELETE CASCADE,
        salt TEXT NOT NULL,
        digest TEXT NOT NULL,
        created_at FLOAT NOT NULL
    );

CREATE INDEX ix_api_secrets_api_key ON api_secrets (api_key);

CREATE TABLE applications (
        id TEXT PRIMARY KEY,
        api_key TEXT NOT NULL REFERENCES accounts(api_key) ON DELETE CASCADE,
        name TEXT NOT NULL,
        capabilities TEXT NOT NULL,
        privacy TEXT NOT NULL,
        public_key TEXT NOT NULL,
        created_at FLOAT NOT NULL,
        seq INTEGER NOT NULL
    );

CREATE INDEX ix_applications_api_key_seq ON applications (api_key, seq);

CREATE INDEX ix_applications_seq ON applications (seq);

CREATE TABLE numbers (
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
    );

CREATE INDEX ix_numbers_api_key ON numbers (api_key);

CREATE TABLE charges (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        api_key TEXT NOT NULL REFERENCES accounts(api_key) ON DELETE CASCADE,
        product TEXT NOT NULL,
        reference TEXT NOT NULL,
        amount_units BIGINT NOT NULL,
        balance_after_units BIGINT NOT NULL,
        created_at FLOAT NOT NULL
    );

CREATE INDEX ix_charges_api_key ON charges (api_key);

CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        due_at FLOAT NOT NULL,
        payload TEXT NOT NULL,
        api_key TEXT,
        attempts INTEGER NOT NULL,
        last_error TEXT,
        created_at FLOAT NOT NULL
    );

CREATE INDEX ix_jobs_due_at ON jobs (due_at);

CREATE INDEX ix_jobs_api_key ON jobs (api_key);

CREATE TABLE auth_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at FLOAT NOT NULL,
        api TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        api_key TEXT,
        reason TEXT NOT NULL,
        mode TEXT NOT NULL
    );

CREATE TABLE handset_behaviours (
        msisdn TEXT PRIMARY KEY,
        profile TEXT NOT NULL,
        updated_at FLOAT NOT NULL
    );

CREATE TABLE handset_messages (
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
    );

CREATE INDEX ix_handset_messages_msisdn ON handset_messages (msisdn, id);

CREATE INDEX ix_handset_messages_api_key ON handset_messages (api_key);

CREATE TABLE sms_messages (
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
    );

CREATE INDEX ix_sms_messages_api_key ON sms_messages (api_key, submitted_at);

CREATE TABLE webhook_deliveries (
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
    );

CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (status, destination, next_attempt_at, id);

CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);

CREATE INDEX ix_webhook_deliveries_api_key ON webhook_deliveries (api_key, id);

CREATE TABLE webhook_attempts (
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
    );

CREATE INDEX ix_webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

CREATE INDEX ix_webhook_attempts_api_key ON webhook_attempts (api_key, id);

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('schema_version', '2');
