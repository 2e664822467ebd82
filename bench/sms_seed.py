"""Seeding Ringback's store with what N sent SMS leave behind, for the growth study.

Sending a million messages through the API at benchmark speed takes too long, so the growth
study (bench/sms_growth.py) fills the store directly, *by copying what the real code wrote*:

1. Ringback sends a few template messages through POST /sms/json and delivers their
   receipts to the receiver, as in the benchmark.
2. `capture()` reads, with Ringback stopped, every row those messages added to any table
   (found by max(rowid) before and after), and ties each row to its message: a row belongs to
   a message when one of its text columns holds the message id (sms_messages, charges,
   handset_messages, webhook_deliveries), or when one of its `*_id` columns points at such a
   row (webhook_attempts.delivery_id). A row it cannot tie, or a message with a different set
   of rows, stops the study: the seed would no longer mirror a send.
3. `seed()` inserts copies of the first template message's rows: every text value with the
   message id or the destination gets a new random UUID4 (as Ringback's ids) and a rotating
   destination, float columns (times) are moved back so the copies read as earlier traffic,
   integer primary keys continue from the table's maximum and `*_id` references follow them.
   The account's balance is lowered by what the copied charges took.

What is not mirrored: the `scts` and `message-timestamp` strings inside receipt payloads and
attempt bodies keep the template's time; rows deleted by a send (the delivery job) are not
created and deleted.
"""

from __future__ import annotations

import itertools
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SKIP_TABLES = {"sqlite_sequence", "meta"}


@dataclass
class Template:
    message_id: str
    destination: str
    api_key: str
    # table -> (columns, rows as tuples, declared types); tables in insertion order
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]], list[str]]]
    per_message: dict[str, int]
    refs: dict[str, dict[str, str]]  # table -> {column: the template table it references}


def _tables(conn: sqlite3.Connection) -> list[str]:
    names = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    return [n for n in names if n not in SKIP_TABLES]


