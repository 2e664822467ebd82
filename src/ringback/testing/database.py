"""Where a test's Ringback keeps its data: one place, so the suite can be pointed elsewhere."""

from __future__ import annotations

from pathlib import Path


def test_database(data_dir: Path) -> str:
    """The `database` setting for a test Ringback whose data directory is `data_dir`: the
    SQLite file Ringback would pick itself, or a fresh database on the session's PostgreSQL
    when RINGBACK_TEST_BACKEND=postgresql (`testing/backends.py`)."""
    from ringback.testing import backends  # the store's modules load only when a test asks

    if backends.on_postgres():
        return backends.new_database(migrated=True)
    return str(data_dir / "ringback.db")


test_database.__test__ = False  # type: ignore[attr-defined]  # not a test, for pytest
