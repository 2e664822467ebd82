"""The delivery pipeline with a channel registered from the test (proving a channel plugs in
without touching the pipeline): a real store, the real scheduler, Ringback's clock."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from ringback.app import build_services
from ringback.network import behaviours
from ringback.network.behaviours import Behaviour
from ringback.network.delivery.channels import (
    CHANNELS,
    Content,
    Cut,
    InboxEntry,
    Landing,
    Timing,
    Unit,
    UnknownChannel,
)
from ringback.network.inbound import InboundServices
from ringback.state import handsets as handset_state
from ringback.state import jobs as job_state
from ringback.state.handsets import HandsetMessage
from ringback.state.jobs import Job
from ringback.state.store import Tx

if TYPE_CHECKING:
    from conftest import World

KIND = "pigeon.deliver"
FLIGHT = 2.0  # seconds, whatever the handset's delay
HANDSET = "447700900150"
SENDER = "447700900151"


class PigeonChannel:
    """Five characters a pigeon; lost when the handset's SMS outcome is not `delivered`."""

    name = "pigeon"
    outcomes = ("landed", "lost")
    delivered = "landed"

    def cut(self, content: Content) -> Cut:
        text = content.text
        return Cut("scroll", [text[i : i + 5] for i in range(0, len(text), 5)])

    def timing(self, behaviour: Behaviour, now: float, validity_ms: int | None) -> Timing:
        if validity_ms is not None and validity_ms < FLIGHT * 1000:
            return Timing(now + validity_ms / 1000, True)
        return Timing(now + FLIGHT, False)

    def land(self, behaviour: Behaviour, expired: bool) -> Landing:
        if expired:
            return Landing("lost", 99)
        if behaviour.sms == "delivered":
            return Landing("landed", 0)
        return Landing("lost", behaviour.err_code)

    def inbox_entry(self, units: Sequence[Unit]) -> InboxEntry:
        return InboxEntry(
            to=units[0].to_msisdn,
            sender=units[0].sender,
            text="".join(u.body for u in units),
            encoding=units[0].encoding,
            parts=len(units),
            api_key=units[0].api_key,
            reference="+".join(u.message_id for u in units),
        )

    def to_account(self, tx: Tx, network: InboundServices, entry: InboxEntry) -> bool:
        return False


@dataclass(frozen=True)
class Pigeon:
    message_id: str
    api_key: str
    to_msisdn: str
    sender: str
    parts: int
    encoding: str
    body: str
    udh: str | None = None
    status: str = "flying"

    @property
    def final(self) -> bool:
        return self.status != "flying"


@dataclass
class Loft:
    """The test API's status writer: its units in memory, its reports in a list."""

    pigeons: dict[str, Pigeon] = field(default_factory=dict)
    reports: list[tuple[str, str, int]] = field(default_factory=list)

    def unit(self, tx: Tx, unit_id: str) -> Pigeon | None:
        return self.pigeons.get(unit_id)

    def units(self, tx: Tx, unit_ids: list[str]) -> list[Pigeon]:
        return [self.pigeons[i] for i in unit_ids if i in self.pigeons]

    def finish(self, tx: Tx, unit: Pigeon, landing: Landing, now: float) -> None:
        self.pigeons[unit.message_id] = dataclasses.replace(unit, status=landing.status)

    def report(self, tx: Tx, unit: Pigeon, landing: Landing, now: float) -> None:
        self.reports.append((unit.message_id, landing.status, landing.err_code))


class SwiftChannel(PigeonChannel):
    """A pigeon that arrives the moment it is sent (unless the validity is shorter than 1 ms)."""

    name = "swift"

    def timing(self, behaviour: Behaviour, now: float, validity_ms: int | None) -> Timing:
        return Timing(now, validity_ms is not None and validity_ms < 1)


@pytest.fixture(autouse=True)
def pigeon_channel() -> Iterator[None]:
    CHANNELS.register(PigeonChannel())
    CHANNELS.register(SwiftChannel())
    yield
    CHANNELS.unregister("pigeon")
    CHANNELS.unregister("swift")


