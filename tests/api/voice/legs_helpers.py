"""Helpers for inbound calls and connect legs: an application whose voice webhooks point at a
local app, and a number the account rents linked to it."""

from __future__ import annotations

from typing import Any

from tests.api.voice.conftest import VoiceApp, VoiceClient


def voice_application(voice: VoiceClient, app: VoiceApp, **webhooks: Any) -> VoiceClient:
    """A second application on the account, its webhooks at `app` (answer GET unless told)."""
    hooks = {
        "answer_url": {"address": app.url + "/answer", "http_method": "GET"},
        "event_url": {"address": app.url + "/event", "http_method": "POST"},
        **webhooks,
    }
    created = voice.http.post(
        "/v2/applications",
        auth=voice.account.auth,
        json={"name": "inbound", "capabilities": {"voice": {"webhooks": hooks}}},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    return VoiceClient(
        voice.ringback, voice.account, body["id"], body["keys"]["private_key"], voice.http
    )


def rent(voice: VoiceClient, app_id: str | None) -> str:
    auth = voice.account.auth
    https = voice.ringback.https
    found = https.get("/number/search", params={"country": "GB", "features": "VOICE"}, auth=auth)
    assert found.status_code == 200, found.text
    msisdn = str(found.json()["numbers"][0]["msisdn"])
    bought = https.post("/number/buy", data={"country": "GB", "msisdn": msisdn}, auth=auth)
    assert bought.status_code == 200, bought.text
    if app_id is not None:
        updated = https.post(
            "/number/update",
            data={"country": "GB", "msisdn": msisdn, "app_id": app_id},
            auth=auth,
        )
        assert updated.status_code == 200, updated.text
    return msisdn


def dial(voice: VoiceClient, handset: str, to: str) -> dict[str, Any]:
    placed = voice.ringback.control("POST", f"/handsets/{handset}/calls", json={"to": to})
    assert placed.status_code == 200, placed.text
    body: dict[str, Any] = placed.json()
    return body


def kinds(call: dict[str, Any], side: str) -> list[str]:
    return [e["kind"] for e in call["transcript"] if e["side"] == side]
