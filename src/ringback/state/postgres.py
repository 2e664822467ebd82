"""The PostgreSQL backend: psycopg 3 through SQLAlchemy, a connection pool, and a bounded pool of
threads that runs the database work, so the event loop never waits on the network.

`run(fn, *args)` sends `fn` to one of THREADS worker threads; each holds at most one pooled
connection at a time (the pool has as many, plus overflow for start-up and the odd caller on
the loop). `transact(fn, *args)` goes to the commit group instead (state/pg_commit_group.py:
two lanes, each a thread with a connection of its own, run the calls that arrive together in
one transaction with one COMMIT). `begin()` is per thread: a nested call on the same thread
(a lane's included) joins the outer transaction. `pool_pre_ping` tests a connection as it
leaves the pool, so after PostgreSQL restarts the next request reconnects instead of failing
(docs/architecture.md, "State", has the measurements behind the numbers here).

Snapshots are schemas in the same database, `ringback_snap_<md5 of the name>`: a copy of every
table (CREATE TABLE … AS TABLE), the sequences' positions, and the snapshot's name and time.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Concatenate

from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import URL, make_url

from ringback.core.wakeup import held_until_done
from ringback.state import pg_text, tables
from ringback.state.pg_commit_group import LANES, PgCommitGroup
from ringback.state.store import (
    DatabaseUnreachable,
    P,
    SnapshotInfo,
    SnapshotMismatch,
    Store,
    T,
    Tx,
    describe,
)

# Worker threads, and so connections in use at once. The statements are short: more threads
# than this only queue up inside PostgreSQL on a small machine (measured: docs, "State").
THREADS = 8
CONNECT_TIMEOUT_SECONDS = 5
POOL_TIMEOUT_SECONDS = 5.0
SNAPSHOT_PREFIX = "ringback_snap_"
# any constant: the advisory lock two processes migrating the same database queue on
MIGRATION_LOCK = 0x52494E47  # "RING"


def engine_url(url: str) -> URL:
    """`postgresql://` or `postgres://` (as Heroku and others write it), on psycopg 3."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql+psycopg")


