"""Verify (legacy) in-process: form posts with Basic auth, the handset's latest code and the
clock, as a user's test would drive them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from ringback.testing.asgi import AppAccount, InProcessRingback

_numbers = itertools.count(100)


@dataclass
class Verify:
    ringback: InProcessRingback
    account: AppAccount

    def post(self, path: str, **fields: Any) -> dict[str, Any]:
        answer = self.ringback.http.post(path, data=fields, auth=self.account.auth)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/json"
        body: dict[str, Any] = answer.json()
        return body

    def raw(self, method: str, path: str, **kwargs: Any) -> Any:
        kwargs.setdefault("auth", self.account.auth)
        return self.ringback.http.request(method, path, **kwargs)

    def start(self, number: str, **fields: Any) -> str:
        body = self.post("/verify/json", number=number, brand=fields.pop("brand", "Acme"), **fields)
        assert body["status"] == "0", body
        request_id: str = body["request_id"]
        return request_id

    def check(self, request_id: str, code: str) -> dict[str, Any]:
        return self.post("/verify/check/json", request_id=request_id, code=code)

    def control(self, request_id: str, cmd: str) -> dict[str, Any]:
        return self.post("/verify/control/json", request_id=request_id, cmd=cmd)

    def search(self, request_id: str) -> dict[str, Any]:
        answer = self.ringback.http.get(
            "/verify/search/json", params={"request_id": request_id}, auth=self.account.auth
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def advance(self, seconds: float) -> None:
        answer = self.ringback.control("POST", "/clock", json={"advance_seconds": seconds})
        assert answer.status_code == 200, answer.text

    def latest(self, number: str) -> dict[str, Any] | None:
        answer = self.ringback.control("GET", f"/handsets/{number}/codes/latest")
        if answer.status_code == 404:
            return None
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def balance(self) -> str:
        answer = self.ringback.http.get("/account/get-balance", auth=self.account.auth)
        return str(answer.json()["value"])


@pytest.fixture
def verify(ringback: InProcessRingback, account: AppAccount) -> Verify:
    return Verify(ringback, account)


@pytest.fixture
def number() -> str:
    """A handset of its own for each test (codes/latest is per handset, across accounts)."""
    return f"4477009{next(_numbers):05d}"
