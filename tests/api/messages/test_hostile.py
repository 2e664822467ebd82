"""A hostile client and a careless one against POST/PATCH /v1/messages and GET /v3/media: every
field of every wrong JSON type, bodies that are not objects, odd ids, another account's
message. Each answer is the spec's status with the Messages error body (never a 500), and a
refused send charges nothing and sends nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from tests.api.messages.conftest import Sender, World

HANDSET = "447700900311"
WRONG_TYPES: list[Any] = [
    None,
    0,
    -1,
    1.5,
    10**30,
    True,
    [],
    ["x"],
    {},
    {"a": 1},
    "",
    "x" * 100_000,
    "a\x00b",  # PostgreSQL text cannot hold a NUL
]
ODD_IDS = ["not-a-uuid", "%2e%2e", "%20", "%00", "a" * 3000, "00000000-0000-0000-0000-000000000000"]


def sms(**changes: Any) -> dict[str, Any]:
    body = {"channel": "sms", "message_type": "text", "to": HANDSET, "from": "Acme", "text": "hi"}
    return {**body, **changes}


def error(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    """The Messages error body (type, title, detail, instance) with one of `statuses`."""
    assert response.status_code in statuses, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "detail", "instance"} <= set(body), body
    assert "Traceback" not in response.text
    return body


def raw_send(sender: Sender, content: bytes, content_type: str = "application/json") -> Any:
    headers = {"Authorization": f"Bearer {sender.jwt()}", "Content-Type": content_type}
    return sender.world.app.https.post("/v1/messages", content=content, headers=headers)


def balance(sender: Sender) -> Decimal:
    found = sender.world.app.https.get(
        "/account/get-balance", auth=(sender.api_key, sender.api_secret)
    )
    return Decimal(str(found.json()["value"]))


def inbox(world: World) -> int:
    return len(world.control("GET", f"/handsets/{HANDSET}/messages")["messages"])


@pytest.mark.parametrize("field", ["channel", "message_type", "to", "from", "text", "ttl"])
def test_every_field_of_every_wrong_type_is_a_422(world: World, sender: Sender, field: str) -> None:
    before, received = balance(sender), inbox(world)
    for value in WRONG_TYPES:
        if field == "ttl" and value is None:
            continue  # an optional field given as null is left out
        answer = sender.send(sms(**{field: value}))
        error(answer, 400, 422)
    error(raw_send(sender, json.dumps(sms(**{field: "a\ud800b"})).encode()), 400, 422)
    for raw in (b"NaN", b"Infinity", b"-Infinity", b"1e400"):
        body = json.dumps(sms()).encode()[:-1] + b', "ttl": ' + raw + b"}"
        error(raw_send(sender, body), 400, 422)
    assert balance(sender) == before
    world.advance(5)
    assert inbox(world) == received  # nothing was sent


@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"[]", b"[{}]", b"1", b'"text"', b"{", b"\xff\xfe", b'{"text": NaN}', b"{}"],
    ids=["empty", "null", "array", "array of object", "number", "string", "cut", "not utf-8",
         "NaN", "empty object"],
)  # fmt: skip
def test_bodies_that_are_not_a_message(sender: Sender, raw: bytes) -> None:
    error(raw_send(sender, raw), 400, 422)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_message_labelled_anything_but_json_is_415(sender: Sender, content_type: str) -> None:
    answer = raw_send(sender, json.dumps(sms()).encode(), content_type)
    assert error(answer, 415)["title"] == "Unsupported Media Type"


def test_a_body_over_the_limit_is_413(sender: Sender) -> None:
    answer = raw_send(sender, b" " * 3_000_000 + json.dumps(sms()).encode())
    error(answer, 413)


def test_failover_of_every_wrong_shape(sender: Sender) -> None:
    before = balance(sender)
    wrong = [v for v in WRONG_TYPES if v is not None]  # null: no failover
    for value in [*wrong, [None], [1], [[]], ["x"], [{}], [sms(channel="x")], [sms(text=[])]]:
        error(sender.send(sms(failover=value)), 400, 422)
    assert balance(sender) == before


def test_patch_of_another_accounts_message_is_404_and_changes_nothing(
    world: World, sender: Sender
) -> None:
    sender.register("whatsapp", sender.whatsapp)
    sent = world.control(
        "POST",
        f"/handsets/{HANDSET}/messages",
        json={"channel": "whatsapp", "to": sender.whatsapp, "text": "hello"},
    )
    message_uuid, handset_id = sent["inbound"]["message_uuid"], sent["sent"]["id"]
    intruder = world.sender("/intruder")
    answer = world.app.https.patch(
        f"/v1/messages/{message_uuid}",
        json={"status": "read"},
        headers={"Authorization": f"Bearer {intruder.jwt()}"},
    )
    assert error(answer, 404)["title"] == "Not Found"
    mine = world.control("GET", f"/handsets/{HANDSET}/messages?direction=sent")["messages"]
    (found,) = [m for m in mine if m["id"] == handset_id]
    assert found["read_at"] is None


@pytest.mark.parametrize("message_id", ODD_IDS)
def test_patch_of_odd_ids_is_404(sender: Sender, message_id: str) -> None:
    answer = sender.world.app.https.patch(
        f"/v1/messages/{message_id}",
        json={"status": "read"},
        headers={"Authorization": f"Bearer {sender.jwt()}"},
    )
    error(answer, 404)


@pytest.mark.parametrize("value", WRONG_TYPES)
def test_patch_status_of_every_wrong_type(sender: Sender, value: Any) -> None:
    answer = sender.world.app.https.patch(
        "/v1/messages/00000000-0000-0000-0000-000000000000",
        json={"status": value},
        headers={"Authorization": f"Bearer {sender.jwt()}"},
    )
    error(answer, 404, 422)


def test_patch_with_basic_is_401(sender: Sender) -> None:
    answer = sender.world.app.https.patch(
        "/v1/messages/00000000-0000-0000-0000-000000000000",
        json={"status": "read"},
        auth=(sender.api_key, sender.api_secret),
    )
    error(answer, 401)


@pytest.mark.parametrize("media_id", ODD_IDS)
def test_media_of_odd_ids_is_404(sender: Sender, media_id: str) -> None:
    answer = sender.world.app.https.get(
        f"/v3/media/{media_id}", headers={"Authorization": f"Bearer {sender.jwt()}"}
    )
    error(answer, 401, 404)
