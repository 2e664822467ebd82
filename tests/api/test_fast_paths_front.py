"""The fast paths sit in front of the middlewares (app.py): a Vonage endpoint at its exact path
goes straight to its endpoint; the same path with a trailing slash still reaches it, and the
control API keeps its Host check."""

from __future__ import annotations

from ringback.testing.asgi import InProcessRingback


def test_exact_and_trailing_slash_paths_answer_alike(ringback: InProcessRingback) -> None:
    api_key, api_secret = ringback.new_account()
    message = {"api_key": api_key, "api_secret": api_secret, "from": "Acme", "text": "hi"}
    for path in ("/sms/json", "/sms/json/"):
        response = ringback.http.post(path, data={**message, "to": "447400500600"})
        assert response.status_code == 200, response.text
        assert response.json()["messages"][0]["status"] == "0"
    balance = ringback.http.get("/account/get-balance/", auth=(api_key, api_secret))
    assert balance.status_code == 200 and "value" in balance.json()


def test_the_control_api_still_checks_the_host(ringback: InProcessRingback) -> None:
    foreign = {"host": "attacker.example"}
    assert ringback.http.get("/_ringback/health", headers=foreign).status_code == 421
    assert ringback.http.get("/_ringback/health/", headers=foreign).status_code == 421
    assert ringback.http.get("/_ringback/health").status_code == 200
