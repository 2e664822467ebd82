"""The webhook outbox's rows (`webhook_deliveries`): what is owed, to whom, and its state.
What a delivery means (validation, retry policy, sending) is `webhooks/`' business."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, bindparam, func, insert, or_, select, text, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from ringback.state.prepared import Prepared, PreparedInsert
from ringback.state.store import Tx
from ringback.state.tables import webhook_attempts, webhook_deliveries

wd = webhook_deliveries
wa = webhook_attempts


@dataclass(frozen=True)
class Delivery:
    id: int
    api_key: str | None
    kind: str
    url: str
    method: str
    content_type: str
    payload: dict[str, Any]
    signing: str | None
    application_id: str | None
    destination: str
    status: str
    # attempts since the delivery was (re)started: what the backoff counts; every attempt
    # ever made stays in webhook_attempts
    attempts: int
    next_attempt_at: float
    give_up_at: float
    retry_window: float
    created_at: float
    last_status: int | None
    last_error: str | None
    reference: str | None


# the columns in Delivery's field order, so a row is a Delivery's arguments as they come
_COLUMNS = [wd.c[name] for name in Delivery.__dataclass_fields__]
_PAYLOAD = list(Delivery.__dataclass_fields__).index("payload")


def _delivery(row: Any) -> Delivery:
    values = list(row)
    values[_PAYLOAD] = json.loads(values[_PAYLOAD])
    return Delivery(*values)


# built once: every receipt and inbound SMS is a delivery
_ADD = PreparedInsert(wd, wd.c.id)
_ADD_MANY = Prepared(insert(wd))
# `json.dumps(..., ensure_ascii=False)` makes an encoder per call
_PAYLOAD_JSON = json.JSONEncoder(ensure_ascii=False).encode
_GET = select(*_COLUMNS).where(wd.c.id == bindparam("id"))
_DUE_FOR = Prepared(
    select(*_COLUMNS)
    .where(
        wd.c.status == "pending",
        wd.c.destination == bindparam("destination"),
        wd.c.next_attempt_at <= bindparam("now"),
    )
    .order_by(wd.c.next_attempt_at, wd.c.id)
    .limit(bindparam("limit"))
)
# bindparam names must differ from the columns an UPDATE sets
_SET_STATE = Prepared(
    update(wd)
    .where(wd.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        next_attempt_at=bindparam("b_next_attempt_at"),
        last_status=bindparam("b_last_status"),
        last_error=bindparam("b_last_error"),
    )
)
_RESTART = (
    update(wd)
    .where(wd.c.id == bindparam("b_id"))
    .values(
        status="pending",
        attempts=0,
        next_attempt_at=bindparam("b_now"),
        give_up_at=bindparam("b_give_up_at"),
    )
)
_EXISTING = select(wd.c.id).where(wd.c.id.in_(bindparam("ids", expanding=True)))
# One index seek per destination instead of a scan of every pending delivery (a flood of
# receipts is thousands pending for one receiver): walk the distinct destinations on
# ix_webhook_deliveries_pending (status, destination, next_attempt_at, id), and keep those
# whose earliest pending delivery is due.
_DUE_DESTINATIONS = text(
    """
    WITH RECURSIVE walk(destination) AS (
        SELECT MIN(destination) FROM webhook_deliveries WHERE status = 'pending'
        UNION ALL
        SELECT (
            SELECT MIN(destination) FROM webhook_deliveries
            WHERE status = 'pending' AND destination > walk.destination
        ) FROM walk WHERE walk.destination IS NOT NULL
    )
    SELECT destination FROM walk
    WHERE destination IS NOT NULL AND (
        SELECT MIN(next_attempt_at) FROM webhook_deliveries AS d
        WHERE d.status = 'pending' AND d.destination = walk.destination
    ) <= :now
    """
)


def add(tx: Tx, values: dict[str, Any]) -> int:
    """A new delivery (every column but `id`; `payload` as a dict); returns its id."""
    row = {**values, "payload": _PAYLOAD_JSON(values["payload"])}
    return _ADD.new_id(tx, row)


def add_many(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """Several deliveries in one executemany, ids in list order (each as `add` takes it)."""
    _ADD_MANY.run_many(
        tx, [{**values, "payload": _PAYLOAD_JSON(values["payload"])} for values in rows]
    )


def get(tx: Tx, delivery_id: int) -> Delivery | None:
    row = tx.conn.execute(_GET, {"id": delivery_id}).first()
    return _delivery(row) if row else None


def due_destinations(tx: Tx, now: float) -> list[str]:
    return [row[0] for row in tx.conn.execute(_DUE_DESTINATIONS, {"now": now})]


def due_for(tx: Tx, destination: str, now: float, limit: int) -> list[Delivery]:
    """A destination's due deliveries in due order (then the order they were owed)."""
    rows = _DUE_FOR.all(tx, {"destination": destination, "now": now, "limit": limit})
    return [_delivery(row) for row in rows]


