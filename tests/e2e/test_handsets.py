"""Virtual handsets with the official SDK on the app's side: a handset texts a number the app
rents and the app's webhook gets Vonage's inbound SMS; inboxes, long-polls, codes, behaviours."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from vonage_http_client import Auth
from vonage_numbers import NumberParams, SearchAvailableNumbersFilter, UpdateNumberParams

from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

FIELDS = {"api-key", "msisdn", "to", "messageId", "text", "type", "keyword", "message-timestamp"}
CONCAT = {"concat", "concat-ref", "concat-total", "concat-part"}
_handsets = itertools.count(100)


@dataclass
class App:
    api_key: str
    client: Any
    number: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("handsets"), "--no-rate-limits").start()
    yield process
    process.stop()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    started = WebhookReceiver().start()
    yield started
    started.stop()


def handset() -> str:
    """A fresh drama-range number for each use, so tests never read each other's inboxes."""
    return f"+447700900{next(_handsets):03d}"


def new_app(server: RingbackProcess, **settings: Any) -> App:
    api_key, api_secret = server.new_account()
    if settings:
        server.control("PATCH", f"/accounts/{api_key}", json=settings).raise_for_status()
    client = server.client(api_key, api_secret)
    offered, _, _ = client.numbers.search_available_numbers(
        SearchAvailableNumbersFilter(country="GB", size=1, type="mobile-lvn")
    )
    number = offered[0].msisdn
    client.numbers.buy_number(NumberParams(country="GB", msisdn=number))
    return App(api_key, client, number)


