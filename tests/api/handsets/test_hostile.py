"""A careless script against the control routes the new APIs added: senders, a handset's
messages on a channel, the WhatsApp window, read receipts, a handset's calls (dial, answer,
reject, dtmf, speech), inboxes and latest codes. Every field of every wrong JSON type and odd
path segments get the control API's 400/404/409 problem body (never a 500), and nothing is
saved from a refused request."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ringback.testing.asgi import AppAccount, InProcessRingback

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
ODD_SEGMENTS = ["x", "%2e%2e", "%20", "a" * 3000, "%00"]
HANDSET = "447700900881"


def problem(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert {"type", "title", "detail", "instance"} <= set(body), body
    return body


def post(ringback: InProcessRingback, path: str, body: Any) -> httpx.Response:
    content = json.dumps(body).encode()
    return ringback.control("POST", path, content=content)


def application(ringback: InProcessRingback, account: AppAccount) -> str:
    made = ringback.http.post(
        "/v2/applications",
        auth=account.auth,
        json={"name": "a", "capabilities": {"messages": {"webhooks": {}}}},
    )
    app_id: str = made.json()["id"]
    return app_id


@pytest.mark.parametrize("field", ["channel", "id", "application_id", "display_name"])
def test_a_sender_of_every_wrong_type_is_400_and_not_saved(
    ringback: InProcessRingback, account: AppAccount, field: str
) -> None:
    app_id = application(ringback, account)
    good = {"channel": "whatsapp", "id": "447700900882", "application_id": app_id}
    path = f"/accounts/{account.api_key}/senders"
    for value in WRONG_TYPES:
        if value is None and field in ("application_id", "display_name"):
            continue  # optional
        if field == "display_name" and value == "":
            continue
        problem(post(ringback, path, {**good, field: value}), 400, 404)
    problem(post(ringback, path, {**good, field: "a\ud800b"}), 400, 404)
    assert ringback.control("GET", path).json()["senders"] == []


@pytest.mark.parametrize("odd", ODD_SEGMENTS)
def test_senders_of_odd_accounts_are_404(ringback: InProcessRingback, odd: str) -> None:
    problem(ringback.control("GET", f"/accounts/{odd}/senders"), 404)
    body = {"channel": "whatsapp", "id": "447700900882"}
    problem(post(ringback, f"/accounts/{odd}/senders", body), 404)
    problem(ringback.control("DELETE", f"/accounts/{odd}/senders/whatsapp/447700900882"), 404)


@pytest.mark.parametrize("field", ["to", "text", "channel"])
def test_a_handset_message_of_every_wrong_type_is_400(
    ringback: InProcessRingback, field: str
) -> None:
    good = {"to": "447700900883", "text": "hi", "channel": "whatsapp"}
    before = ringback.control("GET", f"/handsets/{HANDSET}/messages").json()["messages"]
    for value in WRONG_TYPES:
        if value is None and field == "channel":
            continue  # SMS
        problem(post(ringback, f"/handsets/{HANDSET}/messages", {**good, field: value}), 400)
    after = ringback.control("GET", f"/handsets/{HANDSET}/messages").json()["messages"]
    assert after == before


def test_the_whatsapp_window_takes_numbers_only(ringback: InProcessRingback) -> None:
    for value in [*WRONG_TYPES, "Acme"]:
        body = {"sender": value}
        problem(post(ringback, f"/handsets/{HANDSET}/whatsapp-window", body), 400)
    for odd in ODD_SEGMENTS:
        body = {"sender": "447700900884"}
        problem(post(ringback, f"/handsets/{odd}/whatsapp-window", body), 400, 404)
    opened = post(
        ringback, "/handsets/+44 7700 900881/whatsapp-window", {"sender": "+447700900884"}
    )
    assert opened.status_code == 200, opened.text
    assert (opened.json()["msisdn"], opened.json()["sender"]) == (HANDSET, "447700900884")


@pytest.mark.parametrize("odd", [*ODD_SEGMENTS, "00000000-0000-0000-0000-000000000000"])
def test_reading_an_odd_message_is_404(ringback: InProcessRingback, odd: str) -> None:
    problem(post(ringback, f"/handsets/{HANDSET}/messages/{odd}/read", {}), 404)
    problem(ringback.control("GET", f"/messages/{odd}"), 404)


@pytest.mark.parametrize("odd", [*ODD_SEGMENTS, "00000000-0000-0000-0000-000000000000"])
def test_acting_on_an_odd_call_is_404(ringback: InProcessRingback, odd: str) -> None:
    problem(ringback.control("GET", f"/calls/{odd}"), 404)
    for action in ("answer", "reject", "dtmf", "speech", "hangup", "explode"):
        problem(post(ringback, f"/calls/{odd}/{action}", {"digits": "1", "text": "hi"}), 404)


def test_dialling_with_every_wrong_type_is_400(ringback: InProcessRingback) -> None:
    before = ringback.control("GET", f"/handsets/{HANDSET}/calls").json()
    for value in WRONG_TYPES:
        problem(post(ringback, f"/handsets/{HANDSET}/calls", {"to": value}), 400)
    for odd in ODD_SEGMENTS:
        problem(post(ringback, f"/handsets/{odd}/calls", {"to": "447700900885"}), 400, 404)
    assert ringback.control("GET", f"/handsets/{HANDSET}/calls").json() == before


@pytest.mark.parametrize("odd", ODD_SEGMENTS)
def test_inboxes_and_codes_of_odd_addresses(ringback: InProcessRingback, odd: str) -> None:
    for path in (f"/inboxes/{odd}/codes/latest", f"/handsets/{odd}/codes/latest"):
        problem(ringback.control("GET", path), 400, 404)
    listed = ringback.control("GET", f"/inboxes/{odd}/messages")
    assert listed.status_code in (200, 400, 404), listed.text
    if listed.status_code != 200:
        problem(listed, 400, 404)


@pytest.mark.parametrize("query", ["wait=x", "wait=-1", "wait=NaN", "wait=1e400", "wait=inf"])
def test_bad_waits_are_400(ringback: InProcessRingback, query: str) -> None:
    for path in (f"/handsets/{HANDSET}/messages", f"/handsets/{HANDSET}/codes/latest"):
        problem(ringback.control("GET", f"{path}?{query}"), 400)
