"""`ringback serve` as a user meets it: banner, flags, both ports, restarts, signals."""

from __future__ import annotations

import base64
import signal
import socket
from pathlib import Path

import httpx
import pytest

from ringback.testing import backends
from ringback.testing.server import RingbackProcess


def basic(api_key: str, api_secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def server(tmp_path: Path) -> RingbackProcess:
    process = RingbackProcess(tmp_path / "data").start()
    yield process  # type: ignore[misc]
    process.stop()


@pytest.fixture(scope="module")
def untouched(tmp_path_factory: pytest.TempPathFactory) -> RingbackProcess:
    """A fresh server the tests only look at (no restart, no change to the default account):
    one start for them all."""
    process = RingbackProcess(tmp_path_factory.mktemp("untouched")).start()
    yield process  # type: ignore[misc]
    process.stop()


def test_banner_tells_everything_needed_to_connect(untouched: RingbackProcess) -> None:
    server = untouched
    api_key, api_secret = server.default_credentials()
    banner = server.log_path.read_text()
    assert f"api_key {api_key}" in banner
    assert f"api_secret {api_secret}" in banner
    assert f"CA         {server.ca}" in banner
    assert f"export REQUESTS_CA_BUNDLE={server.ca_bundle}" in banner
    assert f"export NODE_EXTRA_CA_CERTS={server.ca_bundle}" in banner
    assert f"api_host='{server.https_host}'" in banner
    assert f"dashboard  {server.http_url}/" in banner


def test_both_ports_serve_both_hosts(untouched: RingbackProcess) -> None:
    server = untouched
    headers = basic(*server.default_credentials())
    over_http = httpx.get(f"{server.http_url}/account/get-balance", headers=headers)
    over_tls = httpx.get(
        f"{server.https_url}/account/get-balance", headers=headers, verify=server.tls
    )
    assert over_http.json() == over_tls.json() == {"value": 10.0, "autoReload": False}
    # an api.nexmo.com path on the same ports
    api_key = server.default_credentials()[0]
    secrets = httpx.get(
        f"{server.https_url}/accounts/{api_key}/secrets", headers=headers, verify=server.tls
    )
    assert secrets.status_code == 200
    assert secrets.headers["content-type"] == "application/json"


def test_the_sdk_trusts_the_generated_ca(untouched: RingbackProcess) -> None:
    server = untouched
    client = server.client(*server.default_credentials())
    assert client.account.get_balance().value == pytest.approx(10.0)


def test_credentials_from_flags(tmp_path: Path) -> None:
    process = RingbackProcess(
        tmp_path / "d", "--api-key", "abcd1234", "--api-secret", "Flagged1Secret"
    ).start()
    try:
        assert process.default_credentials() == ("abcd1234", "Flagged1Secret")
        response = httpx.get(
            f"{process.http_url}/account/get-balance",
            params={"api_key": "abcd1234", "api_secret": "Flagged1Secret"},
        )
        assert response.status_code == 200
    finally:
        process.stop()


def test_credentials_from_environment(tmp_path: Path) -> None:
    process = RingbackProcess(
        tmp_path / "d", env={"RINGBACK_API_KEY": "feed0001", "RINGBACK_API_SECRET": "Env1Secret"}
    ).start()
    try:
        response = httpx.get(
            f"{process.http_url}/account/get-balance", headers=basic("feed0001", "Env1Secret")
        )
        assert response.status_code == 200
    finally:
        process.stop()


def test_random_credentials_are_kept_across_restarts(server: RingbackProcess) -> None:
    before = server.default_credentials()
    server.restart()
    assert server.default_credentials() == before
    assert f"api_secret {before[1]}" in server.log_path.read_text()
    response = httpx.get(f"{server.http_url}/account/get-balance", headers=basic(*before))
    assert response.status_code == 200


def test_a_restart_loses_nothing(server: RingbackProcess) -> None:
    api_key, api_secret = server.new_account(balance="42.50", name="kept")
    client = server.client(api_key, api_secret)
    client.account.update_default_sms_webhook(
        mo_callback_url="https://example.com/mo", dr_callback_url="https://example.com/dr"
    )
    created = client.account.create_secret("Second1Secret")
    server.control("PATCH", f"/accounts/{api_key}", json={"signature_method": "sha256"})

    server.restart()

    client = server.client(api_key, "Second1Secret")
    assert client.account.get_balance().value == pytest.approx(42.5)
    assert {s.id for s in client.account.list_secrets()} >= {created.id}
    settings = client.account.update_default_sms_webhook()
    assert settings.mo_callback_url == "https://example.com/mo"
    assert settings.dr_callback_url == "https://example.com/dr"
    account = server.control("GET", f"/accounts/{api_key}").json()
    assert account["signature_method"] == "sha256"
    assert account["name"] == "kept"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signals_shut_down_gracefully(tmp_path: Path, sig: int) -> None:
    process = RingbackProcess(tmp_path / "d").start()
    api_key, _ = process.new_account(balance="1.00")
    assert process.stop(sig) == 0
    assert not (tmp_path / "d" / "server.json").exists()
    process.start()
    try:
        assert process.control("GET", f"/accounts/{api_key}").status_code == 200
    finally:
        process.stop()


def test_in_memory_database_needs_no_file(tmp_path: Path) -> None:
    process = RingbackProcess(tmp_path / "d", "--database", ":memory:").start()
    try:
        assert process.control("GET", "/health").json()["status"] == "ok"
        assert not (tmp_path / "d" / "ringback.db").exists()
    finally:
        process.stop()


@pytest.mark.skipif(backends.on_postgres(), reason="the SQLite file; this run is on PostgreSQL")
def test_the_database_is_a_wal_sqlite_file(untouched: RingbackProcess) -> None:
    server = untouched
    import sqlite3

    db = sqlite3.connect(server.data_dir / "ringback.db")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        version = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
        assert int(version) >= 1
    finally:
        db.close()


def test_a_non_loopback_host_warns_and_the_banner_shows_it(tmp_path: Path) -> None:
    process = RingbackProcess(tmp_path / "d", "--host", "0.0.0.0").start()
    try:
        output = process.log_path.read_text()
        warnings = [line for line in output.splitlines() if line.startswith("ringback: warning")]
        assert len(warnings) == 1
        assert "0.0.0.0" in warnings[0]
        assert "control API" in warnings[0]
        assert "listening  0.0.0.0" in output
        # the hints name an address a client on this machine can use
        assert f"api_host='127.0.0.1:{process.info['https_port']}'" in output
        assert process.control("GET", "/health").status_code == 200
    finally:
        process.stop()


def test_loopback_needs_no_warning(untouched: RingbackProcess) -> None:
    server = untouched
    output = server.log_path.read_text()
    assert "ringback: warning" not in output
    assert "listening  127.0.0.1\n" in output


def test_an_ipv6_loopback_host_is_bracketed_in_urls(tmp_path: Path) -> None:
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    process = RingbackProcess(tmp_path / "d", "--host", "::1").start()
    try:
        output = process.log_path.read_text()
        assert "ringback: warning" not in output
        assert f"http://[::1]:{process.info['http_port']}/" in output
        health = httpx.get(f"http://[::1]:{process.info['http_port']}/_ringback/health")
        assert health.status_code == 200
    finally:
        process.stop()