def display_url(url: str) -> str:
    """The URL without its user and password: what error messages and logs show."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    port = f":{parsed.port}" if parsed.port else ""
    return f"postgresql://{parsed.host or 'localhost'}{port}/{parsed.database or ''}"


class PostgresStore(Store):
    kind = "postgresql"

    def __init__(self, url: str, threads: int = THREADS, lanes: int = LANES) -> None:
        self.url = url
        self.display_url = display_url(url)
        self.engine = create_engine(
            engine_url(url),
            pool_size=threads,
            max_overflow=threads,
            pool_timeout=POOL_TIMEOUT_SECONDS,
            pool_pre_ping=True,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
                "application_name": "ringback",
            },
        )
        event.listen(
            self.engine, "connect", lambda dbapi_connection, _: pg_text.adapt(dbapi_connection)
        )
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ringback-db")
        self._local = threading.local()
        self.commits = PgCommitGroup(self, lanes)

    def check(self) -> None:
        """Connect once, now: an unreachable database is a one-line start-up error."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception as exc:
            raise DatabaseUnreachable(
                f"cannot reach the database at {self.display_url} ({describe(exc)})"
            ) from None

    @contextmanager
    def begin(self) -> Iterator[Tx]:
        current: Tx | None = getattr(self._local, "tx", None)
        if current is not None:
            yield current
            return
        # wake-ups asked for inside the transaction go to the loop after it has committed
        with held_until_done(), self.engine.begin() as conn:
            tx = Tx(conn)
            self._local.tx = tx
            try:
                yield tx
            finally:
                self._local.tx = None

    def set_thread_tx(self, tx: Tx | None) -> None:
        """The commit group's transaction on its own thread, which `begin()` there joins."""
        self._local.tx = tx

    async def transact(
        self, fn: Callable[Concatenate[Tx, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """In the commit group's next transaction (state/pg_commit_group.py): the answer waits
        for its commit."""
        return await self.commits.run(lambda tx: fn(tx, *args, **kwargs))

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    def _lock_schema(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})

    # --- snapshots ---

    @staticmethod
    def _schema(name: str) -> str:
        # names are up to 64 characters and identifiers up to 63 bytes: a digest, not the name
        return SNAPSHOT_PREFIX + hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()

    def _exists(self, conn: Connection, schema: str) -> bool:
        found = conn.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        ).first()
        return found is not None

    def _sequences(self, conn: Connection) -> list[str]:
        """The sequences behind the tables' serial ids."""
        found = []
        for table in tables.metadata.sorted_tables:
            column = table.autoincrement_column
            if column is None:
                continue
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar_one_or_none()
            if sequence:
                found.append(str(sequence))
        return found

    def save_snapshot(self, name: str) -> None:
        schema = self._schema(name)
        # one consistent view of every table, as SQLite's backup gives
        with (
            self.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
            conn.begin(),
        ):
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
            for table in tables.metadata.sorted_tables:
                quoted = conn.dialect.identifier_preparer.quote(table.name)
                conn.exec_driver_sql(f"CREATE TABLE {schema}.{quoted} AS TABLE {quoted}")
            conn.exec_driver_sql(
                f"CREATE TABLE {schema}._sequences "
                "(sequence TEXT NOT NULL, last_value BIGINT NOT NULL, is_called BOOLEAN NOT NULL)"
            )
            for sequence in self._sequences(conn):
                position = conn.execute(
                    text(f"SELECT last_value, is_called FROM {sequence}")  # a catalog name
                ).one()
                conn.execute(
                    text(f"INSERT INTO {schema}._sequences VALUES (:s, :v, :c)"),
                    {"s": sequence, "v": position[0], "c": position[1]},
                )
            conn.exec_driver_sql(
                f"CREATE TABLE {schema}._snapshot "
                "(name TEXT NOT NULL, saved_at DOUBLE PRECISION NOT NULL)"
            )
            conn.execute(
                text(f"INSERT INTO {schema}._snapshot VALUES (:n, :t)"),
                {"n": name, "t": time.time()},
            )

    def restore_snapshot(self, name: str) -> bool:
        schema = self._schema(name)
        with self.begin() as tx:
            conn = tx.conn
            if not self._exists(conn, schema):
                return False
            version = "SELECT value FROM {}meta WHERE key = 'schema_version'"
            saved = conn.exec_driver_sql(version.format(f"{schema}.")).scalar()
            current = conn.exec_driver_sql(version.format("")).scalar()
            if saved != current:
                raise SnapshotMismatch(
                    f"snapshot {name} was saved at schema version {saved}, this is {current}"
                )
            quote = conn.dialect.identifier_preparer.quote
            every = [tables.metadata.tables[t.name] for t in tables.metadata.sorted_tables]
            conn.exec_driver_sql("TRUNCATE " + ", ".join(quote(t.name) for t in every))
            for table in every:
                columns = ", ".join(quote(c.name) for c in table.columns)
                conn.exec_driver_sql(
                    f"INSERT INTO {quote(table.name)} ({columns}) "
                    f"SELECT {columns} FROM {schema}.{quote(table.name)}"
                )
            conn.exec_driver_sql(
                f"SELECT setval(sequence, last_value, is_called) FROM {schema}._sequences"
            )
        return True

    def list_snapshots(self) -> list[SnapshotInfo]:
        found = []
        with self.begin() as tx:
            conn = tx.conn
            schemas = conn.execute(
                text(
                    "SELECT n.nspname, coalesce(sum(pg_total_relation_size(c.oid)), 0) "
                    "FROM pg_namespace n LEFT JOIN pg_class c "
                    "ON c.relnamespace = n.oid AND c.relkind = 'r' "
                    "WHERE starts_with(n.nspname, :prefix) GROUP BY n.nspname"
                ),
                {"prefix": SNAPSHOT_PREFIX},
            ).all()
            for schema, size in schemas:
                row = conn.execute(text(f"SELECT name, saved_at FROM {schema}._snapshot")).first()
                if row is not None:
                    found.append(SnapshotInfo(row[0], int(size), float(row[1])))
        return sorted(found, key=lambda info: info.name)

    def delete_snapshot(self, name: str) -> bool:
        schema = self._schema(name)
        with self.begin() as tx:
            if not self._exists(tx.conn, schema):
                return False
            tx.conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        return True

    def close(self) -> None:
        self.commits.close()
        self._executor.shutdown(wait=True)
        self.engine.dispose()
