"""The official Python SDK's `Verify` client against a live Ringback, every method: start
(SMS then voice), a wrong code, next workflow, the right code read from the handset, cancel
inside its window and outside it, with a JWT and with Basic."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from vonage_application import ApplicationConfig
from vonage_http_client import HttpRequestError, NotFoundError
from vonage_verify import SmsChannel, VerifyRequest, VoiceChannel

from ringback.testing.server import RingbackProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("verify2"), "--no-rate-limits").start()
    try:
        process.control("POST", "/clock", json={"freeze": True}).raise_for_status()
        yield process
    finally:
        process.stop()


def advance(server: RingbackProcess, seconds: float) -> None:
    server.control("POST", "/clock", json={"advance_seconds": seconds}).raise_for_status()


def latest(server: RingbackProcess, msisdn: str) -> dict[str, str]:
    answer = server.control("GET", f"/handsets/{msisdn}/codes/latest")
    answer.raise_for_status()
    found: dict[str, str] = answer.json()
    return found


def test_every_verify_method_with_a_jwt_and_with_basic(server: RingbackProcess) -> None:
    api_key, api_secret = server.new_account()
    basic = server.client(api_key, api_secret)
    app = basic.application.create_application(ApplicationConfig(name="2fa"))
    jwt_client = server.client(
        api_key, api_secret, application_id=app.id, private_key=app.keys.private_key
    )
    to = "447700900451"
    started = jwt_client.verify.start_verification(
        VerifyRequest(
            brand="Acme",
            workflow=[SmsChannel(to=to), VoiceChannel(to=to)],
            channel_timeout=60,
        )
    )
    with pytest.raises(HttpRequestError) as wrong:
        jwt_client.verify.check_code(started.request_id, "0000")
    assert wrong.value.response.status_code == 400
    jwt_client.verify.trigger_next_workflow(started.request_id)  # the voice call
    advance(server, 2.5)
    code = latest(server, to)
    assert code["channel"] == "voice"
    checked = jwt_client.verify.check_code(started.request_id, code["code"])
    assert (checked.request_id, checked.status) == (started.request_id, "completed")
    with pytest.raises(NotFoundError):
        jwt_client.verify.check_code(started.request_id, code["code"])

    other = basic.verify.start_verification(
        VerifyRequest(brand="Acme", workflow=[SmsChannel(to="447700900452")])
    )
    with pytest.raises(HttpRequestError) as early:
        basic.verify.cancel_verification(other.request_id)
    assert early.value.response.status_code == 409
    advance(server, 31)
    basic.verify.cancel_verification(other.request_id)
    with pytest.raises(NotFoundError):
        basic.verify.trigger_next_workflow(other.request_id)
