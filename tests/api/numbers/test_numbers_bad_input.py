"""Hostile input on the Numbers API: always a Vonage-shaped 4xx, exact status and body, never
a 500. (The file name is unique because `numbers` would shadow the standard library module
if this folder were a package.)"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ringback.testing.asgi import AppAccount, InProcessRingback

AUTH_FAILED = {"error-code": "401", "error-code-label": "authentication failed"}
METHOD_FAILED = {"error-code": "420", "error-code-label": "method failed"}


def invalid(name: str) -> dict[str, str]:
    return {"error-code": "420", "error-code-label": f"Invalid value for parameter: {name}"}


def missing(name: str) -> dict[str, str]:
    label = f"Your request is incomplete and missing the mandatory parameter: {name}"
    return {"error-code": "420", "error-code-label": label}


class Numbers:
    """Requests as one account."""

    def __init__(self, ringback: InProcessRingback, api_key: str, api_secret: str) -> None:
        self.http = ringback.http
        self.auth = (api_key, api_secret)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, auth=self.auth, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(path, auth=self.auth, **kwargs)

    def buy_one(self) -> str:
        search = self.get("/number/search", params={"country": "GB", "type": "mobile-lvn"})
        msisdn: str = search.json()["numbers"][0]["msisdn"]
        assert self.post("/number/buy", data={"country": "GB", "msisdn": msisdn}).status_code == 200
        return msisdn


@pytest.fixture
def http(ringback: InProcessRingback, account: AppAccount) -> Numbers:
    return Numbers(ringback, account.api_key, account.api_secret)


@pytest.fixture(scope="module")
def owner(ringback: InProcessRingback) -> tuple[Numbers, str]:
    """One account and the GB mobile number it owns, shared by tests that change nothing."""
    numbers = Numbers(ringback, *ringback.new_account())
    return numbers, numbers.buy_one()


def assert_refused(response: httpx.Response, body: dict[str, str], status: int = 420) -> None:
    assert (response.status_code, response.json()) == (status, body)
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/number/search?country=GB"),
        ("POST", "/number/buy"),
        ("POST", "/number/cancel"),
        ("POST", "/number/update"),
        ("GET", "/account/numbers"),
    ],
)
def test_every_path_wants_credentials(ringback: InProcessRingback, method: str, path: str) -> None:
    assert_refused(ringback.http.request(method, path), AUTH_FAILED, 401)
    wrong = ringback.http.request(method, path, auth=("abcd1234", "Nope1234"))
    assert_refused(wrong, AUTH_FAILED, 401)


def test_key_and_secret_as_parameters(ringback: InProcessRingback, account: AppAccount) -> None:
    keys = {"api_key": account.api_key, "api_secret": account.api_secret}
    response = ringback.http.get("/number/search", params={**keys, "country": "gb"})
    assert response.status_code == 200
    assert response.json()["numbers"][0]["country"] == "GB"


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({}, missing("country")),
        ({"country": ""}, missing("country")),
        ({"country": "GBR"}, invalid("country")),
        ({"country": "G1"}, invalid("country")),
        ({"country": "ZZ"}, invalid("country")),
        ({"country": "GB", "type": "mobile"}, invalid("type")),
        ({"country": "GB", "features": "FAX"}, invalid("features")),
        ({"country": "GB", "features": "SMS,,VOICE"}, invalid("features")),
        ({"country": "GB", "pattern": "44a"}, invalid("pattern")),
        ({"country": "GB", "pattern": "1" * 41}, invalid("pattern")),
        ({"country": "GB", "pattern": "44", "search_pattern": "3"}, invalid("search_pattern")),
        ({"country": "GB", "search_pattern": "-1"}, invalid("search_pattern")),
        ({"country": "GB", "size": "0"}, invalid("size")),
        ({"country": "GB", "size": "101"}, invalid("size")),
        ({"country": "GB", "size": "1000"}, invalid("size")),
        ({"country": "GB", "size": "abc"}, invalid("size")),
        ({"country": "GB", "size": "1e2"}, invalid("size")),
        ({"country": "GB", "size": " 5"}, invalid("size")),
        ({"country": "GB", "index": "0"}, invalid("index")),
        ({"country": "GB", "index": "-1"}, invalid("index")),
        ({"country": "GB", "index": "9" * 400}, invalid("index")),
        ({"country": "GB", "index": str(2**31)}, invalid("index")),
    ],
)
def test_search_refuses_bad_parameters(
    owner: tuple[Numbers, str], params: dict[str, str], body: dict[str, str]
) -> None:
    http = owner[0]
    assert_refused(http.get("/number/search", params=params), body)


def test_search_far_past_the_end_is_an_empty_page(owner: tuple[Numbers, str]) -> None:
    http = owner[0]
    response = http.get("/number/search", params={"country": "GB", "index": str(2**31 - 1)})
    assert response.status_code == 200
    assert response.json()["numbers"] == [] and response.json()["count"] > 0


def test_search_tolerates_case_and_empty_filters(owner: tuple[Numbers, str]) -> None:
    http = owner[0]
    params = {"country": "us", "features": "sms,mms", "type": "", "pattern": "", "size": "3"}
    body = http.get("/number/search", params=params).json()
    assert len(body["numbers"]) == 3 and all("MMS" in n["features"] for n in body["numbers"])


@pytest.mark.parametrize(
    ("form", "body"),
    [
        ({}, missing("country")),
        ({"msisdn": "447400123456"}, missing("country")),
        ({"country": "GB"}, missing("msisdn")),
        ({"country": "GB", "msisdn": ""}, missing("msisdn")),
        ({"country": "GB", "msisdn": "abc"}, invalid("msisdn")),
        ({"country": "GB", "msisdn": "0447400123456"}, invalid("msisdn")),
        ({"country": "GB", "msisdn": "4" * 16}, invalid("msisdn")),
        ({"country": "GB", "msisdn": "4" * 5000}, invalid("msisdn")),
        ({"country": "ZZ", "msisdn": "447400123456"}, invalid("country")),
        ({"country": "FR", "msisdn": "447400123456"}, METHOD_FAILED),
        ({"country": "GB", "msisdn": "449091234567"}, METHOD_FAILED),  # premium rate
        ({"country": "GB", "msisdn": "1234567"}, METHOD_FAILED),
    ],
)
def test_buy_refuses(
    owner: tuple[Numbers, str], form: dict[str, str], body: dict[str, str]
) -> None:
    http = owner[0]
    assert_refused(http.post("/number/buy", data=form), body)


def test_json_bodies_with_wrong_types(owner: tuple[Numbers, str]) -> None:
    http = owner[0]
    for payload, body in [
        ({"country": {"a": 1}, "msisdn": "447400123456"}, invalid("country")),
        ({"country": "GB", "msisdn": ["447400123456"]}, invalid("msisdn")),
        ({"country": "GB", "msisdn": 447400123456.5}, invalid("msisdn")),
        ({"country": "GB", "msisdn": True}, invalid("msisdn")),
    ]:
        response = http.post(
            "/number/buy",
            content=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        assert_refused(response, body)
    broken = http.post("/number/buy", content=b"{not json", headers={"Content-Type": "text/x"})
    assert broken.status_code == 400  # the shared body reader refuses it before Numbers does
    assert broken.json()["error-code"] == "400"


def test_cancel_refuses(owner: tuple[Numbers, str]) -> None:
    http, bought = owner
    assert_refused(http.post("/number/cancel", data={"country": "GB"}), missing("msisdn"))
    unknown = {"country": "GB", "msisdn": "447400123456"}
    assert_refused(http.post("/number/cancel", data=unknown), METHOD_FAILED)
    wrong_country = {"country": "IE", "msisdn": bought}
    assert_refused(http.post("/number/cancel", data=wrong_country), METHOD_FAILED)
    assert http.get("/account/numbers").json()["count"] == 1


@pytest.mark.parametrize(
    ("fields", "body"),
    [
        ({"moHttpUrl": "not a url"}, invalid("moHttpUrl")),
        ({"moHttpUrl": "javascript:alert(1)"}, invalid("moHttpUrl")),
        ({"moHttpUrl": "http://"}, invalid("moHttpUrl")),
        ({"moHttpUrl": "https://example.com/" + "a" * 3000}, invalid("moHttpUrl")),
        ({"voiceStatusCallback": "ftp://example.com"}, invalid("voiceStatusCallback")),
        ({"voiceCallbackType": "tel"}, invalid("voiceCallbackValue")),
        ({"voiceCallbackValue": "447700900901"}, invalid("voiceCallbackType")),
        (
            {"voiceCallbackType": "pstn", "voiceCallbackValue": "447700900901"},
            invalid("voiceCallbackType"),
        ),
        (
            {"voiceCallbackType": "tel", "voiceCallbackValue": "call me"},
            invalid("voiceCallbackValue"),
        ),
        (
            {"voiceCallbackType": "sip", "voiceCallbackValue": "http://x.test"},
            invalid("voiceCallbackValue"),
        ),
        (
            {
                "voiceCallbackType": "app",
                "voiceCallbackValue": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
            },
            invalid("voiceCallbackValue"),
        ),
        ({"app_id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}, invalid("app_id")),
        ({"app_id": "x" * 101}, invalid("app_id")),
        ({"messagesCallbackType": "app"}, invalid("messagesCallbackValue")),
        (
            {"messagesCallbackType": "sms", "messagesCallbackValue": "x"},
            invalid("messagesCallbackType"),
        ),
        (
            {"messagesCallbackType": "app", "messagesCallbackValue": "not-an-app"},
            invalid("messagesCallbackValue"),
        ),
        ({"country": "IE"}, METHOD_FAILED),
        ({"msisdn": "447400123456"}, METHOD_FAILED),
        ({"msisdn": "nope"}, invalid("msisdn")),
    ],
)
def test_update_refuses(
    owner: tuple[Numbers, str], fields: dict[str, str], body: dict[str, str]
) -> None:
    http, bought = owner
    form = {"country": "GB", "msisdn": bought, **fields}
    assert_refused(http.post("/number/update", data=form), body)
    (number,) = http.get("/account/numbers").json()["numbers"]
    assert set(number) == {"country", "msisdn", "type", "features"}  # nothing half-applied


def test_update_with_the_deprecated_fields(http: Numbers) -> None:
    bought = http.buy_one()
    form = {"country": "GB", "msisdn": bought, "voiceCallbackType": "tel"}
    form["voiceCallbackValue"] = "+447700900901"
    assert http.post("/number/update", data=form).json() == {
        "error-code": "200",
        "error-code-label": "success",
    }
    (number,) = http.get("/account/numbers").json()["numbers"]
    assert (number["voiceCallbackType"], number["voiceCallbackValue"]) == ("tel", "447700900901")
    clear = {"country": "GB", "msisdn": bought, "messagesCallbackType": ""}
    clear["messagesCallbackValue"] = ""
    assert http.post("/number/update", data=clear).status_code == 200


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({"has_application": "yes"}, invalid("has_application")),
        ({"country": "GBR"}, invalid("country")),
        ({"pattern": "44*"}, invalid("pattern")),
        ({"search_pattern": "9"}, invalid("search_pattern")),
        ({"size": "0"}, invalid("size")),
        ({"size": "101"}, invalid("size")),
        ({"index": "-1"}, invalid("index")),
        ({"application_id": "a" * 101}, invalid("application_id")),
    ],
)
def test_owned_list_refuses(
    owner: tuple[Numbers, str], params: dict[str, str], body: dict[str, str]
) -> None:
    http = owner[0]
    assert_refused(http.get("/account/numbers", params=params), body)


def test_owned_list_filters_that_match_nothing(owner: tuple[Numbers, str]) -> None:
    http, _ = owner
    for params in ({"country": "ZZ"}, {"has_application": "True"}, {"application_id": "x"}):
        assert http.get("/account/numbers", params=params).json() == {"count": 0}
    assert http.get("/account/numbers", params={"has_application": "False"}).json()["count"] == 1


def test_wrong_methods_and_paths(owner: tuple[Numbers, str]) -> None:
    http = owner[0]
    assert_refused(
        http.get("/number/buy"),
        {"error-code": "405", "error-code-label": "Request method not allowed"},
        405,
    )
    assert_refused(
        http.get("/number/nothing"),
        {"error-code": "404", "error-code-label": "The requested resource does not exist"},
        404,
    )


TEXT = st.characters(blacklist_categories=("Cs",))  # no lone surrogates: not encodable
QUERY_TEXT = st.one_of(
    st.none(), st.text(TEXT, max_size=30), st.integers(-(10**20), 10**20).map(str)
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    country=st.one_of(
        st.none(), st.sampled_from(["GB", "US", "de", "ZZ", ""]), st.text(TEXT, max_size=4)
    ),
    size=QUERY_TEXT,
    index=QUERY_TEXT,
    pattern=QUERY_TEXT,
    search_pattern=QUERY_TEXT,
    kind=st.one_of(st.none(), st.sampled_from(["landline", "mobile-lvn", "x"])),
    features=QUERY_TEXT,
)
def test_no_search_is_a_server_error(owner: tuple[Numbers, str], **fields: Any) -> None:
    http = owner[0]
    params = {k: v for k, v in fields.items() if v is not None and k != "kind"}
    if fields["kind"] is not None:
        params["type"] = fields["kind"]
    response = http.get("/number/search", params=params)
    assert response.status_code in (200, 420), response.text
    body = response.json()
    if response.status_code == 200:
        assert isinstance(body["count"], int)
        assert ("numbers" in body) == (body["count"] > 0)
    else:
        assert body["error-code"] == "420" and body["error-code-label"]
