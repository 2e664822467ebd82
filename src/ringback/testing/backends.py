"""Which database the tests run on. `RINGBACK_TEST_BACKEND=postgresql` starts one throwaway
PostgreSQL cluster per test session (Debian's `postgresql` package) and gives every store and
every `RingbackProcess` without its own `--database` a fresh database on it; unset (or
`sqlite`) keeps SQLite files, as a user gets by default."""

from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path

from ringback.state.backend import open_store
from ringback.state.postgres import PostgresStore
from ringback.state.sqlite import SqliteStore
from ringback.state.store import Store
from ringback.testing.postgres import ThrowawayPostgres

ENV = "RINGBACK_TEST_BACKEND"
BACKENDS = ("sqlite", "postgresql")

_cluster: ThrowawayPostgres | None = None
_migrated: str | None = None  # the name of the cluster's migrated template database
_lock = threading.Lock()


def backend() -> str:
    """`sqlite` or `postgresql`, from RINGBACK_TEST_BACKEND."""
    value = os.environ.get(ENV, "sqlite").strip().lower() or "sqlite"
    if value == "postgres":
        value = "postgresql"
    if value not in BACKENDS:
        raise RuntimeError(f"{ENV}={value!r}: use one of {', '.join(BACKENDS)}")
    return value


def on_postgres() -> bool:
    return backend() == "postgresql"


def cluster() -> ThrowawayPostgres:
    """The session's PostgreSQL, started on first use and stopped when the process ends."""
    global _cluster
    with _lock:
        if _cluster is None:
            _cluster = ThrowawayPostgres().start()
            atexit.register(stop_cluster)
        return _cluster


def stop_cluster() -> None:
    global _cluster, _migrated
    with _lock:
        if _cluster is not None:
            _cluster.stop()
            _cluster = None
            _migrated = None


def new_database(migrated: bool = False) -> str:
    """What `--database` takes: a fresh PostgreSQL database's URL; `migrated`: already at the
    current schema, a copy of a template migrated once per session (`createdb -T`), so the
    store's own `migrate()` finds nothing to do: a migration costs more than the copy."""
    if not migrated:
        return cluster().create_database()
    return cluster().create_database(template=_migrated_template())


def _migrated_template() -> str:
    global _migrated
    postgres = cluster()
    with _lock:
        if _migrated is None:
            url = postgres.create_database(prefix="template")
            store = open_store(url)
            try:
                store.migrate()
            finally:
                store.close()  # a template is copied only while nobody is connected to it
            _migrated = url.rsplit("/", 1)[1]
        return _migrated


def new_store(tmp_path: Path, name: str = "ringback.db", *, migrate: bool = True) -> Store:
    """A store on the test backend: `tmp_path/name` on SQLite, a fresh database on PostgreSQL
    (snapshots in `tmp_path/snapshots` on SQLite, in the database on PostgreSQL)."""
    if on_postgres():
        store = open_store(new_database(migrated=migrate))
    else:
        store = open_store(str(tmp_path / name), snapshot_dir=tmp_path / "snapshots")
    if migrate:
        store.migrate()
    return store


def reopen(store: Store) -> Store:
    """As a restart does: close `store`, open the same database anew (migrated)."""
    store.close()
    if isinstance(store, PostgresStore):
        again = open_store(store.url)
    else:
        assert isinstance(store, SqliteStore)
        again = open_store(store.path, snapshot_dir=store.snapshot_dir)
    again.migrate()
    return again
