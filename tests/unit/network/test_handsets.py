"""Handsets: what each number received and sent, filters, wake-ups and one-time codes."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from ringback.core.changes import Changes
from ringback.network import handsets
from ringback.state import handsets as handset_state

if TYPE_CHECKING:
    from conftest import World

ME = "447700900100"


def record(world: World, text: str, **fields: Any) -> int:
    values: dict[str, Any] = {
        "msisdn": ME,
        "direction": "received",
        "channel": "sms",
        "peer": "447700900200",
        "text": text,
        "now": world.services.clock.now(),
        **fields,
    }
    with world.services.store.begin() as tx:
        return handsets.record(tx, world.services.changes, **values)


def read(world: World, **filters: Any) -> list[str]:
    with world.services.store.begin() as tx:
        return [m.text for m in handset_state.messages(tx, ME, **filters)]


def test_messages_are_read_back_with_every_filter(world: World) -> None:
    now = world.services.clock.now()
    first = record(world, "one", now=now - 10)
    record(world, "two", peer="AcmeInc")
    record(world, "three", channel="whatsapp")
    record(world, "out", direction="sent", peer="447700900300")
    record(world, "not mine", msisdn="447700900999")
    assert read(world) == ["one", "two", "three"]
    assert read(world, direction="sent") == ["out"]
    assert read(world, direction=None) == ["one", "two", "three", "out"]
    assert read(world, channel="whatsapp") == ["three"]
    assert read(world, peer="AcmeInc") == ["two"]
    assert read(world, since=now) == ["two", "three"]
    assert read(world, after_id=first) == ["two", "three"]
    assert read(world, limit=1) == ["one"]


def test_a_message_keeps_everything_it_was_recorded_with(world: World) -> None:
    text = "Ünïcödé 🎉 & <b>\n\t'quotes' \"and\" \\ back"
    message_id = record(
        world, text, encoding="unicode", parts=2, api_key="abcd1234", reference="a,b"
    )
    with world.services.store.begin() as tx:
        message = handset_state.message(tx, message_id)
        assert handset_state.message(tx, message_id + 1000) is None
    assert message is not None
    assert (message.text, message.encoding, message.parts) == (text, "unicode", 2)
    assert (message.api_key, message.reference, message.peer) == ("abcd1234", "a,b", "447700900200")


def test_recording_wakes_whoever_waits_on_that_handset() -> None:
    async def scenario() -> tuple[bool, bool]:
        changes = Changes()
        mine = asyncio.create_task(changes.wait(handsets.topic(ME), 5))
        other = asyncio.create_task(changes.wait(handsets.topic("447700900999"), 0.2))
        await asyncio.sleep(0)
        changes.notify(handsets.topic(ME))
        return await mine, await other

    assert asyncio.run(scenario()) == (True, False)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Your code is 123456", "123456"),
        ("123456 is your verification code", "123456"),
        ("G-482913 is your Google verification code.", "482913"),
        ("Your Acme code is: 4821. Valid for 5 minutes.", "4821"),
        ("Use 4821 to verify your account. Ref 98765", "4821"),
        ("Order 20240101 shipped. Your PIN: 7788", "7788"),
        ("Your code is 123-456", "123456"),
        ("Your code is 123 456", "123456"),
        ("Code 0042 expires 12:30", "0042"),
        ("Your code is 1234567890", "1234567890"),
        ("Call +447700900901 for help, code 5566", "5566"),
        ("Ünïcödé 🎉 dein Code lautet 9911", "9911"),
        ("Meet at 7pm, 3 people", None),
        ("Your number is 447700900901", None),  # 12 digits: a phone number, not a code
        ("", None),
    ],
)
def test_one_time_codes_are_found_in_tricky_texts(text: str, code: str | None) -> None:
    assert handsets.find_code(text) == code


def test_latest_code_is_the_newest_received_any_channel(world: World) -> None:
    with world.services.store.begin() as tx:
        assert handsets.latest_code(tx, ME) is None
    first = record(world, "Your code is 1111")
    record(world, "Your WhatsApp code is 2222", channel="whatsapp")
    record(world, "no code here")
    record(world, "I sent 3333", direction="sent")
    with world.services.store.begin() as tx:
        found = handsets.latest_code(tx, ME)
        assert found is not None and found[0] == "2222" and found[1].channel == "whatsapp"
        newer = handsets.latest_code(tx, ME, after_id=first + 1)
        assert newer is None
        since = handsets.latest_code(tx, ME, since=world.services.clock.now() + 1)
        assert since is None
