"""`ringback phone <number> ...`: a user drives a virtual handset from the shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from typing import Any

from ringback.testing.server import RingbackProcess

ALICE, BOB, CAROL = "+447700900960", "+447700900961", "+447700900962"


def phone(server: RingbackProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", "phone", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "RINGBACK_URL": server.http_url},
    )


def ok(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_send_read_the_inbox_and_the_code(ringback: RingbackProcess) -> None:
    sent = ok(phone(ringback, ALICE, "send", "--to", BOB, "Your code is 246810"))
    assert sent["delivered_to"] == "handset" and sent["sent"]["to"] == BOB.lstrip("+")
    inbox = ok(phone(ringback, BOB, "inbox", "--from", ALICE))
    assert [m["text"] for m in inbox["messages"]] == ["Your code is 246810"]
    assert ok(phone(ringback, BOB, "code"))["code"] == "246810"
    none = phone(ringback, CAROL, "code")
    assert none.returncode == 1 and "error 404" in none.stderr
    bad = phone(ringback, "not-a-number", "inbox")
    assert bad.returncode == 1 and "error 400" in bad.stderr


def test_waiting_for_a_message_and_a_code(ringback: RingbackProcess) -> None:
    def send_later() -> None:
        time.sleep(0.5)
        ringback.control(
            "POST", f"/handsets/{ALICE}/messages", json={"to": CAROL, "text": "PIN 8642"}
        )

    thread = threading.Thread(target=send_later)
    thread.start()
    started = time.monotonic()
    inbox = ok(phone(ringback, CAROL, "inbox", "--wait", "20"))
    assert [m["text"] for m in inbox["messages"]] == ["PIN 8642"]
    assert time.monotonic() - started < 15
    thread.join()
    assert ok(phone(ringback, CAROL, "code", "--wait", "5"))["code"] == "8642"
    newer = phone(
        ringback, CAROL, "code", "--wait", "0.2", "--after", str(inbox["messages"][0]["id"])
    )
    assert newer.returncode == 1 and "error 404" in newer.stderr


def test_behaviour_show_copy_set_and_reset(ringback: RingbackProcess) -> None:
    number = "+447700900963"
    assert ok(phone(ringback, number, "behaviour"))["source"] == "default"
    copied = ok(phone(ringback, number, "behaviour", "--profile", "absent-temporary"))
    assert copied["behaviour"]["name"] == "absent-temporary" and copied["source"] == "set"
    custom = ok(phone(ringback, number, "behaviour", "--set", '{"sms": "failed", "err_code": 4}'))
    assert (custom["behaviour"]["sms"], custom["behaviour"]["err_code"]) == ("failed", 4)
    assert ok(phone(ringback, number, "behaviour", "--reset"))["source"] == "default"
    garbled = phone(ringback, number, "behaviour", "--set", "{not json")
    assert garbled.returncode == 2 and "JSON" in garbled.stderr
