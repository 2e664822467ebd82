"""`ringback handsets`: the numbers that have had traffic, against a live Ringback (an SMS sent
with the official SDK, a handset texting another from the CLI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from vonage_sms import SmsMessage

from ringback.testing.server import RingbackProcess

TEXTED, SENDER, RECEIVER = "447400100980", "447400100981", "447400100982"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("handsets-cli")).start()
    yield process
    process.stop()


def ringback(server: RingbackProcess, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "ringback.cli.main", *args, "--data-dir", str(server.data_dir)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "TZ": "Asia/Kolkata"},
    )
    assert done.returncode == 0, done.stderr
    return done


def test_the_numbers_with_traffic_newest_first_with_their_counts(
    server: RingbackProcess,
) -> None:
    client = server.client(*server.default_credentials())
    client.sms.send(SmsMessage(to=TEXTED, from_="Acme", text="Your code is 482913"))
    # the SMS lands after the handset's delay (1 s): wait for it, so it is the older traffic
    inbox = json.loads(ringback(server, "phone", TEXTED, "inbox", "--wait", "10", "--json").stdout)
    assert [m["text"] for m in inbox["messages"]] == ["Your code is 482913"]
    ringback(server, "phone", SENDER, "send", "--to", RECEIVER, "see you at 8")

    listed = json.loads(ringback(server, "handsets", "--json").stdout)
    assert listed["count"] == len(listed["handsets"]) == 3
    by_number = {h["msisdn"]: h for h in listed["handsets"]}
    assert [h["msisdn"] for h in listed["handsets"]][-1] == TEXTED  # the oldest traffic
    assert {n: (h["received"], h["sent"], h["channels"]) for n, h in by_number.items()} == {
        TEXTED: (1, 0, {"sms": 1}),
        SENDER: (0, 1, {"sms": 1}),
        RECEIVER: (1, 0, {"sms": 1}),
    }
    limited = json.loads(ringback(server, "handsets", "--limit", "1", "--json").stdout)
    assert [h["msisdn"] for h in limited["handsets"]] == [listed["handsets"][0]["msisdn"]]

    table = ringback(server, "handsets").stdout
    rows = [line.split() for line in table.splitlines() if line.startswith("44740010098")]
    assert [row[0] for row in rows] == [h["msisdn"] for h in listed["handsets"]]
    assert rows[-1][3:] == ["1", "0", "sms", "1"]
    assert "local times, IST (UTC+05:30)" in table
