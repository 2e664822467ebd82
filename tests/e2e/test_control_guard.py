"""A hostile web page can neither read nor change anything through the control API.

DNS rebinding (a foreign `Host`) gets 421, a foreign `Origin` 403, a write that is not JSON
(what a cross-site form or `text/plain` fetch sends without a preflight) 415; the Vonage paths
answer under any name. With a control token, the control API and the dashboard need it.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ringback.testing.server import RingbackProcess

EVIL = "evil.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(
        tmp_path_factory.mktemp("guard"), "--allowed-hosts", "web,.svc.test"
    ).start()
    yield process
    process.stop()


def port(server: RingbackProcess) -> int:
    return int(server.info["http_port"])


def raw(
    server: RingbackProcess, method: str, path: str, headers: dict[str, Any], **kwargs: Any
) -> httpx.Response:
    """A request exactly as a browser page would make it: no help from the fixture."""
    return httpx.request(method, f"{server.http_url}{path}", headers=headers, timeout=30, **kwargs)


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, object] = response.json()
    assert set(body) >= {"type", "title", "detail", "instance"}
    return body


def account_exists(server: RingbackProcess, api_key: str) -> bool:
    return server.control("GET", f"/accounts/{api_key}").status_code == 200


def test_dns_rebinding_reads_nothing(server: RingbackProcess) -> None:
    mine = server.control("GET", "/accounts")
    assert mine.status_code == 200
    assert "signature_secret" in mine.text
    for host in (EVIL, f"{EVIL}:{port(server)}", f"EVIL.example.:{port(server)}"):
        refused = raw(server, "GET", "/_ringback/accounts", {"host": host})
        body = assert_problem(refused, 421)
        assert body["title"] == "Misdirected Request"
        assert "signature_secret" not in refused.text
        assert "--allowed-hosts evil.example" in str(body["detail"])
    handset = raw(server, "GET", "/_ringback/handsets/447700900901/codes/latest", {"host": EVIL})
    assert_problem(handset, 421)


@pytest.mark.parametrize(
    "host",
    [
        "localhost:{port}",
        "localhost",
        "127.0.0.1:{port}",
        "127.9.9.9:{port}",
        "[::1]:{port}",
        "app.localhost:{port}",
        "192.168.1.20:{port}",  # an IP literal cannot be DNS rebinding
        "web:{port}",  # --allowed-hosts
        "web",
        "svc.test",  # .svc.test: the name and its subdomains
        "api.svc.test:{port}",
    ],
)
def test_our_own_names_are_answered(server: RingbackProcess, host: str) -> None:
    response = raw(server, "GET", "/_ringback/accounts", {"host": host.format(port=port(server))})
    assert response.status_code == 200, response.text
    assert "accounts" in response.json()


@pytest.mark.parametrize(
    "host", ["webx", "web.evil.example", "svc.test.evil.example", "localhost:99999", "a b", ""]
)
def test_other_and_broken_hosts_are_misdirected(server: RingbackProcess, host: str) -> None:
    assert_problem(raw(server, "GET", "/_ringback/health", {"host": host}), 421)


def test_the_dashboard_checks_the_host_too(server: RingbackProcess) -> None:
    assert raw(server, "GET", "/", {"host": f"localhost:{port(server)}"}).status_code == 200
    assert_problem(raw(server, "GET", "/", {"host": f"{EVIL}:{port(server)}"}), 421)


def test_vonage_paths_answer_under_any_name(server: RingbackProcess) -> None:
    api_key, api_secret = server.new_account()
    for host in (EVIL, "api.nexmo.com"):
        response = raw(
            server,
            "GET",
            "/account/get-balance",
            {"host": host},
            params={"api_key": api_key, "api_secret": api_secret},
        )
        assert response.status_code == 200
        assert float(response.json()["value"]) == pytest.approx(10)


def test_a_text_plain_post_resets_nothing(server: RingbackProcess) -> None:
    api_key, _ = server.new_account()
    local = {"host": f"localhost:{port(server)}"}
    for content_type in ("text/plain", "text/plain;charset=UTF-8", "application/jsonx"):
        refused = raw(
            server,
            "POST",
            "/_ringback/reset",
            {**local, "content-type": content_type},
            content="{}",
        )
        assert_problem(refused, 415)
    # a form, and a bodiless POST with no type at all (fetch(url, {method: "POST"}))
    assert_problem(raw(server, "POST", "/_ringback/reset", local, data={"x": "1"}), 415)
    assert_problem(raw(server, "POST", "/_ringback/reset", local), 415)
    assert account_exists(server, api_key)


def test_a_form_cannot_create_or_change(server: RingbackProcess) -> None:
    api_key, _ = server.new_account()
    form = {"content-type": "application/x-www-form-urlencoded"}
    created = raw(server, "POST", "/_ringback/accounts", form, content='{"api_key": "form0001"}')
    assert_problem(created, 415)
    assert not account_exists(server, "form0001")
    changed = raw(
        server, "PATCH", f"/_ringback/accounts/{api_key}", form, content='{"balance": 99}'
    )
    assert_problem(changed, 415)
    assert server.control("GET", f"/accounts/{api_key}").json()["balance"] == "10.00000000"


def test_json_writes_pass(server: RingbackProcess) -> None:
    api_key, _ = server.new_account()
    patched = raw(
        server,
        "PATCH",
        f"/_ringback/accounts/{api_key}",
        {"content-type": "application/merge-patch+json"},
        content='{"balance": 12}',
    )
    assert patched.status_code == 200, patched.text
    bodiless = raw(
        server,
        "POST",
        "/_ringback/reset",
        {"content-type": "application/json; charset=utf-8"},
        params={"api_key": api_key},
    )
    assert bodiless.status_code == 200, bodiless.text
    assert server.control("GET", f"/accounts/{api_key}").json()["balance"] == "10.00000000"
    # a DELETE without a body needs no type (no page can send one cross-site); with one it does
    behaviour = "/_ringback/handsets/447700900123/behaviour"
    assert raw(server, "DELETE", behaviour, {}).status_code == 200
    assert_problem(
        raw(server, "DELETE", behaviour, {"content-type": "text/plain"}, content="x"), 415
    )


def test_foreign_origins_are_forbidden(server: RingbackProcess) -> None:
    json_type = {"content-type": "application/json"}
    for origin in (f"https://{EVIL}", f"http://{EVIL}:{port(server)}", "null", "http://10.0.0.9"):
        created = raw(
            server,
            "POST",
            "/_ringback/accounts",
            {**json_type, "origin": origin},
            content='{"api_key": "orig0001"}',
        )
        assert_problem(created, 403)
        assert_problem(raw(server, "GET", "/_ringback/accounts", {"origin": origin}), 403)
    assert not account_exists(server, "orig0001")


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:{port}",  # the dashboard's own pages
        "http://localhost:3000",  # the user's app on this machine
        "https://web",  # --allowed-hosts
    ],
)
def test_our_own_origins_are_allowed(server: RingbackProcess, origin: str) -> None:
    response = raw(
        server, "GET", "/_ringback/accounts", {"origin": origin.format(port=port(server))}
    )
    assert response.status_code == 200, response.text


# --- the control token ---------------------------------------------------------------------

TOKEN = "Chosen-token_0123456789"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RingbackProcess]:
    process = RingbackProcess(
        tmp_path_factory.mktemp("token"), env={"RINGBACK_CONTROL_TOKEN": TOKEN}
    ).start()
    yield process
    process.stop()


def test_the_token_is_required(guarded: RingbackProcess) -> None:
    assert guarded.control_token == TOKEN
    missing = raw(guarded, "GET", "/_ringback/accounts", {})
    assert_problem(missing, 401)
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert "signature_secret" not in missing.text
    for wrong in (
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer é".encode(),
    ):
        refused = raw(guarded, "GET", "/_ringback/accounts", {"authorization": wrong})
        assert_problem(refused, 401)
    right = raw(guarded, "GET", "/_ringback/accounts", {"authorization": f"bearer {TOKEN}"})
    assert right.status_code == 200
    assert "signature_secret" in right.text


def test_a_write_without_the_token_changes_nothing(guarded: RingbackProcess) -> None:
    api_key, _ = guarded.new_account()  # the fixture sends the token from server.json
    json_type = {"content-type": "application/json"}
    assert_problem(raw(guarded, "POST", "/_ringback/reset", json_type), 401)
    assert account_exists(guarded, api_key)


def test_the_health_check_and_credential_check_need_no_token(guarded: RingbackProcess) -> None:
    assert raw(guarded, "GET", "/_ringback/health", {}).status_code == 200
    api_key, api_secret = guarded.new_account()
    checked = httpx.get(
        f"{guarded.http_url}/_ringback/credentials/check", auth=(api_key, api_secret)
    )
    assert checked.status_code == 200
    assert checked.json()["api_key"] == api_key


def test_the_dashboard_takes_the_token_once_then_a_cookie(guarded: RingbackProcess) -> None:
    assert raw(guarded, "GET", "/", {}).status_code == 401
    wrong = raw(guarded, "GET", "/", {}, params={"token": "nope"})
    assert wrong.status_code == 401
    assert "set-cookie" not in wrong.headers
    login = raw(guarded, "GET", "/", {}, params={"token": TOKEN})
    assert login.status_code == 303
    assert login.headers["location"] == "/"
    cookie = login.headers["set-cookie"]
    name = f"ringback_control_token_{port(guarded)}"
    assert cookie.startswith(f"{name}={TOKEN};")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    jar = {name: TOKEN}
    with httpx.Client(base_url=guarded.http_url, cookies=jar, timeout=30) as browser:
        assert browser.get("/").status_code == 200
        assert browser.get("/_ringback/accounts").status_code == 200
    other_port = {"ringback_control_token_1": TOKEN}
    with httpx.Client(base_url=guarded.http_url, cookies=other_port, timeout=30) as browser:
        assert browser.get("/_ringback/accounts").status_code == 401


def test_a_rebinding_page_with_the_token_is_still_misdirected(guarded: RingbackProcess) -> None:
    headers = {"host": EVIL, "authorization": f"Bearer {TOKEN}"}
    assert_problem(raw(guarded, "GET", "/_ringback/accounts", headers), 421)


def test_off_loopback_a_token_is_made_kept_and_shown(tmp_path: Path) -> None:
    process = RingbackProcess(tmp_path / "exposed", "--host", "0.0.0.0").start()
    try:
        token = process.control_token
        assert token and len(token) >= 32
        kept = tmp_path / "exposed" / "control-token"
        assert kept.read_text().strip() == token
        assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
        banner = process.log_path.read_text()
        assert f"?token={token}" in banner
        assert f"token      {token}" in banner
        assert_problem(raw(process, "GET", "/_ringback/accounts", {}), 401)
        assert process.control("GET", "/accounts").status_code == 200
        process.restart()
        assert process.control_token == token
        assert_problem(raw(process, "GET", "/_ringback/accounts", {}), 401)
        assert process.control("POST", "/reset").status_code == 200
    finally:
        process.stop()


def test_loopback_needs_no_token(server: RingbackProcess) -> None:
    assert server.control_token is None
    assert "control_token" in server.info
    assert not (server.data_dir / "control-token").exists()


def test_a_bad_allowed_host_stops_the_start(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ringback.cli.main",
            "serve",
            "--data-dir",
            str(tmp_path),
            "--allowed-hosts",
            "web:8080",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "--allowed-hosts" in done.stderr
    assert not (tmp_path / "server.json").exists()


def raw_head(server: RingbackProcess, head: str) -> tuple[int, str]:
    """A request head sent byte for byte (httpx would fix what these tests break)."""
    with socket.create_connection(("127.0.0.1", port(server)), timeout=30) as sock:
        sock.sendall(head.encode("ascii"))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.decode("latin-1").partition("\r\n")
    return int(status_line.split()[1]), rest.partition("\r\n\r\n")[2]


def test_an_absolute_form_target_is_checked_by_its_own_host(server: RingbackProcess) -> None:
    """RFC 9112 3.2.2: the authority in the target wins over the Host header."""
    status, body = raw_head(
        server,
        f"GET http://{EVIL}/_ringback/accounts HTTP/1.1\r\nHost: localhost\r\n"
        "Connection: close\r\n\r\n",
    )
    assert status == 421 and "signature_secret" not in body
    status, body = raw_head(
        server,
        f"GET http://localhost:{port(server)}/_ringback/accounts HTTP/1.1\r\nHost: {EVIL}\r\n"
        "Connection: close\r\n\r\n",
    )
    assert status == 200 and "signature_secret" in body


@pytest.mark.parametrize(
    "hosts",
    [("localhost", EVIL), (EVIL, "localhost"), ("localhost", "localhost"), ()],
    ids=["local-then-evil", "evil-then-local", "twice", "none"],
)
def test_two_host_headers_or_none_in_http_1_1_are_a_bad_request(
    server: RingbackProcess, hosts: tuple[str, ...]
) -> None:
    """RFC 9112 3.2: more than one Host, or none in HTTP/1.1, is a 400."""
    lines = "".join(f"Host: {host}\r\n" for host in hosts)
    status, body = raw_head(
        server, f"GET /_ringback/accounts HTTP/1.1\r\n{lines}Connection: close\r\n\r\n"
    )
    assert status == 400 and "signature_secret" not in body
    assert "Host" in json.loads(body)["detail"]


def test_an_http_1_0_request_without_a_host_is_answered(server: RingbackProcess) -> None:
    status, body = raw_head(server, "GET /_ringback/accounts HTTP/1.0\r\n\r\n")
    assert status == 200 and "signature_secret" in body
