"""Inbound SMS to rented numbers: parts, fields, where the webhooks go, how, signed, priced."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from ringback.core.errors import InvalidParameters
from ringback.network.inbound import deliver_inbound, route_inbound_sms
from ringback.state import handsets as handset_state

if TYPE_CHECKING:
    from conftest import World

HANDSET = "447700900100"
NUMBER = "447700900500"
SINGLE = {"api-key", "msisdn", "to", "messageId", "text", "type", "keyword", "message-timestamp"}
CONCAT = {"concat", "concat-ref", "concat-total", "concat-part"}


def text_to(world: World, text: str, to: str = NUMBER, **fields: Any) -> list[str] | None:
    with world.services.store.begin() as tx:
        return route_inbound_sms(tx, world.services, sender=HANDSET, to=to, text=text, **fields)


def owned(world: World, **settings: Any) -> str:
    api_key = world.account(mo_callback_url="https://app.example/inbound", **settings)
    world.rent(api_key, NUMBER)
    return api_key


def test_a_number_nobody_rents_is_not_inbound(world: World) -> None:
    owned(world)
    assert text_to(world, "hello", to="447700900501") is None
    assert world.deliveries() == []


def test_a_short_text_is_one_webhook_with_exactly_the_inbound_fields(world: World) -> None:
    api_key = owned(world)
    ids = text_to(world, "  hello there  ")
    assert ids is not None and len(ids) == 1
    [delivery] = world.deliveries()
    payload = delivery.payload
    assert set(payload) == SINGLE
    assert all(isinstance(v, str) for v in payload.values())
    now = world.services.clock.now()
    assert payload == {
        "api-key": api_key,
        "msisdn": HANDSET,
        "to": NUMBER,
        "messageId": ids[0],
        "text": "  hello there  ",
        "type": "text",
        "keyword": "HELLO",
        "message-timestamp": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)),
    }
    assert (delivery.kind, delivery.url, delivery.reference) == (
        "sms-inbound",
        "https://app.example/inbound",
        ids[0],
    )
    assert delivery.give_up_at - delivery.next_attempt_at == 24 * 3600
    assert (delivery.method, delivery.content_type, delivery.signing) == ("POST", "json", None)


@pytest.mark.parametrize(
    ("text", "kind", "sizes"),
    [
        pytest.param("a" * 160, "text", [160], id="gsm-160"),
        pytest.param("a" * 161, "text", [153, 8], id="gsm-161"),
        pytest.param("a" * 306, "text", [153, 153], id="gsm-306"),
        pytest.param("a" * 307, "text", [153, 153, 1], id="gsm-307"),
        # an extension character counts twice, and a part never ends between its two septets
        pytest.param("€" * 80, "text", [80], id="gsm-extension-160"),
        pytest.param("€" * 81, "text", [76, 5], id="gsm-extension-162"),
        pytest.param("ж" * 70, "unicode", [70], id="ucs2-70"),
        pytest.param("ж" * 71, "unicode", [67, 4], id="ucs2-71"),
        # an emoji is two UTF-16 units, and a part never ends inside the pair
        pytest.param("🎉" * 35, "unicode", [35], id="ucs2-surrogates-70"),
        pytest.param("🎉" * 36, "unicode", [33, 3], id="ucs2-surrogates-72"),
    ],
)
def test_parts_at_the_boundaries(world: World, text: str, kind: str, sizes: list[int]) -> None:
    owned(world)
    ids = text_to(world, text)
    deliveries = world.deliveries()
    assert ids == [d.payload["messageId"] for d in deliveries]
    assert [len(d.payload["text"]) for d in deliveries] == sizes
    assert "".join(d.payload["text"] for d in deliveries) == text
    assert {d.payload["type"] for d in deliveries} == {kind}
    if len(sizes) == 1:
        assert set(deliveries[0].payload) == SINGLE
        return
    refs = {d.payload["concat-ref"] for d in deliveries}
    assert len(refs) == 1 and 1 <= int(refs.pop()) <= 255
    for number, delivery in enumerate(deliveries, start=1):
        assert set(delivery.payload) == SINGLE | CONCAT
        assert delivery.payload["concat"] == "true"
        assert delivery.payload["concat-total"] == str(len(sizes))
        assert delivery.payload["concat-part"] == str(number)
    assert len(set(ids or [])) == len(sizes)


def test_unicode_requested_forces_ucs2(world: World) -> None:
    owned(world)
    text_to(world, "b" * 71, type_="unicode")
    assert [d.payload["type"] for d in world.deliveries()] == ["unicode", "unicode"]


def test_binary_carries_data_and_udh_instead_of_text(world: World) -> None:
    owned(world)
    ids = text_to(world, "", type_="binary", data="0011223344", udh="06050415811581")
    [delivery] = world.deliveries()
    assert ids == [delivery.payload["messageId"]]
    assert set(delivery.payload) == SINGLE - {"text", "keyword"} | {"data", "udh"}
    assert delivery.payload["data"] == "0011223344"
    assert delivery.payload["type"] == "binary"
    with pytest.raises(InvalidParameters):
        text_to(world, "", type_="binary", data="zz")
    with pytest.raises(InvalidParameters):
        text_to(world, "x", type_="fax")


def test_the_numbers_url_wins_over_the_accounts(world: World) -> None:
    api_key = world.account(mo_callback_url="https://app.example/account")
    world.rent(api_key, NUMBER, mo_http_url="https://app.example/number")
    world.rent(api_key, "447700900501")
    text_to(world, "to the number")
    text_to(world, "to the other", to="447700900501")
    assert [d.url for d in world.deliveries()] == [
        "https://app.example/number",
        "https://app.example/account",
    ]


def test_without_any_url_nothing_is_sent_but_the_number_shows_it(world: World) -> None:
    api_key = world.account()
    world.rent(api_key, NUMBER)
    ids = text_to(world, "anyone there?")
    assert ids is not None and len(ids) == 1
    assert world.deliveries() == []
    with world.services.store.begin() as tx:
        [seen] = handset_state.messages(tx, NUMBER)
    assert (seen.text, seen.peer, seen.api_key, seen.reference) == (
        "anyone there?",
        HANDSET,
        api_key,
        ids[0],
    )


@pytest.mark.parametrize(
    ("setting", "method", "content_type"),
    [("POST-JSON", "POST", "json"), ("POST", "POST", "form"), ("GET", "GET", "form")],
)
def test_the_accounts_webhook_method(
    world: World, setting: str, method: str, content_type: str
) -> None:
    owned(world, sms_webhook_method=setting)
    text_to(world, "hi")
    [delivery] = world.deliveries()
    assert (delivery.method, delivery.content_type) == (method, content_type)


def test_signed_when_the_account_signs_webhooks(world: World) -> None:
    owned(world, signs_webhooks=True)
    with world.services.store.begin() as tx:
        result = deliver_inbound(tx, world.services, sender=HANDSET, to=NUMBER, text="hi")
    assert result is not None and result.signed
    assert [d.signing for d in world.deliveries()] == ["sms-signature"]


def test_inbound_is_free_by_default(world: World) -> None:
    api_key = owned(world)
    before = world.balance(api_key)
    text_to(world, "a" * 400)
    assert world.balance(api_key) == before


def test_a_priced_inbound_is_charged_per_part_or_refused(priced_world: World) -> None:
    world = priced_world
    api_key = owned(world)
    before = world.balance(api_key)
    assert len(text_to(world, "a" * 161) or []) == 2
    assert before - world.balance(api_key) == 2 * 10**6  # 2 parts at 0.01 EUR, in 1e-8 units
    poor = world.account(balance="0.005", mo_callback_url="https://poor.example/in")
    world.rent(poor, "447700900777")
    with world.services.store.begin() as tx:
        refused = deliver_inbound(tx, world.services, sender=HANDSET, to="447700900777", text="hi")
    assert refused is not None and refused.refused and refused.message_ids == ()
    assert text_to(world, "hi", to="447700900777") == []
    assert [d.api_key for d in world.deliveries()] == [api_key, api_key]
    with world.services.store.begin() as tx:
        assert handset_state.messages(tx, "447700900777") == []
