"""Sending SMS with the official SDK: the answer, the handset's inbox and the delivery receipt
(a real webhook), for ordinary numbers, every magic outcome, unicode and long messages."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from vonage_sms import SmsError

MAGIC = "447700900900"  # delivers after 0.5 s
ORDINARY = "447400123456"  # a valid GB mobile (network 23422) with the default profile
RECEIPT_FIELDS = {
    "msisdn",
    "to",
    "network-code",
    "messageId",
    "price",
    "status",
    "scts",
    "err-code",
    "api-key",
    "message-timestamp",
}


def check_receipt(fields: dict[str, Any], now: float) -> None:
    assert set(fields) - {"client-ref"} == RECEIPT_FIELDS
    assert all(isinstance(v, str) for v in fields.values())
    assert fields["scts"] == time.strftime("%y%m%d%H%M", time.gmtime(now))
    assert fields["message-timestamp"] == time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now))
    assert re.fullmatch(r"\d\.\d{8}", fields["price"])


def test_send_to_a_magic_number(world: Any, receiver: Any) -> None:
    sender = world.sender()
    sent = sender.send(to=MAGIC, text="Hello & welcome=1", callback=receiver.url, client_ref="r1")
    assert sent.message_count == "1"
    (part,) = sent.messages
    assert (part.to, part.status, part.client_ref) == (MAGIC, "0", "r1")
    assert re.fullmatch(r"[0-9a-f-]{36}", part.message_id)
    assert part.message_price == "0.04590000"
    assert part.remaining_balance == "9.95410000"
    assert re.fullmatch(r"\d{5,6}", part.network)
    assert world.inbox(MAGIC, sender.api_key) == []  # not there yet: the clock is frozen
    world.advance(1)
    (receipt,) = receiver.wait_for(1)
    assert receipt.method == "POST"
    assert receipt.headers["content-type"] == "application/json"
    fields = receipt.fields
    check_receipt(fields, world.now())
    assert fields == {
        **fields,
        "msisdn": MAGIC,
        "to": "Acme",
        "network-code": part.network,
        "messageId": part.message_id,
        "price": "0.04590000",
        "status": "delivered",
        "err-code": "0",
        "api-key": sender.api_key,
        "client-ref": "r1",
    }
    (message,) = world.inbox(MAGIC, sender.api_key)
    assert (message["text"], message["from"], message["parts"]) == ("Hello & welcome=1", "Acme", 1)


def test_send_to_an_ordinary_number(world: Any, receiver: Any) -> None:
    sender = world.sender()
    (part,) = sender.send(to="+44 7400 123456", text="hi", callback=receiver.url).messages
    assert (part.to, part.network, part.client_ref) == (ORDINARY, "23422", None)
    world.advance(1)
    (receipt,) = receiver.wait_for(1)
    assert receipt.fields["network-code"] == "23422"
    assert "client-ref" not in receipt.fields
    assert [m["text"] for m in world.inbox(ORDINARY, sender.api_key)] == ["hi"]


@pytest.mark.parametrize(
    ("text", "kind", "parts", "encoding"),
    [
        ("a" * 160, None, 1, "text"),
        ("a" * 161, None, 2, "text"),
        ("€" * 80, None, 1, "text"),  # extension characters count double
        ("€" * 81, None, 2, "text"),
        ("Привет " * 10, "unicode", 1, "unicode"),  # 70 UCS-2 characters
        ("Привет " * 10 + "!", "unicode", 2, "unicode"),
        ("plain", "unicode", 1, "unicode"),  # type=unicode forces UCS-2
        ("x" * 459, None, 3, "text"),
        ("x" * 460, None, 4, "text"),
    ],
    ids=["160", "161", "80-euro", "81-euro", "70-ucs2", "71-ucs2", "forced", "459", "460"],
)
def test_parts_and_a_receipt_per_part(
    world: Any,
    receiver: Any,
    receipts_by_id: Any,
    text: str,
    kind: str | None,
    parts: int,
    encoding: str,
) -> None:
    sender = world.sender()
    sent = sender.send(to=MAGIC, text=text, type=kind, callback=receiver.url)
    assert sent.message_count == str(parts)
    ids = [m.message_id for m in sent.messages]
    assert len(set(ids)) == parts
    assert sender.balance() == pytest.approx(10 - 0.0459 * parts)
    assert [m.remaining_balance for m in sent.messages][-1] == f"{10 - 0.0459 * parts:.8f}"
    world.advance(1)
    receipts = receipts_by_id(receiver.wait_for(parts))
    assert set(receipts) == set(ids)
    assert {r["status"] for r in receipts.values()} == {"delivered"}
    (message,) = world.inbox(MAGIC, sender.api_key)
    assert (message["text"], message["parts"], message["encoding"]) == (text, parts, encoding)


@pytest.mark.parametrize("kind", [None, "text"])  # type=text is the default
def test_text_gsm7_cannot_carry_arrives_as_question_marks(
    world: Any, receiver: Any, receipts_by_id: Any, kind: str | None
) -> None:
    sender = world.sender()
    text = "Привет, мир! 😀 {€}" * 7  # 147 septets: 1 GSM-7 part (2 as UCS-2)
    sent = sender.send(to=MAGIC, text=text, type=kind, callback=receiver.url)
    assert sent.message_count == "1"
    assert sender.balance() == pytest.approx(10 - 0.0459)
    world.advance(1)
    (receipt,) = receipts_by_id(receiver.wait_for(1)).values()
    assert receipt["status"] == "delivered"
    (message,) = world.inbox(MAGIC, sender.api_key)
    # one `?` per character GSM-7 cannot carry (the emoji too); extension characters intact
    assert message["text"] == "??????, ???! ? {€}" * 7
    assert (message["parts"], message["encoding"]) == (1, "text")


def test_unicode_carries_the_same_text_intact(world: Any) -> None:
    sender = world.sender()
    text = "Привет, мир! 😀 {€}" * 7
    assert sender.send(to=MAGIC, text=text, type="unicode").message_count == "2"
    world.advance(1)
    (message,) = world.inbox(MAGIC, sender.api_key)
    assert (message["text"], message["parts"], message["encoding"]) == (text, 2, "unicode")


def test_the_longest_text_and_one_more_character(world: Any) -> None:
    sender = world.sender(balance="100")
    assert sender.send(to=MAGIC, text="x" * 3200).message_count == "21"
    with pytest.raises(SmsError, match="error code 12: Message too long"):
        sender.send(to=MAGIC, text="x" * 3201)


@pytest.mark.parametrize(
    ("msisdn", "delay", "status", "err_code"),
    [
        ("447700900901", 2, "expired", "2"),  # absent, temporary
        ("447700900902", 1, "failed", "3"),  # absent, permanent
        ("447700900904", 1, "failed", "9"),  # opted out
        ("447700900905", 1, "failed", "12"),  # unreachable
        ("447700900909", 1, "rejected", "6"),
    ],
)
def test_magic_outcomes(
    world: Any, receiver: Any, msisdn: str, delay: float, status: str, err_code: str
) -> None:
    sender = world.sender()
    (part,) = sender.send(to=msisdn, text="ping", callback=receiver.url).messages
    assert part.status == "0"  # accepted: the outcome comes with the receipt
    world.advance(delay)
    (receipt,) = receiver.wait_for(1)
    assert (receipt.fields["status"], receipt.fields["err-code"]) == (status, err_code)
    assert receipt.fields["messageId"] == part.message_id
    assert world.inbox(msisdn, sender.api_key) == []  # never reached the handset


@pytest.mark.parametrize(
    ("msisdn", "expected"),
    [
        ("447700900903", "error code 7: Number barred."),
        ("441000123456", "error code 6: Unroutable message - rejected"),  # no UK range 0100
        ("999123456", "error code 6: Unroutable message - rejected"),  # no such country
    ],
)
def test_refused_at_submission_costs_nothing(world: Any, msisdn: str, expected: str) -> None:
    sender = world.sender()
    with pytest.raises(SmsError, match=re.escape(expected)):
        sender.send(to=msisdn, text="ping")
    assert sender.balance() == 10.0
    world.advance(2)
    if msisdn != "999123456":  # the control API refuses what is not a number at all
        assert world.inbox(msisdn, sender.api_key) == []


def test_slow_number_waits_for_the_clock(world: Any, receiver: Any) -> None:
    sender = world.sender()
    (slow,) = sender.send(to="447700900908", text="slow", callback=receiver.url).messages
    (fast,) = sender.send(to=MAGIC, text="fast", callback=receiver.url).messages
    world.advance(59)
    assert [r.fields["messageId"] for r in receiver.wait_for(1)] == [fast.message_id]
    assert world.inbox("447700900908", sender.api_key) == []
    world.advance(1)
    receipts = receiver.wait_for(2)
    assert receipts[1].fields["messageId"] == slow.message_id
    assert receipts[1].fields["status"] == "delivered"
    assert [m["text"] for m in world.inbox("447700900908", sender.api_key)] == ["slow"]


def test_a_handset_slower_than_the_ttl_never_gets_it(world: Any, receiver: Any) -> None:
    sender = world.sender()
    (part,) = sender.send(to="447700900908", text="x", ttl=20000, callback=receiver.url).messages
    world.advance(20)
    (receipt,) = receiver.wait_for(1)
    assert (receipt.fields["messageId"], receipt.fields["status"]) == (part.message_id, "expired")
    assert receipt.fields["err-code"] == "1"
    world.advance(60)
    assert world.inbox("447700900908", sender.api_key) == []


def test_a_ported_number_is_priced_and_reported_on_its_new_network(
    world: Any, receiver: Any
) -> None:
    sender = world.sender()
    (part,) = sender.send(to="447700900907", text="x", callback=receiver.url).messages
    assert (part.network, part.message_price) == ("23415", "0.04400000")  # the network's price
    world.advance(1)
    (receipt,) = receiver.wait_for(1)
    assert (receipt.fields["network-code"], receipt.fields["price"]) == ("23415", "0.04400000")
