"""Verify (legacy) flows over raw HTTP: codes really reach the handset (an SMS in its inbox, a
call that reads the digits out), checks, lockout, expiry, control and search."""

from __future__ import annotations

from tests.api.verify.conftest import Verify


def test_the_sms_code_reaches_the_handset_and_a_correct_check_succeeds(
    verify: Verify, number: str
) -> None:
    request_id = verify.start(number, brand="Acme Shop")
    assert len(request_id) == 32
    assert verify.latest(number) is None  # the SMS is still on its way
    verify.advance(1.5)
    latest = verify.latest(number)
    assert latest is not None
    assert (latest["channel"], latest["request_id"]) == ("sms", request_id)
    code = latest["code"]
    assert len(code) == 4 and code.isdigit()
    assert latest["message"]["text"] == f"Your Acme Shop verification code is: {code}"
    assert latest["message"]["from"] == "VERIFY"

    checked = verify.check(request_id, code)
    assert checked["status"] == "0"
    assert checked["request_id"] == request_id
    assert checked["price"] == "0.05000000" and checked["currency"] == "EUR"
    assert checked["event_id"].startswith("0A") and len(checked["event_id"]) == 16
    assert checked["estimated_price_messages_sent"] == "0.04590000"  # one GB SMS
    assert verify.balance() == "9.95"

    found = verify.search(request_id)
    assert found["status"] == "SUCCESS"
    assert found["number"] == number and found["account_id"] == verify.account.api_key
    assert found["price"] == "0.05000000"
    assert found["checks"] == [
        {
            "date_received": found["date_finalized"],
            "code": code,
            "status": "VALID",
            "ip_address": "",
        }
    ]
    assert found["events"] == [{"type": "sms", "id": checked["event_id"]}]
    assert found["sender_id"] == "verify"
    # verified: the same code is no longer accepted
    assert verify.check(request_id, code)["status"] == "6"


def test_no_answer_to_the_sms_then_a_call_reads_the_code_out(verify: Verify, number: str) -> None:
    request_id = verify.start(number, workflow_id="1", code_length="6", lg="en-gb")
    verify.advance(1.5)
    first = verify.latest(number)
    assert first is not None and first["channel"] == "sms" and len(first["code"]) == 6
    verify.advance(124)  # 125 s after the SMS: workflow 1's text-to-speech call
    verify.advance(3)  # the handset answers after a ring
    latest = verify.latest(number)
    assert latest is not None
    assert (latest["channel"], latest["request_id"]) == ("voice", request_id)
    assert latest["code"] == first["code"]  # the PIN lives 300 s: the same code
    call = verify.ringback.control("GET", f"/calls/{latest['call_uuid']}").json()
    talks = [e for e in call["transcript"] if e["kind"] == "talk"]
    spoken = ", ".join(first["code"])
    assert talks and spoken in talks[0]["text"] and talks[0]["language"] == "en-GB"

    assert verify.check(request_id, latest["code"])["status"] == "0"
    found = verify.search(request_id)
    assert [e["type"] for e in found["events"]] == ["sms", "tts"]
    assert found["first_event_date"] != found["last_event_date"]


def test_a_new_pin_for_an_event_after_the_old_one_expired(verify: Verify, number: str) -> None:
    # workflow 4 with 120 s between events and a 120 s PIN: the second SMS has a new code
    request_id = verify.start(number, workflow_id="4", next_event_wait="120", pin_expiry="120")
    verify.advance(1.5)
    first = verify.latest(number)
    verify.advance(120)
    verify.advance(2)
    second = verify.latest(number)
    assert first is not None and second is not None
    assert second["at"] > first["at"] and second["request_id"] == request_id
    assert [e["type"] for e in verify.search(request_id)["events"]] == ["sms", "sms"]
    if first["code"] != second["code"]:  # random codes: 1 in 10,000 they are the same
        assert verify.check(request_id, first["code"])["status"] == "16"
    assert verify.check(request_id, second["code"])["status"] == "0"


def test_three_wrong_codes_lock_the_request(verify: Verify, number: str) -> None:
    request_id = verify.start(number, pin_code="4321")
    verify.advance(1.5)
    wrong = verify.check(request_id, "0000")
    assert wrong == {
        "request_id": request_id,
        "status": "16",
        "error_text": "The code inserted does not match the expected value",
    }
    assert verify.check(request_id, "1111")["status"] == "16"
    locked = verify.check(request_id, "2222")
    assert locked["status"] == "17"
    assert locked["error_text"] == "The wrong code was provided too many times. Request terminated"
    # the right code is refused now
    after = verify.check(request_id, "4321")
    assert after["status"] == "6"
    assert f"Request '{request_id}' was not found" in after["error_text"]
    found = verify.search(request_id)
    assert found["status"] == "FAILED"
    assert [c["status"] for c in found["checks"]] == ["INVALID"] * 3
    assert verify.balance() == "10.0"  # nothing charged


