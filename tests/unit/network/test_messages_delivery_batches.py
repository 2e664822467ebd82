"""The Messages API's lines land a batch of due messages together (`Line.land_many` with
`MessagesStatusWriter.finish_many`/`report_many`): the same statuses, status history, status
webhooks, inbox rows, failovers and read jobs as the jobs one by one, in the same order."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ringback.apis.messages import service
from ringback.apis.messages.request import MessageRequest
from ringback.apis.messages.routes import register_jobs, writer_of
from ringback.apis.messages.statuses import READ_JOB
from ringback.core.clock import ClockState
from ringback.network import behaviours, whatsapp
from ringback.network.behaviours import Behaviour
from ringback.platform.auth import Credential, Principal
from ringback.state import jobs as job_state
from ringback.state import message_senders as sender_state
from ringback.state import messages as message_state
from ringback.state.store import Tx
from ringback.state.tables import (
    charges,
    handset_messages,
    message_statuses,
    messages,
    webhook_deliveries,
)

from .conftest import World, make_world

START = 1_800_000_000.0
HOOKS = "http://hooks.example"
A, B, C, D = "447700900201", "447700900202", "447700900203", "447700900204"
APP = "app-1"
BUSINESS = "447700900500"


def messages_world(tmp_path: Path) -> World:
    tmp_path.mkdir()
    world = make_world(tmp_path)
    world.services.clock.set_state(ClockState(frozen_at=START))
    register_jobs(world.services)
    return world


def sms(to: str, **values: Any) -> MessageRequest:
    fields: dict[str, Any] = {
        "channel": "sms",
        "message_type": "text",
        "to": to,
        "sender": "Ringback",
        "content": {"text": f"hello {to}"},
        "webhook_url": f"{HOOKS}/status",
    }
    return MessageRequest(**{**fields, **values})


def a_mixed_traffic(world: World) -> None:
    """Delivered and failed SMS, one without a webhook, a v0.1 one, a workflow whose primary is
    rejected when it lands (it fails over), WhatsApp with and without a read after delivery,
    and a second account."""
    services = world.services
    first = world.account("100.00")
    second = world.account("100.00", signs_webhooks=True)
    with services.store.begin() as tx:
        behaviours.set_behaviour(tx, B, Behaviour(sms="failed", err_code=3), START)
        behaviours.set_behaviour(tx, C, Behaviour(sms="rejected", err_code=4), START)
        behaviours.set_behaviour(tx, D, Behaviour(read_after_seconds=30), START)
        sender_state.add(tx, sender_state.Sender("whatsapp", BUSINESS, first, APP, None, START))
        for user in (A, D):
            whatsapp.open_window(tx, BUSINESS, user, START)
    basic = [Principal(key, Credential.BASIC) for key in (first, second)]
    jwt = Principal(first, Credential.JWT, application_id=APP)
    chat = {"channel": "whatsapp", "sender": BUSINESS}
    writer = writer_of(services)
    with services.store.begin() as tx:
        for principal, request in (
            (basic[0], sms(A)),
            (basic[0], sms(B)),
            (basic[1], sms(A, webhook_url=None)),
            (basic[1], sms(D, webhook_version="v0.1", client_ref="ref-4")),
            (jwt, sms(A, **chat)),
            (jwt, sms(D, **chat)),  # read 30 s after delivery
            (basic[1], sms(A)),
        ):
            service.send(tx, services, writer, principal, request)
        failover = sms(C, failover=(sms(A, content={"text": "fallback"}),))
        writer.failover.start(tx, basic[0], failover)  # type: ignore[union-attr]


def rows(world: World) -> dict[str, list[dict[str, Any]]]:
    with world.services.store.begin() as tx:
        return {
            table.name: [dict(r._mapping) for r in tx.conn.execute(select(table).order_by(key))]
            for table, key in (
                (messages, messages.c.message_id),
                (handset_messages, handset_messages.c.id),
                (webhook_deliveries, webhook_deliveries.c.id),
                (charges, charges.c.id),
            )
        }


def histories(world: World) -> dict[str, list[tuple[str, int | None, float]]]:
    """Each message's status history, as the control API shows it."""
    with world.services.store.begin() as tx:
        ids = tx.conn.execute(select(message_statuses.c.message_id).distinct()).scalars()
        return {
            m: [(e.status, e.error_code, e.at) for e in message_state.history(tx, m)] for m in ids
        }


def jobs(world: World) -> list[tuple[str, float, dict[str, Any]]]:
    with world.services.store.begin() as tx:
        return [(j.kind, j.due_at, j.payload) for j in job_state.list_jobs(tx)]


def run_due(world: World, seconds: float = 2.0) -> None:
    world.services.clock.advance(seconds)
    asyncio.run(world.services.scheduler.run_due())


def test_a_batch_lands_exactly_as_the_jobs_one_by_one(tmp_path: Path) -> None:
    batched, single = messages_world(tmp_path / "batched"), messages_world(tmp_path / "single")
    try:
        seen: list[tuple[str, int]] = []
        scheduler = batched.services.scheduler
        for kind, land_many in list(scheduler.batch_handlers.items()):

            def counting(
                tx: Tx, jobs: list[job_state.Job], kind: str = kind, land: Any = land_many
            ) -> None:
                seen.append((kind, len(jobs)))
                land(tx, jobs)

            scheduler.batch_handlers[kind] = counting
        single.services.scheduler.batch_handlers.clear()
        for world in (batched, single):
            a_mixed_traffic(world)
            run_due(world)
        # consecutive due jobs of one line land together
        assert seen == [
            ("messages.sms.deliver", 4),
            ("messages.whatsapp.deliver", 2),
            ("messages.sms.deliver", 2),
        ]
        landed = rows(batched)
        assert landed == rows(single)
        assert histories(batched) == histories(single)
        assert jobs(batched) == jobs(single)
        statuses = sorted((r["to_msisdn"], r["channel"], r["status"]) for r in landed["messages"])
        assert statuses == [
            (A, "sms", "delivered"),
            (A, "sms", "delivered"),
            (A, "sms", "delivered"),
            (A, "sms", "submitted"),  # the failover, sent when the primary was rejected
            (A, "whatsapp", "delivered"),
            (B, "sms", "undeliverable"),
            (C, "sms", "rejected"),
            (D, "sms", "delivered"),
            (D, "whatsapp", "delivered"),
        ]
        owed = [json.loads(r["payload"])["status"] for r in landed["webhook_deliveries"]]
        # every status but the unhooked message's two, in job order; the failover's
        # `submitted` right after the primary's `rejected`
        assert owed == ["submitted"] * 7 + [
            "delivered",
            "undeliverable",
            "delivered",
            "delivered",
            "delivered",
            "delivered",
            "rejected",
            "submitted",
        ]
        assert sorted(kind for kind, _, _ in jobs(batched)) == [
            READ_JOB,  # D's WhatsApp message, read 30 s after delivery
            "messages.sms.deliver",  # the failover
        ]
        assert len(landed["handset_messages"]) == 6
        run_due(batched, 60)
        run_due(single, 60)
        assert rows(batched) == rows(single)
        assert histories(batched) == histories(single)
    finally:
        batched.services.store.close()
        single.services.store.close()
