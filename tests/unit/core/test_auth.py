"""core/auth.py with real parts: Basic, parameters, application JWTs, strict and soft modes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

import jwt
import pytest
from vonage_jwt import JwtClient

from ringback.core.auth import (
    JWT_LEEWAY_SECONDS,
    JWT_MAX_LIFETIME,
    AuthMode,
    AuthRefused,
    Credential,
    Principal,
)

if TYPE_CHECKING:
    from conftest import AuthWorld, KeyPair


def basic(api_key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{api_key}:{secret}".encode()).decode()


KEY_OR_PARAMS = (Credential.BASIC, Credential.PARAMS)
JWT_OR_BASIC = (Credential.JWT, Credential.BASIC)
JWT_ONLY = (Credential.JWT,)


def accepted(outcome: Principal | AuthRefused, api_key: str, credential: Credential) -> None:
    assert isinstance(outcome, Principal), getattr(outcome, "reason", outcome)
    assert (outcome.api_key, outcome.credential) == (api_key, credential)


def refused(outcome: Principal | AuthRefused, reason: str) -> AuthRefused:
    assert isinstance(outcome, AuthRefused), outcome
    assert outcome.reason == reason
    assert outcome.status == 401
    return outcome


# --- Basic -------------------------------------------------------------------------------


def test_basic(world: AuthWorld) -> None:
    account, secret = world.account()
    accepted(
        world.authenticate(KEY_OR_PARAMS, authorization=basic(account.api_key, secret)),
        account.api_key,
        Credential.BASIC,
    )
    token = basic(account.api_key, secret).split()[1]
    accepted(
        world.authenticate(KEY_OR_PARAMS, authorization=f"bAsIc   {token}  "),
        account.api_key,
        Credential.BASIC,
    )


def test_basic_wrong_secret_and_unknown_key(world: AuthWorld) -> None:
    account, _ = world.account()
    wrong = refused(
        world.authenticate(KEY_OR_PARAMS, authorization=basic(account.api_key, "Wrong1Secret")),
        "wrong api_secret",
    )
    assert wrong.claimed_api_key == account.api_key
    unknown = refused(
        world.authenticate(KEY_OR_PARAMS, authorization=basic("nobody00", "Wrong1Secret")),
        "unknown api_key",
    )
    assert unknown.claimed_api_key is None


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic !!!notbase64",
        "Basic YWJj",  # "abc": no colon
        "Basic YWJjZA",  # missing padding
        "Basic " + base64.b64encode(b"no-colon-at-all").decode(),
        "Basic " + base64.b64encode(b":SecretOnly1").decode(),  # empty key
        "Basic " + base64.b64encode(b"\xff\xfe:\xfd").decode(),  # not UTF-8
        "Basic",
        "Basic ",
        "Basic \u00e9\u00e9\u00e9\u00e9",  # a latin-1 header byte decodes to a non-ASCII str
    ],
)
def test_malformed_basic(world: AuthWorld, authorization: str) -> None:
    world.account()
    refused(
        world.authenticate(KEY_OR_PARAMS, authorization=authorization),
        "malformed Basic credentials",
    )


def test_every_current_secret_works(world: AuthWorld) -> None:
    account, first = world.account()
    from ringback.state import accounts as account_state

    with world.store.begin() as conn:
        account_state.add_secret(conn, "second", account.api_key, "Second2Secret", 0.0)
    for secret in (first, "Second2Secret"):
        auth = basic(account.api_key, secret)
        accepted(
            world.authenticate(KEY_OR_PARAMS, authorization=auth), account.api_key, Credential.BASIC
        )


def test_basic_on_a_jwt_only_endpoint(world: AuthWorld) -> None:
    account, secret = world.account()
    refused(
        world.authenticate(JWT_ONLY, authorization=basic(account.api_key, secret)),
        "Basic authentication is not accepted by this API",
    )


def test_no_credentials_and_unknown_schemes(world: AuthWorld) -> None:
    refused(world.authenticate(KEY_OR_PARAMS), "no credentials supplied")
    refused(
        world.authenticate(KEY_OR_PARAMS, authorization="Digest abc"), "no credentials supplied"
    )


# --- api_key / api_secret parameters -------------------------------------------------------


def test_params_in_query_in_form_and_in_json(world: AuthWorld) -> None:
    account, secret = world.account()
    key = account.api_key
    both = {"api_key": key, "api_secret": secret}
    for where in ({"query": both}, {"form": both}, {"json_body": both}):
        accepted(world.authenticate(KEY_OR_PARAMS, **where), key, Credential.PARAMS)  # type: ignore[arg-type]
    split = world.authenticate(KEY_OR_PARAMS, query={"api_key": key}, form={"api_secret": secret})
    accepted(split, key, Credential.PARAMS)


def test_params_refusals(world: AuthWorld) -> None:
    account, secret = world.account()
    key = account.api_key
    missing = refused(
        world.authenticate(KEY_OR_PARAMS, query={"api_key": key}), "api_secret missing"
    )
    assert missing.claimed_api_key == key
    refused(
        world.authenticate(KEY_OR_PARAMS, query={"api_key": key, "api_secret": secret + "x"}),
        "wrong api_secret",
    )
    refused(
        world.authenticate(KEY_OR_PARAMS, query={"api_key": "", "api_secret": secret}),
        "unknown api_key",
    )


@pytest.mark.parametrize(
    ("hostile", "bad_secret", "bad_key"),
    [
        ({"$ne": None}, "api_secret is not text", "api_key is not text"),
        (["a", "b"], "api_secret is not text", "api_key is not text"),
        (None, "api_secret missing", "no credentials supplied"),
    ],
)
def test_json_credentials_that_are_not_text(
    world: AuthWorld, hostile: Any, bad_secret: str, bad_key: str
) -> None:
    """Refused as credentials (401, logged), not a 400 that skips the auth log."""
    account, secret = world.account()
    as_secret = {"api_key": account.api_key, "api_secret": hostile}
    refused(world.authenticate(KEY_OR_PARAMS, json_body=as_secret), bad_secret)
    as_key = {"api_key": hostile, "api_secret": secret}
    refused(world.authenticate(KEY_OR_PARAMS, json_body=as_key), bad_key)
    assert len(world.auth_log()) == 2


@pytest.mark.parametrize(
    "stale",
    [
        "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.stale.jwt",
        basic("someone0", "Old1Secret"),
        "Basic !!!",
        "Digest whatever",
    ],
)
def test_a_stale_header_does_not_break_params(world: AuthWorld, stale: str) -> None:
    account, secret = world.account()
    params = {"api_key": account.api_key, "api_secret": secret}
    for accepted_kinds in (KEY_OR_PARAMS, (Credential.PARAMS,), (*KEY_OR_PARAMS, Credential.JWT)):
        outcome = world.authenticate(accepted_kinds, authorization=stale, form=params)
        accepted(outcome, account.api_key, Credential.PARAMS)


# --- application JWTs -------------------------------------------------------------------------


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
    accepted(outcome, api_key, Credential.JWT)
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
    outcome = refused(
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
    accepted(outcome, api_key, Credential.JWT)


def test_jwt_expires_on_ringbacks_clock(
    world: AuthWorld, app: tuple[str, str], app_keys: KeyPair
) -> None:
    api_key, app_id = app
    token = bearer(JwtClient(app_id, app_keys.private_pem).generate_application_jwt())
    accepted(world.authenticate(JWT_ONLY, authorization=token), api_key, Credential.JWT)
    world.clock.advance(900 + JWT_LEEWAY_SECONDS + 1)
    refused(world.authenticate(JWT_ONLY, authorization=token), "JWT has expired")


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
        refused(world.authenticate(JWT_ONLY, authorization=bearer(token)), reason)
    # a valid token whose payload was swapped for another application's keeps the old signature
    head, _, signature = rs256(app_keys, good).split(".")
    swapped = f"{head}.{b64url(json.dumps({**good, 'exp': now + 3600}).encode())}.{signature}"
    refused(
        world.authenticate(JWT_ONLY, authorization=bearer(swapped)), "JWT signature does not verify"
    )
    assert api_key


def test_algorithm_tricks(world: AuthWorld, app: tuple[str, str], app_keys: KeyPair) -> None:
    _, app_id = app
    now = int(world.clock.now())
    claims = {"application_id": app_id, "iat": now, "exp": now + 900}
    unsigned = hand_made({"alg": "none", "typ": "JWT"}, claims)
    refused(
        world.authenticate(JWT_ONLY, authorization=bearer(unsigned)),
        "JWT algorithm 'none' is not accepted",
    )
    secret = app_keys.public_pem.encode()  # the public key, which anyone may know, as HMAC key
    hs256 = hand_made(
        {"alg": "HS256", "typ": "JWT"},
        claims,
        lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
    )
    refused(
        world.authenticate(JWT_ONLY, authorization=bearer(hs256)),
        "JWT algorithm 'HS256' is not accepted",
    )
    # the same HMAC under a header that claims RS256
    forged = hand_made(
        {"alg": "RS256", "typ": "JWT"},
        claims,
        lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
    )
    refused(
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
    refused(
        world.authenticate(KEY_OR_PARAMS, authorization=bearer(token)),
        "Bearer authentication is not accepted by this API",
    )


# --- strict and soft ----------------------------------------------------------------------------


def test_strict_refuses_and_logs(world: AuthWorld) -> None:
    account, secret = world.account()
    accepted(
        world.authenticate(KEY_OR_PARAMS, authorization=basic(account.api_key, secret)),
        account.api_key,
        Credential.BASIC,
    )
    assert world.auth_log() == []  # a success is not logged
    refused(
        world.authenticate(KEY_OR_PARAMS, authorization=basic(account.api_key, "Nope1Nope")),
        "wrong api_secret",
    )
    (row,) = world.auth_log()
    assert {k: row[k] for k in ("api", "method", "path", "api_key", "reason", "mode")} == {
        "api": "test",
        "method": "POST",
        "path": "/test",
        "api_key": account.api_key,
        "reason": "wrong api_secret",
        "mode": "strict",
    }
    assert row["at"] == world.clock.now()


def test_soft_lets_refusals_through_and_logs_them(
    world: AuthWorld, app: tuple[str, str], other_keys: KeyPair
) -> None:
    claimed, _ = world.account()
    default, _ = world.account(is_default=True)
    soft = AuthMode.SOFT
    as_claimed = world.authenticate(
        KEY_OR_PARAMS, authorization=basic(claimed.api_key, "Nope1Nope"), mode=soft
    )
    assert isinstance(as_claimed, Principal)
    assert as_claimed.api_key == claimed.api_key
    as_default = world.authenticate(
        KEY_OR_PARAMS, query={"api_key": "nobody00", "api_secret": "x"}, mode=soft
    )
    assert isinstance(as_default, Principal)
    assert as_default.api_key == default.api_key
    anonymous = world.authenticate(JWT_ONLY, mode=soft)
    assert isinstance(anonymous, Principal)
    assert anonymous.api_key == default.api_key
    # a JWT signed with the wrong key still names its application's account
    app_key, app_id = app
    now = int(world.clock.now())
    token = rs256(other_keys, {"application_id": app_id, "iat": now})
    by_app = world.authenticate(JWT_ONLY, authorization=bearer(token), mode=soft)
    assert isinstance(by_app, Principal)
    assert by_app.api_key == app_key
    rows = world.auth_log()
    assert [(r["api_key"], r["reason"], r["mode"]) for r in rows] == [
        (claimed.api_key, "wrong api_secret", "soft"),
        (None, "unknown api_key", "soft"),
        (None, "no credentials supplied", "soft"),
        (app_key, "JWT signature does not verify", "soft"),
    ]


def test_soft_without_a_default_account_still_refuses(world: AuthWorld) -> None:
    world.account()
    outcome = world.authenticate(
        KEY_OR_PARAMS, authorization=basic("nobody00", "x"), mode=AuthMode.SOFT
    )
    refused(outcome, "unknown api_key")
    assert [r["mode"] for r in world.auth_log()] == ["soft"]
