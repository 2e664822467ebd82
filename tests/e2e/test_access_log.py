"""The access log: one line per request at `info`, naming the account and how it
authenticated, never a credential; `--log-level warning` switches it off."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from vonage import Auth, HttpClientOptions, Vonage
from vonage_sms import SmsMessage

from ringback.testing.server import RingbackProcess

HANDSET = "447400123456"
LINE = re.compile(
    r"ringback\.access (?P<method>\S+) (?P<path>\S+) (?P<status>\d{3}) "
    r"(?P<ms>\d+\.\d) ms (?P<account>\S+) (?P<auth>\S+)$"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path / "d", "--log-level", "info").start()
    yield process
    process.stop()


def access_lines(server: RingbackProcess, count: int) -> list[dict[str, str]]:
    """The access log's lines, once at least `count` are written (it follows the response)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [
            match.groupdict()
            for line in server.log_path.read_text().splitlines()
            if "ringback.access" in line and (match := LINE.search(line))
        ]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_one_line_per_request_with_account_and_auth_kind(server: RingbackProcess) -> None:
    api_key, api_secret = server.new_account(balance="5")
    signature_secret = server.control("GET", f"/accounts/{api_key}").json()["signature_secret"]
    server.control("PATCH", f"/accounts/{api_key}", json={"signature_method": "sha256"})

    client = server.client(api_key, api_secret)
    client.account.get_balance()  # Basic
    client.sms.send(SmsMessage(to=HANDSET, from_="Ringback", text="hello"))  # Basic too (the SDK)
    httpx.get(  # api_secret in the query string
        f"{server.http_url}/account/get-balance",
        params={"api_key": api_key, "api_secret": api_secret},
    )
    signed = Vonage(
        Auth(api_key=api_key, signature_secret=signature_secret, signature_method="sha256"),
        HttpClientOptions(api_host=server.https_host, rest_host=server.https_host),
    )
    signed.sms.send(SmsMessage(to=HANDSET, from_="Ringback", text="signed"))
    wrong = httpx.get(
        f"{server.http_url}/account/get-balance",
        params={"api_key": api_key, "api_secret": "Wrong0Secret"},
    )
    assert wrong.status_code == 401

    lines = access_lines(server, 8)
    seen = [(x["method"], x["path"], x["status"], x["account"], x["auth"]) for x in lines]
    assert seen == [
        ("POST", "/_ringback/accounts", "201", "-", "-"),
        ("GET", f"/_ringback/accounts/{api_key}", "200", "-", "-"),  # control API
        ("PATCH", f"/_ringback/accounts/{api_key}", "200", "-", "-"),
        ("GET", "/account/get-balance", "200", api_key, "basic"),
        ("POST", "/sms/json", "200", api_key, "basic"),
        ("GET", "/account/get-balance", "200", api_key, "params"),
        ("POST", "/sms/json", "200", api_key, "signature"),
        ("GET", "/account/get-balance", "401", "-", "-"),
    ]
    assert all(float(x["ms"]) < 5000 for x in lines)

    log = server.log_path.read_text()
    for secret in (api_secret, signature_secret, "Wrong0Secret"):
        assert secret not in log
    assert "api_secret" not in log.replace("api_secret ", "")  # only the banner's label
    assert "sig=" not in log
    assert "?" not in "".join(x["path"] for x in lines)


def test_log_level_warning_switches_it_off(tmp_path: Path) -> None:
    process = RingbackProcess(tmp_path / "quiet").start()  # the test default: warning
    try:
        client = process.client(*process.default_credentials())
        client.account.get_balance()
        assert process.control("GET", "/health").status_code == 200
        time.sleep(0.2)
        assert "ringback.access" not in process.log_path.read_text()
    finally:
        process.stop()
