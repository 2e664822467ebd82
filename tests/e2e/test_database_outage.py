"""PostgreSQL going away and coming back, for real: a throwaway cluster is stopped under a
running Ringback and started again.

At start-up an unreachable database is one line and exit code 2 (the password never shown).
While it is down every API answers 503 with `Retry-After: 1` in its own error style, the control
API its problem body, never a traceback; the scheduler and the webhook dispatcher say so once
in the log. When it is back, requests succeed again without a restart.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ringback.testing.postgres import ThrowawayPostgres, server_binaries
from ringback.testing.server import RingbackProcess

needs_postgres = pytest.mark.skipif(
    server_binaries() is None, reason="needs Debian's postgresql package (initdb, pg_ctl)"
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[ThrowawayPostgres]:
    """A cluster of this module's own: the tests stop and start it."""
    postgres = ThrowawayPostgres().start()
    yield postgres
    postgres.stop()


@pytest.fixture
def server(cluster: ThrowawayPostgres, tmp_path: Path) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path / "rb", "--database", cluster.create_database()).start()
    yield process
    process.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(tmp_path: Path, database: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ringback.cli.main",
            "serve",
            "--data-dir",
            str(tmp_path / "d"),
            "--http-port",
            "0",
            "--https-port",
            "0",
            "--database",
            database,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_unreachable_database_is_one_line_at_start(tmp_path: Path) -> None:
    port = _free_port()  # nothing listens there
    done = _serve(tmp_path, f"postgresql://someone:hunter2secret@127.0.0.1:{port}/ringback")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(
        f"ringback: cannot reach the database at postgresql://127.0.0.1:{port}/ringback ("
    )
    assert "refused" in lines[0].lower()
    assert "hunter2secret" not in done.stderr and "someone" not in done.stderr
    assert done.stdout == ""


def test_a_database_url_of_another_kind_is_refused_at_start(tmp_path: Path) -> None:
    done = _serve(tmp_path, "mysql://someone:hunter2secret@127.0.0.1/ringback")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "ringback: --database: mysql:// is not supported; give a SQLite file, :memory: "
        "or a postgresql:// URL"
    ]


def _calls(server: RingbackProcess, key: str, secret: str) -> dict[str, httpx.Response]:
    """One request to each error style: Account (error-code), Applications (problem), SMS
    (status in the body), Number Insight (status in the body), the control API (problem)."""
    base = server.http_url
    auth = (key, secret)
    return {
        "account": httpx.get(
            f"{base}/account/get-balance", params={"api_key": key, "api_secret": secret}
        ),
        "applications": httpx.get(f"{base}/v2/applications", auth=auth),
        "sms": httpx.post(
            f"{base}/sms/json",
            data={
                "api_key": key,
                "api_secret": secret,
                "from": "Ringback",
                "to": "447700900123",
                "text": "hello",
            },
        ),
        "insight": httpx.get(
            f"{base}/ni/basic/json",
            params={"api_key": key, "api_secret": secret, "number": "447700900123"},
        ),
        "control": server.control("GET", "/accounts"),
    }


@needs_postgres
def test_requests_get_503_while_the_database_is_down_and_200_when_it_is_back(
    cluster: ThrowawayPostgres, server: RingbackProcess
) -> None:
    key, secret = server.new_account()
    before = _calls(server, key, secret)
    assert {name: r.status_code for name, r in before.items()} == dict.fromkeys(before, 200)

    cluster.pause()
    try:
        down = _calls(server, key, secret)
        for name, response in down.items():
            assert response.status_code == 503, (name, response.text)
            assert response.headers["retry-after"] == "1", name
            assert "Traceback" not in response.text
        assert down["account"].json() == {
            "error-code": "503",
            "error-code-label": "Ringback's database is unavailable; retry in a moment",
        }
        problem = down["applications"].json()
        assert problem["title"] == "Service Unavailable"
        assert problem["type"].endswith("#service-unavailable")
        assert "database is unavailable" in problem["detail"]
        assert down["sms"].json()["messages"][0]["status"] == "5"
        assert "database is unavailable" in down["sms"].json()["messages"][0]["error-text"]
        assert down["insight"].json()["status"] == 5
        assert down["control"].json()["title"] == "Service Unavailable"
        time.sleep(1.5)  # the scheduler and dispatcher try a pass or two meanwhile
    finally:
        cluster.resume()

    after = _calls(server, key, secret)
    assert {name: r.status_code for name, r in after.items()} == dict.fromkeys(after, 200)
    assert after["sms"].json()["messages"][0]["status"] == "0"
    # the state from before the outage is all there
    accounts = after["control"].json()["accounts"]
    assert key in {a["api_key"] for a in accounts}

    time.sleep(1.5)  # the loops' next pass, after their back-off
    log = server.log_path.read_text()
    assert "Traceback" not in log
    # the scheduler and the dispatcher, once each when it went and once when it came back
    assert log.count("database unavailable") == 2, log
    assert log.count("database available again") == 2, log
