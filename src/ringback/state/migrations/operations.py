"""Alembic's operations (ALTER TABLE and friends, in each dialect's own words) on the
migration's connection: no alembic.ini, no env.py, no revision files; Ringback's own
`meta.schema_version` keeps the count."""

from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection


def operations(conn: Connection) -> Operations:
    return Operations(MigrationContext.configure(conn))
