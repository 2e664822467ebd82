"""The access log: one line per request on the `ringback.access` logger, at INFO.

`GET /account/get-balance 200 1.8 ms 1a2b3c4d basic`: method, path (never the query string,
which can hold `api_secret` or `sig`), status, milliseconds until the response was sent,
account (api_key, or `-` when no credential was accepted) and how it authenticated (basic,
params, signature, jwt, bearer or `-`). `--log-level warning` switches it off.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ringback.core.caller import caller_of

log = logging.getLogger("ringback.access")


def log_request(
    method: str, path: str, status: int, ms: float, account: str | None, auth: str | None
) -> None:
    log.info("%s %s %d %.1f ms %s %s", method, path, status, ms, account or "-", auth or "-")


def _path(scope: Scope) -> str:
    raw = scope.get("raw_path")
    if isinstance(raw, bytes):
        # as sent: percent-encoded, so no space or line break can forge a log line
        return raw.decode("ascii", "backslashreplace")
    path = str(scope["path"])
    return path if path.isprintable() else path.encode("unicode_escape").decode("ascii")


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        status = 500  # if the app fails before answering, the server answers 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            caller = caller_of(state)
            log_request(
                scope["method"],
                _path(scope),
                status,
                (time.perf_counter() - started) * 1000,
                caller[0] if caller else None,
                caller[1] if caller else None,
            )
