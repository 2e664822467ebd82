"""The SMS line lands a batch of due parts together (`Line.land_many`): the same rows as the
jobs one by one would write, in the same order, and a part that fails or is rescheduled in a
batch is retried alone while the others land."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from sqlalchemy import select

from ringback.apis.sms.routes import register_jobs
from ringback.core.clock import ClockState
from ringback.network import behaviours
from ringback.network.behaviours import Behaviour
from ringback.network.delivery import pipeline
from ringback.scheduler.jobs import Reschedule
from ringback.state import jobs as job_state
from ringback.state import sms_parts as part_state
from ringback.state.sms_parts import Part
from ringback.state.store import Tx
from ringback.state.tables import handset_messages, sms_messages, webhook_deliveries

from .conftest import World, make_world

KIND = "sms.deliver"
START = 1_800_000_000.0
HOOKS = "http://hooks.example"
A, B, C, D = "447700900201", "447700900202", "447700900203", "447700900204"
RENTED = "447700900299"


def sms_world(tmp_path: Path) -> World:
    tmp_path.mkdir()
    world = make_world(tmp_path)
    world.services.clock.set_state(ClockState(frozen_at=START))
    register_jobs(world.services)
    return world


def part(message_id: str, api_key: str, to: str, **values: Any) -> Part:
    fields: dict[str, Any] = {
        "message_id": message_id,
        "api_key": api_key,
        "to_msisdn": to,
        "sender": "Ringback",
        "part": 1,
        "parts": 1,
        "concat_ref": None,
        "encoding": "text",
        "body": f"text of {message_id}",
        "udh": None,
        "client_ref": None,
        "account_ref": None,
        "callback": None,
        "status_report_req": True,
        "ttl_ms": 259200000,
        "price_units": 3330,
        "network_code": "23410",
        "status": part_state.SUBMITTED,
        "err_code": None,
        "submitted_at": START,
        "final_at": None,
        "converted": None,
        "conversion_at": None,
    }
    return Part(**{**fields, **values})


def submit(world: World, *messages: list[Part]) -> None:
    """Each message's parts stored and their jobs scheduled, in order, all due together."""
    services = world.services
    with services.store.begin() as tx:
        for parts in messages:
            for one in parts:
                part_state.add(tx, one)
            services.delivery.submit(
                tx,
                KIND,
                [one.message_id for one in parts],
                behaviour=behaviours.DEFAULT,
                now=START,
                validity_ms=None,
                api_key=parts[0].api_key,
            )


def a_mixed_traffic(world: World) -> None:
    """Handsets that deliver and fail, a message of two parts (and one missing a part), a part
    to a rented number whose inbound webhooks share the receipts' server, a callback, no
    receipt asked for, and a second account."""
    first = world.account(dr_callback_url=f"{HOOKS}/dr")
    second = world.account(dr_callback_url=f"{HOOKS}/dr2", sms_webhook_method="GET")
    renter = world.account()
    world.rent(renter, RENTED, mo_http_url=f"{HOOKS}/mo")
    with world.services.store.begin() as tx:
        behaviours.set_behaviour(tx, B, Behaviour(sms="failed", err_code=3), START)
    two = {"parts": 2, "concat_ref": "m4a"}
    submit(
        world,
        [part("m1", first, A)],
        [part("m2", first, RENTED)],
        [part("m3", first, B)],
        [part("m4a", first, A, **two), part("m4b", first, A, part=2, **two)],
        [part("m5", second, C, status_report_req=False)],
        [part("m6", second, A, callback="http://cb.example/x")],
        [part("m7", first, D, parts=2)],  # its second part was never sent
        [part("m8", second, C)],
        [part("m9", first, RENTED)],
        [part("m10", first, A)],
    )


def rows(world: World) -> dict[str, list[dict[str, Any]]]:
    with world.services.store.begin() as tx:
        return {
            table.name: [dict(r._mapping) for r in tx.conn.execute(select(table).order_by(key))]
            for table, key in (
                (sms_messages, sms_messages.c.message_id),
                (handset_messages, handset_messages.c.id),
                (webhook_deliveries, webhook_deliveries.c.id),
            )
        }


def run_due(world: World, seconds: float = 2.0) -> None:
    world.services.clock.advance(seconds)
    asyncio.run(world.services.scheduler.run_due())


