"""The Messages API's status writer on the delivery pipeline: each message's outcome goes on
its row and into its status history, and a status webhook is owed to the message's
`webhook_url` or its application's messages `status_url` (through the outbox, retried and
logged like every webhook; signed with a JWT when the account signs webhooks). Channels with
read receipts report `read` when the handset reads: the control API says so, or the handset's
profile reads `read_after_seconds` after delivery (a job of kind `messages.read`).

On the delivery pipeline it lands batches (`finish_many`, `report_many`): the rows and their
history in one executemany each, each account read once per batch, the status webhooks in one
insert; a message that fails over or schedules its `read` is reported on its own, after the
webhooks owed before it, so every table gets its rows in the order one-by-one reports give."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ringback.apis.messages import wire
from ringback.network.behaviours import behaviour_for
from ringback.network.delivery.channels import CHANNELS, Landing
from ringback.network.delivery.messaging import MessagingChannel, messages_outcome
from ringback.state import accounts as account_state
from ringback.state import messages as message_state
from ringback.state.accounts import Account
from ringback.state.jobs import Job
from ringback.state.messages import Message
from ringback.state.store import Tx
from ringback.webhooks import outbox

STATUS_KIND = "messages-status"
READ_JOB = "messages.read"


class Wakes(Protocol):
    def wake(self) -> None: ...


class FailsOver(Protocol):
    def __call__(self, tx: Tx, rejected: Message, now: float) -> None: ...


class Schedules(Protocol):
    def schedule(
        self, tx: Tx, kind: str, due_at: float, payload: dict[str, Any], api_key: str | None = None
    ) -> int: ...


def has_read_receipts(channel: str) -> bool:
    strategy = CHANNELS.get(channel) if channel in CHANNELS else None
    return isinstance(strategy, MessagingChannel) and strategy.read_receipts


def _outcome(unit: Message, landing: Landing) -> Landing:
    """The SMS channel lands with SMS outcomes; the Messages API reports its own."""
    return messages_outcome(*landing) if unit.channel == "sms" else landing


@dataclass(frozen=True)
class MessagesStatusWriter:
    webhooks: Wakes
    scheduler: Schedules
    failover: FailsOver | None = None  # sends a workflow's next entry when one is rejected

    def unit(self, tx: Tx, unit_id: str) -> Message | None:
        return message_state.get(tx, unit_id)

    def units(self, tx: Tx, unit_ids: list[str]) -> list[Message]:
        found = {m.message_id: m for m in message_state.get_many(tx, unit_ids)}
        return [found[unit_id] for unit_id in unit_ids if unit_id in found]

    def finish(self, tx: Tx, unit: Message, landing: Landing, now: float) -> None:
        status, code = _outcome(unit, landing)
        message_state.finish(tx, unit, status, code or None, now)

    def finish_many(self, tx: Tx, landed: Sequence[tuple[Message, Landing]], now: float) -> None:
        outcomes = []
        for unit, landing in landed:
            status, code = _outcome(unit, landing)
            outcomes.append((unit, status, code or None))
        message_state.finish_many(tx, outcomes, now)

    def report(self, tx: Tx, unit: Message, landing: Landing, now: float) -> None:
        status, code = _outcome(unit, landing)
        self.send_status(tx, unit, status, code or None, now)
        if status == "rejected" and unit.workflow is not None and self.failover is not None:
            self.failover(tx, unit, now)
        if status == "delivered" and has_read_receipts(unit.channel):
            reads = behaviour_for(tx, unit.to_msisdn, unit.channel).read_after_seconds
            if reads is not None:
                payload = {"message_id": unit.message_id}
                self.scheduler.schedule(tx, READ_JOB, now + reads, payload, unit.api_key)

    def _reported_alone(self, tx: Tx, unit: Message, status: str) -> bool:
        """A report that writes more than its status webhook (a failover, a read job)."""
        if status == "rejected":
            return unit.workflow is not None and self.failover is not None
        if status == "delivered" and has_read_receipts(unit.channel):
            return behaviour_for(tx, unit.to_msisdn, unit.channel).read_after_seconds is not None
        return False

    def report_many(self, tx: Tx, landed: Sequence[tuple[Message, Landing]], now: float) -> None:
        """`report` for each, in order; the plain status webhooks in one insert."""
        accounts: dict[str, Account | None] = {}
        owed: list[outbox.Owed] = []
        for unit, landing in landed:
            status, code = _outcome(unit, landing)
            if self._reported_alone(tx, unit, status):
                self._enqueue(tx, owed, now)
                owed = []
                self.report(tx, unit, landing, now)
                continue
            if not unit.webhook_url:
                continue
            if unit.api_key not in accounts:
                accounts[unit.api_key] = account_state.get_account(tx, unit.api_key)
            account = accounts[unit.api_key]
            if account is not None:
                owed.append(_owed(account, unit, status, code or None, now))
        self._enqueue(tx, owed, now)

    def _enqueue(self, tx: Tx, owed: list[outbox.Owed], now: float) -> None:
        if owed:
            outbox.enqueue_many(tx, now, owed)
            self.webhooks.wake()

    def send_status(
        self, tx: Tx, message: Message, status: str, error_code: int | None, now: float
    ) -> None:
        if not message.webhook_url:
            return
        account = account_state.get_account(tx, message.api_key)
        if account is None:
            return
        outbox.enqueue_owed(tx, now, _owed(account, message, status, error_code, now))
        self.webhooks.wake()

    def read(self, tx: Tx, message: Message, now: float) -> bool:
        """The handset read a delivered message: `read` once (False if it was not delivered)."""
        if message.status != "delivered":
            return False
        message_state.mark_read(tx, message, now)
        self.send_status(tx, message, "read", None, now)
        return True

    def read_job(self, tx: Tx, job: Job) -> None:
        message = message_state.get(tx, str(job.payload.get("message_id")))
        if message is not None:
            self.read(tx, message, job.due_at)  # read when the profile said, on the clock


def _owed(
    account: Account, message: Message, status: str, error_code: int | None, now: float
) -> outbox.Owed:
    assert message.webhook_url is not None
    return outbox.Owed(
        api_key=message.api_key,
        kind=STATUS_KIND,
        url=message.webhook_url,
        payload=wire.status_body(message, status, error_code, now),
        signing="jwt" if account.signs_webhooks else None,
        reference=message.message_id,
        application_id=message.application_id,
    )
