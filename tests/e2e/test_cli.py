"""The CLI drives a running Ringback through the control API, as a user types it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer

from ringback import __version__
from ringback.cli.main import app
from ringback.testing.server import RingbackProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("cli")).start()
    yield process
    process.stop()


def ringback(
    server: RingbackProcess, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", *args, "--data-dir", str(server.data_dir)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )


def as_json(server: RingbackProcess, *args: str) -> Any:
    done = ringback(server, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_accounts_create_show_and_set(server: RingbackProcess) -> None:
    created = as_json(server, "accounts", "create", "--api-key", "cli00001", "--balance", "3")
    assert created["api_secret"]
    changed = as_json(server, "accounts", "set", "cli00001", "--signature-method", "sha1")
    assert changed["signature_method"] == "sha1"
    shown = as_json(server, "accounts", "show", "cli00001")
    assert shown["balance"] == "3.00000000"
    listed = as_json(server, "accounts", "list")
    assert "cli00001" in {a["api_key"] for a in listed["accounts"]}


def test_json_is_the_control_api_answer_as_it_is(server: RingbackProcess) -> None:
    as_json(server, "accounts", "create", "--api-key", "cli00002")
    assert as_json(server, "accounts", "show", "cli00002") == (
        server.control("GET", "/accounts/cli00002").json()
    )


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


def test_each_refused_field_is_shown_with_its_reason(server: RingbackProcess) -> None:
    refused = ringback(server, "accounts", "create", "--api-key", "cli00009", "--api-secret", "a")
    assert refused.returncode == 1 and refused.stdout == ""
    lines = refused.stderr.splitlines()
    assert lines[0].startswith("error 400: Bad Request: api_secret must be between 8 and 25")
    assert "  api_secret: must contain at least one digit" in lines[1:]
    assert "  api_secret: must contain at least one uppercase letter" in lines[1:]
    sent = ringback(server, "phone", "+447700900970", "send", "--to", "+447700900971", "")
    assert sent.returncode == 1 and sent.stderr.splitlines() == [
        "error 400: Bad Request: Invalid message",
        "  text: must be a non-empty string",
    ]


def test_snapshots_and_clock(server: RingbackProcess) -> None:
    assert ringback(server, "snapshot", "save", "cli-snap").returncode == 0
    listed = as_json(server, "snapshot", "list")
    assert "cli-snap" in [s["name"] for s in listed["snapshots"]]
    frozen = as_json(server, "clock", "freeze")
    advanced = as_json(server, "clock", "advance", "60")
    assert advanced["now"] == pytest.approx(frozen["now"] + 60)
    assert as_json(server, "clock", "resume")["frozen"] is False
    assert ringback(server, "snapshot", "restore", "cli-snap").returncode == 0


def test_reset(server: RingbackProcess) -> None:
    assert as_json(server, "reset") == {"reset": "all"}
    assert ringback(server, "reset").stdout == "Reset everything.\n"


def _local(epoch: float, zone: str) -> str:
    return datetime.fromtimestamp(epoch, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


def test_people_get_tables_and_panels_in_their_own_time_zone(server: RingbackProcess) -> None:
    kolkata = {"TZ": "Asia/Kolkata"}
    created = as_json(server, "accounts", "create", "--api-key", "cli00003", "--name", "Table Co")
    created_at = _local(created["created_at"], "Asia/Kolkata")
    listed = ringback(server, "accounts", "list", env=kolkata)
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if "cli00003" in line)
    assert row.split()[:4] == ["cli00003", "Table", "Co", "10.00"]
    assert created_at in row
    assert "local times, IST (UTC+05:30)" in listed.stdout
    shown = ringback(server, "accounts", "show", "cli00003", env=kolkata).stdout
    assert f"{created_at} IST" in shown
    assert "10.00 EUR" in shown and created["signature_secret"] in shown
    secret = ringback(server, "accounts", "create", "--api-key", "cli00004").stdout
    assert "api secret" in secret  # shown once, when created


def test_a_narrow_terminal_folds_cells_and_a_pipe_keeps_rows_whole(
    server: RingbackProcess,
) -> None:
    text = "Your code is 135790 " + "and then a long tail " * 6 + "[b]not markup[/b]"
    sent = ringback(server, "phone", "+447700900971", "send", "--to", "+447700900972", text)
    assert sent.returncode == 0, sent.stderr
    piped = ringback(server, "phone", "+447700900972", "inbox").stdout
    row = next(line for line in piped.splitlines() if "135790" in line)
    assert row.endswith(text) and "447700900971" in row
    narrow = ringback(server, "phone", "+447700900972", "inbox", env={"COLUMNS": "60"}).stdout
    assert max(len(line) for line in narrow.splitlines()) <= 60
    assert "…" not in narrow and row not in narrow
    # the text is the last column: folded, its characters still come in order, all of them
    rest = iter("".join(narrow.split()))
    assert all(char in rest for char in "".join(text.split()))


def test_version() -> None:
    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "ringback.cli.main", *args],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert run("--version") == run("version") == f"{__version__}\n"
    assert json.loads(run("version", "--json")) == {"version": __version__}


def _commands(group: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    for name, command in group.commands.items():
        yield f"{path} {name}", command  # a group too: `ringback clock` shows the clock
        if hasattr(command, "commands"):
            yield from _commands(command, f"{path} {name}")


def test_every_control_command_takes_the_same_server_options() -> None:
    seen = 0
    for path, command in _commands(typer.main.get_command(app)):
        groups = ("phone", "accounts", "snapshot", "webhooks", "senders", "calls")
        if path.strip() in ("serve", "version", *groups):
            continue
        options = {opt for param in command.params for opt in param.opts}
        missing = {"--url", "--data-dir", "--control-token", "--json"} - options
        assert not missing, f"ringback{path} lacks {missing}"
        seen += 1
    assert seen >= 20


def test_the_webhooks_commands_old_server_option_still_works(server: RingbackProcess) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", "webhooks", "list", "--json",
         "--server", server.http_url],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "deliveries" in json.loads(done.stdout)
    helped = ringback(server, "webhooks", "list", "--help", env={"COLUMNS": "200"}).stdout
    assert "--server" not in helped and "--url" in helped and "--webhook-url" in helped


@pytest.mark.parametrize("seconds", ["nan", "inf", "1e999"])
def test_a_clock_advance_that_is_not_a_finite_number_is_a_usage_error(
    server: RingbackProcess, seconds: str
) -> None:
    refused = ringback(server, "clock", "advance", seconds)
    assert refused.returncode == 2, refused.stderr
    assert "Traceback" not in refused.stderr and "finite" in refused.stderr