def test_the_request_expires_with_its_pin(verify: Verify, number: str) -> None:
    request_id = verify.start(number, workflow_id="6", pin_expiry="60", pin_code="5555")
    verify.advance(59)
    assert verify.search(request_id)["status"] == "IN PROGRESS"
    verify.advance(2)
    assert verify.check(request_id, "5555")["status"] == "6"
    found = verify.search(request_id)
    assert found["status"] == "EXPIRED" and "date_finalized" in found
    # the number is free for a new request
    verify.start(number)


def test_a_second_request_to_the_same_number_is_refused(verify: Verify, number: str) -> None:
    first = verify.start(number)
    body = verify.post("/verify/json", number=number, brand="Acme")
    assert body == {
        "request_id": first,
        "status": "10",
        "error_text": "Concurrent verifications to the same number are not allowed",
    }


def test_cancel_only_from_30_seconds_until_the_second_event(verify: Verify, number: str) -> None:
    request_id = verify.start(number)
    early = verify.control(request_id, "cancel")
    assert early == {
        "status": "19",
        "error_text": f"Verification request ['{request_id}'] can't be cancelled within the "
        "first 30 seconds.",
    }
    verify.advance(31)
    assert verify.control(request_id, "cancel") == {"status": "0", "command": "cancel"}
    assert verify.search(request_id)["status"] == "CANCELLED"
    assert verify.control(request_id, "cancel")["status"] == "6"
    verify.advance(200)  # the cancelled workflow sends nothing more
    assert [e["type"] for e in verify.search(request_id)["events"]] == ["sms"]

    other = f"{number[:-1]}{(int(number[-1]) + 1) % 10}"
    late = verify.start(other, workflow_id="4")
    verify.advance(121)  # the second SMS went out
    refused = verify.control(late, "cancel")
    assert refused["status"] == "19"
    assert "can't be cancelled now. Too many attempts" in refused["error_text"]


def test_trigger_next_event_until_none_is_left(verify: Verify, number: str) -> None:
    request_id = verify.start(number, workflow_id="5")
    triggered = verify.control(request_id, "trigger_next_event")
    assert triggered == {"status": "0", "command": "trigger_next_event"}
    assert [e["type"] for e in verify.search(request_id)["events"]] == ["sms", "tts"]
    none_left = verify.control(request_id, "trigger_next_event")
    assert none_left == {
        "status": "19",
        "error_text": f"No more events are left to execute for the request ['{request_id}']",
    }
    verify.advance(3)  # the call is answered and reads the code
    latest = verify.latest(number)
    assert latest is not None and latest["channel"] == "voice"
    assert verify.check(request_id, latest["code"])["status"] == "0"


def test_search_many_and_unknown(verify: Verify, number: str) -> None:
    first = verify.start(number)
    second = verify.start(f"{number[:-2]}99")
    answer = verify.raw(
        "GET", "/verify/search/json", params=[("request_ids", first), ("request_ids", second)]
    )
    found = answer.json()["verification_requests"]
    assert [f["request_id"] for f in found] == [first, second]
    assert all(f["status"] == "IN PROGRESS" for f in found)
    unknown = verify.raw("GET", "/verify/search/json", params={"request_id": "f" * 32}).json()
    assert unknown == {"status": "101", "error_text": "No response found"}
    # another account's request is not found either
    key, secret = verify.ringback.new_account()
    theirs = verify.raw(
        "GET", "/verify/search/json", params={"request_id": first}, auth=(key, secret)
    )
    assert theirs.json()["status"] == "101"


def test_psd2_names_the_payee_and_amount(verify: Verify, number: str) -> None:
    body = verify.post("/verify/psd2/json", number=number, payee="Acme Ltd", amount="48.5")
    assert body["status"] == "0"
    verify.advance(1.5)
    latest = verify.latest(number)
    assert latest is not None
    assert latest["message"]["text"] == (
        f"Your code to approve the payment of 48.50 EUR to Acme Ltd is: {latest['code']}"
    )
    assert verify.check(body["request_id"], latest["code"])["status"] == "0"


def test_sender_id_and_language(verify: Verify, number: str) -> None:
    request_id = verify.start(number, sender_id="ACMEBANK", lg="fr-fr", brand="Acme")
    verify.advance(1.5)
    latest = verify.latest(number)
    assert latest is not None
    assert latest["message"]["from"] == "ACMEBANK"
    assert latest["message"]["text"].startswith("Votre code de vérification Acme")
    assert verify.search(request_id)["sender_id"] == "ACMEBANK"


def test_get_requests_and_credentials_as_parameters(verify: Verify, number: str) -> None:
    account = verify.account
    answer = verify.ringback.http.get(
        "/verify/json",
        params={
            "api_key": account.api_key,
            "api_secret": account.api_secret,
            "number": f"0{number[2:]}",
            "country": "GB",
            "brand": "Acme",
        },
    )
    body = answer.json()
    assert body["status"] == "0"
    assert verify.search(body["request_id"])["number"] == number