def max_rowids(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {
            t: int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {t}").fetchone()[0])
            for t in _tables(conn)
        }
    finally:
        conn.close()


def capture(db: Path, before: dict[str, int], api_key: str) -> Template:
    """The rows the template messages added (see the module docstring)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT message_id FROM sms_messages WHERE rowid > ? AND api_key = ? "
                "ORDER BY rowid",
                (before.get("sms_messages", 0), api_key),
            )
        ]
        if not ids:
            raise RuntimeError("no template message was stored")
        new: dict[str, list[sqlite3.Row]] = {}
        types: dict[str, dict[str, str]] = {}
        for table in _tables(conn):
            rows = conn.execute(
                f"SELECT rowid AS _rowid_, * FROM {table} WHERE rowid > ? ORDER BY rowid",
                (before.get(table, 0),),
            ).fetchall()
            if rows:
                new[table] = rows
                types[table] = {
                    r[1]: r[2].upper() for r in conn.execute(f"PRAGMA table_info({table})")
                }
        owner: dict[tuple[str, int], str] = {}  # (table, id) -> message id
        unresolved = []
        for table, rows in new.items():
            for row in rows:
                found = next(
                    (m for m in ids for v in tuple(row) if isinstance(v, str) and m in v), None
                )
                if found is None:
                    unresolved.append((table, row))
                else:
                    owner[(table, row["_rowid_"])] = found
        refs = {table: references(conn, table, set(new)) for table in new}
        for table, row in unresolved:
            found = None
            for column, other in refs[table].items():
                found = found or owner.get((other, row[column]))
            if found is None:
                raise RuntimeError(f"a row of {table} is tied to no template message: {dict(row)}")
            owner[(table, row["_rowid_"])] = found
        counts = {m: {t: 0 for t in new} for m in ids}
        for (table, _), message in owner.items():
            counts[message][table] += 1
        shapes = {tuple(sorted(c.items())) for c in counts.values()}
        if len(shapes) != 1:
            raise RuntimeError(f"the template messages left different rows: {counts}")
        first = ids[0]
        part = conn.execute(
            "SELECT to_msisdn, api_key FROM sms_messages WHERE message_id = ?", (first,)
        ).fetchone()
        rows_of: dict[str, tuple[list[str], list[tuple[Any, ...]], list[str]]] = {}
        # referenced tables first (webhook_deliveries before webhook_attempts)
        order = sorted(new, key=lambda t: bool(refs[t]))
        for table in order:
            columns = [c for c in new[table][0].keys() if c != "_rowid_"]  # noqa: SIM118 (a Row iterates values)
            mine = [
                tuple(row[c] for c in columns)
                for row in new[table]
                if owner[(table, row["_rowid_"])] == first
            ]
            rows_of[table] = (columns, mine, [types[table][c] for c in columns])
        per_message = {t: n for t, n in counts[first].items() if n}
        return Template(
            message_id=first,
            destination=part["to_msisdn"],
            api_key=part["api_key"],
            rows=rows_of,
            per_message=per_message,
            refs=refs,
        )
    finally:
        conn.close()


def references(conn: sqlite3.Connection, table: str, among: set[str]) -> dict[str, str]:
    """The table's foreign keys (from the schema's REFERENCES) into the tables of `among`."""
    found = {}
    for row in conn.execute(f"PRAGMA foreign_key_list({table})"):
        other, column = row[2], row[3]
        if other in among and other != table:
            found[str(column)] = str(other)
    return found


def _integer_key(conn: sqlite3.Connection, table: str) -> str | None:
    """The INTEGER PRIMARY KEY column (the rowid alias), if the table has one."""
    for _, name, declared, _, _, pk in conn.execute(f"PRAGMA table_info({table})"):
        if pk == 1 and declared.upper() == "INTEGER":
            return str(name)
    return None


def seed(
    db: Path,
    template: Template,
    count: int,
    destinations: list[str],
    *,
    first_index: int,
    spacing: float = 0.002,
    chunk: int = 20_000,
) -> dict[str, Any]:
    """Insert `count` copies of the template message. Copy number i (counting from
    `first_index` across calls) is dated `spacing` s after copy i-1, the whole seed ending
    before the template was sent."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    conn.execute("PRAGMA foreign_keys=ON")
    try:
        plans = []
        keys: dict[str, str | None] = {}
        next_id: dict[str, int] = {}
        for table, (columns, rows, declared) in template.rows.items():
            key = _integer_key(conn, table)
            keys[table] = key
            if key is not None:
                next_id[table] = (
                    int(conn.execute(f"SELECT coalesce(max({key}), 0) FROM {table}").fetchone()[0])
                    + 1
                )
            plans.append((table, columns, rows, declared, key))
        charged = 0
        total = first_index + count
        for start in range(0, count, chunk):
            size = min(chunk, count - start)
            batch: dict[str, list[tuple[Any, ...]]] = {t: [] for t in template.rows}
            for i in range(start, start + size):
                index = first_index + i
                new_id = str(uuid.uuid4())
                destination = destinations[index % len(destinations)]
                shift = -(total - index) * spacing - 60.0
                id_map: dict[tuple[str, int], int] = {}
                for table, columns, rows, declared, key in plans:
                    for row in rows:
                        values = list(row)
                        for c, (column, kind) in enumerate(zip(columns, declared, strict=True)):
                            value = values[c]
                            if value is None:
                                continue
                            if column == key:
                                id_map[(table, value)] = next_id[table]
                                values[c] = next_id[table]
                                next_id[table] += 1
                            elif column in template.refs[table]:
                                values[c] = id_map[(template.refs[table][column], value)]
                            elif isinstance(value, str):
                                if template.message_id in value:
                                    value = value.replace(template.message_id, new_id)
                                if template.destination in value:
                                    value = value.replace(template.destination, destination)
                                values[c] = value
                            elif kind in ("FLOAT", "REAL", "DOUBLE") and isinstance(value, float):
                                values[c] = value + shift
                            if table == "charges" and column == "amount_units":
                                charged += int(value)
                        batch[table].append(tuple(values))
            conn.execute("BEGIN")
            for table, columns, _, _, _ in plans:
                marks = ",".join("?" for _ in columns)
                conn.executemany(
                    f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", batch[table]
                )
            conn.execute("COMMIT")
        conn.execute(
            "UPDATE accounts SET balance_units = balance_units - ? WHERE api_key = ?",
            (charged, template.api_key),
        )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return {"messages": count, "rows": {t: n * count for t, n in template.per_message.items()}}
    finally:
        conn.close()


def stored_parts(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM sms_messages").fetchone()[0])
    finally:
        conn.close()


def rotating(first: int, count: int) -> list[str]:
    return [str(n) for n in itertools.islice(itertools.count(first), count)]
