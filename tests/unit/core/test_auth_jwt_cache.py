"""Verified application JWTs kept in memory (state/credential_cache.py): a token whose signature
verified skips the RS256 check next time, on SQLite; every refusal is checked in full, the
token's times on every request, and a changed or deleted application (or account) is never
served from the cache."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import jwt
import pytest

from ringback.platform import auth
from ringback.platform.auth import JWT_LEEWAY_SECONDS, Credential
from ringback.state import accounts as account_state
from ringback.state import applications as application_state
from ringback.state.credential_cache import CredentialCache, VerifiedToken
from ringback.testing.backends import on_postgres

if TYPE_CHECKING:
    from conftest import AuthWorld, KeyPair

JWT_ONLY = (Credential.JWT,)


@pytest.fixture
def app(world: AuthWorld, app_keys: KeyPair) -> tuple[str, str]:
    account, _ = world.account()
    return account.api_key, world.application(account.api_key, app_keys.public_pem)


def bearer(keys: KeyPair, app_id: str, **claims: Any) -> str:
    iat = int(time.time()) - 2
    base = {"application_id": app_id, "iat": iat, "exp": iat + 900}
    return "Bearer " + jwt.encode({**base, **claims}, keys.private_pem, algorithm="RS256")


class Decodes:
    """Counts the signature checks (PyJWT's verifying decode) while it is installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.verifying = 0
        real = jwt.decode

        def counting(token: str, key: Any = None, *args: Any, **kwargs: Any) -> Any:
            if key is not None:
                self.verifying += 1
            return real(token, key, *args, **kwargs)

        monkeypatch.setattr(auth.jwt, "decode", counting)


def test_a_token_is_verified_once_then_served_from_the_cache(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_key, app_id = app
    decodes = Decodes(monkeypatch)
    token = bearer(app_keys, app_id)
    for _ in range(3):
        world.accepted(world.authenticate(JWT_ONLY, authorization=token), api_key, Credential.JWT)
    # PostgreSQL may be shared by several workers: nothing is cached there
    assert decodes.verifying == (3 if on_postgres() else 1)


def test_another_token_of_the_same_application_is_verified_in_full(
    world: AuthWorld,
    app: tuple[str, str],
    app_keys: KeyPair,
    other_keys: KeyPair,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api_key, app_id = app
    world.accepted(
        world.authenticate(JWT_ONLY, authorization=bearer(app_keys, app_id)),
        api_key,
        Credential.JWT,
    )
    decodes = Decodes(monkeypatch)
    forged = bearer(other_keys, app_id)
    for _ in range(2):  # a refusal is never remembered
        world.refused(
            world.authenticate(JWT_ONLY, authorization=forged), "JWT signature does not verify"
        )
    world.accepted(
        world.authenticate(JWT_ONLY, authorization=bearer(app_keys, app_id, jti="another")),
        api_key,
        Credential.JWT,
    )
    assert decodes.verifying == 3


def test_a_cached_token_is_refused_once_its_applications_key_is_replaced(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair, other_keys: KeyPair
) -> None:
    api_key, app_id = app
    token = bearer(app_keys, app_id)
    world.accepted(world.authenticate(JWT_ONLY, authorization=token), api_key, Credential.JWT)
    with world.store.begin() as tx:
        replaced = application_state.replace_application(
            tx,
            api_key,
            app_id,
            name="rotated",
            capabilities={},
            privacy={},
            public_key=other_keys.public_pem,
        )
    assert replaced is not None
    world.refused(
        world.authenticate(JWT_ONLY, authorization=token), "JWT signature does not verify"
    )
    world.accepted(
        world.authenticate(JWT_ONLY, authorization=bearer(other_keys, app_id)),
        api_key,
        Credential.JWT,
    )


def test_a_cached_token_is_refused_once_its_application_is_deleted(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair
) -> None:
    api_key, app_id = app
    token = bearer(app_keys, app_id)
    world.accepted(world.authenticate(JWT_ONLY, authorization=token), api_key, Credential.JWT)
    with world.store.begin() as tx:
        assert application_state.delete_application(tx, api_key, app_id)
    world.refused(
        world.authenticate(JWT_ONLY, authorization=token), "JWT names an unknown application"
    )


def test_a_cached_token_is_refused_once_its_account_is_deleted(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair
) -> None:
    api_key, app_id = app
    token = bearer(app_keys, app_id)
    world.accepted(world.authenticate(JWT_ONLY, authorization=token), api_key, Credential.JWT)
    with world.store.begin() as tx:
        assert account_state.delete_account(tx, api_key)
    world.refused(
        world.authenticate(JWT_ONLY, authorization=token), "JWT names an unknown application"
    )


def test_a_cached_token_still_expires_on_ringbacks_clock(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_key, app_id = app
    iat = int(time.time()) - 2
    token = bearer(app_keys, app_id, iat=iat, exp=iat + 900)
    world.accepted(world.authenticate(JWT_ONLY, authorization=token), api_key, Credential.JWT)
    decodes = Decodes(monkeypatch)
    world.clock.advance(world.clock.at_wall(iat) + 900 + JWT_LEEWAY_SECONDS - world.clock.now())
    world.accepted(world.authenticate(JWT_ONLY, authorization=token), api_key, Credential.JWT)
    world.clock.advance(1)
    for _ in range(2):
        world.refused(world.authenticate(JWT_ONLY, authorization=token), "JWT has expired")
    assert decodes.verifying == (3 if on_postgres() else 0)


def test_a_token_refused_for_its_times_is_not_remembered(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, app_id = app
    now = int(world.clock.now())
    token = bearer(app_keys, app_id, iat=now, exp=now + 900, nbf=now + 3600)
    decodes = Decodes(monkeypatch)
    for _ in range(2):
        world.refused(
            world.authenticate(JWT_ONLY, authorization=token), "JWT is not valid yet (nbf)"
        )
    assert decodes.verifying == 2


def test_the_cache_forgets_tokens_with_their_application_account_or_everything() -> None:
    cache = CredentialCache(size=2)
    first = VerifiedToken("app-1", "key-1", {"iat": 1})
    cache.remember_token("t1", first)
    cache.remember_token("t2", VerifiedToken("app-2", "key-1", {}))
    cache.remember_token("t3", VerifiedToken("app-3", "key-2", {}))
    assert cache.verified_token("t1") is None  # the oldest went: bounded
    assert cache.verified_token("t2") is not None
    cache.forget_application("app-2")
    assert cache.verified_token("t2") is None
    assert cache.verified_token("t3") is not None
    cache.forget_account("key-2")
    assert cache.verified_token("t3") is None
    cache.remember_token("t1", first)
    assert cache.verified_token("t1") == first
    cache.clear()  # a reset, a snapshot restore, a failed group commit
    assert cache.verified_token("t1") is None
