"""Real parts for the auth tests: a store on a temp SQLite file, real accounts and applications."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import insert, select

from ringback.core.clock import Clock, ClockState
from ringback.core.ids import Ids
from ringback.core.request_params import parse_params
from ringback.platform.auth import (
    Authenticator,
    AuthMode,
    AuthRefused,
    AuthRequest,
    Credential,
    Principal,
)
from ringback.platform.provisioning import create_account
from ringback.state import accounts as account_state
from ringback.state.accounts import Account
from ringback.state.store import Store
from ringback.state.tables import applications, auth_log
from ringback.testing.backends import new_store


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: str


def _key_pair() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return KeyPair(private.decode(), public.decode())


@pytest.fixture(scope="session")
def app_keys() -> KeyPair:
    return _key_pair()


@pytest.fixture(scope="session")
def other_keys() -> KeyPair:
    return _key_pair()


@dataclass
class AuthWorld:
    store: Store
    clock: Clock
    ids: Ids = field(default_factory=lambda: Ids(7))

    @staticmethod
    def accepted(outcome: Principal | AuthRefused, api_key: str, credential: Credential) -> None:
        assert isinstance(outcome, Principal), getattr(outcome, "reason", outcome)
        assert (outcome.api_key, outcome.credential) == (api_key, credential)

    @staticmethod
    def refused(outcome: Principal | AuthRefused, reason: str) -> AuthRefused:
        assert isinstance(outcome, AuthRefused), outcome
        assert outcome.reason == reason
        assert outcome.status == 401
        return outcome

    def account(self, **fields: Any) -> tuple[Account, str]:
        with self.store.begin() as tx:
            return create_account(tx, self.ids, self.clock, **fields)

    def update(self, api_key: str, **values: Any) -> Account:
        with self.store.begin() as tx:
            account = account_state.update_account(tx, api_key, **values)
        assert account is not None
        return account

    def application(self, api_key: str, public_pem: str) -> str:
        app_id = self.ids.uuid()
        with self.store.begin() as tx:
            tx.conn.execute(
                insert(applications).values(
                    id=app_id,
                    api_key=api_key,
                    name="auth test",
                    capabilities="{}",
                    privacy="{}",
                    public_key=public_pem,
                    created_at=self.clock.now(),
                    seq=1,
                )
            )
        return app_id

    def authenticate(
        self,
        accepted: tuple[Credential, ...],
        *,
        authorization: str | None = None,
        query: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
        json_body: dict[str, Any] | None = None,
        sdk_signed_fields: tuple[str, ...] = (),
        mode: AuthMode = AuthMode.STRICT,
    ) -> Principal | AuthRefused:
        raw = b""
        if form is not None:
            raw = urlencode(form).encode()
        elif json_body is not None:
            raw = json.dumps(json_body).encode()
        request = AuthRequest(
            api="test",
            method="POST",
            path="/test",
            authorization=authorization,
            params=parse_params(urlencode(query or {}), raw),
            accepted=frozenset(accepted),
            sdk_signed_fields=sdk_signed_fields,
        )
        with self.store.begin() as tx:
            return Authenticator(self.clock, mode).authenticate(tx, request)

    def auth_log(self) -> list[dict[str, Any]]:
        with self.store.begin() as tx:
            rows = tx.conn.execute(select(auth_log).order_by(auth_log.c.id))
            return [dict(r._mapping) for r in rows]


@pytest.fixture
def world(tmp_path: Any) -> Iterator[AuthWorld]:
    store = new_store(tmp_path, "t.db")
    # frozen on a whole second, so "now + n" in a test is exactly n seconds away
    # real time until now (credentials made before carry real times), frozen from here on
    clock = Clock()
    clock.set_state(ClockState(frozen_at=float(int(time.time()))))
    yield AuthWorld(store, clock)
    store.close()
