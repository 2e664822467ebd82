"""Hostile input on the Account API: always Vonage's status and body, never a 500."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from ringback.testing.asgi import AppAccount, InProcessRingback


def basic(api_key: str, api_secret: str) -> dict[str, str]:
    return {
        "Authorization": "Basic " + base64.b64encode(f"{api_key}:{api_secret}".encode()).decode()
    }


def get(ringback: InProcessRingback, path: str, **kwargs: object) -> httpx.Response:
    return ringback.http.get(path, **kwargs)  # type: ignore[arg-type]


AUTH_FAILED = {"error-code": "401", "error-code-label": "authentication failed"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic !!!notbase64"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
        {"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."},
        {"Authorization": "Digest abc"},
    ],
)
def test_balance_without_valid_credentials(
    ringback: InProcessRingback, headers: dict[str, str]
) -> None:
    response = get(ringback, "/account/get-balance", headers=headers)
    assert response.status_code == 401
    assert response.json() == AUTH_FAILED
    assert response.headers["content-type"] == "application/json"


def test_params_and_basic_both_work_and_a_stale_header_does_not_matter(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    params = {"api_key": account.api_key, "api_secret": account.api_secret}
    stale = {"Authorization": "Bearer stale.jwt.token"}
    assert get(ringback, "/account/get-balance", params=params, headers=stale).status_code == 200
    form = ringback.http.post(
        "/account/settings",
        content=f"api_key={account.api_key}&api_secret={account.api_secret}&moCallBackUrl=",
        headers={"Content-Type": "application/json", **stale},
    )
    assert form.status_code == 200
    assert (
        get(
            ringback, "/account/get-balance/", headers=basic(account.api_key, account.api_secret)
        ).status_code
        == 200
    )


def test_unknown_key_and_wrong_secret_look_the_same(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    unknown = get(ringback, "/account/get-balance", headers=basic("nobody00", "Whatever1"))
    wrong = get(ringback, "/account/get-balance", headers=basic(account.api_key, "Whatever1"))
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json() == AUTH_FAILED


def test_top_up_without_trx(ringback: InProcessRingback, account: AppAccount) -> None:
    ringback.control("PATCH", f"/accounts/{account.api_key}", json={"auto_reload": True})
    response = ringback.http.post(
        "/account/top-up", headers=basic(account.api_key, account.api_secret)
    )
    assert response.status_code == 400
    assert response.json()["error-code"] == "400"


@pytest.mark.parametrize(
    "body",
    [
        "moCallBackUrl=ftp://example.com/x",
        "drCallBackUrl=http://",
        "moCallBackUrl=" + "a" * 3000,
        '{"moCallBackUrl": {"nested": true}}',
        '{"drCallBackUrl": ["x"]}',
        '{"broken json',
    ],
)
def test_settings_refuse_bad_urls_and_types(
    ringback: InProcessRingback, account: AppAccount, body: str
) -> None:
    response = ringback.http.post(
        "/account/settings",
        content=body,
        headers={
            **basic(account.api_key, account.api_secret),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status_code == 400
    assert response.json()["error-code"] == "400"
    unchanged = ringback.http.post("/account/settings", auth=account.auth).json()
    assert unchanged["mo-callback-url"] == unchanged["dr-callback-url"] == ""


def test_huge_bodies_are_refused(ringback: InProcessRingback, account: AppAccount) -> None:
    response = ringback.http.post(
        "/account/settings",
        content=b"moCallBackUrl=" + b"x" * (3 * 1024 * 1024),
        headers=basic(account.api_key, account.api_secret),
    )
    assert response.status_code == 413
    assert response.json()["error-code"] == "413"


def secrets_url(api_key: str, suffix: str = "") -> str:
    return f"/accounts/{api_key}/secrets{suffix}"


def list_secrets(ringback: InProcessRingback, api_key: str, api_secret: str) -> list[Any]:
    listed = ringback.https.get(secrets_url(api_key), auth=(api_key, api_secret))
    assert listed.status_code == 200, listed.text
    secrets: list[Any] = listed.json()["_embedded"]["secrets"]
    return secrets


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is required"),
        (b"{}", "is required"),
        (b'{"secret": 12345678}', "must be a string"),
        (b'{"secret": "short1A"}', "must be between 8 and 25 characters long"),
        (b'{"secret": "alllowercase1"}', "must contain at least one uppercase letter"),
        (b'{"secret": "ALLUPPERCASE1"}', "must contain at least one lowercase letter"),
        (b'{"secret": "NoDigitsHere"}', "must contain at least one digit"),
        (b'{"secret": "' + b"Aa1" * 10 + b'"}', "must be between 8 and 25 characters long"),
    ],
)
def test_create_secret_validation(
    ringback: InProcessRingback, account: AppAccount, content: bytes, reason: str
) -> None:
    response = ringback.https.post(
        secrets_url(account.api_key),
        content=content,
        headers={**basic(account.api_key, account.api_secret), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    body = response.json()
    assert (
        body["type"]
        == "https://developer.nexmo.com/api-errors/account/secret-management#validation"
    )
    assert {"name": "secret", "reason": reason} in body["invalid_parameters"]
    assert len(body["instance"]) == 32


def test_malformed_json_on_secrets(ringback: InProcessRingback, account: AppAccount) -> None:
    response = ringback.https.post(
        secrets_url(account.api_key),
        content=b'{"secret": ',
        headers={**basic(account.api_key, account.api_secret), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["title"] == "Bad Request"


def test_another_accounts_secrets_are_invisible(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    other_key, other_secret = ringback.new_account()
    other_secret_id = list_secrets(ringback, other_key, other_secret)[0]["id"]
    mine = basic(account.api_key, account.api_secret)
    listed = ringback.https.get(secrets_url(other_key), headers=mine)
    assert listed.status_code == 404
    assert listed.json()["title"] == "Invalid API Key"
    unknown = ringback.https.get(secrets_url("nobody00"), headers=mine)
    assert unknown.json()["detail"].replace("nobody00", other_key) == listed.json()["detail"]
    for method in ("GET", "DELETE"):
        response = ringback.https.request(
            method, secrets_url(account.api_key, f"/{other_secret_id}"), headers=mine
        )
        assert response.status_code == 404
        assert response.json()["title"] == "Invalid ID"
    assert len(list_secrets(ringback, other_key, other_secret)) == 1


def test_secrets_take_basic_auth_only(ringback: InProcessRingback, account: AppAccount) -> None:
    response = ringback.https.get(
        secrets_url(account.api_key),
        params={"api_key": account.api_key, "api_secret": account.api_secret},
    )
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "https://developer.nexmo.com/api-errors#unauthorized"
    assert body["title"] == "Unauthorized"


def test_wrong_method_and_unknown_paths(ringback: InProcessRingback, account: AppAccount) -> None:
    put = ringback.https.put(secrets_url(account.api_key))
    assert put.status_code == 405
    assert put.json()["title"] == "Method Not Allowed"
    post_balance = ringback.http.post("/account/get-balance")
    assert post_balance.status_code == 405
    assert post_balance.json()["error-code"] == "405"
    nowhere = ringback.http.get("/no/such/path")
    assert nowhere.status_code == 404
    assert nowhere.json()["title"] == "Not Found"
