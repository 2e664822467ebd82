"""The store: one SQLAlchemy Core engine, used from the event-loop thread only.

Everything that knows SQL lives in `ringback.state`: the rest of Ringback holds a `Tx` (one open
transaction) and calls the repositories (`state/<resource>.py`), never the connection itself.

SQLite serialises writers anyway, so Ringback keeps a single connection (StaticPool) and runs
its short statements inline on the loop; there is no thread hop and no lock to reason about.
Every write runs in `store.begin()` or in a commit group (`store.commits`, for requests, job
batches and webhook records: state/commit_group.py), committed before the response goes out;
with WAL and `synchronous=FULL` (the default) a committed write survives a crash or power cut.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from ringback.core.private_files import (
    create_private_file,
    make_private_dir,
    private_temp_file,
)
from ringback.state import tables
from ringback.state.commit_group import CommitGroup
from ringback.state.credential_cache import CredentialCache
from ringback.state.migrations import MIGRATIONS
from ringback.state.prepared import run_sql

# what resetting an account wipes; its credentials (accounts, api_secrets) always stay
ACCOUNT_RESOURCES = [
    "auth_log",
    "jobs",
    "charges",
    "webhook_attempts",
    "webhook_deliveries",
    "sms_messages",
    "handset_messages",  # what this account's traffic left on handsets
    "numbers",
    "applications",
]
# what every reset keeps with the accounts (tables not listed above): their secrets, and the
# auto-reload they set up
# the simulated world, shared by every account: wiped only by a full reset
WORLD_TABLES = ["handset_behaviours"]


# what a failing database raises, for the layers above that must tell it apart
DatabaseError = DBAPIError


class Tx:
    """One open transaction, opaque outside `ringback.state`: only state/ touches `conn`.
    `credentials` is the store's cache of verified credentials, None where it may not be
    used (state/credential_cache.py)."""

    __slots__ = ("conn", "credentials")

    def __init__(self, conn: Connection, credentials: CredentialCache | None = None) -> None:
        self.conn = conn
        self.credentials = credentials


class Store:
    # one connection, one writer: requests that arrive together can share a commit
    # (state/commit_group.py)
    supports_group_commit = True

    def __init__(self, path: str, synchronous: str = "FULL") -> None:
        self.path = path
        self.in_memory = path == ":memory:"
        url = "sqlite://" if self.in_memory else f"sqlite:///{path}"
        if not self.in_memory:
            # SQLite gives its -wal and -shm the database file's mode: 0600 from the start.
            # A path that cannot be created is left for SQLite to report in its own words.
            with suppress(OSError):
                create_private_file(Path(path))
        self.engine: Engine = create_engine(
            url,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
        self._synchronous = synchronous
        event.listen(self.engine, "connect", self._on_connect)
        event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        self._conn: Connection = self.engine.connect()
        # one connection, so one handle: yielded by every begin()
        self.credentials = CredentialCache()
        self._tx = Tx(self._conn, self.credentials)
        self.commits = CommitGroup(self)
        self.commits.on_failure.append(self.credentials.clear)

    def open_tx(self) -> Tx:
        """The connection's handle, for `CommitGroup`, which manages its own transaction."""
        return self._tx

    def _on_connect(self, dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is switched off so BEGIN is issued by SQLAlchemy
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if not self.in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={self._synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @contextmanager
    def begin(self) -> Iterator[Tx]:
        """A transaction; nested calls join the outer one. An open commit group is committed
        first, unless this is called from inside one of its members."""
        self.commits.settle()
        if self._conn.in_transaction():
            yield self._tx
            return
        with self._conn.begin():
            yield self._tx

    @staticmethod
    @contextmanager
    def savepoint(tx: Tx) -> Iterator[None]:
        """Writes inside `tx` that are undone if the block raises (one scheduler job's). Plain
        SQL on the DBAPI connection because it runs per job (per SMS part): SQLAlchemy's
        `begin_nested()` cost ~60 µs of CPU, `exec_driver_sql` ~13 µs."""
        run_sql(tx, "SAVEPOINT job")
        try:
            yield
        except BaseException:
            run_sql(tx, "ROLLBACK TO job")
            raise
        finally:
            run_sql(tx, "RELEASE job")

    def migrate(self) -> int:
        with self.begin() as tx:
            conn = tx.conn
            conn.execute(
                text("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            )
            current = conn.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).scalar_one_or_none()
            version = int(current) if current else 0
            for number, _name, upgrade in MIGRATIONS:
                if number > version:
                    upgrade(conn)
                    self.set_meta("schema_version", str(number))
                    version = number
        return version

    def get_meta(self, key: str) -> str | None:
        with self.begin() as tx:
            row = tx.conn.execute(select(tables.meta.c.value).where(tables.meta.c.key == key))
            value = row.scalar_one_or_none()
        return str(value) if value is not None else None

    def set_meta(self, key: str, value: str) -> None:
        with self.begin() as tx:
            tx.conn.execute(
                text(
                    "INSERT INTO meta (key, value) VALUES (:k, :v) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                ),
                {"k": key, "v": value},
            )

    def reset(self, api_key: str | None = None) -> None:
        self.credentials.clear()  # applications go; the secrets stay, but this is rare
        with self.begin() as tx:
            conn = tx.conn
            if api_key is None:
                for table in [*ACCOUNT_RESOURCES, *WORLD_TABLES]:
                    conn.execute(text(f"DELETE FROM {table}"))
            else:
                for table in ACCOUNT_RESOURCES:
                    conn.execute(text(f"DELETE FROM {table} WHERE api_key = :k"), {"k": api_key})

    def _raw(self) -> sqlite3.Connection:
        raw = self._conn.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        return raw

    def save_snapshot(self, target: Path) -> None:
        """Copy the whole database with SQLite's online backup: consistent and fast."""
        self.commits.settle()
        make_private_dir(target.parent)
        tmp = private_temp_file(target)  # 0600; SQLite writes into the empty file
        try:
            dest = sqlite3.connect(tmp)
            try:
                self._raw().backup(dest)
            finally:
                dest.close()
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def restore_snapshot(self, source: Path) -> None:
        self.commits.settle()
        self.credentials.clear()
        src = sqlite3.connect(source)
        try:
            src.backup(self._raw())
        finally:
            src.close()

    def close(self) -> None:
        self.commits.settle()
        self._conn.close()
        self.engine.dispose()