def send(
    world: World,
    loft: Loft,
    text: str,
    *,
    validity_ms: int | None = None,
    sent: int | None = None,
    kind: str = KIND,
    handed: bool = False,
) -> list[str]:
    """Cut `text` on the line's channel, store the units, submit the first `sent` of them
    (`handed`: with the units themselves, so that units due now may land at once)."""
    services = world.services
    cut = services.delivery.channel(kind).cut(Content(text=text))
    ids = [f"p{len(loft.pigeons) + n}" for n in range(len(cut.units))]
    for unit_id, body in zip(ids, cut.units, strict=True):
        loft.pigeons[unit_id] = Pigeon(
            unit_id, "key1", HANDSET, SENDER, len(cut.units), cut.encoding, body
        )
    now = services.clock.now()
    with services.store.begin() as tx:
        behaviour = behaviours.behaviour_for(tx, HANDSET)
        services.delivery.submit(
            tx,
            kind,
            ids[:sent],
            behaviour=behaviour,
            now=now,
            validity_ms=validity_ms,
            api_key="key1",
            units=[loft.pigeons[i] for i in ids[:sent]] if handed else (),
        )
    return ids


def run_after(world: World, seconds: float) -> None:
    world.services.clock.advance(seconds)
    asyncio.run(world.services.scheduler.run_due())


def inbox(world: World, channel: str | None = None) -> list[HandsetMessage]:
    with world.services.store.begin() as tx:
        return handset_state.messages(tx, HANDSET, channel=channel)


def test_a_message_of_three_units_lands_whole_in_the_inbox_on_its_channel(world: World) -> None:
    loft = Loft()
    world.services.delivery.open_line(KIND, "pigeon", loft)
    ids = send(world, loft, "coo coo, coo!")  # 13 characters: three pigeons
    run_after(world, FLIGHT - 0.5)
    assert inbox(world) == [] and loft.reports == []
    run_after(world, 0.5)
    assert loft.reports == [(i, "landed", 0) for i in ids]
    [entry] = inbox(world)
    assert (entry.channel, entry.peer, entry.text, entry.encoding, entry.parts) == (
        "pigeon",
        SENDER,
        "coo coo, coo!",
        "scroll",
        3,
    )
    assert entry.reference == "+".join(ids) and entry.api_key == "key1"
    assert [m.text for m in inbox(world, channel="pigeon")] == ["coo coo, coo!"]
    assert inbox(world, channel="sms") == []


def test_the_behaviour_is_read_when_the_unit_lands_not_when_it_is_sent(world: World) -> None:
    loft = Loft()
    world.services.delivery.open_line(KIND, "pigeon", loft)
    ids = send(world, loft, "hello")
    with world.services.store.begin() as tx:
        behaviours.set_behaviour(
            tx, HANDSET, Behaviour(sms="failed", err_code=3), world.services.clock.now()
        )
    run_after(world, FLIGHT)
    assert loft.reports == [(ids[0], "lost", 3)]
    assert inbox(world) == []


def test_a_unit_slower_than_the_validity_expires_at_it(world: World) -> None:
    loft = Loft()
    world.services.delivery.open_line(KIND, "pigeon", loft)
    ids = send(world, loft, "hello", validity_ms=1000)
    run_after(world, 1.0)
    assert loft.reports == [(ids[0], "lost", 99)]
    assert inbox(world) == []


def test_a_message_missing_a_unit_is_never_put_together(world: World) -> None:
    loft = Loft()
    world.services.delivery.open_line(KIND, "pigeon", loft)
    ids = send(world, loft, "0123456789", sent=1)  # two units, only the first sent
    run_after(world, FLIGHT)
    assert loft.reports == [(ids[0], "landed", 0)]
    assert inbox(world) == []


def test_a_unit_lands_once_however_often_its_job_runs(world: World) -> None:
    loft = Loft()
    world.services.delivery.open_line(KIND, "pigeon", loft)
    ids = send(world, loft, "hello")
    send_again = world.services.delivery.submit  # the same unit scheduled twice
    with world.services.store.begin() as tx:
        send_again(
            tx,
            KIND,
            ids,
            behaviour=behaviours.DEFAULT,
            now=world.services.clock.now(),
            validity_ms=None,
            api_key="key1",
        )
    run_after(world, FLIGHT)
    assert loft.reports == [(ids[0], "landed", 0)]
    assert len(inbox(world)) == 1


