"""Versioned schema migrations, applied in order at start-up; `meta.schema_version` records the
last one applied. A migration is never edited once released: add the next one instead."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from ringback.state.migrations import (
    v0001_initial,
    v0002_network,
    v0003_auth_log_level,
    v0004_auto_reload,
    v0005_messages,
    v0006_voice,
    v0007_workers,
    v0008_msginbound,
    v0009_verify,
    v0010_voicelegs,
    v0011_message_failover,
)

Migration = tuple[int, str, Callable[[Connection], None]]

MIGRATIONS: list[Migration] = [
    (1, "initial schema", v0001_initial.upgrade),
    (2, "simulated network and webhook outbox", v0002_network.upgrade),
    (3, "auth log warnings", v0003_auth_log_level.upgrade),
    (4, "auto-reload transactions", v0004_auto_reload.upgrade),
    (5, "messages, senders, WhatsApp windows", v0005_messages.upgrade),
    (6, "voice calls, transcripts and recordings", v0006_voice.upgrade),
    (7, "many workers: leases and shared rate limits", v0007_workers.upgrade),
    (8, "messages inbound and media", v0008_msginbound.upgrade),
    (9, "verify: codes, requests, templates", v0009_verify.upgrade),
    (10, "voice legs and named conversations", v0010_voicelegs.upgrade),
    (11, "messages failover workflows", v0011_message_failover.upgrade),
]
