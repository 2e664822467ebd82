"""A message due the moment it is sent (a handset with no delay) lands in the send's own
transaction: the inbox holds it and its receipts are owed when the answer comes. The app's own
scheduler is stopped here, so nothing lands unless the send itself landed it or the clock is
moved (a clock move runs the due jobs, as always)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ringback.apis.sms.receipts import SmsReceipts
from ringback.apis.sms.service import DELIVER_JOB
from ringback.network.delivery.channels import Landing
from ringback.state.sms_parts import Part
from ringback.state.store import Tx
from ringback.testing.asgi import InProcessRingback
from ringback.testing.receiver import Received, WebhookReceiver

TWO_PARTS = "Hello from Ringback " * 10  # 200 GSM-7 characters: two parts
_HANDSETS = iter(range(447400500000, 447400500999))


class Receipts:
    def __init__(self, app: InProcessRingback, receiver: WebhookReceiver) -> None:
        self.app = app
        self.receiver = receiver

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.app.control(method, path, **kwargs)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def handset(self, delay: float) -> str:
        msisdn = str(next(_HANDSETS))
        self.control("PUT", f"/handsets/{msisdn}/behaviour", json={"delay_seconds": delay})
        return msisdn

    def send(self, to: str, text: str = "hi", balance: str = "10") -> tuple[str, list[Any]]:
        """The DR path this message's receipts go to, and the answer's messages."""
        api_key, api_secret = self.app.new_account(balance=balance)
        path = f"/dlr/{api_key}"
        form = {
            "api_key": api_key,
            "api_secret": api_secret,
            "from": "Acme",
            "to": to,
            "text": text,
            "callback": self.receiver.url + path,
        }
        response = self.app.http.post("/sms/json", data=form)
        assert response.status_code == 200, response.text
        return path, response.json()["messages"]

    def inbox(self, msisdn: str) -> list[dict[str, Any]]:
        return list(self.control("GET", f"/handsets/{msisdn}/messages")["messages"])

    def jobs(self) -> list[dict[str, Any]]:
        return [j for j in self.control("GET", "/jobs")["jobs"] if j["kind"] == DELIVER_JOB]

    def receipts(self, path: str, count: int) -> list[dict[str, Any]]:
        def mine(received: Received) -> bool:
            return received.path == path

        found = self.receiver.wait_for(count, 10.0, where=mine)
        time.sleep(0.3)  # long enough for a second receipt of any of them to come
        again = [r for r in self.receiver.received if mine(r)]
        assert len(again) == count, [r.fields for r in again]
        return [r.fields for r in found]

    def advance(self, seconds: float) -> None:
        self.control("POST", "/clock", json={"advance_seconds": seconds})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receipts]:
    receiver = WebhookReceiver().start()
    app = InProcessRingback(Path(tmp_path_factory.mktemp("inline")), rate_limits=False)
    app.start()

    async def stop_scheduler() -> None:
        app.services.scheduler.stop()  # jobs run only when a test moves the clock

    try:
        app.run(stop_scheduler())
        app.control("POST", "/clock", json={"freeze": True}).raise_for_status()
        yield Receipts(app, receiver)
    finally:
        app.stop()
        receiver.stop()


def test_a_message_due_now_is_whole_in_the_inbox_when_the_answer_comes(world: Receipts) -> None:
    to = world.handset(delay=0)
    path, messages = world.send(to, TWO_PARTS)
    assert [m["status"] for m in messages] == ["0", "0"]
    [received] = world.inbox(to)  # no clock move, no scheduler: the send landed it
    assert received["text"] == TWO_PARTS and received["parts"] == 2
    assert received["message_ids"] == [m["message-id"] for m in messages]
    assert world.jobs() == []
    receipts = world.receipts(path, 2)  # one per part, and only one
    assert sorted(r["messageId"] for r in receipts) == sorted(m["message-id"] for m in messages)
    assert {(r["status"], r["err-code"]) for r in receipts} == {("delivered", "0")}


def test_a_failing_handset_due_now_fails_at_once_and_never_reaches_the_inbox(
    world: Receipts,
) -> None:
    to = world.handset(delay=0)
    world.control("PUT", f"/handsets/{to}/behaviour", json={"delay_seconds": 0, "sms": "failed"})
    path, [message] = world.send(to)
    assert world.inbox(to) == []
    [receipt] = world.receipts(path, 1)
    assert (receipt["messageId"], receipt["status"]) == (message["message-id"], "failed")


def test_a_handset_with_a_delay_still_gets_a_job_and_waits_for_the_clock(world: Receipts) -> None:
    to = world.handset(delay=2)
    path, [message] = world.send(to)
    [job] = world.jobs()
    assert job["payload"]["message_id"] == message["message-id"]
    world.advance(1)
    assert world.inbox(to) == [] and len(world.jobs()) == 1
    world.advance(1)
    assert [m["text"] for m in world.inbox(to)] == ["hi"]
    [receipt] = world.receipts(path, 1)
    assert receipt["status"] == "delivered"


def test_a_message_missing_an_unpaid_part_is_never_put_together(world: Receipts) -> None:
    to = world.handset(delay=0)
    path, messages = world.send(to, TWO_PARTS, balance="0.05")  # one GB part is 0.0459
    assert [m["status"] for m in messages] == ["0", "9"]
    assert world.inbox(to) == []
    [receipt] = world.receipts(path, 1)
    assert (receipt["messageId"], receipt["status"]) == (messages[0]["message-id"], "delivered")


class RefusingReceipts(SmsReceipts):
    """The SMS API's writer, failing its reports while `refusing`: after the status update,
    the inbox row and the receipt are written, so the landing's undoing is seen."""

    refusing = True

    def report_many(self, tx: Tx, landed: Any, now: float) -> None:
        super().report_many(tx, landed, now)
        if self.refusing:
            raise RuntimeError("refused for the test")

    def report(self, tx: Tx, unit: Part, landing: Landing, now: float) -> None:
        super().report(tx, unit, landing, now)
        if self.refusing:
            raise RuntimeError("refused for the test")


