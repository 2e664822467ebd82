"""Hostile input on the Pricing API: pricing.yml's status and body every time, never a 500."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from ringback.testing.asgi import AppAccount, InProcessRingback

AUTH_FAILED = {"currency": "EUR", "code": "401", "error-code-label": "authentication failed"}


def basic(api_key: str, api_secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def bad_request(parameter: str, message: str) -> dict[str, object]:
    return {
        "type": "BAD_REQUEST",
        "error_title": "Bad Request",
        "invalid_parameters": {"parameter": parameter, "message": message},
    }


def get(server: InProcessRingback, path: str, **kwargs: object) -> httpx.Response:
    return server.http.get(path, **kwargs)  # type: ignore[arg-type]


COUNTRY = "/account/get-pricing/outbound/sms"
PREFIX = "/account/get-prefix-pricing/outbound/sms"
TYPES = "Must be one of: sms, sms-transit, voice"


@pytest.mark.parametrize(
    ("path", "params", "parameter", "message"),
    [
        ("/account/get-pricing/outbound/mms", {"country": "GB"}, "type", TYPES),
        ("/account/get-full-pricing/outbound/SMS", {}, "type", TYPES),
        ("/account/get-prefix-pricing/outbound/video", {"prefix": "44"}, "type", TYPES),
        (COUNTRY, {}, "country", "Is required"),
        (COUNTRY, {"country": ""}, "country", "Is required"),
        (COUNTRY, {"country": "ZZ"}, "country", "Is invalid"),
        (COUNTRY, {"country": "GBR"}, "country", "Is invalid"),
        (COUNTRY, {"country": "G\u00e9"}, "country", "Is invalid"),
        (PREFIX, {}, "prefix", "Is required"),
        (PREFIX, {"prefix": "4x"}, "prefix", "Is invalid"),
        (PREFIX, {"prefix": "+44"}, "prefix", "Is invalid"),
        (PREFIX, {"prefix": "\u0664\u0664"}, "prefix", "Is invalid"),  # Arabic-Indic digits
        (PREFIX, {"prefix": "4" * 500}, "prefix", "Is invalid"),
    ],
)
def test_bad_parameters(
    ringback: InProcessRingback,
    account: AppAccount,
    path: str,
    params: dict[str, str],
    parameter: str,
    message: str,
) -> None:
    response = get(
        ringback, path, params=params, headers=basic(account.api_key, account.api_secret)
    )
    assert response.status_code == 400
    assert response.json() == bad_request(parameter, message)
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        {"headers": {"Authorization": "Basic " + base64.b64encode(b"nobody00:Wrong123").decode()}},
        {"headers": {"Authorization": "Basic !!!"}},
        {"headers": {"Authorization": b"Basic \xe9\xe9\xe9\xe9"}},  # was a 500
        {"headers": {"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."}},
        {"params": {"api_key": "nobody00"}},
    ],
)
def test_no_valid_credentials(ringback: InProcessRingback, credentials: dict[str, object]) -> None:
    params = {"country": "GB", **credentials.pop("params", {})}  # type: ignore[dict-item]
    response = get(ringback, "/account/get-pricing/outbound/sms", params=params, **credentials)
    assert response.status_code == 401
    assert response.json() == AUTH_FAILED
    assert response.headers["content-type"] == "application/json"


def test_a_wrong_secret_is_refused_before_a_bad_type(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    headers = basic(account.api_key, "Wrong1Secret")
    response = get(ringback, "/account/get-full-pricing/outbound/mms", headers=headers)
    assert (response.status_code, response.json()) == (401, AUTH_FAILED)


def test_query_parameters_authenticate_even_next_to_a_stale_header(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    params = {"api_key": account.api_key, "api_secret": account.api_secret, "country": "gb"}
    stale = {"Authorization": "Bearer stale.jwt.token"}
    response = get(ringback, "/account/get-pricing/outbound/sms", params=params, headers=stale)
    assert response.status_code == 200
    assert response.json()["countryCode"] == "GB"


def test_unknown_paths_and_methods_keep_the_pricing_shape(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    headers = basic(account.api_key, account.api_secret)
    missing = get(ringback, "/account/get-pricing/outbound", headers=headers)
    assert (missing.status_code, missing.json()) == (
        404,
        {"type": "NOT_FOUND", "error_title": "Not Found"},
    )
    posted = ringback.http.post("/account/get-full-pricing/outbound/sms", headers=headers)
    assert (posted.status_code, posted.json()) == (
        405,
        {"type": "METHOD_NOT_ALLOWED", "error_title": "Method Not Allowed"},
    )


@pytest.fixture(scope="module")
def rate_limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessRingback]:
    server = InProcessRingback(tmp_path_factory.mktemp("limited"), rate_limits=True)
    server.start()
    yield server
    server.stop()


def test_one_request_a_second_per_key(rate_limited: InProcessRingback) -> None:
    first_key, first_secret = rate_limited.new_account()
    headers = basic(first_key, first_secret)
    path = "/account/get-pricing/outbound/sms"
    # a cheap first request (no country matches), so the second surely comes within the second
    nowhere = get(
        rate_limited,
        "/account/get-prefix-pricing/outbound/sms",
        params={"prefix": "999"},
        headers=headers,
    )
    assert nowhere.json() == {"count": 0, "countries": []}
    limited = get(rate_limited, path, params={"country": "FR"}, headers=headers)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "1"
    assert limited.json() == {"type": "TOO_MANY_REQUESTS", "error_title": "Too Many Requests"}
    # the limit is per API key, and the three paths share it
    other = basic(*rate_limited.new_account())
    assert get(rate_limited, path, params={"country": "ZZ"}, headers=other).status_code == 400
    full = get(rate_limited, "/account/get-full-pricing/outbound/sms", headers=other)
    assert full.status_code == 429