def test_a_batch_lands_exactly_as_the_jobs_one_by_one(tmp_path: Path) -> None:
    batched, single = sms_world(tmp_path / "batched"), sms_world(tmp_path / "single")
    try:
        seen: list[int] = []
        land_many = batched.services.scheduler.batch_handlers[KIND]

        def counting(tx: Tx, jobs: list[job_state.Job]) -> None:
            seen.append(len(jobs))
            land_many(tx, jobs)

        batched.services.scheduler.batch_handlers[KIND] = counting
        single.services.scheduler.batch_handlers.clear()
        for world in (batched, single):
            a_mixed_traffic(world)
            run_due(world)
        assert seen == [11]  # every job in one batch
        landed = rows(batched)
        assert landed == rows(single)
        statuses = {r["message_id"]: r["status"] for r in landed["sms_messages"]}
        assert statuses == {
            **{m: "delivered" for m in ("m1", "m2", "m4a", "m4b", "m5", "m6", "m7", "m8")},
            **{"m9": "delivered", "m10": "delivered", "m3": "failed"},
        }
        inbox = [(r["msisdn"], r["reference"]) for r in landed["handset_messages"]]
        assert inbox == [
            (A, "m1"),
            (RENTED, ANY),  # the inbound message's id
            (A, "m4a,m4b"),
            (C, "m5"),
            (A, "m6"),
            (C, "m8"),
            (RENTED, ANY),  # the inbound message's id
            (A, "m10"),
        ]
        owed = [(r["kind"], r["url"]) for r in landed["webhook_deliveries"]]
        assert owed == [
            ("sms-dlr", f"{HOOKS}/dr"),  # m1
            ("sms-inbound", f"{HOOKS}/mo"),  # m2 reaches the renting account first
            ("sms-dlr", f"{HOOKS}/dr"),  # m2
            ("sms-dlr", f"{HOOKS}/dr"),  # m3
            ("sms-dlr", f"{HOOKS}/dr"),  # m4a
            ("sms-dlr", f"{HOOKS}/dr"),  # m4b
            ("sms-dlr", "http://cb.example/x"),  # m6 (m5 asked for none)
            ("sms-dlr", f"{HOOKS}/dr"),  # m7
            ("sms-dlr", f"{HOOKS}/dr2"),  # m8
            ("sms-inbound", f"{HOOKS}/mo"),
            ("sms-dlr", f"{HOOKS}/dr"),  # m9
            ("sms-dlr", f"{HOOKS}/dr"),  # m10
        ]
        for world in (batched, single):
            with world.services.store.begin() as tx:
                assert job_state.list_jobs(tx) == []
    finally:
        batched.services.store.close()
        single.services.store.close()


@pytest.mark.parametrize("raised", ["error", "reschedule"])
def test_a_part_failing_in_a_batch_is_retried_alone_and_the_others_land(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raised: str
) -> None:
    world = sms_world(tmp_path / "world")
    try:
        key = world.account(dr_callback_url=f"{HOOKS}/dr")
        real = pipeline.behaviour_for

        def behaviour_for(tx: Tx, msisdn: str, channel: str | None = None) -> Behaviour:
            if msisdn == B:
                if raised == "error":
                    raise RuntimeError("handset on fire")
                raise Reschedule(START + 60, "not yet")
            return real(tx, msisdn, channel)

        monkeypatch.setattr(pipeline, "behaviour_for", behaviour_for)
        submit(world, [part("m1", key, A)], [part("m2", key, B)], [part("m3", key, C)])
        run_due(world)
        landed = rows(world)
        statuses = [r["status"] for r in landed["sms_messages"]]
        assert statuses == ["delivered", "submitted", "delivered"]
        assert [r["reference"] for r in landed["handset_messages"]] == ["m1", "m3"]
        assert [r["reference"] for r in landed["webhook_deliveries"]] == ["m1", "m3"]  # once each
        with world.services.store.begin() as tx:
            (retried,) = job_state.list_jobs(tx)
        assert retried.payload["message_id"] == "m2" and retried.attempts == 1
        if raised == "error":
            assert retried.last_error is not None and "handset on fire" in retried.last_error
            assert retried.due_at == world.services.clock.now() + 2
        else:
            assert (retried.due_at, retried.last_error) == (START + 60, "not yet")
        monkeypatch.setattr(pipeline, "behaviour_for", real)
        run_due(world, 60)
        assert [r["status"] for r in rows(world)["sms_messages"]] == ["delivered"] * 3
        assert [r["reference"] for r in rows(world)["webhook_deliveries"]] == ["m1", "m3", "m2"]
    finally:
        world.services.store.close()
