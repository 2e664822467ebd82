"""The control API's OpenAPI document, built from one table of its operations."""

from __future__ import annotations

from typing import Any

from ringback import __version__

OBJ: dict[str, Any] = {"type": "object"}
ACCOUNT_CHANGE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "balance": {"type": "string", "example": "25.00"},
        "auto_reload": {"type": "boolean"},
        "auto_reload_amount": {"type": "string"},
        "auto_reload_trx": {
            "type": "string",
            "description": "the auto-reload transaction's reference, which top-up checks `trx` "
            "against; switching auto_reload on without one makes a fresh one",
        },
        "name": {"type": "string"},
        "signature_secret": {"type": "string"},
        "signature_method": {"enum": ["md5hash", "md5", "sha1", "sha256", "sha512"]},
        "signs_webhooks": {"type": "boolean"},
        "mo_callback_url": {"type": "string"},
        "dr_callback_url": {"type": "string"},
        "sms_webhook_method": {"enum": ["POST-JSON", "POST", "GET"]},
    },
}

HANDSET = "/_ringback/handsets/{msisdn}"
BEHAVIOUR: dict[str, Any] = {
    "type": "object",
    "description": 'a named profile to copy ({"profile": "absent-temporary"}), and/or '
    "behaviour fields; fields not given come from the profile or the default",
    "properties": {
        "profile": {"type": "string", "example": "absent-temporary"},
        "sms": {"enum": ["delivered", "failed", "rejected", "expired"]},
        "err_code": {"type": "integer", "minimum": 0, "maximum": 99},
        "delay_seconds": {"type": "number", "minimum": 0, "maximum": 604800},
        "submit_status": {"enum": [0, 6, 7, 29, 33]},
        "reachable": {
            "enum": ["reachable", "undeliverable", "absent", "bad_number", "blacklisted", "unknown"]
        },
        "roaming_country": {"type": "string", "nullable": True},
        "roaming_network": {"type": "string", "nullable": True},
        "ported_network": {"type": "string", "nullable": True},
        "valid": {"type": "boolean", "nullable": True},
        "name": {"type": "string"},
        "message": {"enum": ["delivered", "rejected", "undeliverable"], "nullable": True},
        "message_error": {"type": "integer", "minimum": 1000, "maximum": 1499, "nullable": True},
        "read_after_seconds": {"type": "number", "minimum": 0, "nullable": True},
    },
}
MESSAGING_OPERATIONS: list[tuple[str, str, str, str, dict[str, Any] | None]] = [
    (
        "post",
        f"{HANDSET}/messages/{{message_uuid}}/read",
        "readMessage",
        "The handset reads a Messages API message it received (WhatsApp, Messenger, Viber, "
        "RCS): its sender gets the `read` status; 409 when not delivered or the channel has "
        "no read receipts",
        None,
    ),
    (
        "post",
        f"{HANDSET}/whatsapp-window",
        "openWhatsappWindow",
        "Open WhatsApp's 24-hour customer-care window with a business sender, as if the user "
        "had written to it",
        {"type": "object", "required": ["sender"], "properties": {"sender": {"type": "string"}}},
    ),
    (
        "get",
        "/_ringback/messages/{message_uuid}",
        "getMessage",
        "A Messages API message as Ringback holds it, with its status history",
        None,
    ),
    (
        "get",
        "/_ringback/accounts/{api_key}/senders",
        "listSenders",
        "The account's WhatsApp, Viber, Messenger and RCS senders",
        None,
    ),
    (
        "post",
        "/_ringback/accounts/{api_key}/senders",
        "addSender",
        "Register a sender, linked to one of the account's applications (409 if taken)",
        {
            "type": "object",
            "required": ["channel", "id"],
            "properties": {
                "channel": {"enum": ["whatsapp", "viber_service", "messenger", "rcs"]},
                "id": {"type": "string"},
                "application_id": {"type": "string"},
                "display_name": {"type": "string"},
            },
        },
    ),
    (
        "delete",
        "/_ringback/accounts/{api_key}/senders/{channel}/{sender_id}",
        "removeSender",
        "Remove a registered sender",
        None,
    ),
]
HANDSET_OPERATIONS: list[tuple[str, str, str, str, dict[str, Any] | None]] = [
    (
        "get",
        "/_ringback/handsets",
        "listHandsets",
        "Numbers that have sent or received anything, newest last message first (Ringback's "
        "clock): ?limit= (1-1000, default 100) -> {count: <numbers with traffic>, handsets: "
        '[{msisdn, last_at: "2026-12-01T23:10:00Z", received, sent, channels: {"sms": n}}]}',
        None,
    ),
    (
        "get",
        f"{HANDSET}/messages",
        "handsetMessages",
        "A handset's messages: ?direction=received|sent|all &channel= &from= &since= (epoch "
        "seconds on Ringback's clock, or ISO 8601) &after=<id> &limit= &wait=<seconds, max 60> "
        "(long-poll: answers as soon as a matching message lands)",
        None,
    ),
    (
        "post",
        f"{HANDSET}/messages",
        "handsetSend",
        "The handset sends an SMS: to a number a Ringback account rents it becomes that "
        "account's inbound webhook (the Messages API's when the number's application has the "
        "messages capability); to any other number it lands in that handset's inbox. On another "
        "Messages channel, to an account's registered sender: the application's inbound_url",
        {
            "type": "object",
            "required": ["to"],
            "properties": {
                "to": {"type": "string", "example": "+447700900123"},
                "text": {"type": "string", "maxLength": 3200},
                "channel": {
                    "enum": ["sms", "mms", "whatsapp", "messenger", "viber_service", "rcs"]
                },
                "message_type": {"type": "string", "example": "image"},
                "media": {
                    "type": "object",
                    "properties": {
                        "content": {"type": "string", "format": "byte"},
                        "mime_type": {"type": "string"},
                        "name": {"type": "string"},
                    },
                },
                "context": {"type": "object", "properties": {"message_uuid": {"type": "string"}}},
                "profile_name": {"type": "string"},
            },
        },
    ),
    (
        "get",
        f"{HANDSET}/behaviour",
        "handsetBehaviour",
        "What traffic to this handset does, and where that comes from (set, magic, default); "
        "?channel= as traffic on that channel meets it (PUT and DELETE take it too: the "
        "profile's overrides on that channel)",
        None,
    ),
    ("put", f"{HANDSET}/behaviour", "setHandsetBehaviour", "Set its behaviour", BEHAVIOUR),
    (
        "delete",
        f"{HANDSET}/behaviour",
        "resetHandsetBehaviour",
        "Back to its magic profile or the default",
        None,
    ),
    (
        "get",
        f"{HANDSET}/codes/latest",
        "handsetLatestCode",
        "The last one-time code it received, any channel: the last Verify code delivered "
        "(code, channel, request_id, time, call_uuid), else one found in a message's text; "
        "?after=<message id> &since= &wait=<seconds, max 60>; 404 when none",
        None,
    ),
    (
        "get",
        "/_ringback/inboxes/{address}/messages",
        "inboxMessages",
        "An email address's inbox (Verify's email channel): ?since= &after= &limit= &wait=",
        None,
    ),
    (
        "get",
        "/_ringback/inboxes/{address}/codes/latest",
        "inboxLatestCode",
        "The last Verify code delivered to an email address: ?since= &wait=; 404 when none",
        None,
    ),
    (
        "get",
        "/_ringback/magic-numbers",
        "magicNumbers",
        "Numbers that behave in a documented way with no setup",
        None,
    ),
]

