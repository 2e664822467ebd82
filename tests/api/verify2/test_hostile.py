"""A hostile client and a careless one against Verify v2 (/v2/verify and its templates): every
field of every wrong JSON type, NaN where a number goes, odd ids, another account's request and
template, forged credentials. Each answer is verify.v2.yml's status and error body (never a
500), and a refused start sends no code."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import jwt
import pytest
from tests.api.verify2.conftest import Verify

from ringback.testing.asgi import InProcessRingback
from ringback.testing.receiver import WebhookReceiver

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


def error(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "detail", "instance"} <= set(body), body
    return body


def raw(verify: Verify, method: str, path: str, content: bytes) -> httpx.Response:
    headers = {**verify.headers(), "Content-Type": "application/json"}
    return verify.http.request(method, path, content=content, headers=headers)


def other_account(ringback: InProcessRingback, verify: Verify) -> Verify:
    key, secret = ringback.new_account()
    made = verify.http.post(
        "/v2/applications",
        auth=(key, secret),
        json={"name": "other", "capabilities": {"verify": {"webhooks": {}}}},
    ).json()
    return Verify(
        ringback,
        verify.account,
        verify.http,
        made["id"],
        made["keys"]["private_key"],
        verify.receiver,
    )


FIELDS = ["brand", "workflow", "code_length", "channel_timeout", "locale", "client_ref", "code",
          "fraud_check", "template_id"]  # fmt: skip


@pytest.mark.parametrize("field", FIELDS)
def test_every_field_of_every_wrong_type_is_a_422(verify: Verify, field: str) -> None:
    to = f"4477009{abs(hash(field)) % 100000:05d}"
    good = {"brand": "Acme", "workflow": [{"channel": "sms", "to": to}]}
    for value in WRONG_TYPES:
        if field == "fraud_check" and isinstance(value, bool):
            continue
        error(verify.post("/v2/verify", {**good, field: value}), 400, 409, 422)
    surrogate = json.dumps({**good, field: "a\ud800b"}).encode()
    error(raw(verify, "POST", "/v2/verify", surrogate), 400, 422)
    for number in (b"NaN", b"Infinity", b"-Infinity", b"1e400"):
        content = json.dumps(good).encode()[:-1] + b', "%s": %s}' % (field.encode(), number)
        error(raw(verify, "POST", "/v2/verify", content), 400, 422)
    verify.advance(5)
    assert verify.latest(to).status_code == 404  # no code was sent


BAD_STEP_VALUES: dict[str, list[Any]] = {
    "channel": [*WRONG_TYPES, None, "pigeon"],
    "to": [*WRONG_TYPES, None, "12"],
    "from": WRONG_TYPES,  # null: no sender
    "app_hash": [*WRONG_TYPES, "x" * 10, "x" * 12],
    "redirect_url": [*WRONG_TYPES, "no-scheme.example/done", "http://[::1", "https://a/\x00"],
}


@pytest.mark.parametrize("key", BAD_STEP_VALUES)
def test_every_workflow_field_of_every_wrong_type_is_a_422(verify: Verify, key: str) -> None:
    channel = "silent_auth" if key == "redirect_url" else "sms"
    for value in BAD_STEP_VALUES[key]:
        step = {"channel": channel, "to": "447700900771", key: value}
        error(verify.post("/v2/verify", {"brand": "Acme", "workflow": [step]}), 400, 422)
    for workflow in [None, [], [None], [1], [[]], ["sms"], [{}], [{"channel": "sms"}] * 4]:
        error(verify.post("/v2/verify", {"brand": "Acme", "workflow": workflow}), 400, 422)
    verify.advance(5)
    assert verify.latest("447700900771").status_code == 404


@pytest.mark.parametrize(
    "content",
    [b"", b"null", b"[]", b"1", b'"x"', b"{", b"\xff\xfe", b"{}"],
    ids=["empty", "null", "array", "number", "string", "cut", "not utf-8", "empty object"],
)
def test_bodies_that_are_not_a_request(verify: Verify, content: bytes) -> None:
    error(raw(verify, "POST", "/v2/verify", content), 400, 415, 422)
    error(raw(verify, "POST", "/v2/verify/templates", content), 400, 415, 422)
    error(raw(verify, "POST", f"/v2/verify/{ODD_IDS[-1]}", content), 400, 404, 415, 422)


@pytest.mark.parametrize("odd", ODD_IDS)
def test_odd_ids_are_404(verify: Verify, odd: str) -> None:
    error(verify.check(odd, "1234"), 404)
    error(verify.delete(f"/v2/verify/{odd}"), 404)
    error(verify.post(f"/v2/verify/{odd}/next_workflow"), 404)
    error(verify.http.get(f"/v2/verify/templates/{odd}", headers=verify.headers()), 404)
    error(verify.delete(f"/v2/verify/templates/{odd}"), 404)
    frags = f"/v2/verify/templates/{odd}/template_fragments"
    error(verify.http.get(frags, headers=verify.headers()), 404)
    error(verify.post(frags, {"channel": "sms", "locale": "en-us", "text": "${code}"}), 404, 422)


def test_a_check_with_a_code_of_the_wrong_type_is_refused_and_counts_nothing(
    verify: Verify,
) -> None:
    started = verify.start(workflow=[{"channel": "sms", "to": "447700900772"}])
    request_id = started.json()["request_id"]
    verify.advance(1.5)
    code = verify.latest("447700900772").json()["code"]
    for value in [*WRONG_TYPES, None]:
        error(verify.post(f"/v2/verify/{request_id}", {"code": value}), 400, 422)
    assert verify.check(request_id, code).status_code == 200  # no attempt was used up


def test_another_accounts_request_and_template_are_404_and_stay_as_they_were(
    ringback: InProcessRingback, verify: Verify
) -> None:
    started = verify.start(workflow=[{"channel": "sms", "to": "447700900773"}])
    request_id = started.json()["request_id"]
    template_id = verify.post("/v2/verify/templates", {"name": "mine"}).json()["template_id"]
    verify.advance(1.5)
    code = verify.latest("447700900773").json()["code"]
    other = other_account(ringback, verify)
    error(other.check(request_id, code), 404)
    error(other.delete(f"/v2/verify/{request_id}"), 404)
    error(other.post(f"/v2/verify/{request_id}/next_workflow"), 404)
    one = f"/v2/verify/templates/{template_id}"
    error(other.http.get(one, headers=other.headers()), 404)
    error(other.http.patch(one, headers=other.headers(), json={"name": "theirs"}), 404)
    error(other.delete(one), 404)
    error(other.post(one + "/template_fragments", {"channel": "sms", "locale": "en-us",
                                                   "text": "${code}"}), 404)  # fmt: skip
    listed = other.http.get("/v2/verify/templates", headers=other.headers()).json()
    assert listed.get("total_items", 0) == 0
    mine = verify.http.get(one, headers=verify.headers()).json()
    assert mine["name"] == "mine"
    assert verify.check(request_id, code).status_code == 200


@pytest.mark.parametrize("field", ["name", "is_default"])
def test_template_fields_of_every_wrong_type(verify: Verify, field: str) -> None:
    made = verify.post("/v2/verify/templates", {"name": f"t-{field}"}).json()["template_id"]
    for value in WRONG_TYPES:
        if field == "is_default" and isinstance(value, bool):
            continue
        if field == "name":  # a new template has a name only (is_default is set by PATCH)
            error(verify.post("/v2/verify/templates", {field: value}), 400, 409, 422)
        patched = verify.http.patch(
            f"/v2/verify/templates/{made}", headers=verify.headers(), json={field: value}
        )
        error(patched, 400, 409, 422)
    kept = verify.http.get(f"/v2/verify/templates/{made}", headers=verify.headers()).json()
    assert (kept["name"], kept["is_default"]) == (f"t-{field}", False)


@pytest.mark.parametrize("field", ["channel", "locale", "text"])
def test_fragment_fields_of_every_wrong_type(verify: Verify, field: str) -> None:
    made = verify.post("/v2/verify/templates", {"name": f"f-{field}"}).json()["template_id"]
    frags = f"/v2/verify/templates/{made}/template_fragments"
    good = {"channel": "sms", "locale": "en-us", "text": "code ${code}"}
    for value in [*WRONG_TYPES, None]:
        error(verify.post(frags, {**good, field: value}), 400, 409, 422)
    listed = verify.http.get(frags, headers=verify.headers()).json()
    assert listed.get("total_items", 0) == 0


@pytest.mark.parametrize(
    "query", ["page=-1", "page=x", "page_size=0", "page_size=100000", "page=1e3", "page=%00"]
)
def test_bad_paging_is_refused(verify: Verify, query: str) -> None:
    error(verify.http.get(f"/v2/verify/templates?{query}", headers=verify.headers()), 400, 422)


def test_forged_expired_and_misplaced_credentials_are_401(
    verify: Verify, receiver: WebhookReceiver
) -> None:
    now = int(time.time())
    other = verify.http.post(
        "/v2/applications", auth=verify.account.auth, json={"name": "k", "capabilities": {}}
    ).json()["keys"]["private_key"]
    claims = {"application_id": verify.application_id, "iat": now, "exp": now + 900, "jti": "j"}
    tokens = [
        jwt.encode(claims, other, algorithm="RS256"),  # signed with another application's key
        jwt.encode(
            {**claims, "iat": now - 5000, "exp": now - 4000}, verify.private_key, algorithm="RS256"
        ),
        jwt.encode(claims, None, algorithm="none"),
        "not.a.jwt",
    ]
    body = {"brand": "Acme", "workflow": [{"channel": "sms", "to": "447700900774"}]}
    for token in tokens:
        headers = {"Authorization": f"Bearer {token}"}
        error(verify.http.post("/v2/verify", headers=headers, json=body), 401)
        error(verify.http.get("/v2/verify/templates", headers=headers), 401)
    for auth in ((verify.account.api_key, "wrong"), ("", ""), ("x" * 5000, "y")):
        error(verify.http.post("/v2/verify", auth=auth, json=body), 401)
    verify.advance(5)
    assert verify.latest("447700900774").status_code == 404
