"""One schema: the migrations build exactly `state/tables.py` on the test backend and on SQLite,
and a database made by Ringback 0.1.0 (its hand-written SQLite DDL) migrates to the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, select

from ringback.state import tables
from ringback.state.migrations import MIGRATIONS
from ringback.state.sqlite import SqliteStore
from ringback.state.store import Store
from ringback.testing.backends import new_store

RELEASED_0_1_0 = Path(__file__).parent / "data" / "schema_0_1_0.sql"


def differences(store: Store) -> list[Any]:
    with store.begin() as tx:
        context = MigrationContext.configure(tx.conn, opts={"compare_type": True})
        return list(compare_metadata(context, tables.metadata))


def test_the_migrated_schema_is_the_tables_on_the_test_backend(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    try:
        assert store.get_meta("schema_version") == str(MIGRATIONS[-1][0])
        assert differences(store) == []
    finally:
        store.close()


def test_the_migrated_schema_is_the_tables_on_sqlite_in_memory() -> None:
    store = SqliteStore(":memory:")
    try:
        store.migrate()
        assert differences(store) == []
    finally:
        store.close()


def test_a_database_of_release_0_1_0_migrates_to_the_same_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.executescript(RELEASED_0_1_0.read_text())
        old.execute(
            "INSERT INTO accounts VALUES "
            "('old00001', 'old', 100, 1, 0, 's', 'md5hash', 0, '', '', 'POST', 1, 1.0)"
        )
    old.close()
    store = SqliteStore(str(path))
    try:
        assert store.migrate() == MIGRATIONS[-1][0]
        assert [d for d in differences(store) if not _spelling(d)] == []
        with store.begin() as tx:
            # the foreign keys alembic cannot read back: the same, as SQLite itself lists them
            assert _foreign_keys(tx.conn) == _foreign_keys_of(tables.metadata)
            # v0004 gave the account that had auto-reload on its transaction
            rows = tx.conn.execute(select(tables.auto_reload_transactions)).all()
            assert [(r.api_key, len(r.trx)) for r in rows] == [("old00001", 32)]
            # and v0003's column has its default on the old rows' table
            tx.conn.execute(
                insert(tables.auth_log).values(
                    at=1.0, api="sms", method="GET", path="/", reason="r", mode="strict"
                )
            )
            assert tx.conn.execute(select(tables.auth_log.c.level)).scalar_one() == "refusal"
    finally:
        store.close()


def _spelling(difference: Any) -> bool:
    """What differs only in how 0.1.0 wrote its DDL, not in what SQLite does with it:
    `id TEXT PRIMARY KEY` without NOT NULL (today's tables say it; no row has a null key), and
    its foreign keys written on the column (`REFERENCES … ON DELETE CASCADE`), whose ON DELETE
    SQLAlchemy's reflection does not parse (checked with PRAGMA foreign_key_list instead)."""
    change = difference[0] if isinstance(difference, list) else difference
    if change[0] == "modify_nullable":
        table = tables.metadata.tables[change[2]]
        return bool(table.c[change[3]].primary_key)
    return change[0] in ("remove_fk", "add_fk")


def _foreign_keys(conn: Any) -> set[tuple[str, str, str, str, str]]:
    found = set()
    for table in tables.metadata.tables:
        for row in conn.exec_driver_sql(f"PRAGMA foreign_key_list({table})"):
            found.add((table, row[3], row[2], row[4], row[6]))  # from, to table, to, on delete
    return found


def _foreign_keys_of(metadata: Any) -> set[tuple[str, str, str, str, str]]:
    return {
        (table.name, fk.parent.name, fk.column.table.name, fk.column.name, fk.ondelete or "")
        for table in metadata.tables.values()
        for fk in table.foreign_keys
    }
