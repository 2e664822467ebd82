"""One delivery pipeline for every channel and every API that sends on one.

An API opens a *line* once (`open_line`: a job kind, the channel, the API's `StatusWriter`),
then submits each message in its own transaction (`submit`): one sync job per unit, due when
the channel's timing says. Each job lands its unit: the handset's behaviour as it is at that
moment gives the outcome (the channel's `land`), the API records it (`StatusWriter.finish`);
when the last unit of a message lands and all of them were delivered, the whole message goes
to the handset's inbox, or to the account renting the number (the channel's `to_account`);
then the API tells its sender (`StatusWriter.report`: the SMS API's delivery receipt).

The job kind is the line's, and its payload is `{message_id, message_ids, expires}`: the SMS
API's line keeps the kind `sms.deliver` its jobs have always had, so jobs already stored
resume after an upgrade. Each job costs exactly what SMS delivery cost before the pipeline:
the unit, the behaviour, one update, and the siblings only for a message of several units.

The scheduler lands the consecutive due jobs of a line together (`land_many`), when the API's
writer offers `finish_many` and `report_many`: the one-unit messages' units in one read, their
statuses in one update, their inbox rows and reports in one insert each; a job of a message of
several units, or a destination some account rents, takes the one-by-one path in its place,
so every table gets its rows in the order single jobs would have written them.

A message due the moment it is sent (no handset delay, not expiring) needs no job: when the
API hands `submit` the units it just stored, they land right there, in the submit's
transaction (`Line.land_now`: one behaviour, the statuses, the whole message handed over once,
the reports), in a savepoint of their own; if that raises, it is undone and the jobs are
scheduled as for any other message. The reports' webhooks still go out only after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic

from ringback.core.changes import Changes
from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.network import handsets
from ringback.network.behaviours import Behaviour, behaviour_for
from ringback.network.delivery.channels import (
    CHANNELS,
    AccountsAmong,
    ChannelStrategy,
    InboxEntry,
    Landing,
    Unit,
)
from ringback.network.delivery.writers import BatchStatusWriter, StatusWriter, U, UnknownLine
from ringback.network.inbound import InboundServices
from ringback.platform.billing import Billing
from ringback.scheduler.runner import Scheduler
from ringback.state.handsets import NewHandsetMessage
from ringback.state.jobs import Job
from ringback.state.store import Store, Tx, unavailable

log = logging.getLogger("ringback.delivery")


@dataclass(frozen=True)
class NetworkParts:
    """The shared parts delivery needs (an `InboundServices`, for messages to rented numbers)."""

    billing: Billing
    clock: Clock
    ids: Ids
    changes: Changes


class Line(Generic[U]):
    """One API's deliveries on one channel, under one job kind."""

    def __init__(
        self, kind: str, channel: ChannelStrategy, writer: StatusWriter[U], network: InboundServices
    ) -> None:
        self.kind = kind
        self.channel = channel
        self.writer = writer
        self.network = network
        self.batch_writer = writer if isinstance(writer, BatchStatusWriter) else None
        self.accounts_among = channel if isinstance(channel, AccountsAmong) else None

    def land(self, tx: Tx, job: Job) -> None:
        payload = job.payload
        unit = self.writer.unit(tx, str(payload.get("message_id")))
        if unit is None or unit.final:
            return  # the account was reset, or this job already ran
        now = self.network.clock.now()
        behaviour = behaviour_for(tx, unit.to_msisdn, self.channel.name)
        landing = self.channel.land(behaviour, bool(payload.get("expires")))
        self.writer.finish(tx, unit, landing, now)
        if landing.status == self.channel.delivered:
            ids = [str(i) for i in payload.get("message_ids") or [unit.message_id]]
            # a one-unit message needs no read: it is the unit that just landed
            siblings = [unit] if ids == [unit.message_id] else self.writer.units(tx, ids)
            # only the last unit to land sees every unit delivered (this one included); a
            # message some of whose units were never sent is never put together
            if len(siblings) == unit.parts and all(
                s is unit or s.status == landing.status for s in siblings
            ):
                self.hand_over(tx, siblings, now)
        self.writer.report(tx, unit, landing, now)

    def land_many(self, tx: Tx, jobs: list[Job]) -> None:
        """`land` for each job, in order, with fewer statements when the writer can batch."""
        if self.batch_writer is None:
            for job in jobs:
                self.land(tx, job)
            return
        together: list[Job] = []
        for job in jobs:
            ids = job.payload.get("message_ids")
            if not ids or ids == [job.payload.get("message_id")]:
                together.append(job)
                continue
            self._land_together(tx, self.batch_writer, together)  # the jobs before it first
            together = []
            self.land(tx, job)  # a unit of several: its siblings are read
        self._land_together(tx, self.batch_writer, together)

    def _land_together(self, tx: Tx, writer: BatchStatusWriter[U], jobs: list[Job]) -> None:
        """Jobs of one-unit messages: one read, one update, then the hand-overs and reports."""
        if not jobs:
            return
        ids = [str(job.payload.get("message_id")) for job in jobs]
        found = {unit.message_id: unit for unit in writer.units(tx, ids)}
        now = self.network.clock.now()
        landed: list[tuple[U, Landing]] = []
        for job, unit_id in zip(jobs, ids, strict=True):
            unit = found.pop(unit_id, None)  # popped: a second job of one unit finds it landed
            if unit is None or unit.final:
                continue  # the account was reset, or this job already ran
            behaviour = behaviour_for(tx, unit.to_msisdn, self.channel.name)
            landed.append((unit, self.channel.land(behaviour, bool(job.payload.get("expires")))))
        if not landed:
            return
        writer.finish_many(tx, landed, now)
        self._hand_over_and_report(tx, writer, landed, now)

    def _hand_over_and_report(
        self, tx: Tx, writer: BatchStatusWriter[U], landed: list[tuple[U, Landing]], now: float
    ) -> None:
        delivered = self.channel.delivered
        # a one-unit message is whole once delivered; one of several whose other units were
        # never sent (`parts` > 1) is never put together
        whole = [
            unit for unit, landing in landed if landing.status == delivered and unit.parts == 1
        ]
        if self.accounts_among is None:
            maybe_rented = {unit.to_msisdn for unit in whole}
        else:
            maybe_rented = self.accounts_among.accounts_among(tx, {u.to_msisdn for u in whole})
        inbox: list[NewHandsetMessage] = []
        reports: list[tuple[U, Landing]] = []
        for unit, landing in landed:
            if landing.status == delivered and unit.parts == 1:
                if unit.to_msisdn in maybe_rented:
                    # its route writes the number's inbox and webhooks: what came before first
                    handsets.record_many(tx, self.network.changes, inbox)
                    writer.report_many(tx, reports, now)
                    inbox, reports = [], []
                    self.hand_over(tx, [unit], now)
                else:
                    inbox.append(self._inbox_row(self.channel.inbox_entry([unit]), now))
            reports.append((unit, landing))
        handsets.record_many(tx, self.network.changes, inbox)
        writer.report_many(tx, reports, now)

    def _inbox_row(self, entry: InboxEntry, now: float) -> NewHandsetMessage:
        return NewHandsetMessage(
            msisdn=entry.to,
            direction="received",
            channel=self.channel.name,
            peer=entry.sender,
            text=entry.text,
            created_at=now,
            encoding=entry.encoding,
            parts=entry.parts,
            api_key=entry.api_key,
            reference=entry.reference,
            content=handsets.content_json(entry.content),
        )

    def land_now(self, tx: Tx, units: Sequence[U]) -> bool:
        """Land the units of one message that were just stored and are due now, in the
        caller's transaction, in a savepoint of their own: True once landed. If landing
        raises, its writes are undone and False says so (the caller schedules their jobs as
        usual, which retry as any job does); a database that went away raises."""
        try:
            with Store.savepoint(tx):
                self._land_units(tx, units)
        except Exception as exc:
            if unavailable(exc):
                raise  # the caller's transaction is lost anyway
            log.warning("landing %s at once failed (%r); scheduled instead", self.kind, exc)
            return False
        return True

    def _land_units(self, tx: Tx, units: Sequence[U]) -> None:
        """`land` for every unit of a message at once: one behaviour, one outcome, the
        statuses, the whole message handed over once (when every unit was sent), the reports."""
        now = self.network.clock.now()
        first = units[0]
        behaviour = behaviour_for(tx, first.to_msisdn, self.channel.name)
        landing = self.channel.land(behaviour, False)
        landed = [(unit, landing) for unit in units]
        writer = self.batch_writer
        if writer is not None:
            writer.finish_many(tx, landed, now)
        else:
            for unit in units:
                self.writer.finish(tx, unit, landing, now)
        if landing.status == self.channel.delivered and len(units) == first.parts:
            self.hand_over(tx, units, now)
        if writer is not None:
            writer.report_many(tx, landed, now)
        else:
            for unit in units:
                self.writer.report(tx, unit, landing, now)

    def hand_over(self, tx: Tx, units: Sequence[U], now: float) -> None:
        """The whole message reaches the handset, or the account renting the number."""
        entry = self.channel.inbox_entry(units)
        if self.channel.to_account(tx, self.network, entry):
            return  # that route recorded it on the number's inbox itself
        handsets.record_many(tx, self.network.changes, [self._inbox_row(entry, now)])