WEBHOOK = "/_ringback/webhooks"
WEBHOOK_OPERATIONS: list[tuple[str, str, str, str, dict[str, Any] | None]] = [
    (
        "get",
        WEBHOOK,
        "listWebhooks",
        "Webhook deliveries, newest first, each with every attempt (at, url, method, request "
        "headers and body, response status and excerpt, latency_ms, error): ?status=pending|"
        "delivered|failed &url= (an absolute URL matches it and below; else a substring) "
        "&api_key= &kind= &reference= &since= (epoch seconds on Ringback's clock, or ISO 8601) "
        "&min_attempts= &limit= (1-1000, default 100) &wait=<seconds, max 60> (long-poll: "
        "answers as soon as a delivery matches)",
        None,
    ),
    ("get", f"{WEBHOOK}/{{id}}", "getWebhook", "One delivery and its attempts", None),
    (
        "post",
        f"{WEBHOOK}/{{id}}/replay",
        "replayWebhook",
        "Send it again now: back to pending with a fresh retry window; earlier attempts stay",
        None,
    ),
    (
        "post",
        f"{WEBHOOK}/test",
        "testWebhook",
        "Send a test webhook (a ping, or your payload) through the outbox: retried and recorded "
        "like any other; 201 with the delivery",
        {
            "type": "object",
            "required": ["url"],
            "properties": {
                "url": {"type": "string", "example": "http://localhost:3000/webhooks/test"},
                "api_key": {"type": "string"},
                "method": {"enum": ["POST", "GET"]},
                "content_type": {"enum": ["json", "form"]},
                "signing": {
                    "enum": ["none", "sms-signature", "jwt"],
                    "description": "default: sms-signature when the account signs webhooks",
                },
                "application_id": {"type": "string"},
                "payload": {"type": "object"},
                "retry_window": {"type": "number", "minimum": 0, "maximum": 259200},
            },
        },
    ),
    ("get", f"{WEBHOOK}/settings", "getWebhookSettings", "Delivery concurrency, timeouts", None),
    (
        "put",
        f"{WEBHOOK}/settings",
        "changeWebhookSettings",
        "Change them until the next start (defaults: 16 receivers at once, connect 3 s, "
        "response 15 s, up to 64 requests pipelined to one receiver; 1 = one at a time)",
        {
            "type": "object",
            "properties": {
                "concurrency": {"type": "integer", "minimum": 1, "maximum": 1024},
                "connect_timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 60},
                "response_timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 300},
                "pipeline": {"type": "integer", "minimum": 1, "maximum": 256},
            },
        },
    ),
]

