"""Keeps web pages away from the control API and the dashboard (the Vonage paths pass untouched).

In order: a `Host` that is not this Ringback (DNS rebinding) → 421; an `Origin` of another site
→ 403; without the control token when one is in force → 401; a write that is not JSON → 415.
A browser can send a cross-site form or `text/plain` POST without asking, but a JSON one only
after a CORS preflight, which Ringback never grants: so every POST, PUT and PATCH, bodiless
ones too (`POST /_ringback/reset`), must say `Content-Type: application/json` (or
`application/*+json`). A DELETE must only when it has a body: no page can send a cross-site
DELETE without a preflight.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ringback.apis.endpoint import render_error
from ringback.apis.services import Services
from ringback.control.common import CONTROL
from ringback.control.host_policy import HostPolicy, host_name
from ringback.control.token import token_matches
from ringback.core.errors import Forbidden, RingbackError, Unauthorized, UnsupportedMediaType

CONTROL_PREFIX = "/_ringback"
DASHBOARD_PATHS = frozenset({"/"})
# a liveness probe, and a check that authenticates with the Vonage credential it checks (its
# `Authorization` header carries that credential, so it cannot carry the token as well)
TOKEN_FREE = frozenset({"/_ringback/health", "/_ringback/credentials/check"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="ringback"'}


class MisdirectedRequest(RingbackError):
    status = 421
    title = "Misdirected Request"
    slug = "misdirected-request"


def is_guarded(path: str) -> bool:
    return path in DASHBOARD_PATHS or path == CONTROL_PREFIX or path.startswith("/_ringback/")


def is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def has_body(request: Request) -> bool:
    length = request.headers.get("content-length", "0").strip()
    return "transfer-encoding" in request.headers or length not in ("", "0")


def cookie_name(request: Request) -> str:
    """Per port: two Ringbacks on one machine share `localhost` cookies, not their tokens."""
    port = request.url.port or (443 if request.url.scheme == "https" else 80)
    return f"ringback_control_token_{port}"


class ControlGuard:
    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services
        settings = services.settings
        self.policy = HostPolicy(settings.host, settings.allowed_hosts)
        self.token = settings.control_token or None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_guarded(scope["path"]):
            refusal = self.refusal(Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, request: Request) -> Response | None:
        hosts = request.headers.getlist("host")
        if len(hosts) > 1 or (not hosts and request.scope.get("http_version") == "1.1"):
            # RFC 9112 3.2: which of two names was meant cannot be known; 1.1 must name one
            return self.problem(
                RingbackError("an HTTP/1.1 request must carry exactly one Host header")
            )
        host = request.headers.get("host")
        if not self.policy.host_allowed(host):
            name = host_name(host or "") or "this name"
            return self.problem(
                MisdirectedRequest(
                    f"Ringback does not answer to {name!r} here: use localhost or an IP "
                    f"address, or start it with --allowed-hosts {name}"
                )
            )
        if not self.policy.origin_allowed(request.headers.get("origin"), host):
            return self.problem(
                Forbidden("requests from another site's pages are refused (Origin)")
            )
        refused = self.token_refusal(request)
        if refused is not None:
            return refused
        if (request.method in BODY_METHODS or has_body(request)) and not is_json(
            request.headers.get("content-type")
        ):
            return self.problem(
                UnsupportedMediaType(
                    "control API writes must be sent as Content-Type: application/json "
                    "(a bodiless POST too)"
                )
            )
        return None

    def token_refusal(self, request: Request) -> Response | None:
        if self.token is None or request.url.path in TOKEN_FREE:
            return None
        dashboard = request.url.path in DASHBOARD_PATHS
        if dashboard and "token" in request.query_params:
            if token_matches(request.query_params["token"], self.token):
                return self.login(request)
            return self.dashboard_refusal("That token is not this Ringback's control token.")
        if self.presented(request):
            return None
        if dashboard:
            return self.dashboard_refusal("Ringback needs its control token.")
        return self.problem(
            Unauthorized(
                "the control API needs the control token: Authorization: Bearer <token> "
                "(printed at start; in server.json as control_token)",
                title="Unauthorized",
                headers=CHALLENGE,
            )
        )

    def presented(self, request: Request) -> bool:
        assert self.token is not None
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token_matches(given.strip(), self.token):
            return True
        cookie = request.cookies.get(cookie_name(request))
        return cookie is not None and token_matches(cookie, self.token)

    def login(self, request: Request) -> Response:
        """`/?token=…` once: an HttpOnly, SameSite=Strict cookie, then the token leaves the URL."""
        assert self.token is not None
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            cookie_name(request),
            self.token,
            path="/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    def dashboard_refusal(self, why: str) -> Response:
        return HTMLResponse(
            "<!doctype html><title>Ringback</title><h1>Ringback</h1>"
            f"<p>{why} Open the dashboard link Ringback printed when it started "
            "(<code>/?token=…</code>); the token is also <code>control_token</code> in "
            "<code>&lt;data-dir&gt;/server.json</code>.</p>",
            status_code=401,
            headers=CHALLENGE,
        )

    def problem(self, error: RingbackError) -> Response:
        return render_error(CONTROL, self.services, error)
