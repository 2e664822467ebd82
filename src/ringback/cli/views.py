"""What each control API answer looks like to a person (see output.py for the pieces)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.filesize import decimal as file_size
from rich.text import Text

from ringback.cli.output import NONE, fields, local_time, money, row_time, table


def account(body: dict[str, Any]) -> RenderableType:
    pairs: list[tuple[str, object]] = [
        ("api key", body.get("api_key")),
        ("name", body.get("name")),
        ("balance", money(body.get("balance"))),
        ("auto-reload", body.get("auto_reload")),
        ("auto-reload amount", money(body.get("auto_reload_amount"))),
        ("signature method", body.get("signature_method")),
        ("signature secret", body.get("signature_secret")),
        ("signs webhooks", body.get("signs_webhooks")),
        ("inbound SMS URL", body.get("mo_callback_url")),
        ("receipts URL", body.get("dr_callback_url")),
        ("SMS webhook method", body.get("sms_webhook_method")),
        ("default", body.get("default")),
        ("created", local_time(body.get("created_at"))),
    ]
    if "api_secret" in body:  # only when created: the one time it can be read
        pairs.insert(1, ("api secret", body["api_secret"]))
    return fields(f"account {body.get('api_key')}", pairs)


def accounts(body: dict[str, Any]) -> RenderableType:
    rows = [
        (
            a.get("api_key"),
            a.get("name"),
            money(a.get("balance")),
            a.get("signature_method"),
            a.get("default"),
            row_time(a.get("created_at")),
        )
        for a in body.get("accounts", [])
    ]
    columns = ("API key", "Name", "Balance", "Signature", "Default", "Created")
    return table(columns, rows, title="Accounts")


def reset(body: dict[str, Any]) -> RenderableType:
    what = body.get("reset")
    return Text("Reset everything." if what == "all" else f"Reset account {what}.")


def snapshots(body: dict[str, Any]) -> RenderableType:
    rows = [
        (s.get("name"), file_size(int(s.get("bytes") or 0)), row_time(s.get("saved_at")))
        for s in body.get("snapshots", [])
    ]
    return table(("Name", "Size", "Saved"), rows, title="Snapshots")


def snapshot(body: dict[str, Any]) -> RenderableType:
    done = "restored" if body.get("restored") else "saved"
    return Text(f"Snapshot {body.get('name')} {done}.")


def clock(body: dict[str, Any]) -> RenderableType:
    return fields(
        "clock",
        [
            ("now", local_time(body.get("now"))),
            ("frozen", body.get("frozen")),
            ("offset", f"{body.get('offset_seconds', 0):g} s"),
        ],
    )


def _message_row(m: dict[str, Any]) -> tuple[object, ...]:
    when = row_time(m.get("time") or m.get("created_at"))
    return (m.get("id"), when, m.get("direction"), m.get("channel"), m.get("from"), m.get("to"),
            m.get("text"))  # fmt: skip


def inbox(body: dict[str, Any]) -> RenderableType:
    rows = [_message_row(m) for m in body.get("messages", [])]
    columns = ("ID", "Time", "Direction", "Channel", "From", "To", "Text")
    return table(columns, rows, title=f"Messages of {body.get('msisdn')}", empty="no messages")


def sent(body: dict[str, Any]) -> RenderableType:
    message = body.get("sent") or {}
    inbound = body.get("inbound") or {}
    pairs: list[tuple[str, object]] = [
        ("from", body.get("from")),
        ("to", body.get("to")),
        ("text", message.get("text")),
        ("channel", f"{body.get('channel')} ({body.get('message_type')})")
        if "channel" in body
        else ("parts", f"{body.get('parts')} ({body.get('encoding')})"),
        ("delivered to", body.get("delivered_to")),
        ("message id", message.get("id")),
        ("time", local_time(message.get("time") or message.get("created_at"))),
    ]
    if inbound:
        method = inbound.get("webhook_method") or inbound.get("webhook_version") or ""
        webhook = f"{method} {inbound.get('webhook_url') or ''}"
        pairs += [
            ("account", inbound.get("api_key")),
            ("webhook", webhook.strip()),
            ("refused", inbound.get("refused")),
        ]
    return fields("sent", pairs)


def behaviour(body: dict[str, Any]) -> RenderableType:
    pairs: list[tuple[str, object]] = [
        ("source", body.get("source")),
        ("updated", local_time(body.get("updated_at"))),
    ]
    pairs += list((body.get("behaviour") or {}).items())
    explained = body.get("explained") or {}
    pairs += [(f"{name.replace('_', ' ')}, explained", text) for name, text in explained.items()]
    on = f" on {body['channel']}" if body.get("channel") else ""
    return fields(f"behaviour of {body.get('msisdn')}{on}", pairs)


def senders(body: dict[str, Any]) -> RenderableType:
    rows = [
        (s.get("channel"), s.get("id"), s.get("application_id"), s.get("display_name"))
        for s in body.get("senders") or []
    ]
    columns = ("channel", "id", "application", "display name")
    return table(columns, rows, title=f"senders of {body.get('api_key')}")


def code(body: dict[str, Any]) -> RenderableType:
    message = body.get("message") or {}
    return fields(
        f"last code of {body.get('msisdn')}",
        [
            ("code", Text(str(body.get("code")), style="bold")),
            ("from", message.get("from")),
            ("time", local_time(message.get("time") or message.get("created_at"))),
            ("message id", message.get("id")),
            ("text", message.get("text")),
        ],
    )


def handsets(body: dict[str, Any]) -> RenderableType:
    rows = [
        (
            h.get("msisdn"),
            row_time(h.get("last_at")),
            h.get("received"),
            h.get("sent"),
            ", ".join(f"{name} {n}" for name, n in (h.get("channels") or {}).items()),
        )
        for h in body.get("handsets", [])
    ]
    columns = ("Number", "Last traffic", "Received", "Sent", "Channels")
    return table(columns, rows, title="Handsets", empty="no traffic yet")


def _last_result(d: dict[str, Any]) -> object:
    return d.get("last_status") or d.get("last_error") or NONE


def deliveries(body: dict[str, Any]) -> RenderableType:
    rows = [
        (d.get("id"), d.get("status"), d.get("kind"), d.get("url"), d.get("attempt_count"),
         _last_result(d), row_time(d.get("created_at")))
        for d in body.get("deliveries", [])
    ]  # fmt: skip
    columns = ("ID", "Status", "Kind", "URL", "Attempts", "Last result", "Created")
    return table(columns, rows, title="Webhook deliveries", empty="none match")


def _latency(ms: float | None) -> str:
    return NONE if ms is None else f"{ms:.0f} ms"


def delivery(body: dict[str, Any]) -> RenderableType:
    pending = body.get("status") == "pending"
    summary = fields(
        f"webhook delivery {body.get('id')}",
        [
            ("status", body.get("status")),
            ("kind", body.get("kind")),
            ("account", body.get("api_key")),
            ("url", f"{body.get('method')} {body.get('url')}"),
            ("content type", body.get("content_type")),
            ("signing", body.get("signing")),
            ("reference", body.get("reference")),
            ("application", body.get("application_id")),
            ("payload", body.get("payload")),
            ("created", local_time(body.get("created_at"))),
            ("next attempt", local_time(body.get("next_attempt_at")) if pending else NONE),
            ("gives up", local_time(body.get("give_up_at"))),
        ],
    )
    attempts = [
        (a.get("id"), row_time(a.get("at")), a.get("response_status"),
         _latency(a.get("latency_ms")), a.get("error") or a.get("response_excerpt"))
        for a in body.get("attempts", [])
    ]  # fmt: skip
    columns = ("Attempt", "At", "Status", "Latency", "Error or answer")
    return Group(summary, table(columns, attempts, title="Attempts", empty="none yet"))