# (method, path, operationId, summary, request body schema or None)
OPERATIONS: list[tuple[str, str, str, str, dict[str, Any] | None]] = [
    ("get", "/_ringback/health", "health", "Liveness and version", None),
    ("get", "/_ringback/accounts", "listAccounts", "Every account", None),
    (
        "post",
        "/_ringback/accounts",
        "createAccount",
        "Create an account; the answer holds its api_secret, shown only this once",
        {
            "type": "object",
            "properties": {
                "api_key": {"type": "string"},
                "api_secret": {"type": "string"},
                "balance": {"type": "string"},
                "name": {"type": "string"},
            },
        },
    ),
    ("get", "/_ringback/accounts/{api_key}", "getAccount", "One account", None),
    (
        "patch",
        "/_ringback/accounts/{api_key}",
        "changeAccount",
        "Change balance, signature settings, callbacks",
        ACCOUNT_CHANGE,
    ),
    (
        "post",
        "/_ringback/reset",
        "reset",
        "Reset all state but the accounts' credentials (API key, secrets, signature secret and "
        "method stay; balances, callbacks, applications, numbers, messages, jobs, webhooks, "
        "behaviours and the clock go back), or one account's resources with ?api_key=",
        None,
    ),
    ("get", "/_ringback/snapshots", "listSnapshots", "Saved snapshots", None),
    (
        "post",
        "/_ringback/snapshots",
        "saveSnapshot",
        "Save the whole state under a name",
        {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    ),
    (
        "post",
        "/_ringback/snapshots/{name}/restore",
        "restoreSnapshot",
        "Replace the whole state with a snapshot",
        None,
    ),
    ("delete", "/_ringback/snapshots/{name}", "deleteSnapshot", "Delete a snapshot", None),
    ("get", "/_ringback/clock", "getClock", "Ringback's current time", None),
    (
        "post",
        "/_ringback/clock",
        "changeClock",
        "Back to real time (reset), freeze, advance (runs due jobs) or resume",
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "reset": {"type": "boolean"},
                "freeze": {"type": "boolean"},
                "advance_seconds": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 315576000,
                },
            },
        },
    ),
    (
        "post",
        "/_ringback/seed",
        "seed",
        "Seed the id source for repeatable ids",
        {"type": "object", "properties": {"seed": {"type": "integer", "nullable": True}}},
    ),
    (
        "get",
        "/_ringback/auth-log",
        "authLog",
        "Requests Vonage would have refused (refused in strict mode, let through in soft), "
        "and warnings (level: warning) about accepted ones Vonage may refuse",
        None,
    ),
    ("get", "/_ringback/rate-limits", "getRateLimits", "Rate limits in force", None),
    (
        "put",
        "/_ringback/rate-limits",
        "changeRateLimits",
        "Switch or change rate limits",
        {
            "type": "object",
            "properties": {
                "enabled": {"type": "boolean"},
                "limits": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
    ),
    ("get", "/_ringback/jobs", "listJobs", "Scheduled jobs (renewals, later receipts)", None),
    (
        "get",
        "/_ringback/credentials/check",
        "checkCredentials",
        "Authenticate with any Vonage credential (Basic, api_key/api_secret, signature, "
        "application JWT) and see which account and application it is; 401 with the reason "
        "logged otherwise",
        None,
    ),
    *HANDSET_OPERATIONS,
    *MESSAGING_OPERATIONS,
    *WEBHOOK_OPERATIONS,
    (
        "get",
        "/_ringback/calls",
        "listCalls",
        "Every account's voice calls, newest first (?limit=1-1000, default 100; ?status=)",
        None,
    ),
    (
        "get",
        "/_ringback/calls/{uuid}",
        "getCall",
        "A voice call with its transcript: everything played or said to the handset and "
        "everything it did, in order, with times",
        None,
    ),
    (
        "post",
        "/_ringback/calls/{uuid}/{action}",
        "driveCall",
        "The callee's handset: answer | reject | hangup | dtmf {digits} | speech {text}",
        {
            "type": "object",
            "properties": {"digits": {"type": "string"}, "text": {"type": "string"}},
        },
    ),
    ("get", HANDSET + "/calls", "handsetCalls", "The voice calls of a handset, newest first", None),
    (
        "post",
        HANDSET + "/calls",
        "handsetDial",
        "The handset calls `to`: an inbound call to the account renting the number (its voice "
        "application's answer_url, events direction inbound); `failed` when nobody rents it "
        "(number_out_of_service) or it has no voice application (cannot_route)",
        {"type": "object", "required": ["to"], "properties": {"to": {"type": "string"}}},
    ),
    ("get", "/_ringback/openapi.json", "openapi", "This document", None),
]


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path, operation_id, summary, body in OPERATIONS:
        op: dict[str, Any] = {
            "operationId": operation_id,
            "summary": summary,
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": OBJ}}},
                "400": {"description": "Invalid input (problem object)"},
                "404": {"description": "Unknown resource (problem object)"},
            },
        }
        params = [p.strip("{}") for p in path.split("/") if p.startswith("{")]
        if params:
            op["parameters"] = [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                for p in params
            ]
        if body is not None:
            op["requestBody"] = {"content": {"application/json": {"schema": body}}}
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "Ringback control API", "version": __version__},
        "paths": paths,
    }