def test_stored_jobs_resume_on_the_line_opened_after_a_restart(world: World) -> None:
    loft = Loft()
    world.services.delivery.open_line(KIND, "pigeon", loft)
    ids = send(world, loft, "later")
    world.services.store.close()
    restarted = build_services(world.services.settings)
    try:
        restarted.clock.freeze()
        restarted.delivery.open_line(KIND, "pigeon", loft)
        restarted.clock.advance(FLIGHT + 60)  # the old clock's time had not been saved
        asyncio.run(restarted.scheduler.run_due())
        assert loft.reports == [(ids[0], "landed", 0)]
        with restarted.store.begin() as tx:
            [entry] = handset_state.messages(tx, HANDSET)
        assert (entry.channel, entry.text) == ("pigeon", "later")
    finally:
        restarted.store.close()


def test_a_line_needs_a_registered_channel(world: World) -> None:
    with pytest.raises(UnknownChannel):
        world.services.delivery.open_line("owl.deliver", "owl", Loft())
    assert "pigeon" in CHANNELS and "owl" not in CHANNELS and ["sms"] not in CHANNELS


SWIFT = "swift.deliver"


def due_jobs(world: World) -> list[Job]:
    with world.services.store.begin() as tx:
        return job_state.due_jobs(tx, world.services.clock.now() + 3600, limit=100)


def test_units_handed_over_and_due_now_land_in_the_submit_without_a_job(world: World) -> None:
    loft = Loft()
    world.services.delivery.open_line(SWIFT, "swift", loft)
    ids = send(world, loft, "coo coo, coo!", kind=SWIFT, handed=True)
    assert loft.reports == [(i, "landed", 0) for i in ids]
    assert [(m.text, m.parts) for m in inbox(world)] == [("coo coo, coo!", 3)]
    assert due_jobs(world) == []


def test_units_not_handed_over_wait_for_their_jobs_even_when_due_now(world: World) -> None:
    loft = Loft()
    world.services.delivery.open_line(SWIFT, "swift", loft)
    ids = send(world, loft, "hello", kind=SWIFT)
    assert loft.reports == [] and len(due_jobs(world)) == 1
    asyncio.run(world.services.scheduler.run_due())
    assert loft.reports == [(ids[0], "landed", 0)] and len(inbox(world)) == 1


def test_units_that_expire_at_once_are_not_landed_in_the_submit(world: World) -> None:
    loft = Loft()
    world.services.delivery.open_line(SWIFT, "swift", loft)
    ids = send(world, loft, "hello", kind=SWIFT, handed=True, validity_ms=0)
    assert loft.reports == [] and len(due_jobs(world)) == 1
    asyncio.run(world.services.scheduler.run_due())
    assert loft.reports == [(ids[0], "lost", 99)] and inbox(world) == []


@dataclass
class JammedLoft(Loft):
    """Reports fail while `jammed`, after the pipeline wrote the inbox row: the landing's
    writes must be undone, and its units scheduled."""

    jammed: bool = True

    def finish(self, tx: Tx, unit: Pigeon, landing: Landing, now: float) -> None:
        if not self.jammed:
            super().finish(tx, unit, landing, now)

    def report(self, tx: Tx, unit: Pigeon, landing: Landing, now: float) -> None:
        if self.jammed:
            raise RuntimeError("jammed")
        super().report(tx, unit, landing, now)


def test_a_landing_that_raises_is_undone_and_its_units_are_scheduled(world: World) -> None:
    loft = JammedLoft()
    world.services.delivery.open_line(SWIFT, "swift", loft)
    ids = send(world, loft, "0123456789", kind=SWIFT, handed=True)  # two units
    assert inbox(world) == [] and loft.reports == []
    assert sorted(j.payload["message_id"] for j in due_jobs(world)) == sorted(ids)
    loft.jammed = False
    asyncio.run(world.services.scheduler.run_due())
    assert loft.reports == [(i, "landed", 0) for i in ids]
    assert [m.text for m in inbox(world)] == ["0123456789"]
