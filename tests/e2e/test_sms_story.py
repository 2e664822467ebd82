"""The issue's "done when", as a new user lives it: an app sends an SMS with the official SDK
to a virtual handset, the test reads it from the handset's inbox, the app gets the delivery
receipt on its webhook, the handset's reply arrives on the app's inbound webhook — and a
restart in the middle loses none of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vonage_numbers import NumberParams, SearchAvailableNumbersFilter
from vonage_sms import SmsMessage

from ringback.testing.receiver import Received, WebhookReceiver
from ringback.testing.server import RingbackProcess

HANDSET = "447400123456"  # any valid number is a virtual handset (default behaviour)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path / "story").start()
    yield process
    process.stop()


@pytest.fixture
def app_webhooks() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


def inbox(server: RingbackProcess, msisdn: str, wait: float = 0) -> list[dict[str, Any]]:
    response = server.control("GET", f"/handsets/{msisdn}/messages", params={"wait": wait})
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def is_receipt(r: Received) -> bool:
    return r.path == "/receipts"


def is_inbound(r: Received) -> bool:
    return r.path == "/inbound"


def set_up_app(server: RingbackProcess, hooks: WebhookReceiver) -> tuple[Any, str]:
    """What the app does once: an account, a rented number, its webhook URLs."""
    client = server.client(*server.new_account(balance="5"))
    offer = client.numbers.search_available_numbers(
        SearchAvailableNumbersFilter(country="GB", type="mobile-lvn", features="SMS")
    )
    number = offer[0][0].msisdn
    client.numbers.buy_number(NumberParams(country="GB", msisdn=number))
    client.account.update_default_sms_webhook(
        mo_callback_url=f"{hooks.url}/inbound", dr_callback_url=f"{hooks.url}/receipts"
    )
    return client, number


def test_send_read_receipt_reply(server: RingbackProcess, app_webhooks: WebhookReceiver) -> None:
    client, number = set_up_app(server, app_webhooks)

    sent = client.sms.send(SmsMessage(to=HANDSET, from_=number, text="Your code is 482913"))
    (part,) = sent.messages
    assert part.status == "0"

    (received,) = inbox(server, HANDSET, wait=10)
    assert (received["from"], received["text"]) == (number, "Your code is 482913")
    assert received["message_ids"] == [part.message_id]
    code = server.control("GET", f"/handsets/{HANDSET}/codes/latest").json()
    assert code["code"] == "482913"

    (receipt,) = app_webhooks.wait_for(1, where=is_receipt)
    assert receipt.fields["messageId"] == part.message_id
    assert receipt.fields["status"] == "delivered"
    assert receipt.fields["msisdn"] == HANDSET
    assert receipt.fields["to"] == number

    reply = server.control(
        "POST", f"/handsets/{HANDSET}/messages", json={"to": number, "text": "STOP thanks"}
    )
    assert reply.status_code in (200, 201), reply.text
    (inbound,) = app_webhooks.wait_for(1, where=is_inbound)
    assert inbound.fields["msisdn"] == HANDSET
    assert inbound.fields["to"] == number
    assert inbound.fields["text"] == "STOP thanks"
    assert inbound.fields["keyword"] == "STOP"


def test_a_restart_in_the_middle_loses_nothing(
    server: RingbackProcess, app_webhooks: WebhookReceiver
) -> None:
    client, number = set_up_app(server, app_webhooks)
    server.control("POST", "/clock", json={"freeze": True})
    # the app's receiver is down at first: the receipt must be retried, not lost
    app_webhooks.statuses = [503]

    (part,) = client.sms.send(SmsMessage(to=HANDSET, from_=number, text="before")).messages
    server.restart()  # a receipt not yet due, nothing delivered yet
    assert inbox(server, HANDSET) == []

    server.control("POST", "/clock", json={"advance_seconds": 2})
    assert [m["text"] for m in inbox(server, HANDSET, wait=10)] == ["before"]
    app_webhooks.wait_for(1, where=is_receipt)  # the 503
    server.restart()  # the receipt's retry is pending

    server.control("POST", f"/handsets/{HANDSET}/messages", json={"to": number, "text": "hi"})
    server.control("POST", "/clock", json={"advance_seconds": 60})
    receipts = app_webhooks.wait_for(2, where=is_receipt)
    assert [r.fields["messageId"] for r in receipts] == [part.message_id] * 2
    assert receipts[-1].fields["status"] == "delivered"
    (inbound,) = app_webhooks.wait_for(1, where=is_inbound)
    assert inbound.fields["text"] == "hi"
    history = server.control("GET", "/webhooks", params={"kind": "sms-dlr"}).json()
    deliveries = history.get("deliveries", history.get("webhooks", []))
    assert deliveries[0]["status"] == "delivered"
    assert [a["response_status"] for a in deliveries[0]["attempts"]][-2:] in (
        [503, 200],
        [200, 503],
    )
