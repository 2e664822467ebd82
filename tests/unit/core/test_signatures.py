"""Signed requests: core/signatures.py, and platform/auth.py's signature mode with real accounts."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vonage_http_client import Auth
from vonage_sms import SmsMessage

from ringback.core.clock import ClockState
from ringback.core.request_params import parse_params
from ringback.core.signatures import (
    HMAC_DIGESTS,
    python_sdk_variant,
    sign,
    signature_match,
    signing_string,
)
from ringback.platform.auth import (
    SDK_QUIRK_WARNING,
    SIGNATURE_WINDOW_SECONDS,
    Authenticator,
    AuthRefused,
    AuthRequest,
    Credential,
    Principal,
)

if TYPE_CHECKING:
    from conftest import AuthWorld

SMS = (Credential.SIGNATURE, Credential.PARAMS, Credential.BASIC)
METHODS = ["md5hash", *HMAC_DIGESTS]
# python-sdk-contract §1c: what SmsMessage.model_dump() holds, None or not
SMS_FIELDS = (
    "to", "from", "text", "sig", "client-ref", "type", "ttl", "status-report-req", "callback",
    "message-class", "body", "udh", "protocol-id", "account-ref", "entity-id", "content-id",
    "trusted-number",
)  # fmt: skip


def signature_matches(
    params: dict[str, str], given: str, secret: str, method: str, *fields: str
) -> bool:
    return signature_match(params, given, secret, method, tuple(fields)) is not None


def test_the_sdk_message_has_the_17_fields_the_contract_lists() -> None:
    fields = tuple(f.serialization_alias or name for name, f in SmsMessage.model_fields.items())
    assert fields == SMS_FIELDS


def test_signing_string() -> None:
    params = {"text": "a&b=c", "to": "447700900900", "sig": "ignored", "a&=": 1, "ttl": None}
    assert signing_string(params) == "&a&==1&text=a_b_c&to=447700900900&ttl=None"


def test_md5hash_appends_the_secret_and_hmacs_key_with_it() -> None:
    params = {"api_key": "abcd1234", "timestamp": "1700000000", "to": "447700900900"}
    text = "&api_key=abcd1234&timestamp=1700000000&to=447700900900"
    assert sign(params, "s3cret", "md5hash") == hashlib.md5(f"{text}s3cret".encode()).hexdigest()
    for name, digest in HMAC_DIGESTS.items():
        expected = hmac.new(b"s3cret", text.encode(), digest).hexdigest()
        assert sign(params, "s3cret", name) == expected


@pytest.mark.parametrize("method", METHODS)
def test_signature_matches_any_case_and_nothing_else(method: str) -> None:
    params = {"api_key": "abcd1234", "timestamp": "1700000000"}
    good = sign(params, "s3cret", method)
    assert signature_matches(params, good, "s3cret", method)
    assert signature_matches(params, good.upper(), "s3cret", method)
    for bad in ("", good[:-1], good + "0", "z" * len(good), "\u00e9" * len(good), "\x00"):
        assert not signature_matches(params, bad, "s3cret", method)


def test_python_sdk_variant_puts_absent_fields_back_as_none() -> None:
    variant = python_sdk_variant({"to": "1", "api_key": "k"}, ("to", "from", "sig"))
    assert variant == {"to": "1", "from": "None", "sig": "None", "api_key": "k"}


# --- through the Authenticator ---------------------------------------------------------------


def signed_form(world: AuthWorld, method: str, **extra: Any) -> tuple[str, dict[str, Any]]:
    account, _ = world.account()
    account = world.update(account.api_key, signature_method=method)
    form = {
        "api_key": account.api_key,
        "to": "447700900900",
        "from": "Acme",
        "text": "Hello & welcome=1",
        "timestamp": str(int(world.clock.now())),
        **extra,
    }
    form["sig"] = sign(form, account.signature_secret, method)
    return account.signature_secret, form


def refused(outcome: Principal | AuthRefused, reason: str) -> None:
    assert isinstance(outcome, AuthRefused), outcome
    assert outcome.reason == reason


@pytest.mark.parametrize("method", METHODS)
def test_signed_requests(world: AuthWorld, method: str) -> None:
    _, form = signed_form(world, method)
    outcome = world.authenticate(SMS, form=form)
    assert isinstance(outcome, Principal)
    assert (outcome.api_key, outcome.credential) == (form["api_key"], Credential.SIGNATURE)
    upper = world.authenticate(SMS, form={**form, "sig": form["sig"].upper()})
    assert isinstance(upper, Principal)
    # the Python SDK leaks an old Bearer header into the next call: the signature still wins
    stale = world.authenticate(SMS, form=form, authorization="Bearer old.jwt.token")
    assert isinstance(stale, Principal)
    in_query = world.authenticate(SMS, query=form)
    assert isinstance(in_query, Principal)
    as_json = world.authenticate(SMS, json_body=form)
    assert isinstance(as_json, Principal)


@pytest.mark.parametrize("method", METHODS)
def test_forged_tampered_and_wrongly_keyed(world: AuthWorld, method: str) -> None:
    secret, form = signed_form(world, method)
    no_match = "signature does not match"
    refused(world.authenticate(SMS, form={**form, "sig": "0" * len(form["sig"])}), no_match)
    refused(world.authenticate(SMS, form={**form, "text": "Hello & welcome=2"}), no_match)
    refused(world.authenticate(SMS, form={**form, "to": "447700900901"}), no_match)
    refused(world.authenticate(SMS, form={**form, "extra": "added"}), no_match)
    without_text = {k: v for k, v in form.items() if k != "text"}
    refused(world.authenticate(SMS, form=without_text), no_match)
    wrong_key = {**form, "sig": sign(form, secret + "x", method)}
    refused(world.authenticate(SMS, form=wrong_key), no_match)
    # signed with the right secret but another method
    other = "sha512" if method != "sha512" else "md5"
    refused(world.authenticate(SMS, form={**form, "sig": sign(form, secret, other)}), no_match)
    refused(world.authenticate(SMS, form={**form, "sig": "\u00e9\u00e9"}), no_match)


def resign(form: dict[str, Any], secret: str, method: str, timestamp: object) -> dict[str, Any]:
    moved = {**form, "timestamp": str(timestamp)}
    moved["sig"] = sign(moved, secret, method)
    return moved


@pytest.mark.parametrize("method", ["md5hash", "sha256"])
def test_the_timestamp_window_is_on_ringbacks_clock(world: AuthWorld, method: str) -> None:
    secret, form = signed_form(world, method)
    window = "signature timestamp missing or outside the window"
    # each stamp is made just before its check (on a loaded machine a second can pass between
    # two checks); a stamp's age is counted on Ringback's clock, "ahead" on the wall clock, and
    # a stamp ahead is rounded up so that the time passing meanwhile cannot bring it inside
    window_s = SIGNATURE_WINDOW_SECONDS
    for stamp in (lambda: int(world.clock.now()) - window_s, lambda: int(time.time()) + window_s):
        edge = resign(form, secret, method, stamp())
        assert isinstance(world.authenticate(SMS, form=edge), Principal)
    for stamp in (
        lambda: int(world.clock.now()) - window_s - 1,
        lambda: math.ceil(time.time()) + window_s + 1,
    ):
        outside = resign(form, secret, method, stamp())
        refused(world.authenticate(SMS, form=outside), window)
    for junk in ("", "soon", "nan", "NaN", "inf", "-inf", "1e400"):
        refused(world.authenticate(SMS, form=resign(form, secret, method, junk)), window)
    no_timestamp = {k: v for k, v in form.items() if k != "timestamp"}
    no_timestamp["sig"] = sign(no_timestamp, secret, method)
    refused(world.authenticate(SMS, form=no_timestamp), window)
    assert isinstance(world.authenticate(SMS, form=form), Principal)
    # signed two seconds before the clock moves (a stamp in whole seconds cannot tell a change
    # in its own second from one just before it: `Clock.at_wall`), then aged past the window
    older = resign(form, secret, method, int(world.clock.now()) - 2)
    world.clock.advance(SIGNATURE_WINDOW_SECONDS - 1)
    refused(world.authenticate(SMS, form=older), window)


def test_signature_and_api_secret_together_are_refused(world: AuthWorld) -> None:
    secret, form = signed_form(world, "sha256")
    both = {**form, "api_secret": "Whatever1"}
    both["sig"] = sign(both, secret, "sha256")
    refused(world.authenticate(SMS, form=both), "signature and api_secret both given")


def test_unknown_key_and_signature_on_a_params_only_endpoint(world: AuthWorld) -> None:
    _, form = signed_form(world, "sha1")
    refused(world.authenticate(SMS, form={**form, "api_key": "nobody00"}), "unknown api_key")
    refused(world.authenticate((Credential.PARAMS,), form=form), "api_secret missing")


# --- the Python SDK's signature (python-sdk-contract §1c) ----------------------------------------


def sdk_signed(world: AuthWorld, method: str, **fields: Any) -> dict[str, Any]:
    """What `sms.send` in signature mode puts on the wire: signed over all 17 fields, None ones
    included, then the None ones dropped by requests."""
    account, _ = world.account()
    account = world.update(account.api_key, signature_method=method)
    auth = Auth(
        api_key=account.api_key, signature_secret=account.signature_secret, signature_method=method
    )
    params = SmsMessage(
        to="447700900900", from_="Acme", text="Hello & welcome=1", **fields
    ).model_dump(by_alias=True)
    params["api_key"] = account.api_key
    params["timestamp"] = int(world.clock.now())  # what sign_params would add, on our clock
    params["sig"] = auth.sign_params(params)
    return {k: v for k, v in params.items() if v is not None}


@pytest.mark.parametrize("method", list(HMAC_DIGESTS))
@pytest.mark.parametrize(
    "fields", [{}, {"client_ref": "ref-1", "status_report_req": True, "ttl": 90000}]
)
def test_the_python_sdks_signature(world: AuthWorld, method: str, fields: dict[str, Any]) -> None:
    wire = sdk_signed(world, method, **fields)
    with_quirk = world.authenticate(SMS, form=wire, sdk_signed_fields=SMS_FIELDS)
    assert isinstance(with_quirk, Principal)
    assert with_quirk.credential is Credential.SIGNATURE
    refused(world.authenticate(SMS, form=wire), "signature does not match")
    # the quirk does not open a door: a tampered SDK request still fails
    tampered = {**wire, "text": "Hello & welcome=2"}
    refused(
        world.authenticate(SMS, form=tampered, sdk_signed_fields=SMS_FIELDS),
        "signature does not match",
    )


def test_the_sdks_signature_is_accepted_with_a_warning_in_the_auth_log(world: AuthWorld) -> None:
    wire = sdk_signed(world, "sha256")
    assert isinstance(world.authenticate(SMS, form=wire, sdk_signed_fields=SMS_FIELDS), Principal)
    (row,) = world.auth_log()
    assert {k: row[k] for k in ("api_key", "reason", "mode", "level")} == {
        "api_key": wire["api_key"],
        "reason": SDK_QUIRK_WARNING,
        "mode": "strict",
        "level": "warning",
    }
    # a signature over what was sent, as Vonage checks it, leaves no warning
    _, exact = signed_form(world, "sha256")
    assert isinstance(world.authenticate(SMS, form=exact, sdk_signed_fields=SMS_FIELDS), Principal)
    refused(world.authenticate(SMS, form={**exact, "text": "x"}), "signature does not match")
    assert [r["level"] for r in world.auth_log()] == ["warning", "refusal"]


def test_the_sdk_quirk_warning_is_logged_once_per_key(
    world: AuthWorld, caplog: pytest.LogCaptureFixture
) -> None:
    authenticator = Authenticator(world.clock)
    first, second = sdk_signed(world, "sha1"), sdk_signed(world, "sha1")
    for wire in (first, first, second, first, second):
        request = AuthRequest(
            api="sms",
            method="POST",
            path="/sms/json",
            authorization=None,
            params=parse_params("", urlencode(wire).encode()),
            accepted=frozenset(SMS),
            sdk_signed_fields=SMS_FIELDS,
        )
        with caplog.at_level(logging.WARNING), world.store.begin() as conn:
            assert isinstance(authenticator.authenticate(conn, request), Principal)
    warned = [r.getMessage() for r in caplog.records if SDK_QUIRK_WARNING in r.getMessage()]
    assert len(warned) == 2
    assert first["api_key"] in warned[0] and second["api_key"] in warned[1]
    assert len(world.auth_log()) == 5  # the log line is once per key, the row once per request


# --- Ringback and the SDK sign alike -------------------------------------------------------

keys = st.text(min_size=1, max_size=20).filter(lambda k: k not in ("sig", "timestamp"))
values = st.text(max_size=40)


@pytest.mark.parametrize("method", list(HMAC_DIGESTS))
@settings(max_examples=60, deadline=None)
@given(
    params=st.dictionaries(keys, values, max_size=8),
    timestamp=st.text(min_size=1, max_size=12),
    secret=st.text(min_size=1, max_size=30),
)
def test_ringback_signs_like_the_sdk(
    method: str, params: dict[str, str], timestamp: str, secret: str
) -> None:
    signed = {**params, "timestamp": timestamp}
    sdk = Auth(api_key="abcd1234", signature_secret=secret, signature_method=method)
    assert sign(signed, secret, method) == sdk.sign_params(dict(signed))


optional_fields = st.fixed_dictionaries(
    {},
    optional={
        "client-ref": st.text(min_size=1, max_size=20),
        "callback": st.text(min_size=1, max_size=20),
        "account-ref": st.text(min_size=1, max_size=20),
        "entity-id": st.text(min_size=1, max_size=20),
    },
)


@pytest.mark.parametrize("method", list(HMAC_DIGESTS))
@settings(max_examples=40, deadline=None)
@given(text=st.text(min_size=1, max_size=50), fields=optional_fields)
def test_the_sdk_variant_verifies_any_sdk_message(
    method: str, text: str, fields: dict[str, str]
) -> None:
    dumped: dict[str, Any] = dict.fromkeys(SMS_FIELDS)
    dumped.update({"to": "447700900900", "from": "Acme", "text": text, **fields})
    dumped.update({"api_key": "abcd1234", "timestamp": 1700000000})
    sig = Auth(api_key="abcd1234", signature_secret="s3cret", signature_method=method).sign_params(
        dumped
    )
    wire = {k: str(v) for k, v in dumped.items() if v is not None}
    assert signature_matches(wire, sig, "s3cret", method, *SMS_FIELDS)
    assert not signature_matches({**wire, "to": "447700900901"}, sig, "s3cret", method, *SMS_FIELDS)


@pytest.mark.parametrize("method", ["md5hash", "sha256"])
def test_a_request_signed_after_the_clock_moved_is_fresh(world: AuthWorld, method: str) -> None:
    """The SDK stamps real time; after the clock was advanced an hour (or frozen ten minutes
    back), a request signed now is a request signed now."""
    world.clock.advance(3600)
    secret, form = signed_form(world, method)
    now = int(time.time())
    assert isinstance(world.authenticate(SMS, form=resign(form, secret, method, now)), Principal)
    world.clock.set_state(ClockState(frozen_at=time.time() - 600))
    assert isinstance(world.authenticate(SMS, form=resign(form, secret, method, now)), Principal)
    refused(
        world.authenticate(
            SMS, form=resign(form, secret, method, now + SIGNATURE_WINDOW_SECONDS + 5)
        ),
        "signature timestamp missing or outside the window",
    )
