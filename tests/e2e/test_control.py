"""The control API: accounts, reset, snapshots, clock, seed, rate limits, its OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ringback.testing import backends
from ringback.testing.server import RingbackProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(tmp_path_factory.mktemp("control")).start()
    yield process
    process.stop()


def balance(server: RingbackProcess, api_key: str, api_secret: str) -> float:
    response = httpx.get(
        f"{server.http_url}/account/get-balance",
        params={"api_key": api_key, "api_secret": api_secret},
    )
    response.raise_for_status()
    return float(response.json()["value"])


def test_health(server: RingbackProcess) -> None:
    assert server.control("GET", "/health").json() == {
        "status": "ok",
        "version": "0.1.0",
        "database": backends.backend(),  # sqlite, or postgresql with RINGBACK_TEST_BACKEND
        "workers": 1,
        "worker": server.info["pid"],  # one process: the server itself answers
        "worker_index": 0,
        "long_polls": 0,  # none waiting now
    }


def test_openapi_document_lists_the_stable_routes(server: RingbackProcess) -> None:
    document = server.control("GET", "/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path, method in [
        ("/_ringback/health", "get"),
        ("/_ringback/accounts", "post"),
        ("/_ringback/accounts/{api_key}", "patch"),
        ("/_ringback/reset", "post"),
        ("/_ringback/snapshots", "post"),
        ("/_ringback/snapshots/{name}/restore", "post"),
        ("/_ringback/clock", "post"),
        ("/_ringback/seed", "post"),
    ]:
        assert method in paths[path]


def test_create_read_change_accounts(server: RingbackProcess) -> None:
    created = server.control(
        "POST",
        "/accounts",
        json={
            "api_key": "acc00001",
            "api_secret": "Chosen1Secret",
            "balance": "5.5",
            "name": "Alice",
        },
    )
    assert created.status_code == 201
    assert created.json()["api_secret"] == "Chosen1Secret"
    assert created.json()["balance"] == "5.50000000"
    assert balance(server, "acc00001", "Chosen1Secret") == pytest.approx(5.5)
    listed = server.control("GET", "/accounts").json()["accounts"]
    assert "acc00001" in {a["api_key"] for a in listed}
    assert all("api_secret" not in a for a in listed)
    changed = server.control(
        "PATCH",
        "/accounts/acc00001",
        json={"balance": 7, "signature_method": "sha512", "signs_webhooks": True},
    ).json()
    assert changed["balance"] == "7.00000000"
    assert changed["signature_method"] == "sha512"
    assert changed["signs_webhooks"] is True
    assert server.control("GET", "/accounts/acc00001").json() == changed


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"api_key": "acc00001"}, 409),
        ({"api_secret": "weak"}, 400),
        ({"api_key": "bad key!"}, 400),
        ({"balance": "lots"}, 400),
        ({"balance": -1}, 400),
        ({"balance": True}, 400),
        ({"api_key": 12345678}, 400),
    ],
)
def test_account_creation_refuses_bad_input(
    server: RingbackProcess, body: dict[str, object], status: int
) -> None:
    server.control("POST", "/accounts", json={"api_key": "acc00001"})
    response = server.control("POST", "/accounts", json=body)
    assert response.status_code == status
    assert {"type", "title", "detail", "instance"} <= response.json().keys()


@pytest.mark.parametrize(
    "body",
    [{"signature_method": "sha3"}, {"balance": None}, {"signs_webhooks": "yes"}, {"name": 3}],
)
def test_account_change_refuses_bad_input(server: RingbackProcess, body: dict[str, object]) -> None:
    api_key, _ = server.new_account()
    response = server.control("PATCH", f"/accounts/{api_key}", json=body)
    assert response.status_code == 400


def test_unknown_account_and_malformed_bodies(server: RingbackProcess) -> None:
    assert server.control("GET", "/accounts/nobody00").status_code == 404
    assert server.control("PATCH", "/accounts/nobody00", json={}).status_code == 404
    broken = server.control("POST", "/accounts", content=b"{not json")
    assert broken.status_code == 400
    assert server.control("POST", "/accounts", json=[1, 2]).status_code == 400


def test_reset_one_account_keeps_the_others(server: RingbackProcess) -> None:
    a_key, a_secret = server.new_account(balance="3")
    b_key, b_secret = server.new_account(balance="4")
    server.control("PATCH", f"/accounts/{a_key}", json={"balance": "1"})
    server.control("PATCH", f"/accounts/{b_key}", json={"balance": "2"})
    assert server.control("POST", "/reset", params={"api_key": a_key}).status_code == 200
    assert balance(server, a_key, a_secret) == pytest.approx(10.0)
    assert balance(server, b_key, b_secret) == pytest.approx(2.0)
    assert server.control("POST", "/reset", params={"api_key": "nobody00"}).status_code == 404


def test_snapshot_and_restore(server: RingbackProcess) -> None:
    api_key, api_secret = server.new_account(balance="8")
    assert server.control("POST", "/snapshots", json={"name": "seeded"}).status_code == 200
    server.control("PATCH", f"/accounts/{api_key}", json={"balance": "0.5"})
    later_key, _ = server.new_account()
    restored = server.control("POST", "/snapshots/seeded/restore")
    assert restored.status_code == 200
    assert balance(server, api_key, api_secret) == pytest.approx(8.0)
    assert server.control("GET", f"/accounts/{later_key}").status_code == 404
    names = [s["name"] for s in server.control("GET", "/snapshots").json()["snapshots"]]
    assert "seeded" in names


def test_snapshot_names_and_unknown_snapshots(server: RingbackProcess) -> None:
    assert server.control("POST", "/snapshots", json={"name": "../evil"}).status_code == 400
    assert server.control("POST", "/snapshots", json={}).status_code == 400
    assert server.control("POST", "/snapshots/nothing/restore").status_code == 404


def test_snapshots_survive_a_restart(tmp_path: Path) -> None:
    process = RingbackProcess(tmp_path / "d").start()
    try:
        api_key, api_secret = process.new_account(balance="6")
        process.control("POST", "/snapshots", json={"name": "before"})
        process.restart()
        process.control("PATCH", f"/accounts/{api_key}", json={"balance": "0"})
        process.control("POST", "/snapshots/before/restore")
        assert balance(process, api_key, api_secret) == pytest.approx(6.0)
    finally:
        process.stop()


def test_clock_freeze_advance_resume(server: RingbackProcess) -> None:
    frozen = server.control("POST", "/clock", json={"freeze": True}).json()
    assert frozen["frozen"] is True
    again = server.control("GET", "/clock").json()
    assert again["now"] == frozen["now"]
    advanced = server.control("POST", "/clock", json={"advance_seconds": 3600}).json()
    assert advanced["now"] == pytest.approx(frozen["now"] + 3600)
    resumed = server.control("POST", "/clock", json={"freeze": False}).json()
    assert resumed["frozen"] is False
    assert resumed["now"] >= advanced["now"]
    assert server.control("POST", "/clock", json={"advance_seconds": -5}).status_code == 400
    assert server.control("POST", "/clock", json={"freeze": "yes"}).status_code == 400


def test_seed_makes_ids_repeatable(server: RingbackProcess) -> None:
    # a reset keeps accounts, so the way back to the same world is a snapshot
    server.control("POST", "/snapshots", json={"name": "before-seed"})
    server.control("POST", "/seed", json={"seed": 1234})
    first = server.new_account()
    server.control("POST", "/snapshots/before-seed/restore")
    server.control("POST", "/seed", json={"seed": 1234})
    assert server.new_account() == first
    # after a reset the same seed draws a key that is taken: the next one is used, no 409
    server.control("POST", "/reset")
    server.control("POST", "/seed", json={"seed": 1234})
    assert server.new_account()[0] != first[0]
    assert server.control("POST", "/seed", json={"seed": "x"}).status_code == 400


def test_reset_all_keeps_every_account_and_its_credentials(server: RingbackProcess) -> None:
    default = server.default_credentials()
    other, other_secret = server.new_account(balance="3")
    before = server.control("GET", f"/accounts/{other}").json()
    assert server.control("POST", "/reset").status_code == 200
    after = server.control("GET", f"/accounts/{other}").json()
    assert after["signature_secret"] == before["signature_secret"]
    assert balance(server, *default) == pytest.approx(10.0)
    assert balance(server, other, other_secret) == pytest.approx(10.0)


def test_rate_limits_can_be_read_switched_and_changed(server: RingbackProcess) -> None:
    described = server.control("GET", "/rate-limits").json()
    assert described["enabled"] is True
    assert described["limits"]["numbers-owned"] == "1 per 1 second"
    changed = server.control(
        "PUT", "/rate-limits", json={"enabled": False, "limits": {"numbers": "10/second"}}
    ).json()
    assert changed["enabled"] is False
    assert changed["limits"]["numbers"] == "10 per 1 second"
    bad = server.control("PUT", "/rate-limits", json={"limits": {"numbers": "fast"}})
    assert bad.status_code == 400
    server.control("PUT", "/rate-limits", json={"enabled": True, "limits": {"numbers": "3/second"}})


def test_credentials_check_names_the_account(server: RingbackProcess) -> None:
    api_key, api_secret = server.new_account()
    checked = httpx.get(
        f"{server.http_url}/_ringback/credentials/check", auth=(api_key, api_secret)
    ).json()
    assert checked == {"api_key": api_key, "credential": "basic", "application_id": None}
    refused = httpx.get(f"{server.http_url}/_ringback/credentials/check", auth=(api_key, "x"))
    assert refused.status_code == 401


def test_strict_mode_logs_what_it_refused(server: RingbackProcess) -> None:
    api_key, _ = server.new_account()
    httpx.get(
        f"{server.http_url}/account/get-balance",
        params={"api_key": api_key, "api_secret": "Wrong1Secret"},
    )
    log = server.control("GET", "/auth-log", params={"api_key": api_key}).json()
    assert log["mode"] == "strict"
    assert log["entries"][0]["reason"] == "wrong api_secret"
    assert log["entries"][0]["path"] == "/account/get-balance"


def test_soft_mode_lets_refused_requests_through_and_logs_them(tmp_path: Path) -> None:
    process = RingbackProcess(tmp_path / "soft", "--auth-mode", "soft").start()
    try:
        api_key, _ = process.new_account(balance="2")
        response = httpx.get(
            f"{process.http_url}/account/get-balance",
            params={"api_key": api_key, "api_secret": "Wrong1Secret"},
        )
        assert response.status_code == 200
        assert response.json()["value"] == pytest.approx(2.0)
        log = process.control("GET", "/auth-log").json()
        assert log["mode"] == "soft"
        assert log["entries"][0]["api_key"] == api_key
        assert log["entries"][0]["mode"] == "soft"
    finally:
        process.stop()


def test_soft_mode_lets_no_cross_site_page_through(tmp_path: Path) -> None:
    """A hostile page can post a form to /sms/json without asking; soft mode must not send it
    as the default account (browsers mark such a request `Sec-Fetch-Site: cross-site`)."""
    process = RingbackProcess(tmp_path / "soft", "--auth-mode", "soft").start()
    try:
        before = process.control("GET", "/accounts").json()["accounts"][0]["balance"]
        page = {"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}
        form = {"from": "Evil", "to": "447700900123", "text": "spent"}
        sent = httpx.post(f"{process.http_url}/sms/json", data=form, headers=page)
        assert sent.json()["messages"][0]["status"] == "2"  # missing api_key, as strict
        assert process.control("GET", "/accounts").json()["accounts"][0]["balance"] == before
        own_app = httpx.post(f"{process.http_url}/sms/json", data=form)
        assert own_app.json()["messages"][0]["status"] == "0"
        reasons = [e["reason"] for e in process.control("GET", "/auth-log").json()["entries"]]
        assert any("cross-site" in reason for reason in reasons)
    finally:
        process.stop()