def existing(tx: Tx, delivery_ids: set[int]) -> set[int]:
    """Those of the ids still in the outbox (an account reset deletes deliveries)."""
    return set(tx.conn.execute(_EXISTING, {"ids": list(delivery_ids)}).scalars())


def set_states(tx: Tx, states: list[dict[str, Any]]) -> None:
    """New states after attempts: each `id`, `status`, `attempts`, `next_attempt_at`,
    `last_status`, `last_error`."""
    _SET_STATE.run_many(tx, [{f"b_{k}": v for k, v in state.items()} for state in states])


def restart(tx: Tx, delivery_id: int, now: float, give_up_at: float) -> None:
    """Pending again from `now`, its backoff from the start."""
    tx.conn.execute(_RESTART, {"b_id": delivery_id, "b_now": now, "b_give_up_at": give_up_at})


@dataclass(frozen=True)
class Filter:
    status: str | None = None
    # an absolute URL (with its scheme) matches itself and every URL below it, at a `/`, `?`
    # or `#`; anything else matches as a substring of the URL
    url: str | None = None
    api_key: str | None = None
    kind: str | None = None
    reference: str | None = None
    since: float | None = None  # created at or after, Ringback's clock
    min_attempts: int | None = None
    limit: int = 100


class instr(GenericFunction[int]):
    """`instr(haystack, needle)`: where `needle` starts, 1-based, or 0. SQLite's name; PostgreSQL
    calls it `strpos`."""

    type = Integer()
    inherit_cache = True


@compiles(instr, "postgresql")
def _strpos(element: instr, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def _url_condition(value: str) -> Any:
    if "://" not in value:
        return instr(wd.c.url, value) > 0
    if value.endswith(("/", "?", "#")):
        return func.substr(wd.c.url, 1, len(value)) == value
    head = func.substr(wd.c.url, 1, len(value)) == value
    after = func.substr(wd.c.url, len(value) + 1, 1)
    return or_(wd.c.url == value, head & after.in_(["/", "?", "#"]))


def _attempt_count() -> Any:
    return select(func.count()).select_from(wa).where(wa.c.delivery_id == wd.c.id).scalar_subquery()


def find(tx: Tx, where: Filter) -> list[Delivery]:
    """Deliveries matching `where`, newest first."""
    query = select(*_COLUMNS).order_by(wd.c.id.desc()).limit(where.limit)
    for column, value in (
        (wd.c.status, where.status),
        (wd.c.api_key, where.api_key),
        (wd.c.kind, where.kind),
        (wd.c.reference, where.reference),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.url:
        query = query.where(_url_condition(where.url))
    if where.since is not None:
        query = query.where(wd.c.created_at >= where.since)
    if where.min_attempts:
        query = query.where(_attempt_count() >= where.min_attempts)
    return [_delivery(row) for row in tx.conn.execute(query)]
