"""The in-process Ringback (testing/asgi.py) is the whole app, not only its routes: jobs run on
its scheduler, long-polls wake, and it stops as `ringback serve` does."""

from __future__ import annotations

from pathlib import Path

from ringback.testing.asgi import AppAccount, InProcessRingback

HANDSET = "447700900871"


def test_a_sent_sms_reaches_the_handset_through_the_scheduler(
    ringback: InProcessRingback, account: AppAccount
) -> None:
    sent = ringback.http.post(
        "/sms/json",
        data={"from": "Acme", "to": HANDSET, "text": "in-process"},
        auth=account.auth,
    )
    assert sent.json()["messages"][0]["status"] == "0"
    inbox = ringback.control("GET", f"/handsets/{HANDSET}/messages?wait=10").json()
    assert [m["text"] for m in inbox["messages"]] == ["in-process"]


def test_each_one_has_its_own_data_and_stops_cleanly(tmp_path: Path) -> None:
    first = InProcessRingback(tmp_path / "a").start()
    second = InProcessRingback(tmp_path / "b").start()
    try:
        key, _ = first.new_account()
        assert first.control("GET", f"/accounts/{key}").status_code == 200
        assert second.control("GET", f"/accounts/{key}").status_code == 404
        health = first.control("GET", "/health").json()
        if health["database"] == "sqlite":  # on PostgreSQL each has a database of its own
            assert (tmp_path / "a" / "ringback.db").exists()
    finally:
        first.stop()
        second.stop()
