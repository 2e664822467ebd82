"""The embedded backend: SQLite, a file in WAL mode (or `:memory:`), one connection.

SQLite serialises writers anyway, so Ringback keeps a single connection (StaticPool) and runs
its short statements inline on the event loop: `run()` calls the function right there, no
thread hop, no lock to reason about (measured in docs/architecture.md, "State": a hop to a
thread costs more than most of these transactions; only a commit group's COMMIT, the fsync,
goes to a thread of its own). Every write runs in `begin()` or in a
commit group (`transact`: requests, job batches and webhook records that arrive in the same
turn of the loop share one COMMIT, state/commit_group.py), committed before the response goes
out; with WAL and `synchronous=FULL` (the default) a committed write
survives a crash or power cut.

Snapshots are files, `<data-dir>/snapshots/<name>.db`, written with SQLite's online backup.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Concatenate

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.pool import StaticPool

from ringback.core.private_files import (
    create_private_file,
    make_private_dir,
    private_temp_file,
)
from ringback.state.behaviour_cache import BehaviourCache
from ringback.state.commit_group import CommitGroup
from ringback.state.credential_cache import CredentialCache
from ringback.state.store import P, SnapshotInfo, Store, T, Tx


class SqliteStore(Store):
    kind = "sqlite"
    # one connection, one writer: requests that arrive together can share a commit
    supports_group_commit = True

    def __init__(
        self,
        path: str,
        synchronous: str = "FULL",
        snapshot_dir: Path | None = None,
    ) -> None:
        self.path = path
        self.in_memory = path == ":memory:"
        if snapshot_dir is None and not self.in_memory:
            snapshot_dir = Path(path).parent / "snapshots"
        self.snapshot_dir = snapshot_dir
        url = "sqlite://" if self.in_memory else f"sqlite:///{path}"
        if not self.in_memory:
            # SQLite gives its -wal and -shm the database file's mode: 0600 from the start.
            # A path that cannot be created is left for SQLite to report in its own words.
            with suppress(OSError):
                create_private_file(Path(path))
        self.engine = create_engine(
            url,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
        self._synchronous = synchronous
        event.listen(self.engine, "connect", self._on_connect)
        event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        self._conn: Connection = self.engine.connect()
        # one connection, so one handle: yielded by every begin()
        cache = CredentialCache()
        self.credentials = cache
        self.behaviours = BehaviourCache()
        self._tx = Tx(self._conn, cache, self.behaviours)
        self.commits = CommitGroup(self)
        self.commits.on_failure.append(cache.clear)
        self.commits.on_failure.append(self.behaviours.clear)

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
        # savepoints' journals (each commit group member's, each inline landing's) in memory:
        # with temp files, one past 64 KiB was written out under /var/tmp page by page
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @contextmanager
    def begin(self) -> Iterator[Tx]:
        """An open commit group is committed first, unless this is called from inside one of
        its members (then it joins it, as nested `begin()`s do)."""
        self.commits.settle()
        if self._conn.in_transaction():
            yield self._tx
            return
        with self._conn.begin():
            yield self._tx

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return fn(*args, **kwargs)

    async def transact(
        self, fn: Callable[Concatenate[Tx, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """In the commit group of this turn of the loop: the answer waits for its commit."""
        return await self.commits.run(lambda tx: fn(tx, *args, **kwargs))

    def raw_connection(self) -> sqlite3.Connection:
        """The one pysqlite connection under SQLAlchemy's."""
        raw = self._conn.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        return raw

    def _lock_schema(self, conn: Connection) -> None:
        """Nothing to take: SQLite lets one writer at a time migrate anyway."""

    def _snapshot_path(self, name: str) -> Path:
        if self.snapshot_dir is None:
            raise RuntimeError("an in-memory store keeps snapshots only given a snapshot_dir")
        return self.snapshot_dir / f"{name}.db"

    def save_snapshot(self, name: str) -> None:
        """Copy the whole database with SQLite's online backup: consistent and fast."""
        target = self._snapshot_path(name)
        self.commits.settle()
        make_private_dir(target.parent)
        tmp = private_temp_file(target)  # 0600; SQLite writes into the empty file
        try:
            dest = sqlite3.connect(tmp)
            try:
                self.raw_connection().backup(dest)
            finally:
                dest.close()
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def restore_snapshot(self, name: str) -> bool:
        source = self._snapshot_path(name)
        if not source.exists():
            return False
        self.commits.settle()
        if self.credentials is not None:
            self.credentials.clear()
        src = sqlite3.connect(source)
        try:
            src.backup(self.raw_connection())
        finally:
            src.close()
            if self.behaviours is not None:
                self.behaviours.clear()
        return True

    def list_snapshots(self) -> list[SnapshotInfo]:
        if self.snapshot_dir is None or not self.snapshot_dir.exists():
            return []
        found = []
        for path in sorted(self.snapshot_dir.glob("*.db")):
            stat = path.stat()
            found.append(SnapshotInfo(path.stem, stat.st_size, stat.st_mtime))
        return found

    def delete_snapshot(self, name: str) -> bool:
        path = self._snapshot_path(name)
        if not path.exists():
            return False
        path.unlink()
        return True

    def close(self) -> None:
        self.commits.close()
        self._conn.close()
        self.engine.dispose()
