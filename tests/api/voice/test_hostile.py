"""A hostile client and a careless one against /v1/calls and /v1/files: every field of every
wrong JSON type, NaN where a number goes, odd ids, another account's call, credentials of the
wrong kind. Each answer is the Voice API's status and error body (never a 500), and a refused
request leaves no call behind."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from tests.api.voice.conftest import VoiceClient

from ringback.testing.asgi import InProcessRingback

WRONG_TYPES: list[Any] = [
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
    "a\x00b",
]
ODD_IDS = ["not-a-uuid", "%2e%2e", "%20", "%00", "a" * 3000, "00000000-0000-0000-0000-000000000000"]
TALK = [{"action": "talk", "text": "hello"}]


def call(**changes: Any) -> dict[str, Any]:
    body = {
        "to": [{"type": "phone", "number": "447700900911"}],
        "from": {"type": "phone", "number": "447700900000"},
        "ncco": TALK,
    }
    return {**body, **changes}


def error(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "detail", "instance"} <= set(body), body
    return body


def raw(voice: VoiceClient, method: str, path: str, content: bytes) -> httpx.Response:
    headers = {**voice.headers(), "Content-Type": "application/json"}
    return voice.http.request(method, path, content=content, headers=headers)


def count(voice: VoiceClient) -> int:
    listed = voice.request("GET", "/v1/calls")
    assert listed.status_code == 200, listed.text
    found: int = listed.json()["count"]
    return found


@pytest.mark.parametrize(
    "field",
    ["to", "from", "ncco", "answer_url", "answer_method", "event_url", "event_method",
     "ringing_timer", "length_timer", "machine_detection", "random_from_number"],
)  # fmt: skip
def test_every_field_of_every_wrong_type_is_a_400(voice: VoiceClient, field: str) -> None:
    for value in WRONG_TYPES:
        if field == "random_from_number" and value is True:
            continue  # a boolean there is right (and `from` with it is its own 400, below)
        body = call(**{field: value})
        if field == "answer_url":
            body.pop("ncco")
        error(voice.request("POST", "/v1/calls", json=body), 400)
    error(raw(voice, "POST", "/v1/calls", json.dumps(call(**{field: "a\ud800b"})).encode()), 400)
    assert count(voice) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ringing_timer", 0),
        ("ringing_timer", 121),
        ("length_timer", "600"),
        ("length_timer", 86401),
        ("answer_method", "PATCH"),
        ("event_method", 1),
        ("event_url", ["ftp://example.com/events"]),
        ("event_url", "http://example.com/events"),  # a string, not an array of one
    ],
)
def test_a_bad_option_is_refused_not_replaced_by_its_default(
    voice: VoiceClient, field: str, value: Any
) -> None:
    body = error(voice.request("POST", "/v1/calls", json=call(**{field: value})), 400)
    assert [p["name"] for p in body["invalid_parameters"]] == [field]
    assert count(voice) == 0


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
@pytest.mark.parametrize(
    "where",
    [
        b'"ncco": [{"action": "talk", "text": "hi", "level": %s}]',
        b'"ncco": [{"action": "input", "type": ["dtmf"], "dtmf": {"timeOut": %s}}]',
        b'"ncco": [{"action": "stream", "streamUrl": ["https://x.example/a.mp3"], "loop": %s}]',
        b'"ncco": %s',
        b'"ncco": [{"action": "talk", "text": "hi"}], "length_timer": %s',
        b'"ncco": [{"action": "talk", "text": "hi"}], "advanced_machine_detection": '
        b'{"beep_timeout": %s}',
    ],
    ids=["talk level", "input timeOut", "stream loop", "ncco", "length_timer", "ignored field"],
)
def test_nan_and_infinity_are_a_400(voice: VoiceClient, where: bytes, number: bytes) -> None:
    head = b'{"to": [{"type": "phone", "number": "447700900911"}], '
    head += b'"from": {"type": "phone", "number": "447700900000"}, '
    error(raw(voice, "POST", "/v1/calls", head + where % number + b"}"), 400)
    assert count(voice) == 0


@pytest.mark.parametrize(
    "content",
    [b"", b"null", b"[]", b"1", b'"x"', b"{", b"\xff\xfe", b"{}", b'{"a":' * 99 + b"1" + b"}" * 99],
    ids=["empty", "null", "array", "number", "string", "cut", "not utf-8", "empty object", "deep"],
)  # fmt: skip
def test_bodies_that_are_not_a_call(voice: VoiceClient, content: bytes) -> None:
    error(raw(voice, "POST", "/v1/calls", content), 400)
    error(raw(voice, "PUT", "/v1/calls/00000000-0000-0000-0000-000000000000", content), 400, 404)


@pytest.mark.parametrize(
    "body",
    [
        {"action": None},
        {"action": ["hangup"]},
        {"action": "explode"},
        {"action": "transfer"},
        {"action": "transfer", "destination": {"type": "ncco", "ncco": "talk"}},
        {"action": "transfer", "destination": {"type": "ncco", "url": "http://x"}},
        {"action": "transfer", "destination": []},
    ],
)
def test_a_bad_change_to_a_live_call_is_400_and_the_call_goes_on(
    voice: VoiceClient, body: dict[str, Any]
) -> None:
    created = voice.request("POST", "/v1/calls", json=call())
    uuid = created.json()["uuid"]
    error(voice.request("PUT", f"/v1/calls/{uuid}", json=body), 400)
    assert voice.request("GET", f"/v1/calls/{uuid}").json()["status"] in ("started", "ringing")


@pytest.mark.parametrize(
    "query",
    ["page_size=-1", "page_size=x", "page_size=100000", "record_index=-5", "status=bogus",
     "date_start=yesterday", "order=sideways", "record_index=99999999999999999999999",
     "conversation_uuid=%00"],
)  # fmt: skip
def test_bad_list_queries_are_400(voice: VoiceClient, query: str) -> None:
    error(voice.request("GET", f"/v1/calls?{query}"), 400)


@pytest.mark.parametrize("odd", ODD_IDS)
def test_odd_ids_are_404(voice: VoiceClient, odd: str) -> None:
    error(voice.request("GET", f"/v1/calls/{odd}"), 404)
    error(voice.request("PUT", f"/v1/calls/{odd}", json={"action": "hangup"}), 404)
    error(voice.request("PUT", f"/v1/calls/{odd}/dtmf", json={"digits": "1"}), 404)
    error(voice.request("GET", f"/v1/files/{odd}"), 404)


def test_another_accounts_call_is_404_and_stays_as_it_was(
    ringback: InProcessRingback, voice: VoiceClient
) -> None:
    uuid = voice.request("POST", "/v1/calls", json=call()).json()["uuid"]
    key, secret = ringback.new_account()
    made = voice.http.post(
        "/v2/applications",
        auth=(key, secret),
        json={"name": "other", "capabilities": {"voice": {"webhooks": {}}}},
    ).json()
    other = VoiceClient(
        ringback, voice.account, made["id"], made["keys"]["private_key"], voice.http
    )
    error(other.request("GET", f"/v1/calls/{uuid}"), 404)
    error(other.request("PUT", f"/v1/calls/{uuid}", json={"action": "hangup"}), 404)
    error(other.request("PUT", f"/v1/calls/{uuid}/dtmf", json={"digits": "1"}), 404)
    assert other.request("GET", "/v1/calls").json()["count"] == 0
    assert voice.request("GET", f"/v1/calls/{uuid}").json()["status"] in ("started", "ringing")


def test_credentials_of_the_wrong_kind_are_401(
    ringback: InProcessRingback, voice: VoiceClient
) -> None:
    uuid = voice.request("POST", "/v1/calls", json=call()).json()["uuid"]
    no_voice = voice.http.post(
        "/v2/applications", auth=voice.account.auth, json={"name": "sms only", "capabilities": {}}
    ).json()
    wrong_app = VoiceClient(
        ringback, voice.account, no_voice["id"], no_voice["keys"]["private_key"], voice.http
    )
    forged = VoiceClient(
        ringback, voice.account, voice.application_id, no_voice["keys"]["private_key"], voice.http
    )
    for client in (wrong_app, forged):
        error(client.request("GET", f"/v1/calls/{uuid}"), 401)
        error(client.request("POST", "/v1/calls", json=call()), 401)
        error(client.request("PUT", f"/v1/calls/{uuid}", json={"action": "hangup"}), 401)
    for auth in (voice.account.auth, ("", ""), ("x" * 5000, "y")):
        error(voice.http.get(f"/v1/calls/{uuid}", auth=auth), 401)
        error(voice.http.post("/v1/calls", json=call(), auth=auth), 401)
    for header in ("Bearer", "Bearer not.a.jwt", "Bearer " + "a" * 20_000, "Token x"):
        error(voice.http.get(f"/v1/calls/{uuid}", headers={"Authorization": header}), 401)
    assert voice.request("GET", "/v1/calls").json()["count"] == 1
