"""`random_from_number` takes a voice number linked to the calling application; with
`signed_callbacks` every answer and event request carries a JWT the SDK's verify_signature
accepts."""

from __future__ import annotations

import hashlib
import json

import jwt
from tests.api.voice.conftest import VoiceApp, VoiceClient
from vonage_jwt import verify_signature

HANDSET = "447700900123"
TALK = [{"action": "talk", "text": "Hello from a random number."}]


def rent(voice: VoiceClient, app_id: str | None) -> str:
    http, auth = voice.ringback.https, voice.account.auth
    found = http.get("/number/search", params={"country": "GB", "features": "VOICE"}, auth=auth)
    msisdn = str(found.json()["numbers"][0]["msisdn"])
    bought = http.post("/number/buy", data={"country": "GB", "msisdn": msisdn}, auth=auth)
    assert bought.status_code == 200, bought.text
    if app_id is not None:
        link = {"country": "GB", "msisdn": msisdn, "app_id": app_id}
        assert http.post("/number/update", data=link, auth=auth).status_code == 200
    return msisdn


def call_from_random(voice: VoiceClient) -> tuple[int, dict[str, object]]:
    answer = voice.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": HANDSET}],
            "random_from_number": True,
            "ncco": TALK,
        },
    )
    body: dict[str, object] = answer.json()
    return answer.status_code, body


def test_random_from_number_uses_the_applications_numbers(voice: VoiceClient) -> None:
    rent(voice, None)  # the account's, but not linked to the application: not a candidate
    status, body = call_from_random(voice)
    assert status == 400
    assert body["invalid_parameters"] == [
        {
            "name": "random_from_number",
            "reason": f"application {voice.application_id} has no voice number linked to it",
        }
    ]
    linked = {rent(voice, voice.application_id), rent(voice, voice.application_id)}
    used = set()
    for _ in range(8):
        status, body = call_from_random(voice)
        assert status == 201, body
        call = voice.request("GET", f"/v1/calls/{body['uuid']}").json()
        assert call["from"]["type"] == "phone"
        used.add(call["from"]["number"])
        voice.advance(1)  # 3 creations a second
    assert used <= linked and used  # only linked numbers, picked at random


def test_signed_callbacks_verify_with_the_sdk(voice: VoiceClient, voice_app: VoiceApp) -> None:
    secret = "v" * 32
    voice.ringback.control(
        "PATCH", f"/accounts/{voice.account.api_key}", json={"signature_secret": secret}
    )
    changed = voice.http.put(
        f"/v2/applications/{voice.application_id}",
        auth=voice.account.auth,
        json={"name": "ivr", "capabilities": {"voice": {"webhooks": {}, "signed_callbacks": True}}},
    )
    assert changed.status_code == 200, changed.text
    voice_app.routes["/answer"] = lambda fields: TALK
    created = voice.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": HANDSET}],
            "from": {"type": "phone", "number": "447700900000"},
            "answer_url": [voice_app.url + "/answer"],
            "event_url": [voice_app.url + "/event"],
        },
    )
    assert created.status_code == 201, created.text
    voice.advance(2.5)
    voice_app.wait_for(lambda h: any(x.path == "/answer" for x in h))
    voice.wait_call(
        created.json()["uuid"], lambda c: any(e["kind"] == "talk" for e in c["transcript"])
    )
    voice.advance(5)
    hits = voice_app.wait_for(lambda h: any(x.fields.get("status") == "completed" for x in h))
    assert {h.path for h in hits} == {"/answer", "/event"}
    for hit in hits:
        token = hit.headers["authorization"].removeprefix("Bearer ")
        assert verify_signature(token, secret), hit.path
        assert not verify_signature(token, "w" * 32)
        claims = jwt.decode(token, secret, algorithms=["HS256"])
        assert claims["application_id"] == voice.application_id
        assert claims["api_key"] == voice.account.api_key
        if hit.method == "POST":
            body = json.dumps(hit.fields, separators=(",", ":")).encode()
            assert claims["payload_hash"] in (
                hashlib.sha256(body).hexdigest(),
                hashlib.sha256(json.dumps(hit.fields).encode()).hexdigest(),
            )
