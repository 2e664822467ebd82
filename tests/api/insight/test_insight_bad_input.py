"""Hostile input on Number Insight: always HTTP 200 with the API's own `status` body (the
router's 404/405 aside), exact text, JSON or XML as the path asks, never a 500 or a 401."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ringback.testing.asgi import AppAccount, InProcessRingback

BAD_CREDENTIALS = {"status": 4, "status_message": "Invalid credentials"}
LEVELS = ("basic", "standard", "advanced")
GB_MOBILE = "447500123456"
CALLBACK = "https://example.com/insight"
LONG_URL = "https://example.com/" + "a" * 2000


def invalid(text: str) -> dict[str, Any]:
    return {"status": 3, "status_message": f"Invalid request :: {text}"}


def as_async(body: dict[str, Any]) -> dict[str, Any]:
    return {"status": body["status"], "error_text": body["status_message"]}


def basic_header(api_key: str, api_secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class Insight:
    def __init__(self, ringback: InProcessRingback, api_key: str, api_secret: str) -> None:
        self.ringback = ringback
        self.auth = (api_key, api_secret)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", self.auth)
        return self.ringback.http.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", self.auth)
        return self.ringback.http.post(path, **kwargs)


@pytest.fixture
def http(ringback: InProcessRingback, account: AppAccount) -> Insight:
    return Insight(ringback, account.api_key, account.api_secret)


def balance(http: Insight) -> float:
    value: float = http.get("/account/get-balance").json()["value"]
    return value


def assert_body(response: httpx.Response, body: dict[str, Any], status: int = 200) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == body


@pytest.mark.parametrize("level", LEVELS)
def test_number_is_required(http: Insight, level: str) -> None:
    missing = invalid("Missing mandatory parameter [ number ]")
    assert_body(http.get(f"/ni/{level}/json"), missing)
    assert_body(http.get(f"/ni/{level}/json", params={"number": "  "}), missing)
    assert_body(http.post(f"/ni/{level}/json", data={"country": "GB"}), missing)


@pytest.mark.parametrize(
    ("number", "echo"),
    [
        ("abc", "abc"),
        ("44 7500 123456; DROP", "44 7500 123456; DROP"),
        ("1", "1"),
        ("+", "+"),
        ("0044", "0044"),
        ("07500123456", "07500123456"),  # national, but no country to read it in
        ("999123456789", "999123456789"),
        ("4" * 40, "4" * 32 + "..."),
        ("4" * 5000, "4" * 32 + "..."),
        ("\u0664\u0664\u0667", "\u0664\u0664\u0667"),  # Arabic-Indic digits
    ],
)
def test_what_is_no_number_is_refused(http: Insight, number: str, echo: str) -> None:
    body = invalid(f"Not valid number format detected [ {echo} ]")
    assert_body(http.get("/ni/standard/json", params={"number": number}), body)


@pytest.mark.parametrize(
    ("country", "text"),
    [
        ("GBR", "Not valid country code detected [ GBR ]"),
        ("ZZ", "Not valid country code detected [ ZZ ]"),
        ("1", "Not valid country code detected [ 1 ]"),
        ("FR", "Country does not match the number [ FR ]"),
    ],
)
def test_a_bad_country_is_refused(http: Insight, country: str, text: str) -> None:
    params = {"number": "+447500123456", "country": country}
    assert_body(http.get("/ni/basic/json", params=params), invalid(text))


# libphonenumber: TOO_SHORT, TOO_LONG, INVALID_LENGTH, or a local number without its area code
IMPOSSIBLE_LENGTHS = [
    ("4475001234", None),  # a UK mobile two digits short: only a local number's length
    ("4475001234567", None),  # one digit long
    ("+1 202 555 012", None),  # NANP needs ten digits
    ("145645562", None),  # the SDK fixture's number
    ("4420794601", None),  # a London number without its area code
    ("075001234567", "GB"),  # national, one digit long
    ("202555012", "US"),
]


@pytest.mark.parametrize(("number", "country"), IMPOSSIBLE_LENGTHS)
def test_a_number_of_impossible_length_is_status_3(
    http: Insight, number: str, country: str | None
) -> None:
    params = {"number": number, **({"country": country} if country else {})}
    text = f"Not valid number format detected [ {number} ]"
    for level in LEVELS:
        assert_body(http.get(f"/ni/{level}/json", params=params), invalid(text))
        xml = http.post(f"/ni/{level}/xml", data=params)
        assert xml.status_code == 200
        assert xml.text.endswith(
            f'<lookup><error code="3">Invalid request :: {text}</error></lookup>'
        )
    answer = http.get("/ni/advanced/async/json", params={**params, "callback": CALLBACK})
    assert_body(answer, as_async(invalid(text)))
    xml = http.get("/ni/advanced/async/xml", params={**params, "callback": CALLBACK})
    assert xml.text.endswith(
        f"<lookup><status>3</status><error_text>Invalid request :: {text}</error_text></lookup>"
    )


def test_a_number_of_impossible_length_costs_nothing(http: Insight) -> None:
    for number, _ in IMPOSSIBLE_LENGTHS[:3]:
        http.get("/ni/advanced/json", params={"number": number})
    assert balance(http) == pytest.approx(10.0)


def test_a_national_number_is_read_in_the_country_given(http: Insight) -> None:
    answer = http.get("/ni/basic/json", params={"number": "07500 123456", "country": "gb"})
    assert answer.json()["international_format_number"] == GB_MOBILE


@pytest.mark.parametrize("name", ["cnam", "real_time_data"])
def test_a_flag_must_be_true_or_false(http: Insight, name: str) -> None:
    answer = http.get("/ni/advanced/json", params={"number": GB_MOBILE, name: "maybe"})
    assert_body(answer, invalid(f"Not valid value detected for {name} [ maybe ]"))


def credential_cases(api_key: str, api_secret: str) -> list[dict[str, Any]]:
    return [
        {},  # nothing at all
        {"auth": (api_key, "Wrong1Secret")},
        {"auth": ("00000000", api_secret)},
        {"headers": {"Authorization": "Basic !!!not-base64"}},
        {"headers": {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()}},
        {"headers": {"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."}},
        {"params": {"api_key": api_key}},
        {"params": {"api_key": api_key, "api_secret": "Wrong1Secret"}},
        {"params": {"api_key": "", "api_secret": ""}},
        {"params": {"api_secret": api_secret}},
    ]


@pytest.mark.parametrize("case", range(10))
def test_wrong_credentials_are_status_4(
    ringback: InProcessRingback, account: AppAccount, case: int
) -> None:
    options = credential_cases(account.api_key, account.api_secret)[case]
    params = {"number": GB_MOBILE, "callback": CALLBACK, **options.pop("params", {})}
    http = ringback.http
    assert_body(http.get("/ni/standard/json", params=params, **options), BAD_CREDENTIALS)
    answer = http.get("/ni/advanced/async/json", params=params, **options)
    assert_body(answer, as_async(BAD_CREDENTIALS))


def test_wrong_credentials_in_every_shape(ringback: InProcessRingback) -> None:
    params = {"number": GB_MOBILE, "callback": CALLBACK}
    with ringback.client(auth=("00000000", "Wrong1Secret")) as client:
        for level in LEVELS:
            assert_body(client.post(f"/ni/{level}/json", data=params), BAD_CREDENTIALS)
            xml = client.get(f"/ni/{level}/xml", params=params)
            assert xml.status_code == 200
            assert xml.headers["content-type"] == "text/xml; charset=utf-8"
            assert xml.text == (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<lookup><error code="4">Invalid credentials</error></lookup>'
            )
        xml = client.get("/ni/advanced/async/xml", params=params)
        assert xml.text.endswith(
            "<lookup><status>4</status><error_text>Invalid credentials</error_text></lookup>"
        )


def test_credentials_in_params_work(ringback: InProcessRingback, account: AppAccount) -> None:
    params = {"number": GB_MOBILE, "api_key": account.api_key, "api_secret": account.api_secret}
    answer = ringback.http.get("/ni/basic/json", params=params)
    assert answer.json()["status"] == 0
    # a stale header next to good parameters (the Python SDK leaks one) does not matter
    stale = {"Authorization": "Bearer stale.jwt.token"}
    answer = ringback.http.post("/ni/basic/json", data=params, headers=stale)
    assert answer.json()["status"] == 0


@pytest.mark.parametrize(
    ("callback", "text"),
    [
        (None, "Missing mandatory parameter [ callback ]"),
        ("", "Missing mandatory parameter [ callback ]"),
        ("not a url", "Not valid callback URL detected [ not a url ]"),
        ("ftp://example.com/x", "Not valid callback URL detected [ ftp://example.com/x ]"),
        ("https://", "Not valid callback URL detected [ https:// ]"),
        ("http://e.com:99999/x", "Not valid callback URL detected [ http://e.com:99999/x ]"),
        ("/relative/path", "Not valid callback URL detected [ /relative/path ]"),
        (LONG_URL, f"Not valid callback URL detected [ {LONG_URL[:32]}... ]"),
    ],
)  # fmt: skip
def test_a_bad_callback_is_refused(http: Insight, callback: str | None, text: str) -> None:
    params = {"number": GB_MOBILE}
    if callback is not None:
        params["callback"] = callback
    assert_body(http.get("/ni/advanced/async/json", params=params), as_async(invalid(text)))


def test_a_refused_lookup_costs_nothing(http: Insight) -> None:
    http.get("/ni/advanced/async/json", params={"number": GB_MOBILE, "callback": "nope"})
    http.get("/ni/advanced/json", params={"number": "abc"})
    assert balance(http) == pytest.approx(10.0)


def unsupported(fmt: str) -> dict[str, Any]:
    return {"status": 5, "status_message": f"Internal Error :: Unsupported format [ {fmt} ]"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/ni/basic/yaml", unsupported("yaml")),
        ("/ni/standard/JSON", unsupported("JSON")),
        ("/ni/advanced/async", unsupported("async")),
        ("/ni/advanced/async/csv", as_async(unsupported("csv"))),
    ],
)
def test_an_unknown_format_is_status_5(http: Insight, path: str, body: dict[str, Any]) -> None:
    assert_body(http.get(path, params={"number": GB_MOBILE}), body)


def test_unknown_paths_and_methods_keep_their_http_status(http: Insight) -> None:
    assert_body(
        http.get("/ni/premium/json"),
        invalid("The requested resource does not exist"),
        status=404,
    )
    answer = http.ringback.http.delete("/ni/basic/json", auth=http.auth)
    assert_body(answer, invalid("Request method not allowed"), status=405)


def test_an_unreadable_body_is_status_999(http: Insight) -> None:
    unparseable = {"status": 999, "status_message": "Request unparseable"}
    assert_body(http.post("/ni/basic/json", content=b'{"number": '), unparseable)
    assert_body(http.post("/ni/basic/json", content=b"number=\xff\xfe"), unparseable)
    assert_body(http.post("/ni/basic/json", content=b"n" * (2 * 1024 * 1024 + 1)), unparseable)


def test_json_bodies_and_odd_values(http: Insight) -> None:
    answer = http.post("/ni/basic/json", json={"number": 447500123456})
    assert answer.json()["international_format_number"] == GB_MOBILE
    answer = http.post("/ni/basic/json", json={"number": {"nested": 1}})
    assert_body(answer, invalid("Not valid value detected for number [ dict ]"))
    assert_body(
        http.post("/ni/basic/json", json=[GB_MOBILE]),
        invalid("Missing mandatory parameter [ number ]"),
    )


def test_huge_parameters_are_refused_politely(http: Insight) -> None:
    params = {"number": GB_MOBILE, "country": "G" * 4000, "junk": "x" * 4000}
    assert_body(
        http.get("/ni/basic/json", params=params),
        invalid(f"Not valid country code detected [ {'G' * 32}... ]"),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    number=st.text(max_size=40),
    country=st.one_of(st.none(), st.text(max_size=4)),
    level=st.sampled_from(LEVELS),
    fmt=st.sampled_from(("json", "xml")),
)  # fmt: skip
def test_any_input_gets_a_status_never_a_500(
    http: Insight, number: str, country: str | None, level: str, fmt: str
) -> None:
    params = {"number": number} if country is None else {"number": number, "country": country}
    answer = http.get(f"/ni/{level}/{fmt}", params=params)
    assert answer.status_code == 200
    if fmt == "json":
        assert answer.json()["status"] in (0, 3, 43, 44, 45)
    else:
        assert answer.text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<lookup>')
