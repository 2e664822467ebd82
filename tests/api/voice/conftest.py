"""Voice tests in-process: an application with the voice capability, its JWTs, and a real
local web app that answers NCCOs the way a Vonage voice app does."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from vonage import Auth

from ringback.testing.asgi import AppAccount, InProcessRingback

Answer = Callable[[dict[str, Any]], Any]


@dataclass
class Hit:
    method: str
    path: str
    fields: dict[str, Any]
    headers: dict[str, str]


@dataclass
class VoiceApp:
    """Answers each path with `routes[path](fields)` as JSON (None: an empty 200)."""

    routes: dict[str, Answer] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> VoiceApp:
        app = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                fields: dict[str, Any] = dict(parse_qsl(url.query))
                if raw:
                    fields.update(json.loads(raw))
                answer = app.routes.get(url.path, lambda _: None)(fields)
                body = b"" if answer is None else json.dumps(answer).encode()
                with app._cond:
                    app.hits.append(
                        Hit(
                            self.command,
                            url.path,
                            fields,
                            {k.lower(): v for k, v in self.headers.items()},
                        )
                    )
                    app._cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def wait_for(self, test: Callable[[list[Hit]], bool], timeout: float = 10.0) -> list[Hit]:
        with self._cond:
            if not self._cond.wait_for(lambda: test(self.hits), timeout):
                raise AssertionError(f"not seen in {timeout} s: {self.timeline()}")
            return list(self.hits)

    def timeline(self) -> list[str]:
        """What arrived, in order: `event:started`, `answer`, `input`, ..."""
        out = []
        for hit in self.hits:
            name = hit.path.strip("/")
            status = hit.fields.get("status")
            out.append(f"{name}:{status}" if name == "event" and status else name)
        return out

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def voice_app() -> Iterator[VoiceApp]:
    app = VoiceApp().start()
    yield app
    app.stop()


@dataclass
class VoiceClient:
    ringback: InProcessRingback
    account: AppAccount
    application_id: str
    private_key: str
    http: httpx.Client

    def headers(self) -> dict[str, str]:
        token = Auth(
            application_id=self.application_id, private_key=self.private_key
        ).generate_application_jwt()
        return {"Authorization": f"Bearer {token.decode() if isinstance(token, bytes) else token}"}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, headers=self.headers(), **kwargs)

    def advance(self, seconds: float) -> None:
        answer = self.ringback.control("POST", "/clock", json={"advance_seconds": seconds})
        assert answer.status_code == 200, answer.text

    def call(self, uuid: str) -> dict[str, Any]:
        answer = self.ringback.control("GET", f"/calls/{uuid}")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def wait_call(
        self, uuid: str, test: Callable[[dict[str, Any]], bool], timeout: float = 10.0
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.call(uuid)
            if test(found):
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"call never got there: {found}")
            time.sleep(0.02)

    def handset(self, uuid: str, action: str, **body: Any) -> httpx.Response:
        return self.ringback.control("POST", f"/calls/{uuid}/{action}", json=body)


def heard(call: dict[str, Any], text: str) -> bool:
    return any(e["kind"] == "talk" and text in e.get("text", "") for e in call["transcript"])


@pytest.fixture
def voice(ringback: InProcessRingback, account: AppAccount) -> VoiceClient:
    http = ringback.client()
    created = http.post(
        "/v2/applications",
        auth=account.auth,
        json={"name": "ivr", "capabilities": {"voice": {"webhooks": {}}}},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    return VoiceClient(ringback, account, body["id"], body["keys"]["private_key"], http)
