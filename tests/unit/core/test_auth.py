"""platform/auth.py with real parts: Basic, parameters, stale headers, strict and soft modes.

Application JWTs are in test_auth_jwt.py, signed requests in test_signatures.py.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pytest

from ringback.platform.auth import (
    AuthMode,
    Credential,
    Principal,
)
from ringback.state import accounts as account_state

if TYPE_CHECKING:
    from conftest import AuthWorld


def basic(api_key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{api_key}:{secret}".encode()).decode()


KEY_OR_PARAMS = (Credential.BASIC, Credential.PARAMS)
JWT_ONLY = (Credential.JWT,)


# --- Basic -------------------------------------------------------------------------------


def test_basic(world: AuthWorld) -> None:
    account, secret = world.account()
    world.accepted(
        world.authenticate(KEY_OR_PARAMS, authorization=basic(account.api_key, secret)),
        account.api_key,
        Credential.BASIC,
    )
    token = basic(account.api_key, secret).split()[1]
    world.accepted(
        world.authenticate(KEY_OR_PARAMS, authorization=f"bAsIc   {token}  "),
        account.api_key,
        Credential.BASIC,
    )


def test_basic_wrong_secret_and_unknown_key(world: AuthWorld) -> None:
    account, _ = world.account()
    wrong = world.refused(
        world.authenticate(KEY_OR_PARAMS, authorization=basic(account.api_key, "Wrong1Secret")),
        "wrong api_secret",
    )
    assert wrong.claimed_api_key == account.api_key
    unknown = world.refused(
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
    world.refused(
        world.authenticate(KEY_OR_PARAMS, authorization=authorization),
        "malformed Basic credentials",
    )


def test_every_current_secret_works(world: AuthWorld) -> None:
    account, first = world.account()
    with world.store.begin() as tx:
        account_state.add_secret(tx, "second", account.api_key, "Second2Secret", 0.0)
    for secret in (first, "Second2Secret"):
        auth = basic(account.api_key, secret)
        world.accepted(
            world.authenticate(KEY_OR_PARAMS, authorization=auth), account.api_key, Credential.BASIC
        )


def test_basic_on_a_jwt_only_endpoint(world: AuthWorld) -> None:
    account, secret = world.account()
    world.refused(
        world.authenticate(JWT_ONLY, authorization=basic(account.api_key, secret)),
        "Basic authentication is not accepted by this API",
    )


def test_no_credentials_and_unknown_schemes(world: AuthWorld) -> None:
    world.refused(world.authenticate(KEY_OR_PARAMS), "no credentials supplied")
    world.refused(
        world.authenticate(KEY_OR_PARAMS, authorization="Digest abc"), "no credentials supplied"
    )


# --- api_key / api_secret parameters -------------------------------------------------------


def test_params_in_query_in_form_and_in_json(world: AuthWorld) -> None:
    account, secret = world.account()
    key = account.api_key
    both = {"api_key": key, "api_secret": secret}
    for where in ({"query": both}, {"form": both}, {"json_body": both}):
        world.accepted(world.authenticate(KEY_OR_PARAMS, **where), key, Credential.PARAMS)  # type: ignore[arg-type]
    split = world.authenticate(KEY_OR_PARAMS, query={"api_key": key}, form={"api_secret": secret})
    world.accepted(split, key, Credential.PARAMS)


def test_params_refusals(world: AuthWorld) -> None:
    account, secret = world.account()
    key = account.api_key
    missing = world.refused(
        world.authenticate(KEY_OR_PARAMS, query={"api_key": key}), "api_secret missing"
    )
    assert missing.claimed_api_key == key
    world.refused(
        world.authenticate(KEY_OR_PARAMS, query={"api_key": key, "api_secret": secret + "x"}),
        "wrong api_secret",
    )
    world.refused(
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
    world.refused(world.authenticate(KEY_OR_PARAMS, json_body=as_secret), bad_secret)
    as_key = {"api_key": hostile, "api_secret": secret}
    world.refused(world.authenticate(KEY_OR_PARAMS, json_body=as_key), bad_key)
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
        world.accepted(outcome, account.api_key, Credential.PARAMS)


# --- strict and soft ----------------------------------------------------------------------------


def test_strict_refuses_and_logs(world: AuthWorld) -> None:
    account, secret = world.account()
    world.accepted(
        world.authenticate(KEY_OR_PARAMS, authorization=basic(account.api_key, secret)),
        account.api_key,
        Credential.BASIC,
    )
    assert world.auth_log() == []  # a success is not logged
    world.refused(
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


def test_soft_lets_refusals_through_and_logs_them(world: AuthWorld) -> None:
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
    rows = world.auth_log()
    assert [(r["api_key"], r["reason"], r["mode"]) for r in rows] == [
        (claimed.api_key, "wrong api_secret", "soft"),
        (None, "unknown api_key", "soft"),
        (None, "no credentials supplied", "soft"),
    ]


def test_soft_without_a_default_account_still_refuses(world: AuthWorld) -> None:
    world.account()
    outcome = world.authenticate(
        KEY_OR_PARAMS, authorization=basic("nobody00", "x"), mode=AuthMode.SOFT
    )
    world.refused(outcome, "unknown api_key")
    assert [r["mode"] for r in world.auth_log()] == ["soft"]
