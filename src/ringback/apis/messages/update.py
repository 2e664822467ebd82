"""PATCH /v1/messages/{message_uuid} (messages_local.json 1.11.0 UpdateMessage, JWT only):
`{"status": "read"}` marks an inbound WhatsApp message read (the handset sees its message
read), `{"status": "revoked"}` revokes an outbound RCS message not yet delivered (the handset
never gets it; the sender gets an `undeliverable` status). Messages of other accounts are
unknown (404); another status, or one the message's channel and direction do not take, is the
spec's ErrorUnsupportedOperation (422)."""

from __future__ import annotations

from typing import Any, Protocol

from ringback.apis.messages.errors import MessagesProblem
from ringback.apis.messages.statuses import MessagesStatusWriter
from ringback.core.changes import Changes
from ringback.core.clock import Clock
from ringback.core.errors import NotFound
from ringback.network import handsets
from ringback.platform.auth import Principal
from ringback.state import inbound_messages as inbound_state
from ringback.state import messages as message_state
from ringback.state.messages import SUBMITTED
from ringback.state.store import Tx

REVOKED = "undeliverable"  # the status enum has no `revoked`: the message was not delivered
REVOKE_WINDOW = 24 * 3600.0  # "A revocation request can only occur within 24 hours"
UPDATES = {"read": "whatsapp", "revoked": "rcs"}  # the status → the one channel that takes it


class UpdateServices(Protocol):
    @property
    def clock(self) -> Clock: ...
    @property
    def changes(self) -> Changes: ...


def unsupported(
    detail: str = "This operation is not supported for this channel.",
) -> MessagesProblem:
    """The spec's ErrorUnsupportedOperation, its `type` the error table's 1020 (the spec's
    example leaves `type` empty)."""
    return MessagesProblem(1020, "Operation not supported", detail)


def not_found(message_uuid: str) -> NotFound:
    return NotFound(f"External Id not found for message {message_uuid}.")


def update(
    tx: Tx,
    services: UpdateServices,
    writer: MessagesStatusWriter,
    principal: Principal,
    message_uuid: str,
    body: dict[str, Any],
) -> None:
    status = body.get("status")
    inbound = inbound_state.get(tx, message_uuid)
    if inbound is not None and inbound.api_key == principal.api_key:
        if status != "read" or inbound.channel != UPDATES["read"]:
            raise unsupported(_why(status, inbound.channel, "inbound"))
        if inbound.read_at is None:
            inbound_state.mark_read(tx, inbound, services.clock.now())
            services.changes.notify(handsets.topic(inbound.sender))
        return
    outbound = message_state.get(tx, message_uuid)
    if outbound is None or outbound.api_key != principal.api_key:
        raise not_found(message_uuid)
    if status != "revoked" or outbound.channel != UPDATES["revoked"]:
        raise unsupported(_why(status, outbound.channel, "outbound"))
    now = services.clock.now()
    if now - outbound.submitted_at > REVOKE_WINDOW:
        raise unsupported("A message can only be revoked within 24 hours of being sent.")
    if outbound.status == SUBMITTED:  # else already delivered or failed: nothing to revoke
        message_state.finish(tx, outbound, REVOKED, None, now)
        writer.send_status(tx, outbound, REVOKED, None, now)


def _why(status: object, channel: str, direction: str) -> str:
    if status not in UPDATES:
        return "The status must be `read` (inbound WhatsApp) or `revoked` (outbound RCS)."
    if direction == "outbound" and status == "read":
        return "The status of an outbound message cannot be set to read."
    if direction == "inbound" and status == "revoked":
        return "An inbound message cannot be revoked."
    return "This operation is not supported for this channel."
