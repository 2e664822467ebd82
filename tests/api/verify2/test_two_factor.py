"""A 2FA flow against Verify v2: codes the handsets really received, the voice fallback on
Ringback's clock, checks, lockout, expiry, cancel, next_workflow, email, WhatsApp, silent auth."""

from __future__ import annotations

import re

import pytest
from tests.api.verify2.conftest import Verify

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")

SMS_THEN_VOICE = [
    {"channel": "sms", "to": "447700900401"},
    {"channel": "voice", "to": "447700900401"},
]


def test_sms_unanswered_then_a_call_reads_the_code(verify: Verify) -> None:
    started = verify.start(workflow=SMS_THEN_VOICE, channel_timeout=60, code_length=6)
    assert started.status_code == 202, started.text
    request_id = started.json()["request_id"]
    verify.advance(1.5)
    sms = verify.latest("447700900401").json()
    assert (sms["channel"], sms["request_id"], len(sms["code"])) == ("sms", request_id, 6)
    assert sms["message"]["text"] == f"Your Acme verification code is: {sms['code']}"

    verify.advance(60)  # the SMS channel times out: the voice channel calls
    verify.advance(2.5)  # the handset answers after 2 s
    call = verify.latest("447700900401").json()
    assert call["channel"] == "voice" and call["code"] == sms["code"]
    transcript = verify.ringback.control("GET", f"/calls/{call['call_uuid']}").json()
    talk = next(e["text"] for e in transcript["transcript"] if e["kind"] == "talk")
    heard = re.sub(r"\D", "", talk.split(".")[0])
    assert heard == call["code"]

    checked = verify.check(request_id, heard)
    assert checked.status_code == 200, checked.text
    assert checked.json() == {"request_id": request_id, "status": "completed"}
    again = verify.check(request_id, heard)
    assert again.status_code == 404
    assert again.json()["detail"] == (
        f"Request {request_id} was not found or it has been verified already."
    )


def test_status_callbacks_are_signed_and_summarise(verify: Verify) -> None:
    import hashlib

    import jwt
    from vonage_jwt import verify_signature

    started = verify.start(
        workflow=[{"channel": "sms", "to": "447700900402"}], client_ref="my-ref", code="abc123"
    )
    request_id = started.json()["request_id"]
    assert verify.check(request_id, "abc123").status_code == 200
    got = verify.receiver.wait_for(2)
    bodies = {r.json["type"]: r.json for r in got}
    assert bodies["event"]["status"] == "completed" and bodies["event"]["channel"] == "sms"
    summary = bodies["summary"]
    assert (summary["request_id"], summary["status"], summary["client_ref"]) == (
        request_id, "completed", "my-ref",
    )  # fmt: skip
    assert summary["workflow"][0]["status"] == "completed"
    secret = verify.ringback.control("GET", f"/accounts/{verify.account.api_key}").json()[
        "signature_secret"
    ]
    token = got[0].headers["authorization"].partition(" ")[2]
    assert verify_signature(token, secret)
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    assert claims["payload_hash"] == hashlib.sha256(got[0].body).hexdigest()
    assert claims["application_id"] == verify.application_id


def test_wrong_codes_then_lockout(verify: Verify) -> None:
    started = verify.start(workflow=[{"channel": "sms", "to": "447700900403"}], code="1234")
    request_id = started.json()["request_id"]
    for _ in range(3):
        wrong = verify.check(request_id, "0000")
        assert wrong.status_code == 400
        assert (
            wrong.json()["type"]
            == "https://www.developer.vonage.com/api-errors/verify#invalid-code"
        )
    locked = verify.check(request_id, "0000")
    assert locked.status_code == 410
    assert locked.json()["detail"] == (
        "An incorrect code has been provided too many times. Workflow terminated."
    )
    assert verify.check(request_id, "1234").status_code == 410


def test_expiry_after_the_last_channel(verify: Verify) -> None:
    started = verify.start(workflow=[{"channel": "sms", "to": "447700900404"}], channel_timeout=15)
    request_id = started.json()["request_id"]
    verify.advance(16)
    code = verify.latest("447700900404").json()["code"]
    assert verify.check(request_id, code).status_code == 404
    summary = verify.receiver.wait_for(1)[0].json
    assert summary["status"] == "expired"


def test_concurrent_requests_to_one_number_conflict(verify: Verify) -> None:
    first = verify.start(workflow=[{"channel": "sms", "to": "447700900405"}]).json()
    second = verify.start(workflow=[{"channel": "voice", "to": "447700900405"}])
    assert second.status_code == 409
    assert second.json()["request_id"] == first["request_id"]
    assert second.json()["detail"] == "Concurrent verifications to the same number are not allowed."


