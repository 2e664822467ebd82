"""Messages failover workflows (`message_workflows`): the failover entries of a request, kept
until its messages stop being rejected, and who sent it (the credential and application the
next entries are sent with)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select

from ringback.state.prepared import Prepared
from ringback.state.store import Tx
from ringback.state.tables import message_workflows


@dataclass(frozen=True)
class Workflow:
    workflow_id: str
    api_key: str
    credential: str
    application_id: str | None
    failover: str  # JSON list of the entries after the primary message
    created_at: float


_COLUMNS = [message_workflows.c[name] for name in Workflow.__dataclass_fields__]
_ADD = Prepared(insert(message_workflows))
_GET = Prepared(
    select(*_COLUMNS).where(message_workflows.c.workflow_id == bindparam("workflow_id"))
)


def add(tx: Tx, workflow: Workflow) -> None:
    _ADD.run(tx, workflow.__dict__)


def get(tx: Tx, workflow_id: str) -> Workflow | None:
    row = _GET.first(tx, {"workflow_id": workflow_id})
    return Workflow(*row) if row else None
