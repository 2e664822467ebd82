"""Numbers reserved for drama are handsets: the official SDK texts them, they are delivered and
receipted, and Number Insight calls them valid mobiles on Ringback's fictional carrier."""

from __future__ import annotations

from typing import Any

import pytest
from vonage_number_insight import AdvancedSyncInsightRequest, StandardInsightRequest
from vonage_numbers import NumberParams, SearchAvailableNumbersFilter

FICTIONAL = {"network_code": "99999", "name": "Ringback Fictional", "network_type": "mobile"}


def buy(sender: Any, country: str) -> str:
    """A number of the sender's own in `country` (US and Canadian traffic wants one)."""
    offered, _, _ = sender.client.numbers.search_available_numbers(
        SearchAvailableNumbersFilter(country=country, type="mobile-lvn", features="SMS", size=1)
    )
    msisdn: str = offered[0].msisdn
    sender.client.numbers.buy_number(NumberParams(country=country, msisdn=msisdn))
    return msisdn


def deliver(world: Any, receiver: Any, sender: Any, to: str, sent_from: str, text: str) -> Any:
    (part,) = sender.send(to=to, from_=sent_from, text=text, callback=receiver.url).messages
    assert (part.to, part.status, part.network) == (to, "0", "99999")
    world.advance(1)
    (receipt,) = receiver.wait_for(1)
    assert receipt.fields["messageId"] == part.message_id
    assert (receipt.fields["status"], receipt.fields["err-code"]) == ("delivered", "0")
    assert receipt.fields["network-code"] == "99999"
    (message,) = world.inbox(to, sender.api_key)
    assert (message["text"], message["from"]) == (text, sent_from)
    return part


def test_an_sms_to_the_uk_drama_range_is_delivered(world: Any, receiver: Any) -> None:
    sender = world.sender()
    part = deliver(world, receiver, sender, "447700900123", "Acme", "Hello, Doctor")
    assert part.message_price == "0.04590000"  # the UK price: no price names the network


def test_an_sms_to_a_nanp_555_number_is_delivered(world: Any, receiver: Any) -> None:
    sender = world.sender()
    own = buy(sender, "US")
    part = deliver(world, receiver, sender, "12015550123", own, "Hi from New Jersey")
    assert part.message_price == "0.00809000"


def test_an_sms_to_an_acma_number_is_delivered(world: Any, receiver: Any) -> None:
    deliver(world, receiver, world.sender(), "61491570156", "Acme", "G'day")


@pytest.mark.parametrize("old_magic", ["447700900001", "447700900003"])
def test_the_old_magic_numbers_are_ordinary_handsets(
    world: Any, receiver: Any, old_magic: str
) -> None:
    deliver(world, receiver, world.sender(), old_magic, "Acme", "no longer absent or barred")


@pytest.mark.parametrize(("msisdn", "country"), [("447700900123", "GB"), ("12015550123", "US")])
def test_number_insight_calls_them_valid_mobiles_on_the_fictional_carrier(
    world: Any, msisdn: str, country: str
) -> None:
    ni = world.sender().client.number_insight
    standard = ni.get_standard_info(StandardInsightRequest(number=msisdn))
    assert standard.status == 0
    assert standard.current_carrier.model_dump() == {**FICTIONAL, "country": country}
    assert standard.original_carrier == standard.current_carrier
    assert standard.ported == "not_ported"
    advanced = ni.get_advanced_info_sync(AdvancedSyncInsightRequest(number=msisdn))
    assert (advanced.status, advanced.valid_number, advanced.reachable) == (
        0,
        "valid",
        "reachable",
    )
    assert advanced.lookup_outcome == 0
    assert advanced.current_carrier.network_code == "99999"


def test_they_are_not_for_rent(world: Any) -> None:
    client = world.sender().client
    offered, _, _ = client.numbers.search_available_numbers(
        SearchAvailableNumbersFilter(country="US", pattern="55501", search_pattern=1, size=100)
    )
    assert offered and not any(n.msisdn[4:9] == "55501" for n in offered)
