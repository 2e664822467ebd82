"""The official Python SDK's VerifyLegacy client, every method, against a live Ringback over
TLS: a full 2FA (SMS not answered, the clock moved past next_event_wait, a call reads the code
out), expiry, lockout, cancel inside and outside its window, trigger_next_event, search of one
and many, PSD2 and network unblock. The code is read from the handset, never guessed."""

from __future__ import annotations

from typing import Any

import pytest
from vonage_verify_legacy import Psd2Request, VerifyRequest
from vonage_verify_legacy.errors import VerifyError

from ringback.testing.plugin import AccountHandle
from ringback.testing.server import RingbackProcess


def advance(ringback: RingbackProcess, seconds: float) -> None:
    assert ringback.control("POST", "/clock", json={"advance_seconds": seconds}).status_code == 200


def latest(ringback: RingbackProcess, number: str) -> dict[str, Any]:
    answer = ringback.control("GET", f"/handsets/{number}/codes/latest", params={"wait": 5})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_full_2fa_sms_then_a_call(ringback: RingbackProcess, account: AccountHandle) -> None:
    verify = account.client.verify_legacy
    number = "447700900701"
    started = verify.start_verification(
        VerifyRequest(number=number, brand="Acme", workflow_id=1, next_event_wait=60, lg="en-gb")
    )
    assert started.status == "0" and len(started.request_id) == 32
    advance(ringback, 1.5)
    sms = latest(ringback, number)
    assert sms["channel"] == "sms" and sms["message"]["text"].endswith(sms["code"])

    # the user never types the SMS code: 60 s later a call reads it out
    advance(ringback, 60)
    advance(ringback, 3)
    call_code = latest(ringback, number)
    assert call_code["channel"] == "voice" and call_code["code"] == sms["code"]
    call = ringback.control("GET", f"/calls/{call_code['call_uuid']}").json()
    talk = next(e for e in call["transcript"] if e["kind"] == "talk")
    assert ", ".join(sms["code"]) in talk["text"]

    checked = verify.check_code(started.request_id, call_code["code"])
    assert (checked.status, checked.price, checked.currency) == ("0", "0.05000000", "EUR")
    status = verify.search(started.request_id)
    assert status.status == "SUCCESS"
    assert [e.type for e in status.events] == ["sms", "tts"]
    assert [c.status for c in status.checks] == ["VALID"]
    assert account.client.account.get_balance().value == pytest.approx(9.95)


def test_expiry_and_lockout(ringback: RingbackProcess, account: AccountHandle) -> None:
    verify = account.client.verify_legacy
    expiring = verify.start_verification(
        VerifyRequest(number="447700900702", brand="Acme", workflow_id=6, pin_expiry=60)
    ).request_id
    advance(ringback, 61)
    code = latest(ringback, "447700900702")["code"]
    with pytest.raises(VerifyError, match="'status': '6'"):
        verify.check_code(expiring, code)
    assert verify.search(expiring).status == "EXPIRED"

    locked = verify.start_verification(
        VerifyRequest(number="447700900703", brand="Acme", code_length=6)
    ).request_id
    advance(ringback, 1.5)
    code = latest(ringback, "447700900703")["code"]
    assert len(code) == 6
    wrong = "000000" if code != "000000" else "111111"
    for expected in ("16", "16", "17"):
        with pytest.raises(VerifyError, match=f"'status': '{expected}'"):
            verify.check_code(locked, wrong)
    with pytest.raises(VerifyError, match="'status': '6'"):
        verify.check_code(locked, code)
    assert verify.search(locked).status == "FAILED"


def test_cancel_trigger_and_search_many(ringback: RingbackProcess, account: AccountHandle) -> None:
    verify = account.client.verify_legacy
    first = verify.start_verification(
        VerifyRequest(number="447700900704", brand="Acme", workflow_id=4)
    ).request_id
    with pytest.raises(VerifyError, match="within the first 30 seconds"):
        verify.cancel_verification(first)
    advance(ringback, 31)
    cancelled = verify.cancel_verification(first)
    assert (cancelled.status, cancelled.command) == ("0", "cancel")

    second = verify.start_verification(
        VerifyRequest(number="447700900705", brand="Acme", workflow_id=4)
    ).request_id
    triggered = verify.trigger_next_event(second)
    assert (triggered.status, triggered.command) == ("0", "trigger_next_event")
    with pytest.raises(VerifyError, match="No more events are left"):
        verify.trigger_next_event(second)
    advance(ringback, 31)
    with pytest.raises(VerifyError, match="can't be cancelled now"):
        verify.cancel_verification(second)

    both = verify.search([first, second])
    assert isinstance(both, list)
    assert [(s.request_id, s.status) for s in both] == [
        (first, "CANCELLED"),
        (second, "IN PROGRESS"),
    ]
    assert [e.type for e in both[1].events] == ["sms", "sms"]
    with pytest.raises(VerifyError, match="No response found"):
        verify.search("f" * 32)


def test_psd2_and_network_unblock(ringback: RingbackProcess, account: AccountHandle) -> None:
    verify = account.client.verify_legacy
    started = verify.start_psd2_verification(
        Psd2Request(number="447700900706", payee="Acme Ltd", amount=12.5, lg="en-gb")
    )
    advance(ringback, 1.5)
    sms = latest(ringback, "447700900706")
    assert "12.50 EUR to Acme Ltd" in sms["message"]["text"]
    assert verify.check_code(started.request_id, sms["code"]).status == "0"

    unblocked = verify.request_network_unblock("23410", 600)
    assert unblocked.network == "23410" and unblocked.unblocked_until.endswith("Z")