class DeliveryPipeline:
    def __init__(self, scheduler: Scheduler, network: InboundServices) -> None:
        self.scheduler = scheduler
        self.network = network
        self.lines: dict[str, Line[Any]] = {}

    def open_line(self, kind: str, channel: str, writer: StatusWriter[U]) -> Line[U]:
        """Once per API and channel, at start-up: the job kind's handler is the line's."""
        line = Line(kind, CHANNELS.get(channel), writer, self.network)
        self.lines[kind] = line
        self.scheduler.register_sync(kind, line.land, batch=line.land_many)
        return line

    def channel(self, kind: str) -> ChannelStrategy:
        return self._line(kind).channel

    def submit(
        self,
        tx: Tx,
        kind: str,
        unit_ids: list[str],
        *,
        behaviour: Behaviour,
        now: float,
        validity_ms: int | None,
        api_key: str,
        units: Sequence[Unit] = (),
    ) -> None:
        """Schedule the landing of each unit, in the caller's transaction. `unit_ids` are the
        units sent (a message missing some is never put together on the handset).

        `units` are those units as the API just stored them (in `unit_ids`' order): when the
        channel's timing says they are due now and do not expire, they land here instead
        (`Line.land_now`), with no job; if that raises, they are scheduled as without them."""
        line = self._line(kind)
        due, expires = line.channel.timing(behaviour, now, validity_ms)
        if units and due <= now and not expires and line.land_now(tx, units):
            return
        for unit_id in unit_ids:
            payload = {"message_id": unit_id, "message_ids": unit_ids, "expires": expires}
            self.scheduler.schedule(tx, kind, due, payload, api_key)

    def _line(self, kind: str) -> Line[Any]:
        try:
            return self.lines[kind]
        except KeyError:
            raise UnknownLine(kind) from None
