"""platform/auth.py's application JWTs, verified against a real application row's public key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any

import jwt
import pytest
from vonage_jwt import JwtClient

from ringback.core.clock import ClockState
from ringback.platform.auth import (
    JWT_LEEWAY_SECONDS,
    JWT_MAX_LIFETIME,
    AuthMode,
    AuthRefused,
    Credential,
    Principal,
)

if TYPE_CHECKING:
    from conftest import AuthWorld, KeyPair

KEY_OR_PARAMS = (Credential.BASIC, Credential.PARAMS)
JWT_OR_BASIC = (Credential.JWT, Credential.BASIC)
JWT_ONLY = (Credential.JWT,)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header: dict[str, Any], claims: dict[str, Any], sign: Any = None) -> str:
    head = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return head + "." + (b64url(sign(head.encode())) if sign else "")


@pytest.fixture
def app(world: AuthWorld, app_keys: KeyPair) -> tuple[str, str]:
    account, _ = world.account()
    return account.api_key, world.application(account.api_key, app_keys.public_pem)


def rs256(keys: KeyPair, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, keys.private_pem, algorithm="RS256")


def bearer(token: str | bytes) -> str:
    return "Bearer " + (token.decode() if isinstance(token, bytes) else token)


def test_sdk_jwt(world: AuthWorld, app: tuple[str, str], app_keys: KeyPair) -> None:
    api_key, app_id = app
    token = JwtClient(app_id, app_keys.private_pem).generate_application_jwt()
    outcome = world.authenticate(JWT_OR_BASIC, authorization=bearer(token))
    world.accepted(outcome, api_key, Credential.JWT)
    assert isinstance(outcome, Principal)
    assert outcome.application_id == app_id


@pytest.mark.parametrize(
    ("times", "reason"),
    [
        ({"iat": -900, "exp": -JWT_LEEWAY_SECONDS - 1}, "JWT has expired"),
        ({"iat": -2000}, "JWT has expired"),  # no exp: the SDKs' 15 minutes
        ({"iat": JWT_LEEWAY_SECONDS + 60}, "JWT iat is in the future"),
        ({"iat": 0, "nbf": 3600}, "JWT is not valid yet (nbf)"),
        ({"iat": 0, "exp": JWT_MAX_LIFETIME + 1}, "JWT lifetime is longer than 24 hours"),
        ({"exp": 900}, "JWT has no iat"),
        ({"iat": "now", "exp": 900}, "JWT has no iat"),
        ({"iat": True, "exp": 900}, "JWT has no iat"),
        ({"iat": 0, "exp": "later"}, "JWT exp is not a number"),
        ({"iat": 0, "nbf": "soon"}, "JWT nbf is not a number"),
        ({"iat": float("nan"), "exp": 900}, "JWT has no iat"),
        ({"iat": 0, "exp": float("nan")}, "JWT exp is not a number"),
        ({"iat": 0, "exp": float("inf")}, "JWT exp is not a number"),
        ({"iat": 0, "nbf": float("nan")}, "JWT nbf is not a number"),
    ],
)
def test_jwt_times(
    world: AuthWorld,
    app: tuple[str, str],
    app_keys: KeyPair,
    times: dict[str, Any],
    reason: str,
) -> None:
    api_key, app_id = app
    now = int(world.clock.now())
    claims: dict[str, Any] = {"application_id": app_id, "jti": "j1"}
    for name, value in times.items():
        numeric = isinstance(value, int) and not isinstance(value, bool)
        claims[name] = now + value if numeric else value
    outcome = world.refused(
        world.authenticate(JWT_OR_BASIC, authorization=bearer(rs256(app_keys, claims))), reason
    )
    assert outcome.claimed_api_key == api_key


@pytest.mark.parametrize(
    "times",
    [
        {"iat": 0, "exp": JWT_MAX_LIFETIME},  # exactly a day
        {"iat": JWT_LEEWAY_SECONDS, "exp": 900},  # a client clock a little ahead
        {"iat": -900, "exp": -JWT_LEEWAY_SECONDS},  # just expired, within the leeway
        {"iat": -100, "nbf": -100},
    ],
)
def test_jwt_times_at_the_limits(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair, times: dict[str, int]
) -> None:
    api_key, app_id = app
    now = int(world.clock.now())
    claims = {"application_id": app_id, **{k: now + v for k, v in times.items()}}
    outcome = world.authenticate(JWT_ONLY, authorization=bearer(rs256(app_keys, claims)))
    world.accepted(outcome, api_key, Credential.JWT)


def test_jwt_expires_on_ringbacks_clock(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair
) -> None:
    """A token lives its lifetime on Ringback's clock from when it was made: advancing the
    clock ages it. (Made two seconds before the advance: a stamp in whole seconds cannot tell
    a change in the same second apart from one just before it, `Clock.at_wall`.)"""
    api_key, app_id = app
    iat = int(time.time()) - 2
    token = bearer(rs256(app_keys, {"application_id": app_id, "iat": iat, "exp": iat + 900}))
    world.accepted(world.authenticate(JWT_ONLY, authorization=token), api_key, Credential.JWT)
    made = world.clock.at_wall(iat)
    world.clock.advance(made + 900 + JWT_LEEWAY_SECONDS - world.clock.now())
    world.accepted(world.authenticate(JWT_ONLY, authorization=token), api_key, Credential.JWT)
    world.clock.advance(1)
    world.refused(world.authenticate(JWT_ONLY, authorization=token), "JWT has expired")


def test_jwt_claims_and_keys(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair, other_keys: KeyPair
) -> None:
    api_key, app_id = app
    now = int(world.clock.now())
    good = {"application_id": app_id, "iat": now, "exp": now + 900}
    cases: list[tuple[str, str]] = [
        (rs256(app_keys, {"iat": now, "exp": now + 900}), "JWT has no application_id"),
        (rs256(app_keys, {**good, "application_id": 42}), "JWT has no application_id"),
        (
            rs256(app_keys, {**good, "application_id": "unknown-app"}),
            "JWT names an unknown application",
        ),
        (rs256(other_keys, good), "JWT signature does not verify"),
    ]
    for token, reason in cases:
        world.refused(world.authenticate(JWT_ONLY, authorization=bearer(token)), reason)
    # a valid token with a longer exp swapped into its payload keeps the old signature
    head, _, signature = rs256(app_keys, good).split(".")
    swapped = f"{head}.{b64url(json.dumps({**good, 'exp': now + 3600}).encode())}.{signature}"
    tampered = world.refused(
        world.authenticate(JWT_ONLY, authorization=bearer(swapped)), "JWT signature does not verify"
    )
    assert tampered.claimed_api_key == api_key


def test_algorithm_tricks(world: AuthWorld, app: tuple[str, str], app_keys: KeyPair) -> None:
    _, app_id = app
    now = int(world.clock.now())
    claims = {"application_id": app_id, "iat": now, "exp": now + 900}
    unsigned = hand_made({"alg": "none", "typ": "JWT"}, claims)
    world.refused(
        world.authenticate(JWT_ONLY, authorization=bearer(unsigned)),
        "JWT algorithm 'none' is not accepted",
    )
    secret = app_keys.public_pem.encode()  # the public key, which anyone may know, as HMAC key
    hs256 = hand_made(
        {"alg": "HS256", "typ": "JWT"},
        claims,
        lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
    )
    world.refused(
        world.authenticate(JWT_ONLY, authorization=bearer(hs256)),
        "JWT algorithm 'HS256' is not accepted",
    )
    # the same HMAC under a header that claims RS256
    forged = hand_made(
        {"alg": "RS256", "typ": "JWT"},
        claims,
        lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
    )
    world.refused(
        world.authenticate(JWT_ONLY, authorization=bearer(forged)), "JWT signature does not verify"
    )


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b.c",
        "...",
        "e30.e30.",
        "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
        "\u00e9.\u00e9.\u00e9",
        "x" * 10_000,
        # a lone surrogate as the application id: refused, not a failed SQL lookup
        hand_made({"alg": "RS256"}, {"application_id": "\ud800", "iat": 1}, lambda _: b"s"),
    ],
)
def test_garbage_tokens(world: AuthWorld, app: tuple[str, str], token: str) -> None:
    outcome = world.authenticate(JWT_ONLY, authorization=f"Bearer {token}")
    assert isinstance(outcome, AuthRefused)


def test_a_valid_jwt_where_jwt_is_not_accepted(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair
) -> None:
    _, app_id = app
    token = JwtClient(app_id, app_keys.private_pem).generate_application_jwt()
    world.refused(
        world.authenticate(KEY_OR_PARAMS, authorization=bearer(token)),
        "Bearer authentication is not accepted by this API",
    )


def test_soft_mode_lets_a_badly_signed_jwt_through_as_its_applications_account(
    world: AuthWorld, app: tuple[str, str], other_keys: KeyPair
) -> None:
    app_key, app_id = app
    now = int(world.clock.now())
    token = rs256(other_keys, {"application_id": app_id, "iat": now})
    outcome = world.authenticate(JWT_ONLY, authorization=bearer(token), mode=AuthMode.SOFT)
    assert isinstance(outcome, Principal)
    assert outcome.api_key == app_key
    assert [(r["api_key"], r["reason"], r["mode"]) for r in world.auth_log()] == [
        (app_key, "JWT signature does not verify", "soft")
    ]


def test_a_token_made_while_the_clock_stands_still_is_not_from_the_future(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair
) -> None:
    """A test freezes the clock, then spends a minute setting up: the SDK's token carries the
    real time, a minute past Ringback's clock, and is as new as it really is."""
    api_key, app_id = app
    world.clock.set_state(ClockState(frozen_at=time.time() - 600))
    token = JwtClient(app_id, app_keys.private_pem).generate_application_jwt()
    world.accepted(
        world.authenticate(JWT_OR_BASIC, authorization=bearer(token)), api_key, Credential.JWT
    )


def test_a_token_made_after_the_clock_moved_on_lives_its_whole_life(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair
) -> None:
    api_key, app_id = app
    iat = int(time.time()) - 2
    made_before = rs256(app_keys, {"application_id": app_id, "iat": iat, "exp": iat + 900})
    world.clock.advance(3600)  # a test moves past an expiry
    made_after = JwtClient(app_id, app_keys.private_pem).generate_application_jwt()
    world.accepted(
        world.authenticate(JWT_OR_BASIC, authorization=bearer(made_after)), api_key, Credential.JWT
    )
    world.refused(
        world.authenticate(JWT_OR_BASIC, authorization=bearer(made_before)), "JWT has expired"
    )
