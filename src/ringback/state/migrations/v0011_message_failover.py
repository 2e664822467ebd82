"""Messages failover: the workflows (`message_workflows`: the failover entries still to send,
and who sent them) and, on each message of one, its place in it (`messages.workflow`)."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Float, ForeignKey, MetaData, Table, Text

from ringback.state.migrations.operations import operations

schema = MetaData()

# created by v0001, declared here for the foreign key
accounts = Table("accounts", schema, Column("api_key", Text, primary_key=True))

message_workflows = Table(
    "message_workflows",
    schema,
    Column("workflow_id", Text, primary_key=True),
    Column("api_key", Text, ForeignKey("accounts.api_key", ondelete="CASCADE"), nullable=False),
    Column("credential", Text, nullable=False),
    Column("application_id", Text, nullable=True),
    Column("failover", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)


def upgrade(conn: Connection) -> None:
    message_workflows.create(conn, checkfirst=False)
    operations(conn).add_column("messages", Column("workflow", Text, nullable=True))