@pytest.fixture
def refusing(world: Receipts) -> Iterator[RefusingReceipts]:
    delivery = world.app.services.delivery
    usual = delivery.lines[DELIVER_JOB].writer
    writer = RefusingReceipts(world.app.services.webhooks)
    delivery.open_line(DELIVER_JOB, "sms", writer)
    yield writer
    delivery.open_line(DELIVER_JOB, "sms", usual)


def test_a_landing_that_fails_is_undone_and_its_jobs_land_later(
    world: Receipts, refusing: RefusingReceipts
) -> None:
    to = world.handset(delay=0)
    path, messages = world.send(to, TWO_PARTS)
    assert [m["status"] for m in messages] == ["0", "0"]  # the send itself stands
    assert world.inbox(to) == []  # the landing's inbox row was undone with it
    jobs = world.jobs()
    assert sorted(j["payload"]["message_id"] for j in jobs) == sorted(
        m["message-id"] for m in messages
    )
    owed = world.control("GET", "/webhooks")["deliveries"]
    assert [d for d in owed if d["url"] == world.receiver.url + path] == []  # undone too
    refusing.refusing = False
    world.advance(0.5)  # the jobs were due at once: the clock move runs them
    [received] = world.inbox(to)
    assert received["text"] == TWO_PARTS
    receipts = world.receipts(path, 2)
    assert {r["status"] for r in receipts} == {"delivered"}
    assert world.jobs() == []


def test_a_restored_snapshot_and_a_reset_forget_what_landed_after(world: Receipts) -> None:
    to = world.handset(delay=0)
    world.control("POST", "/snapshots", json={"name": "before-inline"})
    path, _ = world.send(to)
    assert len(world.inbox(to)) == 1
    world.receipts(path, 1)
    world.control("POST", "/snapshots/before-inline/restore")
    assert world.inbox(to) == [] and world.jobs() == []
    assert world.control("GET", "/clock")["frozen"] is True
    world.send(to)
    [message] = world.inbox(to)
    world.control("POST", "/reset", json={"api_key": message["api_key"]})
    assert world.inbox(to) == []  # the account's traffic on handsets goes with it
