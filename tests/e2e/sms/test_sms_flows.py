"""SMS flows around the send: where receipts go and how, credit, throttling, binary messages,
conversions, a restart in the middle of a delivery, and one account texting another."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from vonage_http_client import HttpRequestError
from vonage_numbers import NumberParams, SearchAvailableNumbersFilter, UpdateNumberParams
from vonage_sms import PartialFailureError, SmsError

MAGIC = "447700900900"


def test_callback_per_message_wins_over_the_account_dr_url(world: Any, receiver: Any) -> None:
    sender = world.sender()
    sender.client.account.update_default_sms_webhook(dr_callback_url=receiver.url + "/account")
    (by_account,) = sender.send(to=MAGIC, text="a").messages
    (by_message,) = sender.send(to=MAGIC, text="b", callback=receiver.url + "/message").messages
    world.advance(1)
    paths = {r.fields["messageId"]: r.path for r in receiver.wait_for(2)}
    assert paths == {
        by_account.message_id: receiver.path + "/account",
        by_message.message_id: receiver.path + "/message",
    }


def test_no_receipt_url_or_status_report_req_false_means_no_receipt(
    world: Any, receiver: Any
) -> None:
    sender = world.sender()
    sender.send(to=MAGIC, text="nowhere to send it")
    sender.send(to=MAGIC, text="not asked for", status_report_req=False, callback=receiver.url)
    (wanted,) = sender.send(to=MAGIC, text="asked for", callback=receiver.url).messages
    world.advance(1)
    # receipts to one destination go out in order: an earlier one would arrive first
    assert [r.fields["messageId"] for r in receiver.wait_for(1)] == [wanted.message_id]
    assert len(world.inbox(MAGIC, sender.api_key)) == 3  # all three were delivered


@pytest.mark.parametrize(("setting", "method"), [("POST", "POST"), ("GET", "GET")])
def test_receipts_are_sent_the_accounts_way(
    world: Any, receiver: Any, setting: str, method: str
) -> None:
    sender = world.sender(sms_webhook_method=setting)
    (part,) = sender.send(to=MAGIC, text="x", client_ref="c-1", callback=receiver.url).messages
    world.advance(1)
    (receipt,) = receiver.wait_for(1)
    assert receipt.method == method
    if method == "POST":
        assert receipt.headers["content-type"] == "application/x-www-form-urlencoded"
    assert receipt.fields["messageId"] == part.message_id
    assert receipt.fields["client-ref"] == "c-1"
    assert receipt.fields["err-code"] == "0"


def test_out_of_credit_on_one_part_sends_nothing(world: Any, receiver: Any) -> None:
    sender = world.sender(balance="0.04")
    with pytest.raises(SmsError, match="error code 9: Quota Exceeded - rejected"):
        sender.send(to=MAGIC, text="x", callback=receiver.url)
    assert sender.balance() == 0.04
    world.advance(1)
    assert world.inbox(MAGIC, sender.api_key) == []


def test_out_of_credit_midway_sends_the_parts_paid_for(
    world: Any, receiver: Any, receipts_by_id: Any
) -> None:
    sender = world.sender(balance="0.1")  # two parts of 0.0459, not three
    with pytest.raises(PartialFailureError) as partial:
        sender.send(to=MAGIC, text="x" * 307, callback=receiver.url)  # 3 parts
    answer = partial.value.response
    assert answer["message-count"] == "3"
    sent, paid_too, unpaid = answer["messages"]
    assert (sent["status"], paid_too["status"]) == ("0", "0")
    assert (sent["remaining-balance"], paid_too["remaining-balance"]) == (
        "0.05410000",
        "0.00820000",
    )
    assert unpaid == {
        "to": MAGIC,
        "status": "9",
        "error-text": "Quota Exceeded - rejected",
        "remaining-balance": "0.00820000",
        "message-price": "0.04590000",
        "network": sent["network"],
    }
    assert sender.balance() == pytest.approx(0.0082)
    world.advance(1)
    # each part sent is delivered and reported; the handset cannot put the message together
    receipts = receipts_by_id(receiver.wait_for(2))
    assert set(receipts) == {sent["message-id"], paid_too["message-id"]}
    assert {r["status"] for r in receipts.values()} == {"delivered"}
    world.advance(5)
    assert world.inbox(MAGIC, sender.api_key) == []


def test_binary_message(world: Any, receiver: Any) -> None:
    sender = world.sender()
    sent = sender.send(
        to=MAGIC, text="", type="binary", body="0011223344556677", udh="06050415811581"
    )
    assert sent.message_count == "1"
    world.advance(1)
    (message,) = world.inbox(MAGIC, sender.api_key)
    assert (message["text"], message["encoding"]) == ("0011223344556677", "binary")


def test_conversion_of_own_messages_only(world: Any) -> None:
    sender, other = world.sender(), world.sender()
    (part,) = sender.send(to=MAGIC, text="Your code is 1234").messages
    assert sender.client.sms.submit_sms_conversion(part.message_id) is None
    when = dt.datetime.fromtimestamp(world.now(), dt.UTC)
    assert sender.client.sms.submit_sms_conversion(part.message_id, False, when) is None
    for client, message_id in ((other.client, part.message_id), (sender.client, "nope")):
        with pytest.raises(HttpRequestError) as refused:
            client.sms.submit_sms_conversion(message_id)
        assert refused.value.response.status_code == 420
        assert refused.value.response.json()["type"] == "https://developer.nexmo.com/api-errors#3"


def test_throttled_at_the_sms_limit(world: Any) -> None:
    sender = world.sender()
    limits = {"enabled": True, "limits": {"sms": "2/second"}}
    world.server.control("PUT", "/rate-limits", json=limits).raise_for_status()
    try:
        sender.send(to=MAGIC, text="1")
        sender.send(to=MAGIC, text="2")
        with pytest.raises(SmsError) as throttled:
            sender.send(to=MAGIC, text="3")
    finally:
        limits = {"enabled": False, "limits": {"sms": "30/second"}}
        world.server.control("PUT", "/rate-limits", json=limits).raise_for_status()
    assert str(throttled.value).startswith(
        "Sms.send_message method failed with error code 1: Throughput Rate Exceeded - please wait ["
    )
    assert sender.balance() == pytest.approx(10 - 2 * 0.0459)


def test_account_to_account(world: Any, receiver: Any) -> None:
    owner = world.sender()
    numbers, _, _ = owner.client.numbers.search_available_numbers(
        SearchAvailableNumbersFilter(country="GB", type="mobile-lvn", features="SMS", size=1)
    )
    msisdn = numbers[0].msisdn
    owner.client.numbers.buy_number(NumberParams(country="GB", msisdn=msisdn))
    owner.client.numbers.update_number(
        UpdateNumberParams(country="GB", msisdn=msisdn, mo_http_url=receiver.url + "/inbound")
    )
    texter = world.sender()
    sent = texter.send(from_="447700900777", to=msisdn, text="Hi B " + "y" * 160)
    world.advance(1)
    inbound = receiver.wait_for(2)
    ids = {r.fields["messageId"] for r in inbound}
    assert len(ids) == 2
    for webhook in inbound:
        assert webhook.path == receiver.path + "/inbound"
        fields = webhook.fields
        assert (fields["msisdn"], fields["to"], fields["api-key"]) == (
            "447700900777",
            msisdn,
            owner.api_key,
        )
        assert fields["concat-total"] == "2"
    assert "".join(r.fields["text"] for r in sorted(inbound, key=lambda r: r.fields["concat-part"]))
    assert sent.message_count == "2"


def test_account_to_account_text_is_gsm7_too(world: Any, receiver: Any) -> None:
    owner = world.sender()
    numbers, _, _ = owner.client.numbers.search_available_numbers(
        SearchAvailableNumbersFilter(country="GB", type="mobile-lvn", features="SMS", size=1)
    )
    msisdn = numbers[0].msisdn
    owner.client.numbers.buy_number(NumberParams(country="GB", msisdn=msisdn))
    owner.client.numbers.update_number(
        UpdateNumberParams(country="GB", msisdn=msisdn, mo_http_url=receiver.url)
    )
    texter = world.sender()
    texter.send(from_="447700900777", to=msisdn, text="Да 👍")
    texter.send(from_="447700900777", to=msisdn, text="Да 👍", type="unicode")
    world.advance(1)
    inbound = receiver.wait_for(2)
    assert [(r.fields["text"], r.fields["type"]) for r in inbound] == [
        ("?? ?", "text"),
        ("Да 👍", "unicode"),
    ]
    number_inbox = world.inbox(msisdn)
    assert sorted(m["text"] for m in number_inbox) == ["?? ?", "Да 👍"]


def test_delivery_survives_a_crash_and_restart(world: Any, receiver: Any) -> None:
    sender = world.sender()
    (part,) = sender.send(to="447700900908", text="later", callback=receiver.url).messages
    world.crash_and_restart()  # the part is on disk: it was committed before the answer
    world.advance(60)
    (receipt,) = receiver.wait_for(1)
    assert (receipt.fields["messageId"], receipt.fields["status"]) == (part.message_id, "delivered")
    assert [m["text"] for m in world.inbox("447700900908", sender.api_key)] == ["later"]


def us_numbers(sender: Any, country: str = "US", size: int = 3) -> list[str]:
    numbers, _, _ = sender.client.numbers.search_available_numbers(
        SearchAvailableNumbersFilter(country=country, type="mobile-lvn", features="SMS", size=size)
    )
    return [n.msisdn for n in numbers]


def test_to_north_america_the_sender_must_be_a_number_the_account_rents(
    world: Any, receiver: Any
) -> None:
    sender, other = world.sender(), world.sender()
    own, theirs, handset = us_numbers(sender)
    sender.client.numbers.buy_number(NumberParams(country="US", msisdn=own))
    other.client.numbers.buy_number(NumberParams(country="US", msisdn=theirs))
    balance = sender.balance()
    illegal = "error code 15: Illegal Sender Address - rejected"
    for from_ in ("Acme", theirs, "447700900777", handset):
        with pytest.raises(SmsError, match=illegal):
            sender.send(from_=from_, to=handset, text="hello")
    assert sender.balance() == balance
    (part,) = sender.send(from_="+" + own, to=handset, text="hello", callback=receiver.url).messages
    assert part.status == "0"
    world.advance(1)
    assert receiver.wait_for(1)[0].fields["status"] == "delivered"
    (message,) = world.inbox(handset, sender.api_key)
    assert (message["from"], message["text"]) == (own, "hello")


def test_canada_too_and_elsewhere_any_sender(world: Any) -> None:
    sender = world.sender()
    (canadian,) = us_numbers(sender, country="CA", size=1)
    with pytest.raises(SmsError, match="error code 15: Illegal Sender Address - rejected"):
        sender.send(from_="Acme", to=canadian, text="hello")
    assert sender.send(from_="Acme", to=MAGIC, text="hello").messages[0].status == "0"
