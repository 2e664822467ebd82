"""Which store `--database` names: a file path or `:memory:` is SQLite; a `postgresql://` (or
`postgres://`) URL is PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from ringback.state.store import Store

POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_postgres(database: str) -> bool:
    return database.startswith(POSTGRES_SCHEMES)


def open_store(
    database: str,
    *,
    synchronous: str = "FULL",
    snapshot_dir: Path | None = None,
) -> Store:
    """The store for `database`, its schema not yet migrated. PostgreSQL is reached once here:
    if it does not answer, `DatabaseUnreachable` says so in one line."""
    if is_postgres(database):
        from ringback.state.postgres import PostgresStore

        store = PostgresStore(database)
        try:
            store.check()
        except BaseException:
            store.close()
            raise
        return store
    from ringback.state.sqlite import SqliteStore

    return SqliteStore(database, synchronous=synchronous, snapshot_dir=snapshot_dir)