def text(server: RingbackProcess, sender: str, to: str, body: str) -> dict[str, Any]:
    response = server.control("POST", f"/handsets/{sender}/messages", json={"to": to, "text": body})
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_a_handset_texts_the_apps_number_and_its_webhook_gets_every_field(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    app = new_app(server)
    app.client.numbers.update_number(
        UpdateNumberParams(country="GB", msisdn=app.number, mo_http_url=f"{receiver.url}/in")
    )
    phone = handset()
    answer = text(server, phone, f"+{app.number}", "Stop all messages please")
    assert answer["delivered_to"] == "account" and answer["inbound"]["api_key"] == app.api_key
    [got] = receiver.wait_for(1)
    assert (got.method, got.path) == ("POST", "/in")
    assert got.headers["content-type"] == "application/json"
    fields = got.json
    assert set(fields) == FIELDS
    assert all(isinstance(value, str) for value in fields.values())
    assert fields["api-key"] == app.api_key
    assert fields["msisdn"] == phone.lstrip("+")
    assert fields["to"] == app.number
    assert fields["messageId"] == answer["inbound"]["message_ids"][0]
    assert (fields["text"], fields["type"], fields["keyword"]) == (
        "Stop all messages please",
        "text",
        "STOP",
    )
    assert time.strptime(fields["message-timestamp"], "%Y-%m-%d %H:%M:%S")
    inbox = server.control("GET", f"/handsets/{app.number}/messages").json()["messages"]
    assert [m["text"] for m in inbox] == ["Stop all messages please"]
    sent = server.control("GET", f"/handsets/{phone}/messages?direction=sent").json()["messages"]
    assert sent[0]["to"] == app.number and sent[0]["message_ids"] == [fields["messageId"]]


def test_a_long_message_reaches_the_accounts_default_url_in_concat_parts(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    app = new_app(server)
    app.client.account.update_default_sms_webhook(mo_callback_url=f"{receiver.url}/default")
    body = "Привет! " * 20  # Cyrillic: UCS-2, 160 characters, 3 parts of at most 67
    answer = text(server, handset(), app.number, body)
    assert (answer["encoding"], answer["parts"]) == ("unicode", 3)
    parts = sorted((r.json for r in receiver.wait_for(3)), key=lambda f: int(f["concat-part"]))
    assert [p["concat-part"] for p in parts] == ["1", "2", "3"]
    for part in parts:
        assert set(part) == FIELDS | CONCAT
        assert (part["concat"], part["concat-total"], part["type"]) == ("true", "3", "unicode")
    assert len({p["concat-ref"] for p in parts}) == 1
    assert len({p["messageId"] for p in parts}) == 3
    assert "".join(p["text"] for p in parts) == body


@pytest.mark.parametrize(
    ("setting", "method", "content_type"),
    [("GET", "GET", None), ("POST", "POST", "application/x-www-form-urlencoded")],
)
def test_the_accounts_sms_webhook_method(
    server: RingbackProcess,
    receiver: WebhookReceiver,
    setting: str,
    method: str,
    content_type: str | None,
) -> None:
    app = new_app(server, sms_webhook_method=setting, mo_callback_url=f"{receiver.url}/in")
    text(server, handset(), app.number, "hello & goodbye = ok")
    [got] = receiver.wait_for(1)
    assert got.method == method
    assert got.headers.get("content-type") == content_type
    assert got.fields["text"] == "hello & goodbye = ok"
    assert set(got.fields) == FIELDS


def test_signed_inbound_verifies_with_the_sdk(
    server: RingbackProcess, receiver: WebhookReceiver
) -> None:
    secret = "s3cretSignature"
    app = new_app(
        server,
        signs_webhooks=True,
        signature_secret=secret,
        signature_method="sha256",
        mo_callback_url=f"{receiver.url}/signed",
    )
    text(server, handset(), app.number, "signed & sealed")
    fields = dict(receiver.wait_for(1)[0].json)
    assert set(fields) == FIELDS | {"timestamp", "nonce", "sig"}
    checker = Auth(api_key=app.api_key, signature_secret=secret, signature_method="sha256")
    assert checker.check_signature(dict(fields))
    forged = {**fields, "text": "forged"}
    assert not checker.check_signature(forged)


def test_without_a_url_the_message_waits_on_the_numbers_inbox(server: RingbackProcess) -> None:
    app = new_app(server)
    answer = text(server, handset(), app.number, "anyone?")
    assert answer["inbound"]["webhook_url"] is None
    inbox = server.control("GET", f"/handsets/{app.number}/messages").json()["messages"]
    assert [m["text"] for m in inbox] == ["anyone?"]
    refused = server.control(
        "POST", f"/handsets/{app.number}/messages", json={"to": handset(), "text": "hi"}
    )
    assert refused.status_code == 409 and refused.json()["title"] == "Conflict"


def test_handset_to_handset(server: RingbackProcess) -> None:
    alice, bob = handset(), handset()
    answer = text(server, alice, bob, "Hi Bob")
    assert answer["delivered_to"] == "handset" and answer["inbound"] is None
    text(server, bob, alice.replace("+", "00"), "Hi Alice")
    bobs = server.control("GET", f"/handsets/{bob}/messages").json()
    assert bobs["msisdn"] == bob.lstrip("+")
    assert [(m["from"], m["text"]) for m in bobs["messages"]] == [(alice.lstrip("+"), "Hi Bob")]
    both = server.control("GET", f"/handsets/{alice}/messages?direction=all").json()["messages"]
    assert [(m["direction"], m["text"]) for m in both] == [
        ("sent", "Hi Bob"),
        ("received", "Hi Alice"),
    ]
    only = server.control("GET", f"/handsets/{alice}/messages", params={"from": bob}).json()
    assert [m["text"] for m in only["messages"]] == ["Hi Alice"]


def later(server: RingbackProcess, delay: float, *args: str) -> threading.Thread:
    def send() -> None:
        time.sleep(delay)
        text(server, *args)

    thread = threading.Thread(target=send)
    thread.start()
    return thread


def test_a_long_poll_answers_as_soon_as_a_message_lands(server: RingbackProcess) -> None:
    sender, phone = handset(), handset()
    started = time.monotonic()
    empty = server.control("GET", f"/handsets/{phone}/messages?wait=0.3").json()
    assert empty["messages"] == [] and time.monotonic() - started >= 0.3
    thread = later(server, 0.3, sender, phone, "first")
    started = time.monotonic()
    got = server.control("GET", f"/handsets/{phone}/messages?wait=20").json()["messages"]
    assert [m["text"] for m in got] == ["first"] and time.monotonic() - started < 5
    thread.join()
    thread = later(server, 0.3, sender, phone, "second")
    newer = server.control("GET", f"/handsets/{phone}/messages?wait=20&after={got[0]['id']}")
    assert [m["text"] for m in newer.json()["messages"]] == ["second"]
    thread.join()


def test_the_latest_one_time_code(server: RingbackProcess) -> None:
    phone = handset()
    missing = server.control("GET", f"/handsets/{phone}/codes/latest")
    assert missing.status_code == 404 and set(missing.json()) >= {"type", "title", "detail"}
    text(server, handset(), phone, "Your Acme code is 482913. It expires in 5 minutes.")
    first = server.control("GET", f"/handsets/{phone}/codes/latest").json()
    assert first["code"] == "482913"
    thread = later(server, 0.3, handset(), phone, "G-771234 is your new code")
    after = first["message"]["id"]
    newer = server.control("GET", f"/handsets/{phone}/codes/latest?wait=20&after={after}")
    assert newer.json()["code"] == "771234"
    thread.join()


def test_behaviours_set_copied_and_reset(server: RingbackProcess) -> None:
    magic = server.control("GET", "/handsets/+447700900901/behaviour").json()
    assert (magic["source"], magic["behaviour"]["name"]) == ("magic", "absent-temporary")
    phone = handset()
    assert server.control("GET", f"/handsets/{phone}/behaviour").json()["source"] == "default"
    copied = server.control("PUT", f"/handsets/{phone}/behaviour", json={"profile": "barred"})
    assert copied.json()["source"] == "set"
    assert copied.json()["behaviour"]["submit_status"] == 7
    custom = {"sms": "failed", "err_code": 7, "delay_seconds": 30}
    changed = server.control("PUT", f"/handsets/{phone}/behaviour", json=custom).json()
    assert {k: changed["behaviour"][k] for k in custom} == custom
    assert "err-code 7 (Handset Busy), after 30 s" in changed["explained"]["sms"]
    reset = server.control("DELETE", f"/handsets/{phone}/behaviour").json()
    assert reset["source"] == "default" and reset["behaviour"]["name"] == "default"
    table = server.control("GET", "/magic-numbers").json()["magic_numbers"]
    assert {row["name"] for row in table} >= {"absent-temporary", "barred", "slow", "roaming"}
    roaming = next(row for row in table if row["name"] == "roaming")
    assert roaming["number"] == "+44 7700 900906" and "FR" in roaming["number_insight"]


def test_the_openapi_document_lists_the_handset_routes(server: RingbackProcess) -> None:
    paths = server.control("GET", "/openapi.json").json()["paths"]
    base = "/_ringback/handsets/{msisdn}"
    assert set(paths[f"{base}/messages"]) == {"get", "post"}
    assert set(paths[f"{base}/behaviour"]) == {"get", "put", "delete"}
    assert "get" in paths[f"{base}/codes/latest"] and "get" in paths["/_ringback/magic-numbers"]
