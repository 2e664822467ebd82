"""`ringback calls ...` and `ringback phone <number> calls`: a user watches and drives the
callee's handset of a voice call from the shell, against a running Ringback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from vonage import Auth, HttpClientOptions, Vonage
from vonage_application import ApplicationConfig
from vonage_application.common import Capabilities, Voice, VoiceUrl, VoiceWebhooks
from vonage_voice import CreateCallRequest, Input, Talk

from ringback.testing.plugin import AccountHandle
from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
HANDSET, NO_ANSWER = "447700900123", "447700900911"


def cli(server: RingbackProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "RINGBACK_URL": server.http_url, "COLUMNS": "200"},
    )


def ok(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def voice_client(ringback: RingbackProcess, account: AccountHandle, events: str) -> Vonage:
    app = account.client.application.create_application(
        ApplicationConfig(
            name="cli voice",
            capabilities=Capabilities(
                voice=Voice(webhooks=VoiceWebhooks(event_url=VoiceUrl(address=events)))
            ),
        )
    )
    return Vonage(
        Auth(application_id=app.id, private_key=app.keys.private_key),
        HttpClientOptions(api_host=ringback.https_host),
    )


def call(client: Vonage, to: str, ncco: list[Any]) -> str:
    created = client.voice.create_call(
        CreateCallRequest(
            to=[{"type": "phone", "number": to}],
            from_={"type": "phone", "number": "447700900000"},
            ncco=ncco,
        )
    )
    return str(created.uuid)


@pytest.fixture
def frozen(ringback: RingbackProcess) -> Iterator[None]:
    """The session's shared server: its clock runs again for the tests after this one (a
    callback due half a second on never comes on a clock left frozen)."""
    ringback.control("POST", "/clock", json={"freeze": True}).raise_for_status()
    yield
    ringback.control("POST", "/clock", json={"freeze": False}).raise_for_status()


@pytest.mark.usefixtures("frozen")
def test_drive_a_call_from_the_shell(
    ringback: RingbackProcess, account: AccountHandle, webhook_receiver: WebhookReceiver
) -> None:
    client = voice_client(ringback, account, webhook_receiver.url + "/event")
    menu = [
        Talk(text="Say your name or press a key."),
        Input(type=["dtmf", "speech"], eventUrl=[webhook_receiver.url + "/input"]),
    ]
    ringing = call(client, NO_ANSWER, menu)
    ringback.control("POST", "/clock", json={"advance_seconds": 0.5})
    uuid = call(client, NO_ANSWER, menu)

    listed = ok(cli(ringback, "calls", "list", "--status", "ringing", "--json"))
    assert {c["uuid"] for c in listed["calls"]} == {ringing, uuid}
    mine = ok(cli(ringback, "phone", "+" + NO_ANSWER, "calls", "--json"))
    assert [c["uuid"] for c in mine["calls"]] == [uuid, ringing]  # newest first

    rejected = ok(cli(ringback, "calls", "reject", ringing, "--json"))
    assert rejected["status"] == "rejected" and rejected["ended"]
    answered = ok(cli(ringback, "calls", "answer", uuid, "--json"))
    assert answered["status"] == "answered"
    again = cli(ringback, "calls", "answer", uuid)
    assert again.returncode == 1 and "409" in again.stderr

    ringback.control("POST", "/clock", json={"advance_seconds": 3})
    bad = cli(ringback, "calls", "dtmf", uuid, "12x")
    assert bad.returncode == 1 and "400" in bad.stderr
    said = ok(cli(ringback, "calls", "say", uuid, "Ada Lovelace", "--json"))
    spoken = [e for e in said["transcript"] if e["kind"] == "speech"]
    assert spoken[0]["side"] == "handset" and spoken[0]["text"] == "Ada Lovelace"
    ringback.control("POST", "/clock", json={"advance_seconds": 4})
    (heard,) = webhook_receiver.wait_for(1, 10.0, where=lambda r: r.path == "/input")
    assert heard.json["speech"]["results"][0]["text"] == "Ada Lovelace"

    shown = cli(ringback, "calls", "show", uuid)
    assert shown.returncode == 0, shown.stderr
    assert uuid in shown.stdout and "Transcript" in shown.stdout
    assert "Say your name or press a key." in shown.stdout and "completed" in shown.stdout
    table = cli(ringback, "calls", "list")
    assert ringing in table.stdout and "rejected" in table.stdout

    other = call(client, HANDSET, menu)  # answers by itself after 2 s
    ringback.control("POST", "/clock", json={"advance_seconds": 2.5})
    pressed = ok(cli(ringback, "calls", "dtmf", other, "7", "--json"))
    assert any(e["kind"] == "dtmf" and e["side"] == "handset" for e in pressed["transcript"])
    hung = ok(cli(ringback, "calls", "hangup", other, "--json"))
    assert hung["status"] == "completed" and hung["transcript"][-1]["kind"] == "status"
    missing = cli(ringback, "calls", "show", "no-such-call")
    assert missing.returncode == 1 and "404" in missing.stderr
