"""The clock takes only times it can keep, goes back to real time on request and on a full
reset; a full reset keeps every account's credentials (signature secret included)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from vonage_sms import SmsMessage

from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess

TEN_YEARS = 10 * 365.25 * 86400


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    """Its own server: these tests move the clock by years."""
    process = RingbackProcess(tmp_path_factory.mktemp("clock"), "--no-rate-limits").start()
    yield process
    process.stop()


def clock(server: RingbackProcess, body: Any = None, raw: bytes | None = None) -> httpx.Response:
    if raw is not None:
        return server.control(
            "POST", "/clock", content=raw, headers={"Content-Type": "application/json"}
        )
    return server.control("POST", "/clock", json=body)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"advance_seconds": NaN}',
        b'{"advance_seconds": Infinity}',
        b'{"advance_seconds": -Infinity}',
        b'{"advance_seconds": 1e308}',
        b'{"advance_seconds": 1e999}',
        b'{"advance_seconds": ' + b"9" * 400 + b"}",
        b'{"advance_seconds": 315576001}',
        b'{"advance_seconds": -5}',
        b'{"advance_seconds": 0}',
        b'{"advance_seconds": true}',
        b'{"advance_seconds": "60"}',
        b'{"advance_seconds": [60]}',
        b'{"advance": 60}',
        b'{"reset": "yes"}',
    ],
)
def test_a_time_the_clock_cannot_keep_is_refused(server: RingbackProcess, raw: bytes) -> None:
    clock(server, {"reset": True, "freeze": True})
    before = server.control("GET", "/clock").json()
    response = clock(server, raw=raw)
    assert response.status_code == 400, response.text
    assert response.json()["title"] == "Bad Request"
    assert server.control("GET", "/clock").json() == before


def test_whole_and_fractional_seconds_up_to_ten_years(server: RingbackProcess) -> None:
    start = clock(server, {"reset": True, "freeze": True}).json()["now"]
    assert clock(server, {"advance_seconds": 60}).json()["now"] == pytest.approx(start + 60)
    assert clock(server, {"advance_seconds": 0.5}).json()["now"] == pytest.approx(start + 60.5)
    far = clock(server, {"advance_seconds": TEN_YEARS}).json()
    assert far["now"] == pytest.approx(start + 60.5 + TEN_YEARS)


def test_reset_returns_to_real_time_and_stays_there_after_a_restart(
    server: RingbackProcess,
) -> None:
    clock(server, {"freeze": True, "advance_seconds": 86400})
    back = clock(server, {"reset": True}).json()
    assert back["frozen"] is False and back["offset_seconds"] == 0
    assert back["now"] == pytest.approx(time.time(), abs=5)
    server.restart()
    again = server.control("GET", "/clock").json()
    assert again["frozen"] is False and again["offset_seconds"] == 0
    time.sleep(0.05)
    assert server.control("GET", "/clock").json()["now"] > again["now"]  # running, not frozen


def test_sms_and_receipts_work_ten_years_on(
    server: RingbackProcess, webhook_receiver: WebhookReceiver
) -> None:
    receiver = webhook_receiver
    api_key, api_secret = server.new_account()
    clock(server, {"reset": True, "freeze": True})
    clock(server, {"advance_seconds": TEN_YEARS})
    (part,) = (
        server.client(api_key, api_secret)
        .sms.send(SmsMessage(to="447700900900", from_="Acme", text="hi", callback=receiver.url))
        .messages
    )
    assert part.status == "0"
    clock(server, {"advance_seconds": 5})
    (receipt,) = receiver.wait_for(1)
    assert receipt.fields["status"] == "delivered"
    assert receipt.fields["message-timestamp"].startswith(
        time.strftime("%Y", time.gmtime(time.time() + TEN_YEARS))
    )
    clock(server, {"reset": True})


def test_a_full_reset_keeps_credentials_and_resets_everything_else(
    server: RingbackProcess,
) -> None:
    api_key, api_secret = server.new_account(balance="3")
    control = server.control
    control(
        "PATCH",
        f"/accounts/{api_key}",
        json={"signature_method": "sha256", "mo_callback_url": "http://127.0.0.1:9/in"},
    ).raise_for_status()
    account = control("GET", f"/accounts/{api_key}").json()
    # the SDK signs with the real time: a signed SMS works only on a clock at real time
    signed = server.client(
        api_key, api_secret, signature_secret=account["signature_secret"], signature_method="sha256"
    )
    extra = httpx.post(
        f"{server.https_url}/accounts/{api_key}/secrets",
        json={"secret": "Another1Secret"},
        auth=(api_key, api_secret),
        verify=server.tls,
    )
    assert extra.status_code == 201
    clock(server, {"freeze": True, "advance_seconds": 7200})

    assert control("POST", "/reset").json() == {"reset": "all"}

    after = control("GET", f"/accounts/{api_key}").json()
    for kept in ("signature_secret", "signature_method", "name", "created_at"):
        assert after[kept] == account[kept]
    assert after["balance"] == "10.00000000"
    assert after["mo_callback_url"] == ""
    now = control("GET", "/clock").json()
    assert now["frozen"] is False and now["offset_seconds"] == 0
    (part,) = signed.sms.send(SmsMessage(to="447700900900", from_="Acme", text="hi")).messages
    assert part.status == "0"
    for secret in (api_secret, "Another1Secret"):
        balance = httpx.get(f"{server.http_url}/account/get-balance", auth=(api_key, secret)).json()
        assert balance["value"] == pytest.approx(10.0 - float(part.message_price))


def test_a_clock_saved_as_nan_is_back_to_real_time_at_start(tmp_path: Path) -> None:
    """An older Ringback saved whatever it was given; the next start must not keep NaN."""
    import sqlite3

    # a SQLite file this test writes into, whatever the test backend
    database = str(tmp_path / "nan" / "ringback.db")
    process = RingbackProcess(tmp_path / "nan", "--database", database).start()
    process.stop()
    db = sqlite3.connect(tmp_path / "nan" / "ringback.db")
    with db:
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('clock', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            ('{"offset": NaN, "frozen_at": null}',),
        )
    db.close()
    process.start()
    try:
        view = process.control("GET", "/clock").json()
        assert view["offset_seconds"] == 0
        assert view["now"] == pytest.approx(time.time(), abs=5)
    finally:
        process.stop()
