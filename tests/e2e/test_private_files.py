"""The data directory of a real `ringback serve` is private, and its CA bundle is trusted."""

from __future__ import annotations

import base64
import datetime as dt
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography import x509

from ringback.core.tls import ensure_tls
from ringback.testing.server import RingbackProcess

EXPECTED = {
    ".",
    "ringback.db",
    "ringback.db-wal",
    "ringback.db-shm",
    "credentials.json",
    "server.json",
    "server.lock",
    "server.log",
    "ca.pem",
    "ca-key.pem",
    "ca-bundle.pem",
    "server.pem",
    "server-key.pem",
    "snapshots",
    "snapshots/before.db",
}


def modes(directory: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(directory.lstat().st_mode)}
    for path in directory.rglob("*"):
        found[str(path.relative_to(directory))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def loose(found: dict[str, int]) -> dict[str, str]:
    return {name: oct(m) for name, m in found.items() if m not in (0o600, 0o700)}


def basic(api_key: str, api_secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def open_umask() -> Iterator[None]:
    """What the server inherits: the loosest umask, so it cannot lean on its caller's."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.mark.usefixtures("open_umask")
def test_every_file_and_directory_a_server_writes_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # the SQLite family (-wal, -shm, snapshots) is what there is to check, whatever the backend
    server = RingbackProcess(data, "--database", str(data / "ringback.db")).start()
    try:
        client = server.client(*server.default_credentials())
        assert client.account.get_balance().value == pytest.approx(10.0)
        assert server.control("POST", "/snapshots", json={"name": "before"}).status_code < 300
        running = modes(server.data_dir)
    finally:
        server.stop()
    assert set(running) == EXPECTED
    assert loose(running) == {}
    assert running["."] == running["snapshots"] == 0o700
    assert loose(modes(server.data_dir)) == {}  # and after shutdown


def test_an_older_loose_data_dir_is_tightened_and_its_expired_ca_replaced(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = RingbackProcess(data).start()
    api_key, api_secret = server.default_credentials()
    server.stop()
    # as an older Ringback left it: readable by everyone, and a CA that has run out
    (data / "ca.pem").unlink()
    ensure_tls(data, "127.0.0.1", now=dt.datetime.now(dt.UTC) - dt.timedelta(days=400))
    old_ca = (data / "ca.pem").read_bytes()
    for path in [data, *data.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)

    server.start()
    try:
        assert server.client(api_key, api_secret).account.get_balance().value == pytest.approx(10)
        assert loose(modes(data)) == {}
    finally:
        server.stop()
    assert (data / "ca.pem").read_bytes() != old_ca
    ca = x509.load_pem_x509_certificate((data / "ca.pem").read_bytes())
    assert ca.extensions.get_extension_for_class(x509.NameConstraints).critical
    log = server.log_path.read_text()
    assert "readable by others" in log
    assert "the local CA changed" in log


def test_requests_trusts_ringback_through_the_bundle(
    ringback: RingbackProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ringback.ca_bundle)
    response = requests.get(
        f"{ringback.https_url}/account/get-balance",
        headers=basic(*ringback.default_credentials()),
        timeout=10,
    )
    assert response.status_code == 200
    assert "value" in response.json()
    # ca.pem alone is enough too, for those who want only the CA
    alone = requests.get(f"{ringback.https_url}/_ringback/health", verify=ringback.ca, timeout=10)
    assert alone.status_code == 200


NODE_FETCH = """
fetch(process.argv[1]).then(
  (r) => console.log(r.status),
  (e) => console.log(String(e.cause && e.cause.code)),
);
"""


def node_fetch(url: str, env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "NODE_EXTRA_CA_CERTS"}
    done = subprocess.run(
        ["node", "-e", NODE_FETCH, url],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_node_trusts_ringback_through_the_bundle(ringback: RingbackProcess) -> None:
    url = f"{ringback.https_url}/_ringback/health"
    assert node_fetch(url, {"NODE_EXTRA_CA_CERTS": ringback.ca_bundle}) == "200"
    assert node_fetch(url, {}) == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
