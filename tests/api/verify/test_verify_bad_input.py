"""Every refusal Verify (legacy) gives, as Vonage gives it: HTTP 200, a `status` string and
`error_text` (JSON or XML), never a 4xx or a 500; network-unblock's problem bodies."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api.verify.conftest import Verify

from ringback.testing.asgi import InProcessRingback

MISSING = "Your request is incomplete and missing the mandatory parameter `{}`"


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({"brand": "Acme"}, "2", MISSING.format("number")),
        ({"number": "447700900500"}, "2", MISSING.format("brand")),
        ({"number": "12", "brand": "Acme"}, "3", "Invalid value for param: number"),
        ({"number": "447700900500", "brand": "B" * 19}, "3", "Invalid value for param: brand"),
        (
            {"number": "447700900500", "brand": "Acme", "sender_id": "S" * 12},
            "3",
            "Invalid value for param: sender_id",
        ),
        (
            {"number": "447700900500", "brand": "Acme", "code_length": "5"},
            "3",
            "Invalid value for param: code_length",
        ),
        (
            {"number": "447700900500", "brand": "Acme", "workflow_id": "8"},
            "3",
            "Invalid value for param: workflow_id",
        ),
        (
            {"number": "447700900500", "brand": "Acme", "lg": "xx-yy"},
            "3",
            "Invalid value for param: lg",
        ),
        (
            {"number": "447700900500", "brand": "Acme", "pin_expiry": "59"},
            "3",
            "Invalid value for param: pin_expiry",
        ),
        (
            {"number": "447700900500", "brand": "Acme", "next_event_wait": "901"},
            "3",
            "Invalid value for param: next_event_wait",
        ),
        (
            {"number": "447700900500", "brand": "Acme", "pin_code": "12"},
            "3",
            "Invalid value for param: pin_code",
        ),
        (
            {"number": "7700900500", "brand": "Acme", "country": "ZZ"},
            "3",
            "Invalid value for param: country",
        ),
    ],
)
def test_request_refusals(verify: Verify, fields: dict[str, str], status: str, text: str) -> None:
    assert verify.post("/verify/json", **fields) == {"status": status, "error_text": text}


def test_credentials(verify: Verify) -> None:
    fields = {"number": "447700900501", "brand": "Acme"}
    wrong = verify.raw("POST", "/verify/json", data=fields, auth=("abcd1234", "nope"))
    assert wrong.status_code == 200
    assert wrong.json() == {"status": "4", "error_text": "Invalid credentials were provided"}
    none = verify.raw("POST", "/verify/check/json", data={"request_id": "x"}, auth=None)
    assert none.json() == {"status": "2", "error_text": MISSING.format("api_key")}
    key_only = verify.raw("POST", "/verify/control/json", params={"api_key": "k"}, auth=None)
    assert key_only.json() == {"status": "2", "error_text": MISSING.format("api_secret")}
    bad = verify.raw("GET", "/verify/search/json", params={"request_id": "x"}, auth=("a", "b"))
    assert bad.json() == {"status": "4", "error_text": "Bad credentials"}


def test_check_control_and_search_refusals(verify: Verify) -> None:
    unknown = "0" * 32
    assert verify.post("/verify/check/json", code="1234") == {
        "status": "2",
        "error_text": MISSING.format("request_id"),
    }
    assert verify.post("/verify/check/json", request_id=unknown)["status"] == "2"
    assert verify.post("/verify/check/json", request_id="bad id!", code="1")["status"] == "3"
    assert verify.post("/verify/check/json", request_id=unknown, code="12 4")["status"] == "3"
    assert verify.post("/verify/check/json", request_id=unknown, code="1234") == {
        "request_id": unknown,
        "status": "6",
        "error_text": "The Vonage platform was unable to process this message for the following "
        f"reason: Request '{unknown}' was not found or it has been verified already.",
    }
    assert verify.post("/verify/control/json", request_id=unknown, cmd="pause") == {
        "status": "3",
        "error_text": "Invalid value for param: cmd",
    }
    assert verify.post("/verify/control/json", request_id=unknown) == {
        "status": "2",
        "error_text": MISSING.format("cmd"),
    }
    assert verify.post("/verify/control/json", request_id=unknown, cmd="cancel") == {
        "status": "6",
        "error_text": f"The requestId '{unknown}' does not exist or its no longer active.",
    }
    assert verify.raw("GET", "/verify/search/json").json() == {
        "status": "2",
        "error_text": MISSING.format("request_id"),
    }
    many = [("request_ids", f"{i:032d}") for i in range(11)]
    assert verify.raw("GET", "/verify/search/json", params=many).json()["status"] == "3"
    assert verify.post("/verify/yaml", number="447700900502", brand="A") == {
        "status": "3",
        "error_text": "Invalid value for param: format",
    }


def test_bad_bodies_are_refused_with_a_status(verify: Verify) -> None:
    for body in (b"{not json", b'{"number": ["447700900503"], "brand": "Acme"}'):
        answer = verify.raw(
            "POST", "/verify/json", content=body, headers={"content-type": "application/json"}
        )
        assert answer.status_code == 200
        assert answer.json()["status"] == "3"
    assert verify.post("/verify/psd2/json", number="447700900504", payee="Acme", amount="x") == {
        "status": "3",
        "error_text": "Invalid value for param: amount",
    }


def test_no_credit_is_status_9(verify: Verify, ringback: InProcessRingback) -> None:
    key, secret = ringback.new_account(balance="0.01")
    answer = verify.raw(
        "POST", "/verify/json", data={"number": "447700900505", "brand": "A"}, auth=(key, secret)
    )
    assert answer.json() == {"status": "9", "error_text": "Partner quota exceeded"}


def _xml(answer: object) -> ET.Element:
    assert answer.headers["content-type"].startswith("text/xml")  # type: ignore[attr-defined]
    return ET.fromstring(answer.text)  # type: ignore[attr-defined]


def test_xml_answers(verify: Verify, number: str) -> None:
    started = _xml(verify.raw("POST", "/verify/xml", data={"number": number, "brand": "Acme"}))
    assert started.tag == "verify_response" and started.findtext("status") == "0"
    request_id = started.findtext("request_id")
    assert request_id is not None and len(request_id) == 32

    wrong = _xml(
        verify.raw("POST", "/verify/check/xml", data={"request_id": request_id, "code": "0"})
    )
    assert (wrong.tag, wrong.findtext("status")) == ("verify_response", "16")
    assert wrong.findtext("error_text") == "The code inserted does not match the expected value"

    found = _xml(verify.raw("GET", "/verify/search/xml", params={"request_id": request_id}))
    assert found.tag == "verify_request" and found.findtext("status") == "IN PROGRESS"
    assert [c.findtext("status") for c in found.iter("check")] == ["INVALID"]
    assert [e.findtext("type") for e in found.iter("event")] == ["sms"]

    many = _xml(verify.raw("GET", "/verify/search/xml", params={"request_ids": request_id}))
    assert many.tag == "verification_requests"
    assert [r.findtext("request_id") for r in many.iter("verify_request")] == [request_id]

    early = _xml(
        verify.raw("POST", "/verify/control/xml", data={"request_id": request_id, "cmd": "cancel"})
    )
    assert (early.tag, early.findtext("status")) == ("response", "19")

    refused = _xml(verify.raw("POST", "/verify/xml", data={"brand": "Acme"}, auth=("a", "b")))
    assert refused.findtext("status") == "4"
    assert _xml(verify.raw("POST", "/verify/psd2/xml", data={})).findtext("status") == "3"


def test_network_unblock(verify: Verify) -> None:
    answer = verify.raw("POST", "/verify/network-unblock", json={"network": "23410"})
    assert answer.status_code == 202
    body = answer.json()
    assert body["network"] == "23410" and body["unblocked_until"].endswith("Z")
    timed = verify.raw(
        "POST", "/verify/network-unblock", json={"network": "23410", "unblock_duration": 60}
    ).json()
    assert timed["unblocked_until"] < body["unblocked_until"]
    for fields, title in (
        ({}, "Network not found."),
        ({"network": "abc"}, "Network not found."),
        ({"network": "23410", "unblock_duration": 86401}, "Invalid unblock_duration parameter"),
        ({"network": "23410", "unblock_duration": "soon"}, "Invalid unblock_duration parameter"),
    ):
        refused = verify.raw("POST", "/verify/network-unblock", json=fields)
        assert refused.status_code == 422
        assert refused.json()["title"] == title
    denied = verify.raw("POST", "/verify/network-unblock", json={"network": "1"}, auth=("a", "b"))
    assert denied.status_code == 401


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessRingback]:
    """Ringback with its rate limits on (the session's app has them off)."""
    app = InProcessRingback(Path(tmp_path_factory.mktemp("verify-limited"))).start()
    yield app
    app.stop()


def test_more_than_30_requests_a_second_are_throttled(limited: InProcessRingback) -> None:
    key, secret = limited.new_account()
    statuses = []
    for _ in range(35):
        answer = limited.http.get(
            "/verify/search/json", params={"request_id": "f" * 32}, auth=(key, secret)
        )
        assert answer.status_code == 200
        statuses.append(answer.json()["status"])
    assert statuses[:30] == ["101"] * 30
    assert "1" in statuses[30:]
    throttled = limited.http.get(
        "/verify/search/json", params={"request_id": "f" * 32}, auth=(key, secret)
    ).json()
    assert throttled == {"status": "1", "error_text": "Throttled"}
