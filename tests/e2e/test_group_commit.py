"""Group commit seen from outside: many SDK clients send SMS at once, the server is killed
(SIGKILL: no shutdown, no last commit) the moment the last answer arrives, and after a restart
every message that was answered with a message id is there, paid for, and delivered; the
refusals sent in between changed nothing."""

from __future__ import annotations

import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

from vonage_sms import SmsError, SmsMessage

from ringback.testing.server import RingbackProcess

HANDSETS = [f"44740012345{n}" for n in range(4)]  # ordinary handsets: delivered after 1 s
BARRED = "447700900903"  # refused at submission (status 7)
CLIENTS = 8
SENDS_PER_CLIENT = 12


def send_all(server: RingbackProcess, key: str, secret: str, client_no: int) -> list[Any]:
    """One SDK client's sends, every third one to the barred number; what each answered."""
    client = server.client(key, secret)
    outcomes: list[Any] = []
    for n in range(SENDS_PER_CLIENT):
        to = BARRED if n % 3 == 2 else HANDSETS[(client_no + n) % len(HANDSETS)]
        try:
            sent = client.sms.send(SmsMessage(to=to, from_="Acme", text=f"c{client_no} n{n}"))
            outcomes.append(sent.messages[0])
        except SmsError as error:
            outcomes.append(error)
    return outcomes


def inbox_ids(server: RingbackProcess, msisdn: str) -> set[str]:
    response = server.control("GET", f"/handsets/{msisdn}/messages")
    response.raise_for_status()
    return {i for message in response.json()["messages"] for i in message["message_ids"]}


def test_every_answered_sms_survives_a_kill(tmp_path: Path) -> None:
    server = RingbackProcess(tmp_path / "rb", "--no-rate-limits").start()
    try:
        key, secret = server.new_account(balance="100")
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda c: send_all(server, key, secret, c), range(CLIENTS)))
        server.stop(signal.SIGKILL)  # right after the answers: only what was committed stays

        outcomes = [outcome for batch in results for outcome in batch]
        refused = [o for o in outcomes if isinstance(o, SmsError)]
        accepted = [o for o in outcomes if not isinstance(o, SmsError)]
        assert len(refused) == CLIENTS * (SENDS_PER_CLIENT // 3)
        assert all(re.search("error code 7", str(o)) for o in refused)
        assert all(part.status == "0" for part in accepted)

        server.start()
        client = server.client(key, secret)
        spent = sum(Decimal(part.message_price) for part in accepted)
        assert Decimal(str(client.account.get_balance().value)) == Decimal(100) - spent

        # the delivery jobs were durable too: they run after the restart (1 s handset delay)
        expected = {part.message_id for part in accepted}
        delivered: set[str] = set()
        deadline = time.monotonic() + 20
        while delivered != expected and time.monotonic() < deadline:
            time.sleep(0.2)
            delivered = set().union(*(inbox_ids(server, msisdn) for msisdn in HANDSETS))
        assert delivered == expected
    finally:
        server.stop()
