"""Ringback inside the test process, for tests that only need its HTTP answers.

The real app (`build_services` + `create_app`), store, scheduler and webhook dispatcher run on
an event loop in a background thread, as `ringback serve` runs them; httpx reaches the app
through `httpx.ASGITransport`, so a request costs no socket, TLS handshake or process hop.
What only a real process has — TLS, uvicorn's HTTP parsing and connection limits, signals,
restarts, the official SDKs (they bring their own HTTP stack) — stays in `testing/server.py`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvloop

from ringback.config import Settings
from ringback.testing.database import test_database

T = TypeVar("T")
HTTP_URL = "http://127.0.0.1"
HTTPS_URL = "https://127.0.0.1"
REQUEST_TIMEOUT = 60.0


class _NoCookies(CookieJar):
    """Each request stands alone, as with `httpx.get`: a shared client keeps no cookies."""

    def set_cookie(self, cookie: Cookie) -> None:
        return None


class _LoopTransport(httpx.BaseTransport):
    """A synchronous httpx transport that runs each request through the app on `loop`."""

    def __init__(self, asgi: httpx.ASGITransport, loop: asyncio.AbstractEventLoop) -> None:
        self._asgi = asgi
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # now an in-memory stream, which the async transport can read too

        async def exchange() -> tuple[int, httpx.Headers, bytes]:
            response = await self._asgi.handle_async_request(request)
            return response.status_code, response.headers, await response.aread()

        future = asyncio.run_coroutine_threadsafe(exchange(), self._loop)
        status, headers, content = future.result(REQUEST_TIMEOUT)
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(content))


@dataclass(frozen=True)
class AppAccount:
    api_key: str
    api_secret: str

    @property
    def auth(self) -> tuple[str, str]:
        """For httpx's `auth=`: HTTP Basic with the key and secret."""
        return self.api_key, self.api_secret


class InProcessRingback:
    """`start()` → the app is served; `http`/`https` are httpx clients to it (the scheme is
    only what the app sees: there is no TLS)."""

    http_url = HTTP_URL
    https_url = HTTPS_URL

    def __init__(self, data_dir: Path, **settings: Any) -> None:
        self.data_dir = data_dir
        self.settings = Settings(data_dir=data_dir, database=test_database(data_dir), **settings)
        self._loop = uvloop.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="ringback-in-process", daemon=True
        )
        self._clients: list[httpx.Client] = []
        self._background: Future[None] | None = None

    def start(self) -> InProcessRingback:
        # imported here, not at the top: every pytest run loads the plugin, and the whole app
        # costs it most of a second
        from ringback.app import bootstrap_default_account, build_services, create_app

        self.services = build_services(self.settings)
        bootstrap_default_account(self.services)
        self.app = create_app(self.services)
        self._asgi = httpx.ASGITransport(self.app, client=("127.0.0.1", 50000))
        self._thread.start()
        self._background = asyncio.run_coroutine_threadsafe(self._run_background(), self._loop)
        self.http = self.client()
        self.https = self.client(base_url=HTTPS_URL)
        return self

    async def _run_background(self) -> None:
        await asyncio.gather(  # as server.py runs them next to the listeners
            self.services.scheduler.run_forever(), self.services.webhooks.run_forever()
        )

    def stop(self) -> None:
        """As `ringback serve` stops: jobs stop, long-polls answer, webhooks in flight finish."""
        for client in self._clients:
            client.close()
        self._loop.call_soon_threadsafe(self._stop_waiting)
        self.run(self.services.webhooks.stop())
        if self._background is not None:
            self._background.result(REQUEST_TIMEOUT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(REQUEST_TIMEOUT)
        self._loop.close()
        self.services.store.close()

    def _stop_waiting(self) -> None:
        self.services.scheduler.stop()
        self.services.changes.close()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Await `coroutine` on the app's event loop (e.g. `scheduler.run_due()`)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(REQUEST_TIMEOUT)

    def client(self, base_url: str = HTTP_URL, **kwargs: Any) -> httpx.Client:
        """A new httpx client to the app (closed with it); `kwargs` as for `httpx.Client`."""
        client = httpx.Client(
            base_url=base_url,
            transport=_LoopTransport(self._asgi, self._loop),
            cookies=_NoCookies(),
            trust_env=False,
            **kwargs,
        )
        self._clients.append(client)
        return client

    def control_headers(self, method: str = "GET") -> dict[str, str]:
        """The JSON content type the control API asks of every write (no token: loopback)."""
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            return {"content-type": "application/json"}
        return {}

    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = httpx.Headers(self.control_headers(method))
        if ("data" in kwargs or "files" in kwargs) and "content-type" in headers:
            del headers["content-type"]
        headers.update(kwargs.pop("headers", None) or {})
        return self.http.request(method, f"/_ringback{path}", headers=headers, **kwargs)

    def new_account(self, **fields: Any) -> tuple[str, str]:
        response = self.control("POST", "/accounts", json=fields)
        response.raise_for_status()
        body = response.json()
        return body["api_key"], body["api_secret"]


@pytest.fixture(scope="session")
def ringback_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessRingback]:
    """Ringback in this process for the session (no rate limits), reached with `.http`."""
    ringback = InProcessRingback(tmp_path_factory.mktemp("ringback-app"), rate_limits=False)
    ringback.start()
    yield ringback
    ringback.stop()


@pytest.fixture
def app_account(ringback_app: InProcessRingback) -> AppAccount:
    """A new, isolated account (10 EUR) on `ringback_app`."""
    return AppAccount(*ringback_app.new_account())
