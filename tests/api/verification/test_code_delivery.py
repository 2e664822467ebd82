"""The shared code delivery (network/verification): a code sent on each channel reaches the
handset or inbox as the network carries it, and `codes/latest` answers it from the record."""

from __future__ import annotations

from typing import Any

from ringback.state.store import Tx
from ringback.state.verify_codes import SentCode
from ringback.testing.asgi import AppAccount, InProcessRingback


def send(ringback: InProcessRingback, account: AppAccount, **fields: Any) -> SentCode:
    def work(tx: Tx) -> SentCode:
        return ringback.services.verification.send(
            tx, api_key=account.api_key, request_id=fields.pop("request_id", "req-1"),
            brand="Acme", **fields,
        )  # fmt: skip

    return ringback.run(ringback.services.store.transact(work))


def advance(ringback: InProcessRingback, seconds: float) -> None:
    assert ringback.control("POST", "/clock", json={"advance_seconds": seconds}).status_code == 200


def latest(ringback: InProcessRingback, path: str) -> Any:
    return ringback.control("GET", f"{path}/codes/latest")


def test_an_sms_code_lands_after_the_handsets_delay(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    to = "447700900301"
    sent = send(ringback, account, channel="sms", to=to, code="4821", request_id="r-sms")
    assert sent.status == "pending"
    assert latest(ringback, f"/handsets/{to}").status_code == 404  # not landed yet
    advance(ringback, 1.5)
    found = latest(ringback, f"/handsets/{to}").json()
    assert (found["code"], found["channel"], found["request_id"]) == ("4821", "sms", "r-sms")
    assert found["message"]["text"] == "Your Acme verification code is: 4821"
    assert found["message"]["from"] == "VERIFY"


def test_a_failing_handset_never_gets_the_sms_code(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    to = "447700900302"
    ringback.control("PUT", f"/handsets/{to}/behaviour", json={"sms": "failed"})
    send(ringback, account, channel="sms", to=to, code="1111")
    advance(ringback, 1.5)
    assert latest(ringback, f"/handsets/{to}").status_code == 404


def test_a_call_reads_the_code_out_when_the_handset_answers(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    to = "447700900303"
    sent = send(ringback, account, channel="voice", to=to, code="5937", locale="en-gb")
    assert sent.call_uuid is not None
    assert latest(ringback, f"/handsets/{to}").status_code == 404  # still ringing
    advance(ringback, 2.5)
    found = latest(ringback, f"/handsets/{to}").json()
    assert (found["code"], found["channel"], found["call_uuid"]) == (
        "5937",
        "voice",
        sent.call_uuid,
    )
    call = ringback.control("GET", f"/calls/{sent.call_uuid}").json()
    talks = [e for e in call["transcript"] if e["kind"] == "talk"]
    assert talks and "5, 9, 3, 7" in talks[0]["text"] and talks[0]["language"] == "en-GB"
    assert call["price"] in (None, "0.00000000")


def test_a_call_nobody_answers_delivers_nothing(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    to = "447700900911"  # the magic number that never answers
    sent = send(ringback, account, channel="voice", to=to, code="2468")
    advance(ringback, 61)
    call = ringback.control("GET", f"/calls/{sent.call_uuid}").json()
    assert call["status"] == "timeout"
    found = latest(ringback, f"/handsets/{to}")
    assert found.status_code == 404 or found.json()["code"] != "2468"


def test_whatsapp_and_email_codes(ringback: InProcessRingback, account: AppAccount) -> None:
    to = "447700900304"
    send(ringback, account, channel="whatsapp", to=to, code="7070", sender="447700900000")
    advance(ringback, 1.5)
    inbox = ringback.control("GET", f"/handsets/{to}/messages?channel=whatsapp").json()
    assert inbox["messages"][0]["text"] == "Your Acme verification code is: 7070"
    assert latest(ringback, f"/handsets/{to}").json()["channel"] == "whatsapp"

    address = "Alice@Example.com"
    send(ringback, account, channel="email", to="alice@example.com", code="A1B2C3", locale="fr-fr")
    mail = ringback.control("GET", f"/inboxes/{address}/messages").json()["messages"]
    assert mail[0]["subject"] == "Votre code de vérification Acme"
    assert "A1B2C3" in mail[0]["text"] and mail[0]["channel"] == "email"
    found = latest(ringback, f"/inboxes/{address}").json()
    assert (found["code"], found["channel"]) == ("A1B2C3", "email")
    assert ringback.control("GET", "/inboxes/not-an-address/messages").status_code == 400
