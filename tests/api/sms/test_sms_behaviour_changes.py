"""A handset's behaviour changed through the control API between two sends: the next send
meets the new one at once (the profiles are kept in memory on SQLite, state/behaviour_cache.py)."""

from __future__ import annotations

from ringback.testing.asgi import InProcessRingback

HANDSET = "447400300400"


def status(ringback: InProcessRingback, creds: dict[str, str]) -> str:
    message = {**creds, "from": "Acme", "to": HANDSET, "text": "hello"}
    response = ringback.http.post("/sms/json", data=message)
    assert response.status_code == 200, response.text
    return str(response.json()["messages"][0]["status"])


def test_a_changed_behaviour_applies_to_the_next_send(ringback: InProcessRingback) -> None:
    api_key, api_secret = ringback.new_account()
    creds = {"api_key": api_key, "api_secret": api_secret}
    behaviour = f"/handsets/{HANDSET}/behaviour"
    assert status(ringback, creds) == "0"
    assert status(ringback, creds) == "0"
    ringback.control("PUT", behaviour, json={"submit_status": 7}).raise_for_status()
    assert status(ringback, creds) == "7"  # Number Barred
    ringback.control("PUT", behaviour, json={"submit_status": 29}).raise_for_status()
    assert status(ringback, creds) == "29"
    ringback.control("DELETE", behaviour).raise_for_status()
    assert status(ringback, creds) == "0"
