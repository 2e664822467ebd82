"""Hostile input on /v2/applications: always Vonage's status and problem body, never a 500."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ringback.testing.asgi import AppAccount, InProcessRingback

PAYLOAD = "https://developer.nexmo.com/api-errors/application#payload-validation"
LIST = "https://developer.nexmo.com/api-errors/application#list-validation"
COMMON = "https://developer.vonage.com/api-errors"
VALIDATION = "The request failed due to validation errors"


@pytest.fixture
def api(ringback: InProcessRingback, account: AppAccount) -> Iterator[httpx.Client]:
    with ringback.client(auth=account.auth) as client:
        yield client


def problem(response: httpx.Response, status: int, type_: str, title: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["type"] == type_
    assert body["title"] == title
    assert re.fullmatch(r"[0-9a-f]{32}", body["instance"])
    expected = {"type", "title", "detail", "instance"}
    assert set(body) in (expected, expected | {"invalid_parameters"})
    return body


def invalid(response: httpx.Response) -> list[dict[str, str]]:
    body = problem(response, 400, PAYLOAD, "Bad Request")
    assert body["detail"] == VALIDATION
    params: list[dict[str, str]] = body["invalid_parameters"]
    return params


def rsa_public_pem(fmt: serialization.PublicFormat) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    return key.public_bytes(serialization.Encoding.PEM, fmt).decode()


VOICE = "capabilities.voice"
ANSWER = f"{VOICE}.webhooks.answer_url"
NOT_A_URL = "must be an absolute http or https URL"
UNKNOWN = "is not a recognised field"
GET_OR_POST = "must be one of: GET, POST"


def caps(**capabilities: Any) -> dict[str, Any]:
    return {"name": "a", "capabilities": capabilities}


def hook(capability: str, name: str, **fields: Any) -> dict[str, Any]:
    webhook = {"address": "https://e.example/a", **fields}
    return caps(**{capability: {"webhooks": {name: webhook}}})


def answer(**fields: Any) -> dict[str, Any]:
    return hook("voice", "answer_url", **fields)


def voice(**fields: Any) -> dict[str, Any]:
    return caps(voice=fields)


@pytest.mark.parametrize(
    ("body", "name", "reason"),
    [
        ({}, "name", "is required"),
        ({"name": 5}, "name", "must be a string"),
        ({"name": None}, "name", "must be a string"),
        ({"name": ["x"]}, "name", "must be a string"),
        ({"name": "   "}, "name", "must not be blank"),
        ({"name": "x" * 256}, "name", "must be at most 255 characters long"),
        ({"name": "a", "colour": "red"}, "colour", UNKNOWN),
        ({"name": "a", "capabilities": []}, "capabilities", "must be an object"),
        ({"name": "a", "capabilities": "voice"}, "capabilities", "must be an object"),
        (caps(fax={}), "capabilities.fax", UNKNOWN),
        (caps(voice=[]), VOICE, "must be an object"),
        (caps(vbc={"x": 1}), "capabilities.vbc.x", UNKNOWN),
        (voice(colour=1), f"{VOICE}.colour", UNKNOWN),
        (voice(webhooks=[]), f"{VOICE}.webhooks", "must be an object"),
        (voice(webhooks={"x_url": {}}), f"{VOICE}.webhooks.x_url", UNKNOWN),
        (voice(webhooks={"answer_url": "https://e.example"}), ANSWER, "must be an object"),
        (voice(webhooks={"answer_url": {}}), f"{ANSWER}.address", "is required"),
        (answer(colour=1), f"{ANSWER}.colour", UNKNOWN),
        (answer(address=5), f"{ANSWER}.address", "must be a string"),
        (answer(address="ftp://e.example/a"), f"{ANSWER}.address", NOT_A_URL),
        (answer(address="e.example/a"), f"{ANSWER}.address", NOT_A_URL),
        (answer(address="https://"), f"{ANSWER}.address", NOT_A_URL),
        (answer(address="https://e x.example/"), f"{ANSWER}.address", NOT_A_URL),
        (answer(address="https://e.example:99999/"), f"{ANSWER}.address", NOT_A_URL),
        (answer(address="https://e.example/" + "a" * 3000), f"{ANSWER}.address", NOT_A_URL),
        (answer(http_method="PATCH"), f"{ANSWER}.http_method", GET_OR_POST),
        (answer(http_method="get"), f"{ANSWER}.http_method", GET_OR_POST),
        (answer(connect_timeout=299), f"{ANSWER}.connect_timeout", "must be between 300 and 1000"),
        (
            answer(connection_timeout=1001),
            f"{ANSWER}.connection_timeout",
            "must be between 300 and 1000",
        ),
        (answer(connect_timeout="500"), f"{ANSWER}.connect_timeout", "must be an integer"),
        (answer(connect_timeout=500.5), f"{ANSWER}.connect_timeout", "must be an integer"),
        (answer(connect_timeout=True), f"{ANSWER}.connect_timeout", "must be an integer"),
        (answer(socket_timeout=5001), f"{ANSWER}.socket_timeout", "must be between 1000 and 5000"),
        (
            hook("voice", "event_url", socket_timeout=10001),
            f"{VOICE}.webhooks.event_url.socket_timeout",
            "must be between 1000 and 10000",
        ),
        (voice(signed_callbacks="yes"), f"{VOICE}.signed_callbacks", "must be a boolean"),
        (voice(conversations_ttl=9001), f"{VOICE}.conversations_ttl", "must be between 0 and 9000"),
        (voice(conversation_ttl=-1), f"{VOICE}.conversation_ttl", "must be between 0 and 9000"),
        (
            voice(leg_persistence_time=32),
            f"{VOICE}.leg_persistence_time",
            "must be between 1 and 31",
        ),
        (
            voice(region="mars-1"),
            f"{VOICE}.region",
            "must be one of: na-east, na-west, eu-east, eu-west, apac-sng, apac-australia",
        ),
        (voice(payments={"gateways": {}}), f"{VOICE}.payments.gateways", "must be an array"),
        (
            voice(payments={"gateways": [{"mode": "prod"}]}),
            f"{VOICE}.payments.gateways[0].mode",
            "must be one of: test, live",
        ),
        (
            caps(rtc={"leg_persistence_time": 0}),
            "capabilities.rtc.leg_persistence_time",
            "must be between 1 and 31",
        ),
        (
            hook("rtc", "event_url", http_method="PUT"),
            "capabilities.rtc.webhooks.event_url.http_method",
            GET_OR_POST,
        ),
        (
            hook("messages", "status_url", http_method="GET"),
            "capabilities.messages.webhooks.status_url.http_method",
            "must be one of: POST",
        ),
        (
            hook("messages", "status_url", socket_timeout=2000),
            "capabilities.messages.webhooks.status_url.socket_timeout",
            UNKNOWN,
        ),
        (
            caps(messages={"version": "v2"}),
            "capabilities.messages.version",
            "must be one of: v1, v0.1",
        ),
        (caps(verify={"version": "v1"}), "capabilities.verify.version", "must be one of: v2"),
        (
            hook("meetings", "room_changed", http_method="DELETE"),
            "capabilities.meetings.webhooks.room_changed.http_method",
            "must be one of: GET, POST, PUT",
        ),
        ({"name": "a", "privacy": []}, "privacy", "must be an object"),
        (
            {"name": "a", "privacy": {"improve_ai": "true"}},
            "privacy.improve_ai",
            "must be a boolean",
        ),
        ({"name": "a", "privacy": {"share": True}}, "privacy.share", UNKNOWN),
        ({"name": "a", "keys": "pem"}, "keys", "must be an object"),
        ({"name": "a", "keys": {"public_key": 5}}, "keys.public_key", "must be a string"),
        (
            {"name": "a", "keys": {"public_key": "-----BEGIN PUBLIC KEY-----\nnope\n"}},
            "keys.public_key",
            "must be a PEM encoded public key",
        ),
        (
            {"name": "a", "keys": {"public_key": "x" * 20000}},
            "keys.public_key",
            "must be a PEM encoded public key",
        ),
        ({"name": "a", "keys": {"secret": "x"}}, "keys.secret", UNKNOWN),
    ],
)
def test_create_refuses_each_bad_field_by_its_path(
    api: httpx.Client, body: dict[str, Any], name: str, reason: str
) -> None:
    assert invalid(api.post("/v2/applications", json=body)) == [{"name": name, "reason": reason}]


def test_every_problem_is_reported_at_once(api: httpx.Client) -> None:
    body = {"name": 1, "capabilities": {"voice": {"region": "x"}, "sms": {}}, "privacy": 2}
    names = [p["name"] for p in invalid(api.post("/v2/applications", json=body))]
    assert names == ["name", "capabilities.sms", f"{VOICE}.region", "privacy"]


def test_update_validates_like_create(api: httpx.Client) -> None:
    app_id = api.post("/v2/applications", json={"name": "a"}).json()["id"]
    assert invalid(api.put(f"/v2/applications/{app_id}", json={"capabilities": {}})) == [
        {"name": "name", "reason": "is required"}
    ]
    assert api.get(f"/v2/applications/{app_id}").json()["name"] == "a"


def test_an_ec_key_cannot_sign_application_jwts(api: httpx.Client) -> None:
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    response = api.post("/v2/applications", json={"name": "a", "keys": {"public_key": ec_pem}})
    assert invalid(response) == [{"name": "keys.public_key", "reason": "must be an RSA public key"}]


def test_a_pkcs1_public_key_is_accepted_and_stored_as_spki(api: httpx.Client) -> None:
    pkcs1 = rsa_public_pem(serialization.PublicFormat.PKCS1)
    response = api.post("/v2/applications", json={"name": "a", "keys": {"public_key": pkcs1}})
    assert response.status_code == 201
    assert response.json()["keys"]["public_key"].startswith("-----BEGIN PUBLIC KEY-----\n")
    assert "private_key" not in response.json()["keys"]


def test_read_only_fields_sent_back_are_ignored(api: httpx.Client) -> None:
    created = api.post("/v2/applications", json={"name": "a"}).json()
    again = {**created, "name": "b"}  # id, _links and keys.private_key included
    updated = api.put(f"/v2/applications/{created['id']}", json=again)
    assert updated.status_code == 200
    assert updated.json()["name"] == "b"
    assert updated.json()["keys"] == {"public_key": created["keys"]["public_key"]}


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b'{"name": ', "The request body is not valid JSON"),
        (b'{"name": "\xff\xfe"}', "The request body is not valid JSON"),
        (b'{"a":' * 100_000, "The request body is not valid JSON"),
        (b'["name"]', "The request body must be a JSON object"),
        (b'"name"', "The request body must be a JSON object"),
        (b"name=a", "The request body must be a JSON object"),
        (b"\xff\xfe\xfd", "The request body is not valid UTF-8"),
    ],
)
def test_a_body_that_is_not_a_json_object(api: httpx.Client, content: bytes, detail: str) -> None:
    for method, path in (("POST", "/v2/applications"), ("PUT", "/v2/applications/x")):
        response = api.request(
            method, path, content=content, headers={"Content-Type": "application/json"}
        )
        body = problem(response, 400, PAYLOAD, "Bad Request")
        assert body["detail"] == detail


def test_text_that_cannot_be_utf8_is_refused_not_crashed_on(api: httpx.Client) -> None:
    raw = b'{"name": "\\ud800", "\\udfff": 1}'
    response = api.post(
        "/v2/applications", content=raw, headers={"Content-Type": "application/json"}
    )
    # refused by the one JSON reader (core/json_input.py), every such field named
    body = problem(response, 400, PAYLOAD, "Bad Request")
    assert body["detail"] == "Invalid name param"
    reason = "must be valid Unicode (no lone surrogates)"
    assert body["invalid_parameters"] == [
        {"name": "name", "reason": reason},
        {"name": "?", "reason": reason},
    ]


def test_an_oversized_body_is_413(api: httpx.Client) -> None:
    huge = json.dumps({"name": "a" * (2 * 1024 * 1024)}).encode()
    response = api.post(
        "/v2/applications", content=huge, headers={"Content-Type": "application/json"}
    )
    problem(response, 413, f"{COMMON}#payload-too-large", "Payload Too Large")


def test_unknown_and_foreign_ids_answer_alike(
    ringback: InProcessRingback, api: httpx.Client
) -> None:
    other_key, other_secret = ringback.new_account()
    foreign = ringback.http.post(
        "/v2/applications",
        json={"name": "theirs"},
        auth=(other_key, other_secret),
    ).json()["id"]
    for app_id in ("4c6b8e84-4bc0-4d58-a6e1-000000000000", foreign, "not-even-a-uuid"):
        for method, body in (("GET", None), ("PUT", {"name": "mine"}), ("DELETE", None)):
            response = api.request(method, f"/v2/applications/{app_id}", json=body)
            found = problem(response, 404, f"{COMMON}#not-found", "Not Found")
            assert found["detail"] == f"ID '{app_id}' does not exist, or you do not have access"
    assert api.get("/v2/applications").json()["total_items"] == 0


@pytest.mark.parametrize(
    ("method", "path", "content_type"),
    [
        ("POST", "/v2/applications", "text/plain"),
        ("POST", "/v2/applications", "application/x-www-form-urlencoded"),
        ("POST", "/v2/applications", None),
        ("PUT", "/v2/applications/x", "application/xml"),
        ("PUT", "/v2/applications/x", "application/jsonp"),
    ],
)
def test_a_body_not_labelled_json_is_415(
    api: httpx.Client, method: str, path: str, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = api.request(method, path, content=b'{"name": "a"}', headers=headers)
    body = problem(
        response, 415, f"{COMMON}#content-type-header", "Unsupported Content-Type header"
    )
    assert body["detail"] == (
        "Unsupported Content-Type header provided. Must be one of the following: 'application/json'"
    )


def test_json_content_types_and_leaked_headers_are_fine(api: httpx.Client) -> None:
    created = api.post(
        "/v2/applications",
        content=b'{"name": "a"}',
        headers={"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert created.status_code == 201
    leaked = {"Content-Type": "application/json"}  # the Python SDK's shared headers dict
    app_id = created.json()["id"]
    assert api.get("/v2/applications", headers=leaked).status_code == 200
    assert api.get(f"/v2/applications/{app_id}", headers=leaked).status_code == 200
    assert api.delete(f"/v2/applications/{app_id}", headers=leaked).status_code == 204


@pytest.mark.parametrize(
    "accept", ["text/html", "application/xml, text/*", "application/json;q=0", "*/*;q=0"]
)
def test_an_accept_header_without_json_is_406(api: httpx.Client, accept: str) -> None:
    for method, path in (
        ("GET", "/v2/applications"),
        ("POST", "/v2/applications"),
        ("GET", "/v2/applications/x"),
        ("PUT", "/v2/applications/x"),
        ("DELETE", "/v2/applications/x"),
    ):
        response = api.request(method, path, json={"name": "a"}, headers={"Accept": accept})
        body = problem(response, 406, f"{COMMON}#accept-header", "Invalid Accept header")
        assert body["detail"] == (
            "Invalid Accept header provided. Must be one of the following: 'application/json'"
        )


@pytest.mark.parametrize(
    "accept", ["", "*/*", "application/json", "text/html, application/*;q=0.5", "APPLICATION/JSON"]
)
def test_accept_headers_that_allow_json(api: httpx.Client, accept: str) -> None:
    assert api.get("/v2/applications", headers={"Accept": accept}).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/v2/applications"),
        ("DELETE", "/v2/applications"),
        ("PUT", "/v2/applications"),
        ("POST", "/v2/applications/x"),
        ("PATCH", "/v2/applications/x"),
        ("OPTIONS", "/v2/applications/x"),
        ("TRACE", "/v2/applications/"),
    ],
)
def test_a_wrong_verb_is_405(api: httpx.Client, method: str, path: str) -> None:
    response = api.request(method, path)
    problem(response, 405, f"{COMMON}#wrong-verb", "Request method not allowed")


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


@pytest.mark.parametrize(
    "credential",
    ["none", "wrong secret", "unknown key", "bad base64", "bearer", "params", "digest"],
)
def test_anything_but_basic_key_and_secret_is_401(
    ringback: InProcessRingback, account: AppAccount, credential: str
) -> None:
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    if credential == "wrong secret":
        headers["Authorization"] = basic(account.api_key, "Wrong1Secret")
    elif credential == "unknown key":
        headers["Authorization"] = basic("ffffffff", account.api_secret)
    elif credential == "bad base64":
        headers["Authorization"] = "Basic !!!"
    elif credential == "bearer":
        headers["Authorization"] = "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
    elif credential == "params":
        params = {"api_key": account.api_key, "api_secret": account.api_secret}
    elif credential == "digest":
        headers["Authorization"] = "Digest username=x"
    for method, path in (("GET", "/v2/applications"), ("POST", "/v2/applications")):
        response = ringback.http.request(
            method,
            path,
            headers=headers,
            params=params,
            json={"name": "a"},
        )
        body = problem(response, 401, f"{COMMON}#unauthorized", "Invalid credentials supplied")
        assert body["detail"] == "You did not provide correct credentials."


@pytest.mark.parametrize(
    ("query", "name", "reason"),
    [
        ("page_size=0", "page_size", "must be between 1 and 100"),
        ("page_size=101", "page_size", "must be between 1 and 100"),
        ("page_size=-1", "page_size", "must be between 1 and 100"),
        ("page_size=abc", "page_size", "must be between 1 and 100"),
        ("page_size=", "page_size", "must be between 1 and 100"),
        ("page_size=1.5", "page_size", "must be between 1 and 100"),
        ("page=0", "page", "must be a positive integer"),
        ("page=x", "page", "must be a positive integer"),
        ("page=99999999999999999999", "page", "must be a positive integer"),
    ],
)
def test_list_refuses_bad_paging(api: httpx.Client, query: str, name: str, reason: str) -> None:
    body = problem(api.get(f"/v2/applications?{query}"), 400, LIST, "Bad Request")
    assert body["detail"] == VALIDATION
    assert body["invalid_parameters"] == [{"name": name, "reason": reason}]


def test_list_is_hal_with_absolute_links(ringback: InProcessRingback, api: httpx.Client) -> None:
    base = f"{ringback.http_url}/v2/applications"
    empty = api.get("/v2/applications").json()
    assert empty == {
        "page_size": 10,
        "page": 1,
        "total_items": 0,
        "total_pages": 1,
        "_embedded": {"applications": []},
        "_links": {
            "self": {"href": f"{base}?page_size=10&page=1"},
            "first": {"href": f"{base}?page_size=10"},
            "last": {"href": f"{base}?page_size=10&page=1"},
        },
    }
    pem = rsa_public_pem(serialization.PublicFormat.SubjectPublicKeyInfo)
    for n in range(3):
        api.post("/v2/applications", json={"name": f"a{n}", "keys": {"public_key": pem}})
    middle = api.get("/v2/applications?page_size=1&page=2").json()
    assert [a["name"] for a in middle["_embedded"]["applications"]] == ["a1"]
    assert (middle["total_items"], middle["total_pages"]) == (3, 3)
    assert middle["_links"] == {
        "self": {"href": f"{base}?page_size=1&page=2"},
        "first": {"href": f"{base}?page_size=1"},
        "last": {"href": f"{base}?page_size=1&page=3"},
        "prev": {"href": f"{base}?page_size=1&page=1"},
        "next": {"href": f"{base}?page_size=1&page=3"},
    }
    beyond = api.get("/v2/applications?page_size=2&page=7").json()
    assert beyond["_embedded"]["applications"] == []
    assert beyond["_links"]["prev"] == {"href": f"{base}?page_size=2&page=2"}
    assert "next" not in beyond["_links"]
