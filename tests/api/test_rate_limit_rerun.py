"""A request is counted once against its rate limit, even when PostgreSQL's group commit runs
its transaction a second time (a member that waited too long on a lock is rolled back and run
again alone: state/pg_commit_group.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from ringback.testing import backends
from ringback.testing.asgi import InProcessRingback

pytestmark = pytest.mark.skipif(
    not backends.on_postgres(), reason="only PostgreSQL runs a transaction again"
)


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[InProcessRingback]:
    ringback = InProcessRingback(tmp_path, rate_limit_overrides={"sms": "2/minute"})
    ringback.start()
    yield ringback
    ringback.stop()


def test_a_send_run_again_after_a_lock_wait_counts_once(limited: InProcessRingback) -> None:
    api_key, api_secret = limited.new_account()
    sms = {"api_key": api_key, "api_secret": api_secret, "from": "Ringback", "text": "hi"}
    store = limited.services.store
    locker = store.engine.connect()
    locker.begin()
    # the account's row, as another transaction charging it would hold it
    locker.execute(
        text("SELECT api_key FROM accounts WHERE api_key = :k FOR UPDATE"), {"k": api_key}
    )
    answers: list[httpx.Response] = []
    sending = threading.Thread(
        target=lambda: answers.append(
            limited.http.post("/sms/json", data={**sms, "to": "447700900001"})
        )
    )
    sending.start()
    try:
        sending.join(0.5)  # past the group's lock timeout: the send now waits alone
        assert not answers
    finally:
        locker.commit()
        locker.close()
    sending.join(10)
    assert answers[0].json()["messages"][0]["status"] == "0"
    second = limited.http.post("/sms/json", data={**sms, "to": "447700900002"})
    assert second.status_code == 200
    assert second.json()["messages"][0]["status"] == "0"  # the second of two a minute
    assert store.commits.rerun_alone == 1
