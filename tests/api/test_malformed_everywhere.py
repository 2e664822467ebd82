"""Input that broke Python's parsers — JSON nested 100,000 deep, lone surrogates, URLs that
`urllib.parse` raises on — gets each API's own refusal on every endpoint, never a 500.

Every body goes through one JSON reader (core/json_input.py) and every callback URL through
one check (core/web_urls.py); this module walks the endpoints that read them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from ringback.testing.asgi import AppAccount, InProcessRingback

DEEP_BODIES = {
    "arrays": b"[" * 100_000,
    "objects": b'{"a":' * 100_000,
    "65 levels": b'{"a":' * 65 + b"1" + b"}" * 65,  # parses, but deeper than any Vonage body
}
BAD_URLS = [
    "http://[::1",
    "http://[::1]:99999/",
    "http://a:b:c/",
    "http://[zz]/",
    "http://x.com:-1/",
    "http://a..b/",
    "http://" + "a" * 64 + ".com/",
    "http://exa mple.com/",
    "http://example.com/\x00",
    "ftp://example.com/",
    "http:///nohost",
]
REASON = "must be valid Unicode (no lone surrogates)"


@dataclass
class World:
    ringback: InProcessRingback
    account: AppAccount

    @property
    def auth(self) -> tuple[str, str]:
        return self.account.api_key, self.account.api_secret

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.ringback.http.request(method, path, **kwargs)

    def json(self, method: str, path: str, raw: bytes, **kwargs: Any) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        return self.send(method, path, content=raw, headers=headers, **kwargs)


@pytest.fixture
def world(ringback: InProcessRingback, account: AppAccount) -> World:
    return World(ringback, account)


def sms_status(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    status: str = response.json()["messages"][0]["status"]
    return status


def problem(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert {"type", "title", "detail", "instance"} <= set(body)
    return body


def error_code(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error-code"] == str(status)
    return body


def ni_status(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    status: int = response.json()["status"]
    return status


# each endpoint that reads a JSON body, and what its API answers for one it cannot read
Endpoint = Callable[[World, bytes], httpx.Response]
ENDPOINTS: dict[str, tuple[Endpoint, Callable[[httpx.Response], object]]] = {
    "sms": (
        lambda w, raw: w.json("POST", "/sms/json", raw),
        lambda r: sms_status(r) == "3",
    ),
    "account settings": (
        lambda w, raw: w.json("POST", "/account/settings", raw, auth=w.auth),
        lambda r: error_code(r, 400),
    ),
    "applications": (
        lambda w, raw: w.json("POST", "/v2/applications", raw, auth=w.auth),
        lambda r: problem(r)["type"].endswith("#payload-validation"),
    ),
    "secrets": (
        lambda w, raw: w.json("POST", f"/accounts/{w.account.api_key}/secrets", raw, auth=w.auth),
        problem,
    ),
    "number insight": (
        lambda w, raw: w.json("POST", "/ni/advanced/async/json", raw, auth=w.auth),
        lambda r: ni_status(r) in (3, 999),
    ),
    "numbers": (
        lambda w, raw: w.json("POST", "/number/update", raw, auth=w.auth),
        lambda r: error_code(r, r.status_code) and r.status_code in (400, 420),
    ),
    "control clock": (lambda w, raw: w.json("POST", "/_ringback/clock", raw), problem),
    "control accounts": (lambda w, raw: w.json("POST", "/_ringback/accounts", raw), problem),
    "control webhook test": (
        lambda w, raw: w.json("POST", "/_ringback/webhooks/test", raw),
        problem,
    ),
    "control handset send": (
        lambda w, raw: w.json("POST", "/_ringback/handsets/447700900123/messages", raw),
        problem,
    ),
}


@pytest.mark.parametrize("deep", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
@pytest.mark.parametrize("name", ENDPOINTS)
def test_deeply_nested_json_is_refused_in_each_apis_style(
    world: World, name: str, deep: bytes
) -> None:
    call, refused = ENDPOINTS[name]
    response = call(world, deep)
    assert refused(response), response.text


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_lone_surrogate_in_any_string_is_refused(world: World, name: str) -> None:
    call, refused = ENDPOINTS[name]
    for raw in (b'{"name": "a\\ud800b"}', b'{"\\udfff": 1}', b'{"x": [{"y": "\\udc00"}]}'):
        response = call(world, raw)
        assert refused(response), response.text


def test_the_surrogate_is_named_by_its_path(world: World) -> None:
    raw = b'{"name": "ok", "capabilities": {"voice": {"webhooks": ["\\ud800"]}}, "\\udfff": 1}'
    body = problem(world.json("POST", "/v2/applications", raw, auth=world.auth))
    assert body["invalid_parameters"] == [
        {"name": "capabilities.voice.webhooks[0]", "reason": REASON},
        {"name": "?", "reason": REASON},
    ]
    control = problem(world.json("POST", "/_ringback/accounts", b'{"name": "\\ud800"}'))
    assert control["invalid_parameters"] == [{"name": "name", "reason": REASON}]


def test_a_surrogate_pair_is_text_not_a_refusal(world: World) -> None:
    raw = b'{"to": "447700900124", "text": "party \\ud83c\\udf89"}'
    sent = world.json("POST", "/_ringback/handsets/447700900123/messages", raw)
    assert sent.status_code == 201, sent.text
    assert sent.json()["sent"]["text"] == "party \U0001f389"


def test_nothing_is_saved_from_a_refused_body(world: World) -> None:
    raw = json.dumps({"moCallBackUrl": "http://ok.example/in"}).encode()[:-1] + (
        b', "drCallBackUrl": "http://x/\\ud800"}'
    )
    error_code(world.json("POST", "/account/settings", raw, auth=world.auth), 400)
    kept = world.ringback.control("GET", f"/accounts/{world.account.api_key}").json()
    assert kept["mo_callback_url"] == kept["dr_callback_url"] == ""


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_malformed_callback_url_is_refused_everywhere(world: World, url: str) -> None:
    key, secret = world.auth
    sms = world.send(
        "POST",
        "/sms/json",
        data={"api_key": key, "api_secret": secret, "from": "Acme", "to": "447700900900"}
        | {"text": "hi", "callback": url},
    )
    assert sms_status(sms) == "23"
    for name in ("moCallBackUrl", "drCallBackUrl"):
        settings = world.send("POST", "/account/settings", data={name: url}, auth=world.auth)
        assert "URL" in error_code(settings, 400)["error-code-label"]
    app = world.send(
        "POST",
        "/v2/applications",
        json={
            "name": "bad url",
            "capabilities": {"messages": {"webhooks": {"inbound_url": {"address": url}}}},
        },
        auth=world.auth,
    )
    names = [p["name"] for p in problem(app)["invalid_parameters"]]
    assert names == ["capabilities.messages.webhooks.inbound_url.address"]
    insight = world.send(
        "GET",
        "/ni/advanced/async/json",
        params={"number": "447700900900", "callback": url},
        auth=world.auth,
    )
    assert ni_status(insight) == 3
    assert "callback" in insight.json()["error_text"]
    assert problem(world.ringback.control("POST", "/webhooks/test", json={"url": url}))
    for name in ("mo_callback_url", "dr_callback_url"):
        patch = world.ringback.control("PATCH", f"/accounts/{key}", json={name: url})
        assert problem(patch)["invalid_parameters"][0]["name"] == name
    kept = world.ringback.control("GET", f"/accounts/{key}").json()
    assert kept["mo_callback_url"] == kept["dr_callback_url"] == ""


@pytest.fixture(scope="module")
def owned(ringback: InProcessRingback) -> tuple[tuple[str, str], str]:
    key, secret = ringback.new_account()
    found = ringback.http.get(
        "/number/search", params={"country": "GB", "type": "mobile-lvn"}, auth=(key, secret)
    ).json()["numbers"][0]["msisdn"]
    bought = ringback.http.post(
        "/number/buy", data={"country": "GB", "msisdn": found}, auth=(key, secret)
    )
    assert bought.status_code == 200
    return (key, secret), found


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_malformed_url_on_a_number_is_refused(
    ringback: InProcessRingback, owned: tuple[tuple[str, str], str], url: str
) -> None:
    auth, msisdn = owned
    for name in ("moHttpUrl", "voiceStatusCallback"):
        response = ringback.http.post(
            "/number/update",
            data={"country": "GB", "msisdn": msisdn, name: url},
            auth=auth,
        )
        assert error_code(response, 420)["error-code-label"] == (
            f"Invalid value for parameter: {name}"
        )
