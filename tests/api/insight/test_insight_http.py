"""Number Insight over plain HTTP where the SDK does not go: XML bodies, POST forms,
`real_time_data`, and handset behaviours set through the control API.

Each test that sets a behaviour uses a number no other test uses, and clears it after.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ringback.testing.asgi import AppAccount, InProcessRingback
from ringback.testing.receiver import WebhookReceiver

ROAMING = "447700900906"


@pytest.fixture
def http(ringback: InProcessRingback, account: AppAccount) -> Iterator[httpx.Client]:
    with ringback.client(auth=account.auth, timeout=10) as client:
        yield client


@pytest.fixture
def handset(ringback: InProcessRingback) -> Iterator[Any]:
    """Sets a number's behaviour through the control API; every one is cleared afterwards."""
    touched: list[str] = []

    def behave(msisdn: str, **fields: Any) -> None:
        answer = ringback.control("PUT", f"/handsets/{msisdn}/behaviour", json=fields)
        assert answer.status_code == 200, answer.text
        touched.append(msisdn)

    yield behave
    for msisdn in touched:
        ringback.control("DELETE", f"/handsets/{msisdn}/behaviour")


def advanced(http: httpx.Client, number: str, **params: str) -> dict[str, Any]:
    body: dict[str, Any] = http.get("/ni/advanced/json", params={"number": number, **params}).json()
    return body


def test_advanced_xml_follows_the_spec(http: httpx.Client) -> None:
    answer = http.post("/ni/advanced/xml", data={"number": ROAMING})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/xml; charset=utf-8"
    assert answer.headers["sunset"] == "Thu, 04 Feb 2027 00:00:00 GMT"
    request_id = answer.text.split("<request_id>")[1].split("</request_id>")[0]
    carrier = answer.text.split("<current_carrier ")[1].split(" />")[0]
    assert answer.text == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<lookup>'
        f"<request_id>{request_id}</request_id>"
        "<international_format_number>447700900906</international_format_number>"
        '<local_number country_code="GB" country_code_iso3="GBR" '
        'country_name="United Kingdom" country_prefix="44">07700 900906</local_number>'
        '<error code="0">Success</error>'
        "<request_price>0.03000000</request_price>"
        "<remaining_balance>9.97000000</remaining_balance>"
        f"<current_carrier {carrier} /><original_carrier {carrier} />"
        "<ported>not_ported</ported>"
        '<lookup_outcome code="0">Success</lookup_outcome>'
        "<reachable>reachable</reachable>"
        '<roaming status="roaming" roaming_country_code="FR" roaming_network_code="20801" '
        'roaming_network_name="Orange France" />'
        "<valid_number>valid</valid_number>"
        "<ip_warnings>unknown</ip_warnings></lookup>"
    )


def test_basic_and_async_xml(http: httpx.Client, webhook_receiver: WebhookReceiver) -> None:
    basic = http.get("/ni/basic/xml", params={"number": "12025550123"})
    assert "<international_format_number>12025550123</international_format_number>" in basic.text
    assert 'country_name="United States of America"' in basic.text
    assert basic.text.endswith(
        '>(202) 555-0123</local_number><error code="0">Success</error></lookup>'
    )
    ack = http.get(
        "/ni/advanced/async/xml",
        params={"number": "447500123456", "callback": webhook_receiver.url},
    )
    assert "<number>447500123456</number><remainingBalance>9.97000000</remainingBalance>" in (
        ack.text
    )
    assert ack.text.endswith("<requestPrice>0.03000000</requestPrice><status>0</status></lookup>")
    (callback,) = webhook_receiver.wait_for(1)
    assert callback.json["international_format_number"] == "447500123456"  # JSON, always


def test_standard_xml_nests_the_caller_fields(http: httpx.Client) -> None:
    answer = http.get("/ni/standard/xml", params={"number": "12025550123", "cnam": "true"})
    identity = answer.text.split("<caller_identity ")[1].split("</caller_identity>")[0]
    assert 'caller-type="' in identity and 'caller-name="' in identity
    assert "<caller_name>" in identity and "<caller_type>" in identity


@pytest.mark.parametrize(
    ("number", "real_time"),
    [
        ("447500123456", {"active_status": "active", "handset_status": "On"}),
        ("447700900901", {"active_status": "active", "handset_status": "Off"}),
        ("442079460123", {"active_status": None, "handset_status": None}),
    ],
)
def test_real_time_data_on_request(
    http: httpx.Client, number: str, real_time: dict[str, Any]
) -> None:
    assert advanced(http, number, real_time_data="true")["real_time_data"] == real_time
    assert "real_time_data" not in advanced(http, number)


def test_nothing_back_from_the_network_is_status_45(http: httpx.Client, handset: Any) -> None:
    handset("447500123401", reachable="unknown")
    body = advanced(http, "447500123401")
    assert (body["status"], body["status_message"]) == (45, "Live mobile lookup not returned")
    assert (body["reachable"], body["roaming"], body["lookup_outcome"]) == ("unknown", "unknown", 1)
    assert body["refund_price"] == "0.02500000"


@pytest.mark.parametrize("reachable", ["bad_number", "blacklisted"])
def test_verdicts_of_the_network_are_full_answers(
    http: httpx.Client, handset: Any, reachable: str
) -> None:
    handset("447500123402", reachable=reachable)
    body = advanced(http, "447500123402")
    assert (body["status"], body["reachable"], body["lookup_outcome"]) == (0, reachable, 0)
    assert "refund_price" not in body


def test_a_handset_held_invalid_fails_the_lookup(http: httpx.Client, handset: Any) -> None:
    handset("447500123403", valid=False)
    body = advanced(http, "447500123403")
    assert (body["status"], body["valid_number"], body["lookup_outcome"]) == (0, "not_valid", 2)
    assert body["lookup_outcome_message"] == "Failed"


def test_a_us_number_ported_and_roaming(http: httpx.Client, handset: Any) -> None:
    handset("12025550177", ported_network="310410", roaming_country="MX")
    body = advanced(http, "12025550177")
    assert body["ported"] == "ported"
    assert body["current_carrier"] == {
        "network_code": "310410",
        "name": "Cingular Wireless",
        "country": "US",
        "network_type": "mobile",
    }
    # 555-0177 is reserved for fiction: it was Ringback's fictional network's before the port
    assert body["original_carrier"] == {
        "network_code": "99999",
        "name": "Ringback Fictional",
        "country": "US",
        "network_type": "mobile",
    }
    roaming = body["roaming"]
    assert (roaming["status"], roaming["roaming_country_code"]) == ("roaming", "MX")
    assert roaming["roaming_network_code"].startswith("334")  # a Mexican network
    assert roaming["roaming_network_name"]
    # Standard sees the porting too (a database answer, not a live one)
    standard = http.get("/ni/standard/json", params={"number": "12025550177"}).json()
    assert standard["ported"] == "ported" and "roaming" not in standard


def test_behaviours_change_the_answer_at_once(http: httpx.Client, handset: Any) -> None:
    assert advanced(http, "4915123456700")["reachable"] == "reachable"
    handset("4915123456700", reachable="absent")
    body = advanced(http, "4915123456700")
    assert (body["status"], body["reachable"]) == (43, "absent")
