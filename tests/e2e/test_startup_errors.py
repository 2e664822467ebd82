"""Every problem `ringback serve` finds at start is one line on stderr and exit code 2.

A bad flag, a weak secret, an unusable data directory, a broken price list, a port in use, a
data directory another Ringback is serving: each is told in one `ringback: ...` line, with no
traceback, before anything is served.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ringback.testing.server import RingbackProcess


def serve(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ringback.cli.main",
            "serve",
            "--data-dir",
            str(data_dir),
            "--http-port",
            "0",
            "--https-port",
            "0",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def refused(done: subprocess.CompletedProcess[str]) -> str:
    """The one line `serve` printed before exiting 2 (and nothing else)."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("ringback: ")
    assert "Traceback" not in done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--http-port", "70000"], ["--http-port", "65535"]),
        (["--https-port", "-1"], ["--https-port"]),
        (["--http-port", "eighty"], ["--http-port", "integer"]),
        (["--log-level", "loud"], ["--log-level", "loud", "warning"]),
        (["--sqlite-synchronous", "sometimes"], ["--sqlite-synchronous", "sometimes"]),
        (["--auth-mode", "lax"], ["--auth-mode", "strict", "soft"]),
        (["--max-connections", "0"], ["--max-connections"]),
        (["--no-such-flag"], ["--no-such-flag"]),
        # the Account API's rule for new secrets (8-25 characters, lower, upper, digit)
        (["--api-secret", "weak"], ["--api-secret", "8 and 25", "uppercase", "digit"]),
        (["--api-secret", "alllowercase1"], ["--api-secret", "uppercase"]),
        (["--api-key", "not a key"], ["--api-key", "letters or digits"]),
    ],
)
def test_bad_flag_values_are_one_line(tmp_path: Path, args: list[str], expected: list[str]) -> None:
    line = refused(serve(tmp_path / "d", *args))
    for fragment in expected:
        assert fragment in line
    assert not (tmp_path / "d").exists()  # refused before anything was created


def test_bad_values_from_the_environment_too(tmp_path: Path) -> None:
    line = refused(serve(tmp_path / "d", env={"RINGBACK_API_SECRET": "short"}))
    assert "--api-secret" in line
    assert "short" not in line.replace("--api-secret", "")  # the secret is not echoed
    line = refused(serve(tmp_path / "d", env={"RINGBACK_LOG_LEVEL": "chatty"}))
    assert "RINGBACK_LOG_LEVEL" in line


def test_a_data_directory_that_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("not a directory")
    assert refused(serve(afile)) == f"ringback: --data-dir {afile} is not a directory"
    line = refused(serve(afile / "below"))
    assert line == f"ringback: cannot create the data directory {afile / 'below'}: Not a directory"


def test_a_database_in_a_missing_directory(tmp_path: Path) -> None:
    database = tmp_path / "nowhere" / "ringback.db"
    line = refused(serve(tmp_path / "d", "--database", str(database)))
    assert line == (
        f"ringback: --database {database}: the directory {database.parent} does not exist"
    )


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    data_dir.mkdir(mode=0o700)  # private, as Ringback keeps it: no tightening warning
    (data_dir / "ringback.db").write_text("this is not SQLite, " * 100)
    (data_dir / "ringback.db").chmod(0o600)
    line = refused(serve(data_dir))
    assert line.startswith("ringback: could not start: database ")
    assert "not a database" in line


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "No such file or directory"),
        ("{not json", "not valid JSON"),
        ('{"default": {"sms": "cheap"}}', "default.sms: 'cheap' is not a price"),
        ('{"default": {"sms": -1}}', "cannot be negative"),
        ("[1, 2]", "not a price list"),
    ],
)
def test_a_broken_price_list(tmp_path: Path, content: str | None, expected: str) -> None:
    prices = tmp_path / "prices.json"
    if content is not None:
        prices.write_text(content)
    line = refused(serve(tmp_path / "d", "--prices", str(prices)))
    assert line.startswith(f"ringback: --prices {prices}: ")
    assert expected in line


def test_a_host_that_is_not_this_machine(tmp_path: Path) -> None:
    line = refused(serve(tmp_path / "d", "--host", "192.0.2.1"))  # TEST-NET-1
    assert line == "ringback: --host 192.0.2.1 is not an address of this machine"
    line = refused(serve(tmp_path / "d", "--host", "no-such-host.invalid"))
    assert line == "ringback: --host no-such-host.invalid is not an address or a known host name"


# -- a Ringback already running


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> RingbackProcess:
    """Only looked at (its ports, its data directory): one start for the tests that need it."""
    process = RingbackProcess(tmp_path_factory.mktemp("first")).start()
    yield process  # type: ignore[misc]
    process.stop()


def test_a_port_in_use_names_the_port_and_the_flag(
    running: RingbackProcess, tmp_path: Path
) -> None:
    port = running.info["http_port"]
    line = refused(serve(tmp_path / "second", "--http-port", str(port)))
    assert line == (
        f"ringback: port {port} is in use; choose another with --http-port (or 0 for a free one)"
    )
    port = running.info["https_port"]
    line = refused(serve(tmp_path / "second", "--https-port", str(port)))
    assert f"port {port} is in use; choose another with --https-port" in line
    assert running.control("GET", "/health").status_code == 200


def test_one_server_per_data_directory(running: RingbackProcess) -> None:
    runtime = running.data_dir / "server.json"
    before = runtime.read_text()
    info = json.loads(before)

    line = refused(serve(running.data_dir))

    assert line == (
        f"ringback: another Ringback (pid {info['pid']}, http {info['http_port']}, "
        f"https {info['https_port']}) is serving {running.data_dir}; stop it or use --data-dir"
    )
    # the second one left the first one's files alone, and the first one serves on
    assert runtime.read_text() == before
    api_key, api_secret = running.default_credentials()
    client = running.client(api_key, api_secret)
    assert client.account.get_balance().value == pytest.approx(10.0)
    assert running.control("GET", "/health").json()["status"] == "ok"


def test_an_in_memory_database_locks_its_data_directory_too(tmp_path: Path) -> None:
    first = RingbackProcess(tmp_path / "d", "--database", ":memory:").start()
    try:
        line = refused(serve(tmp_path / "d", "--database", ":memory:"))
        assert f"pid {first.info['pid']}" in line
    finally:
        first.stop()


def test_the_lock_dies_with_its_server(tmp_path: Path) -> None:
    """A killed server leaves no lock behind: the next one starts."""
    process = RingbackProcess(tmp_path / "d").start()
    assert process.stop(signal.SIGKILL) == -signal.SIGKILL
    process.start()
    try:
        assert httpx.get(f"{process.http_url}/_ringback/health").status_code == 200
    finally:
        process.stop()


def test_a_server_still_starting_is_named_by_its_pid(tmp_path: Path) -> None:
    """Before the first server has written server.json, the lock file still names it."""
    data_dir = tmp_path / "d"
    data_dir.mkdir(mode=0o700)  # private, as Ringback keeps it: no tightening warning
    lock = data_dir / "server.lock"
    lock.touch(mode=0o600)
    with lock.open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write(f"{os.getpid()}\n")
        held.flush()
        line = refused(serve(data_dir))
    assert line == (
        f"ringback: another Ringback (pid {os.getpid()}, still starting: no ports yet) "
        f"is serving {data_dir}; stop it or use --data-dir"
    )
    assert not (data_dir / "ringback.db").exists()  # refused before the store was opened
