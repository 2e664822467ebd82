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
    v0006_message_failover,
)

Migration = tuple[int, str, Callable[[Connection], None]]

MIGRATIONS: list[Migration] = [
    (1, "initial schema", v0001_initial.upgrade),
    (2, "simulated network and webhook outbox", v0002_network.upgrade),
    (3, "auth log warnings", v0003_auth_log_level.upgrade),
    (4, "auto-reload transactions", v0004_auto_reload.upgrade),
    (5, "messages, senders, WhatsApp windows", v0005_messages.upgrade),
    (6, "messages failover workflows", v0006_message_failover.upgrade),
]
