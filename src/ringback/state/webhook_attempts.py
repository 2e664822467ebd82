"""Every attempt at a webhook delivery (`webhook_attempts`), as sent and as answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from ringback.state import webhook_deliveries as delivery_state
from ringback.state.prepared import Prepared
from ringback.state.store import Store, Tx
from ringback.state.tables import webhook_attempts

wa = webhook_attempts


@dataclass(frozen=True)
class StoredAttempt:
    id: int
    delivery_id: int
    api_key: str | None
    at: float
    url: str
    method: str
    request_headers: str  # JSON
    request_body: str
    response_status: int | None
    response_excerpt: str | None
    latency_ms: float | None
    error: str | None


_COLUMNS = [wa.c[name] for name in StoredAttempt.__dataclass_fields__]
_ADD = Prepared(insert(wa))
_OF = (
    select(*_COLUMNS)
    .where(wa.c.delivery_id.in_(bindparam("ids", expanding=True)))
    .order_by(wa.c.delivery_id, wa.c.id)
)


def add_many(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """Attempts, each every column but `id`, in one statement."""
    _ADD.run_many(tx, rows)


def record(tx: Tx, rows: list[dict[str, Any]], states: list[dict[str, Any]]) -> int:
    """Attempts (`rows`) and their deliveries' new states (`states`, each with its `id`), but
    only for deliveries still in the outbox (an account reset deletes deliveries, and an
    attempt must belong to one); returns how many were kept. Written without looking first;
    only when an attempt's delivery is gone (a foreign-key failure) is the batch undone and
    written again without the deliveries found missing."""
    try:
        with Store.savepoint(tx):
            _ADD.run_many(tx, rows)
            delivery_state.set_states(tx, states)
        return len(rows)
    except IntegrityError:
        alive = delivery_state.existing(tx, {row["delivery_id"] for row in rows})
    kept = [row for row in rows if row["delivery_id"] in alive]
    _ADD.run_many(tx, kept)
    delivery_state.set_states(tx, [state for state in states if state["id"] in alive])
    return len(kept)


def of_deliveries(tx: Tx, delivery_ids: list[int]) -> dict[int, list[StoredAttempt]]:
    """Each delivery's attempts, oldest first."""
    found: dict[int, list[StoredAttempt]] = {}
    for start in range(0, len(delivery_ids), 500):
        chunk = delivery_ids[start : start + 500]
        for row in tx.conn.execute(_OF, {"ids": chunk}):
            attempt = StoredAttempt(*row)
            found.setdefault(attempt.delivery_id, []).append(attempt)
    return found
