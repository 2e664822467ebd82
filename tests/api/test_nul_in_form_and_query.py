"""A NUL (`%00`) in a form field or a query value is data like any other: each API answers it
as the value it is, on SQLite and on PostgreSQL (whose text cannot hold a NUL: state/pg_text.py).
"""

from __future__ import annotations

import pytest

from ringback.testing.asgi import AppAccount, InProcessRingback


def test_an_api_key_with_a_nul_is_an_unknown_key(ringback: InProcessRingback) -> None:
    response = ringback.http.get("/account/get-balance?api_key=%00&api_secret=x%00y")
    unknown = ringback.http.get("/account/get-balance?api_key=nobody&api_secret=xy")
    assert response.status_code == unknown.status_code == 401
    assert response.json().keys() == unknown.json().keys()


@pytest.mark.parametrize("field", ["from", "to", "text", "client-ref"])
def test_an_sms_field_with_a_nul_gets_an_sms_status_not_internal_error(
    ringback: InProcessRingback, account: AppAccount, field: str
) -> None:
    form = {
        "api_key": account.api_key,
        "api_secret": account.api_secret,
        "from": "Acme",
        "to": "447700900123",
        "text": "hello",
    }
    form[field] = form.get(field, "ref") + "\x00"
    response = ringback.http.post("/sms/json", data=form)
    assert response.status_code == 200
    (message,) = response.json()["messages"]
    assert message["status"] != "5", message  # 5 is Vonage's "Internal Error"


def test_a_number_search_pattern_with_a_nul_is_answered(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    response = ringback.http.get(
        "/account/numbers",
        params={"pattern": "44\x00"},
        auth=(account.api_key, account.api_secret),
    )
    assert response.status_code < 500, response.text
