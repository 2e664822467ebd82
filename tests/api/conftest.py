"""tests/api: each API's answers to good and bad input, from Ringback running in this process
(testing/asgi.py: the real app and store, no sockets). Here `ringback` is that in-process app
and `account` a fresh account on it; tests that need a real server live in tests/e2e."""

from __future__ import annotations

import pytest

from ringback.testing.asgi import AppAccount, InProcessRingback


@pytest.fixture(scope="session")
def ringback(ringback_app: InProcessRingback) -> InProcessRingback:
    return ringback_app


@pytest.fixture
def account(app_account: AppAccount) -> AppAccount:
    return app_account
