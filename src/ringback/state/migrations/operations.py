"""Alembic's operations (ALTER TABLE and friends, in each dialect's own words) on the
migration's connection: no alembic.ini, no env.py, no revision files; Ringback's own
`meta.schema_version` keeps the count."""

from __future__ import annotations

import logging

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection

# Alembic logs two lines at INFO ("Context impl SQLiteImpl.", "Will assume non-transactional
# DDL.") each time a context is made: a dozen lines above the banner of a first start.
logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)


def operations(conn: Connection) -> Operations:
    return Operations(MigrationContext.configure(conn))