def test_cancel_only_inside_its_window(verify: Verify) -> None:
    two = [{"channel": "sms", "to": "447700900406"}, {"channel": "voice", "to": "447700900406"}]
    request_id = verify.start(workflow=two).json()["request_id"]
    early = verify.delete(f"/v2/verify/{request_id}")
    assert early.status_code == 409
    verify.advance(31)
    done = verify.delete(f"/v2/verify/{request_id}")
    assert done.status_code == 204
    assert verify.check(request_id, "1234").status_code == 404

    two = [{"channel": "sms", "to": "447700900407"}, {"channel": "voice", "to": "447700900407"}]
    other = verify.start(workflow=two).json()["request_id"]
    verify.advance(31)
    assert verify.post(f"/v2/verify/{other}/next_workflow").status_code == 200
    late = verify.delete(f"/v2/verify/{other}")
    assert late.status_code == 409
    none_left = verify.post(f"/v2/verify/{other}/next_workflow")
    assert none_left.status_code == 409
    assert none_left.json()["detail"] == "There are no more events left to trigger."


def test_email_and_whatsapp_channels(verify: Verify) -> None:
    started = verify.start(
        workflow=[
            {"channel": "email", "to": "bob@example.com"},
            {"channel": "whatsapp", "to": "447700900408", "from": "447700900000"},
        ],
        locale="es-es",
    )
    request_id = started.json()["request_id"]
    mail = verify.latest("bob@example.com", "inboxes").json()
    assert mail["channel"] == "email"
    messages = verify.ringback.control("GET", "/inboxes/bob@example.com/messages").json()
    assert mail["code"] in messages["messages"][0]["text"]
    assert verify.post(f"/v2/verify/{request_id}/next_workflow").status_code == 200
    verify.advance(1.5)
    whatsapp = verify.latest("447700900408").json()
    assert whatsapp["channel"] == "whatsapp" and whatsapp["code"] == mail["code"]
    assert verify.check(request_id, mail["code"]).status_code == 200


def test_silent_auth_takes_no_code_until_the_handset_opens_the_check_url(verify: Verify) -> None:
    started = verify.start(workflow=[{"channel": "silent_auth", "to": "447700900409"}])
    assert started.status_code == 202
    body = started.json()
    assert body["check_url"].endswith(f"/v2/verify/{body['request_id']}/silent-auth/redirect")
    blocked = verify.check(body["request_id"], "1234")
    assert blocked.status_code == 409
    assert blocked.json()["detail"] == "The current Verify workflow step does not support a code."
    opened = verify.http.get(body["check_url"])
    assert opened.status_code == 200
    code = opened.json()["code"]
    assert verify.latest("447700900409").json()["channel"] == "silent_auth"
    assert verify.check(body["request_id"], code).status_code == 200


def test_bad_requests_are_422_with_every_problem(verify: Verify) -> None:
    bad = verify.post(
        "/v2/verify",
        {"brand": "", "workflow": [{"channel": "pigeon", "to": "1"}], "channel_timeout": 5,
         "code_length": 11},
    )  # fmt: skip
    assert bad.status_code == 422
    body = bad.json()
    assert body["title"] == "Invalid params"
    names = {p["name"] for p in body["invalid_parameters"]}
    assert names == {"brand", "workflow[0].channel", "channel_timeout", "code_length"}
    assert verify.http.post("/v2/verify", json={}).status_code == 401
    assert verify.check("no-such-id", "1234").status_code == 404


def test_templates_and_fragments(verify: Verify) -> None:
    made = verify.post("/v2/verify/templates", {"name": "login"})
    assert made.status_code == 200, made.text
    template_id = made.json()["template_id"]
    assert verify.post("/v2/verify/templates", {"name": "login"}).status_code == 409
    for name in ("a", "b"):
        assert verify.post("/v2/verify/templates", {"name": name}).status_code == 200
    page = verify.http.get(
        "/v2/verify/templates?page_size=2&page=2", headers=verify.headers()
    ).json()
    assert (page["total_items"], page["total_pages"], page["page"]) == (3, 2, 2)
    assert [t["name"] for t in page["_embedded"]["templates"]] == ["b"]
    assert "prev" in page["_links"] and "next" not in page["_links"]

    frags = f"/v2/verify/templates/{template_id}/template_fragments"
    fragment = verify.post(
        frags, {"channel": "sms", "locale": "en-gb", "text": "${brand} login code ${code}"}
    )
    assert fragment.status_code == 200, fragment.text
    fragment_id = fragment.json()["template_fragment_id"]
    bad = verify.post(frags, {"channel": "sms", "locale": "xx", "text": "no code"})
    assert bad.status_code == 422
    changed = verify.http.patch(
        f"{frags}/{fragment_id}", headers=verify.headers(), json={"text": "${brand}: ${code}"}
    )
    assert changed.json()["text"] == "${brand}: ${code}"

    started = verify.start(
        workflow=[{"channel": "sms", "to": "447700900410"}], locale="en-gb", template_id=template_id
    )
    verify.advance(1.5)
    got = verify.latest("447700900410").json()
    assert got["message"]["text"] == f"Acme: {got['code']}"
    assert verify.check(started.json()["request_id"], got["code"]).status_code == 200

    assert verify.delete(f"{frags}/{fragment_id}").status_code == 204
    assert verify.delete(f"/v2/verify/templates/{template_id}").status_code == 204
    gone = verify.http.get(f"/v2/verify/templates/{template_id}", headers=verify.headers())
    assert gone.status_code == 404
