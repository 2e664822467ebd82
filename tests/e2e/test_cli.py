"""The CLI drives a running Ringback through the control API, as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from ringback.testing.server import RingbackProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("cli")).start()
    yield process
    process.stop()


def ringback(server: RingbackProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", *args, "--data-dir", str(server.data_dir)],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_accounts_create_show_and_set(server: RingbackProcess) -> None:
    created = ringback(server, "accounts", "create", "--api-key", "cli00001", "--balance", "3")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["api_secret"]
    changed = ringback(server, "accounts", "set", "cli00001", "--signature-method", "sha1")
    assert json.loads(changed.stdout)["signature_method"] == "sha1"
    shown = json.loads(ringback(server, "accounts", "show", "cli00001").stdout)
    assert shown["balance"] == "3.00000000"
    listed = json.loads(ringback(server, "accounts", "list").stdout)
    assert "cli00001" in {a["api_key"] for a in listed["accounts"]}


def test_errors_are_reported_with_a_failing_exit_code(server: RingbackProcess) -> None:
    missing = ringback(server, "accounts", "show", "nobody00")
    assert missing.returncode == 1
    assert "error 404" in missing.stderr
    unreachable = subprocess.run(
        [
            sys.executable,
            "-m",
            "ringback.cli.main",
            "accounts",
            "list",
            "--url",
            "http://127.0.0.1:9",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert unreachable.returncode == 2
    assert "cannot reach Ringback" in unreachable.stderr


def test_snapshots_and_clock(server: RingbackProcess) -> None:
    assert ringback(server, "snapshot", "save", "cli-snap").returncode == 0
    listed = json.loads(ringback(server, "snapshot", "list").stdout)
    assert "cli-snap" in [s["name"] for s in listed["snapshots"]]
    frozen = json.loads(ringback(server, "clock", "freeze").stdout)
    advanced = json.loads(ringback(server, "clock", "advance", "60").stdout)
    assert advanced["now"] == pytest.approx(frozen["now"] + 60)
    assert json.loads(ringback(server, "clock", "resume").stdout)["frozen"] is False
    assert ringback(server, "snapshot", "restore", "cli-snap").returncode == 0


def test_reset(server: RingbackProcess) -> None:
    assert json.loads(ringback(server, "reset").stdout) == {"reset": "all"}
