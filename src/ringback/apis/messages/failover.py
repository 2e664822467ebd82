"""Failover (messages_local.json `Failover`; vonage-behaviours §4.3): a request with a
`failover` list is a workflow. Its primary message goes first; when a message of it is
`rejected` (at once, or when it lands), the next entry is sent, with a message_uuid and status
webhooks of its own; every status carries the `workflow` object (`workflow_id`, `items_number`,
`items_total`, strings as the spec's messageStatusBase has them). `undeliverable` does not fail
over (the spec: "sent as a fallback if the primary message is `rejected`"), and a v1 entry has
no condition or expiry of its own (those were the Dispatch API's).

Every entry's credential and sender are checked when the request comes (the whole request is
refused as the primary would be); an entry that can no longer be sent when its turn comes (its
sender removed since, the account out of credit) is `rejected` with the code that says why
(1420, 1070) and the workflow goes on."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from ringback.apis.messages import service
from ringback.apis.messages.errors import MessagesProblem
from ringback.apis.messages.request import MessageRequest
from ringback.apis.messages.service import MessagesServices
from ringback.apis.messages.statuses import MessagesStatusWriter
from ringback.core.errors import InsufficientCredit
from ringback.network import numbering
from ringback.platform.auth import Credential, Principal
from ringback.state import message_workflows as workflow_state
from ringback.state.message_workflows import Workflow
from ringback.state.messages import Message
from ringback.state.store import Tx

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
WORKFLOW_ID_LENGTH = 55  # as the spec's WorkflowId example
PARTNER_QUOTA_EXCEEDED = 1070


def _place(workflow_id: str, item: int, total: int) -> str:
    return json.dumps(
        {"workflow_id": workflow_id, "items_number": str(item), "items_total": str(total)},
        separators=(",", ":"),
    )


def _entry_json(entry: MessageRequest) -> dict[str, Any]:
    document = asdict(entry)
    del document["failover"]
    return document


def _entry(document: dict[str, Any]) -> MessageRequest:
    return MessageRequest(**document)


@dataclass(frozen=True)
class Failover:
    """The writer's hook for a rejected message of a workflow, and the start of one."""

    services: MessagesServices
    writer: MessagesStatusWriter

    def _new_id(self) -> str:
        ids = self.services.ids
        return "".join(BASE58[ids.randint(0, 57)] for _ in range(WORKFLOW_ID_LENGTH))

    def start(self, tx: Tx, principal: Principal, request: MessageRequest) -> tuple[str, str]:
        """(message_uuid of the primary message, workflow_id)."""
        for entry in (request, *request.failover):
            service.check_credential(principal, entry)
        route = service.check_sender(tx, principal, request)
        for entry in request.failover:
            service.check_sender(tx, principal, entry)
        workflow_id = self._new_id()
        workflow_state.add(
            tx,
            Workflow(
                workflow_id=workflow_id,
                api_key=principal.api_key,
                credential=principal.credential.value,
                application_id=principal.application_id,
                failover=json.dumps([_entry_json(e) for e in request.failover]),
                created_at=self.services.clock.now(),
            ),
        )
        total = 1 + len(request.failover)
        primary = service.dispatch(
            tx, self.services, self.writer, principal, request, route, _place(workflow_id, 1, total)
        )
        if primary.status == "rejected":
            self(tx, primary, primary.submitted_at)
        return primary.message_id, workflow_id

    def __call__(self, tx: Tx, rejected: Message, now: float) -> None:
        """`rejected` was: send the workflow's next entry (and the one after while each is
        rejected at once)."""
        if rejected.workflow is None:
            return
        place = json.loads(rejected.workflow)
        workflow = workflow_state.get(tx, place["workflow_id"])
        if workflow is None:
            return
        entries = json.loads(workflow.failover)
        principal = Principal(
            workflow.api_key, Credential(workflow.credential), workflow.application_id
        )
        item, total = int(place["items_number"]), int(place["items_total"])
        while item < total:
            entry = _entry(entries[item - 1])
            item += 1
            message = self._send(tx, principal, entry, _place(workflow.workflow_id, item, total))
            if message.status != "rejected":
                return

    def _send(self, tx: Tx, principal: Principal, entry: MessageRequest, place: str) -> Message:
        try:
            route = service.check_sender(tx, principal, entry)
            return service.dispatch(tx, self.services, self.writer, principal, entry, route, place)
        except MessagesProblem as problem:  # the sender was removed since
            refused = problem.code
        except InsufficientCredit:  # refused before anything was written
            refused = PARTNER_QUOTA_EXCEEDED
        info = numbering.lookup(entry.to) if entry.channel in service.PHONE_CHANNELS else None
        route = service.Route(principal.application_id, info)
        return service.dispatch(
            tx, self.services, self.writer, principal, entry, route, place, refused
        )
