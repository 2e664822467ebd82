"""Many workers on one PostgreSQL database (issue 6, item 4): a lease on the jobs a worker runs
outside its claiming transaction, a lease per webhook destination, and the rate-limit windows
every worker counts in."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Float, MetaData, Table, Text

from ringback.state.migrations.operations import operations

schema = MetaData()

webhook_claims = Table(
    "webhook_claims",
    schema,
    Column("destination", Text, primary_key=True),
    Column("worker", Text, nullable=False),
    Column("lease_until", Float, nullable=False),  # wall clock, not Ringback's
)
rate_windows = Table(
    "rate_windows",
    schema,
    Column("key", Text, primary_key=True),
    Column("hits", Text, nullable=False),  # a float8[] literal: the hits inside the window
)


def upgrade(conn: Connection) -> None:
    ops = operations(conn)
    ops.add_column("jobs", Column("claimed_by", Text, nullable=True))
    ops.add_column("jobs", Column("lease_until", Float, nullable=True))
    webhook_claims.create(conn, checkfirst=False)
    rate_windows.create(conn, checkfirst=False)
