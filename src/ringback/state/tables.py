"""The schema, as SQLAlchemy Core tables: the one source of truth. The migrations in
`state/migrations/` build exactly this on SQLite and PostgreSQL; `tests/unit/state/test_schema.py`
compares the migrated database with it (alembic's `compare_metadata`) on both.

Money is stored as integer units of 1e-8 EUR (`*_units`), so that balances and charges add up
exactly and a charge can be applied with one atomic UPDATE.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
)

metadata = MetaData()

# `sqlite_autoincrement`: an id is never reused after a delete (SQLite's AUTOINCREMENT; a
# PostgreSQL sequence never goes back anyway)


def _account_key(nullable: bool = False) -> Column[str]:
    """`api_key` of a row that goes with its account (deleted with it)."""
    return Column(
        "api_key",
        Text,
        ForeignKey("accounts.api_key", ondelete="CASCADE"),
        nullable=nullable,
    )


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
    # POST-JSON | POST (form) | GET for inbound SMS and receipts (the dashboard setting)
    Column("sms_webhook_method", Text, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
)

# the transaction recorded each time auto-reload is switched on (the dashboard's payment); the
# latest is the `trx` a top-up must name (account.yml)
auto_reload_transactions = Table(
    "auto_reload_transactions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    _account_key(),
    Column("trx", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_auto_reload_transactions_api_key", "api_key", "seq"),
    sqlite_autoincrement=True,
)

api_secrets = Table(
    "api_secrets",
    metadata,
    Column("id", Text, primary_key=True),
    _account_key(),
    Column("salt", Text, nullable=False),
    # sha256(salt + secret); the value itself is only ever shown once, at creation
    Column("digest", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_api_secrets_api_key", "api_key"),
)

applications = Table(
    "applications",
    metadata,
    Column("id", Text, primary_key=True),
    _account_key(),
    Column("name", Text, nullable=False),
    Column("capabilities", Text, nullable=False),  # JSON, as given (normalised) by the user
    Column("privacy", Text, nullable=False),  # JSON
    Column("public_key", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("seq", Integer, nullable=False),  # creation order, for stable list pages
    Index("ix_applications_api_key_seq", "api_key", "seq"),
    Index("ix_applications_seq", "seq"),
)

numbers = Table(
    "numbers",
    metadata,
    Column("msisdn", Text, primary_key=True),
    _account_key(),
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
    Index("ix_numbers_api_key", "api_key"),
)

charges = Table(
    "charges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _account_key(),
    Column("product", Text, nullable=False),
    Column("reference", Text, nullable=False),
    Column("amount_units", BigInteger, nullable=False),  # positive = charged, negative = credit
    Column("balance_after_units", BigInteger, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_charges_api_key", "api_key"),
    sqlite_autoincrement=True,
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("due_at", Float, nullable=False),
    Column("payload", Text, nullable=False),  # JSON
    Column("api_key", Text, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    # (v0005) many workers: who runs a job outside the transaction that took it, and until
    # when (wall clock); another worker takes it over once the lease has run out
    Column("claimed_by", Text, nullable=True),
    Column("lease_until", Float, nullable=True),
    Index("ix_jobs_due_at", "due_at"),
    Index("ix_jobs_api_key", "api_key"),
    sqlite_autoincrement=True,
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
    # (v0003) refusal, or warning: accepted, but Vonage itself may refuse it
    Column("level", Text, nullable=False, server_default="refusal"),
    sqlite_autoincrement=True,
)

# --- the simulated network (v0002) ---

handset_behaviours = Table(
    "handset_behaviours",
    metadata,
    Column("msisdn", Text, primary_key=True),
    Column("profile", Text, nullable=False),  # JSON of network.behaviours.Behaviour
    Column("updated_at", Float, nullable=False),
)

handset_messages = Table(
    "handset_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("msisdn", Text, nullable=False),  # the handset
    Column("direction", Text, nullable=False),  # received | sent
    Column("channel", Text, nullable=False),  # sms (later: whatsapp, viber, ...)
    Column("peer", Text, nullable=False),  # the sender (received) or recipient (sent)
    Column("text", Text, nullable=False),  # the whole message as the handset shows it
    Column("encoding", Text, nullable=False),  # text | unicode | binary
    Column("parts", Integer, nullable=False),
    Column("api_key", Text, nullable=True),  # the Ringback account on the other side, if any
    Column("reference", Text, nullable=True),  # message id(s) on the Vonage side
    Column("created_at", Float, nullable=False),
    # (v0005) JSON of what the sender sent, for channels that carry more than text (Messages)
    Column("content", Text, nullable=True),
    # (v0008) when the business marked it read (PATCH /v1/messages: an inbound WhatsApp message)
    Column("read_at", Float, nullable=True),
    Index("ix_handset_messages_msisdn", "msisdn", "id"),
    Index("ix_handset_messages_api_key", "api_key"),
    sqlite_autoincrement=True,
)

sms_messages = Table(
    "sms_messages",
    metadata,
    Column("message_id", Text, primary_key=True),  # one row per part, as Vonage ids them
    _account_key(),
    Column("to_msisdn", Text, nullable=False),
    Column("sender", Text, nullable=False),
    Column("part", Integer, nullable=False),  # 1-based
    Column("parts", Integer, nullable=False),
    Column("concat_ref", Text, nullable=True),
    Column("encoding", Text, nullable=False),
    Column("body", Text, nullable=False),  # this part's text (hex for binary)
    Column("udh", Text, nullable=True),
    Column("client_ref", Text, nullable=True),
    Column("account_ref", Text, nullable=True),
    Column("callback", Text, nullable=True),
    Column("status_report_req", Boolean, nullable=False),
    Column("ttl_ms", Integer, nullable=False),
    Column("price_units", BigInteger, nullable=False),
    Column("network_code", Text, nullable=True),
    Column("status", Text, nullable=False),  # submitted | delivered | failed | rejected | expired
    Column("err_code", Integer, nullable=True),
    Column("submitted_at", Float, nullable=False),
    Column("final_at", Float, nullable=True),
    Column("converted", Boolean, nullable=True),
    Column("conversion_at", Float, nullable=True),
    Index("ix_sms_messages_api_key", "api_key", "submitted_at"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("api_key", Text, nullable=True),
    Column("kind", Text, nullable=False),  # e.g. sms-dlr, sms-inbound, ni-async
    Column("url", Text, nullable=False),
    Column("method", Text, nullable=False),  # GET | POST
    Column("content_type", Text, nullable=False),  # form | json (GET always sends a query)
    Column("payload", Text, nullable=False),  # JSON object of the fields to send
    Column("signing", Text, nullable=True),  # None | sms-signature | jwt
    Column("application_id", Text, nullable=True),  # for the JWT's application_id claim
    Column("destination", Text, nullable=False),  # scheme://host:port, the unit of ordering
    Column("status", Text, nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Float, nullable=False),
    Column("give_up_at", Float, nullable=False),
    Column("retry_window", Float, nullable=False),  # seconds; a replay gets a fresh one
    Column("created_at", Float, nullable=False),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("reference", Text, nullable=True),  # what it is about, e.g. a message id
    Index("ix_webhook_deliveries_pending", "status", "destination", "next_attempt_at", "id"),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_api_key", "api_key", "id"),
    sqlite_autoincrement=True,
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "delivery_id",
        Integer,
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("api_key", Text, nullable=True),
    Column("at", Float, nullable=False),
    Column("url", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("request_headers", Text, nullable=False),  # JSON
    Column("request_body", Text, nullable=False),
    Column("response_status", Integer, nullable=True),
    Column("response_excerpt", Text, nullable=True),
    Column("latency_ms", Float, nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_webhook_attempts_delivery", "delivery_id", "id"),
    Index("ix_webhook_attempts_api_key", "api_key", "id"),
    sqlite_autoincrement=True,
)

# --- the Messages API (v0005) ---

# WhatsApp, Viber, Messenger and RCS senders registered to an account (the dashboard's
# external accounts), each linked to one application
message_senders = Table(
    "message_senders",
    metadata,
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
    metadata,
    Column("message_id", Text, primary_key=True),  # the message_uuid
    _account_key(),
    Column("application_id", Text, nullable=True),  # the JWT's (None with Basic)
    Column("channel", Text, nullable=False),
    Column("message_type", Text, nullable=False),
    Column("to_msisdn", Text, nullable=False),
    Column("sender", Text, nullable=False),
    Column("encoding", Text, nullable=False),  # SMS: text | unicode; else json
    Column("body", Text, nullable=False),  # SMS: the text; else JSON of the content
    Column("client_ref", Text, nullable=True),
    Column("webhook_url", Text, nullable=True),  # where its statuses go (resolved at send)
    Column("webhook_version", Text, nullable=False),  # v1 | v0.1
    Column("ttl", Integer, nullable=True),  # seconds
    Column("price_units", BigInteger, nullable=False),
    Column("count_total", Integer, nullable=False),  # SMS parts (1 elsewhere)
    Column("network_code", Text, nullable=True),
    # submitted | delivered | read | rejected | undeliverable
    Column("status", Text, nullable=False),
    Column("error_code", Integer, nullable=True),  # the error table's 1000-1484
    Column("submitted_at", Float, nullable=False),
    Column("final_at", Float, nullable=True),
    Column("read_at", Float, nullable=True),
    # (v0011) a failover workflow's message: the status webhooks' `workflow` object, as JSON
    Column("workflow", Text, nullable=True),
    Index("ix_messages_api_key", "api_key", "submitted_at"),
    Index("ix_messages_to", "to_msisdn"),
)

# a failover workflow (v0011): the entries not yet sent, as read, and who sent the request
message_workflows = Table(
    "message_workflows",
    metadata,
    Column("workflow_id", Text, primary_key=True),
    _account_key(),
    Column("credential", Text, nullable=False),  # jwt | basic
    Column("application_id", Text, nullable=True),
    Column("failover", Text, nullable=False),  # JSON: the `failover` entries, in order
    Column("created_at", Float, nullable=False),
)

# every status a message went through, in order
message_statuses = Table(
    "message_statuses",
    metadata,
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

# WhatsApp's customer-care window: opened when the user writes to the business sender
whatsapp_windows = Table(
    "whatsapp_windows",
    metadata,
    Column("sender", Text, primary_key=True),  # the business's WhatsApp number
    Column("user_msisdn", Text, primary_key=True),
    Column("opened_at", Float, nullable=False),
)

# Voice (v0006): a call leg, its handset transcript, and the recordings its NCCO made
calls = Table(
    "calls",
    metadata,
    Column("uuid", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=False),
    Column("conversation_uuid", Text, nullable=False),
    Column("direction", Text, nullable=False),  # outbound | inbound
    Column("status", Text, nullable=False),
    Column("to_endpoint", Text, nullable=False),  # the endpoint JSON, as Vonage echoes it
    Column("from_endpoint", Text, nullable=False),
    Column("to_msisdn", Text, nullable=True),  # a phone endpoint's number: the handset
    Column("answer_url", Text, nullable=True),
    Column("answer_method", Text, nullable=False),
    Column("event_url", Text, nullable=True),
    Column("event_method", Text, nullable=False),
    Column("ncco", Text, nullable=True),  # the request's NCCO (JSON) when it gave one
    Column("ringing_timer", Integer, nullable=False),
    Column("length_timer", Integer, nullable=False),
    Column("machine_detection", Text, nullable=True),
    Column("rate", Text, nullable=True),  # EUR per minute, Vonage's 8-decimal text
    Column("network", Text, nullable=True),
    Column("price", Text, nullable=True),
    Column("duration", Integer, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("start_time", Float, nullable=True),  # answered
    Column("end_time", Float, nullable=True),
    Column("ended", Boolean, nullable=False),
    Column("engine", Text, nullable=True),  # the NCCO engine's CallState (JSON) once answered
    Column("alarm", Float, nullable=True),  # when the engine asked to be woken
    Column("parent_uuid", Text, nullable=True),  # (v0010) the leg whose connect dialled it
    Column("room", Text, nullable=True),  # (v0010) the named conversation it is in
    Column("room_options", Text, nullable=True),  # (v0010) its Join options (JSON)
    Index("ix_calls_api_key", "api_key", "created_at"),
    Index("ix_calls_to_msisdn", "to_msisdn", "created_at"),
)

call_events = Table(
    "call_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("call_uuid", Text, ForeignKey("calls.uuid", ondelete="CASCADE"), nullable=False),
    _account_key(),
    Column("at", Float, nullable=False),
    Column("side", Text, nullable=False),  # network | heard (played to the handset) | handset
    Column("kind", Text, nullable=False),
    Column("detail", Text, nullable=False),  # JSON object
    Index("ix_call_events_call", "call_uuid", "id"),
    sqlite_autoincrement=True,
)

recordings = Table(
    "recordings",
    metadata,
    Column("recording_uuid", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=False),
    Column("call_uuid", Text, nullable=False),
    Column("conversation_uuid", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("recording", Text, nullable=False),  # the FinishedRecording: sounds, not samples
    Index("ix_recordings_api_key", "api_key", "created_at"),
)

# --- many workers on PostgreSQL (v0007) ---

# the worker sending to a destination (scheme://host:port) and until when (wall clock): one
# sender per destination keeps its deliveries in order and each sent once
webhook_claims = Table(
    "webhook_claims",
    metadata,
    Column("destination", Text, primary_key=True),
    Column("worker", Text, nullable=False),
    Column("lease_until", Float, nullable=False),
)

# a moving window per rate-limit rule and API key, shared by every worker: the hits (wall
# clock) within the window, as a PostgreSQL float8[] literal (state/rate_windows.py)
rate_windows = Table(
    "rate_windows",
    metadata,
    Column("key", Text, primary_key=True),
    Column("hits", Text, nullable=False),
)

# (v0008) messages handsets sent to an account's number or channel sender (Messages API inbound)
inbound_messages = Table(
    "inbound_messages",
    metadata,
    Column("message_id", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=True),
    Column("channel", Text, nullable=False),
    Column("message_type", Text, nullable=False),
    Column("sender", Text, nullable=False),  # the handset (a number, or a Messenger id)
    Column("to_id", Text, nullable=False),  # the account's number or channel sender
    Column("handset_message_id", Integer, nullable=True),  # the entry on the sender's handset
    Column("created_at", Float, nullable=False),
    Column("read_at", Float, nullable=True),
    Index("ix_inbound_messages_api_key", "api_key"),
)

# (v0008) media a handset sent, served at /v3/media/{media_id}
inbound_media = Table(
    "inbound_media",
    metadata,
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

# (v0009) one-time codes Verify sent to a handset or an email inbox, on any channel: the unit
# the delivery pipeline lands (SMS, WhatsApp), the call that reads it out, or the email; what
# `codes/latest` answers, without reading any message text
verify_codes = Table(
    "verify_codes",
    metadata,
    Column("id", Text, primary_key=True),
    _account_key(),
    Column("request_id", Text, nullable=False),
    Column("channel", Text, nullable=False),  # sms | voice | whatsapp | ... | silent_auth
    Column("to_address", Text, nullable=False),  # an E.164 number or an email address
    Column("sender", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("body", Text, nullable=False),  # the text (SMS, email, talk) or the JSON sent
    Column("status", Text, nullable=False),  # pending | delivered | failed
    Column("created_at", Float, nullable=False),
    Column("delivered_at", Float, nullable=True),
    Column("call_uuid", Text, nullable=True),
    Index("ix_verify_codes_to", "to_address", "delivered_at"),
    Index("ix_verify_codes_request", "request_id"),
    Index("ix_verify_codes_call", "call_uuid"),
    Index("ix_verify_codes_api_key", "api_key"),
)

# (v0009) verification requests, legacy and v2 (`version`); what a version needs beyond these
# columns is its own JSON in `detail`
verify_requests = Table(
    "verify_requests",
    metadata,
    Column("request_id", Text, primary_key=True),
    _account_key(),
    Column("application_id", Text, nullable=True),
    Column("version", Text, nullable=False),  # legacy | v2
    Column("to_address", Text, nullable=False),  # the number (or address) being verified
    Column("status", Text, nullable=False),
    Column("code", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("finished_at", Float, nullable=True),
    Column("detail", Text, nullable=False),
    Index("ix_verify_requests_to", "to_address", "status"),
    Index("ix_verify_requests_api_key", "api_key", "created_at"),
)

# (v0009) Verify v2 custom templates and their fragments (a text per channel and locale)
verify_templates = Table(
    "verify_templates",
    metadata,
    Column("template_id", Text, primary_key=True),
    _account_key(),
    Column("name", Text, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_verify_templates_api_key", "api_key", "created_at"),
)

verify_template_fragments = Table(
    "verify_template_fragments",
    metadata,
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

# (v0010) a named conversation with legs in it: Join/Leave of the NCCO engine, run by the
# Voice driver; the row goes when the room ends or empties
voice_rooms = Table(
    "voice_rooms",
    metadata,
    Column("room_key", Text, primary_key=True),  # api_key/application_id/name
    _account_key(),
    Column("application_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("conversation_uuid", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("started", Boolean, nullable=False),  # a startOnEnter participant came
    Column("recording", Text, nullable=True),  # the room's running recording (JSON)
)
