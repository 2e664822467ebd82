"""Authentication, per API, exactly as Vonage accepts it.

Each endpoint declares the credential kinds Vonage accepts for it. The credential the endpoint
expects wins over anything else on the request: the Python SDK leaks a stale `Authorization`
header into later calls, so `api_key`+`sig` in an SMS body is used even next to an old Bearer.

In `soft` mode a request Vonage would refuse is let through (as the account it names, or the
default account) and the refusal is logged in `auth_log`, readable on /_ringback/auth-log.
Not a request a browser marks `Sec-Fetch-Site: cross-site`, though: any web page can post a
form to /sms/json, and soft mode would send it as the default account.
A signature that matches only over the Python SDK's absent fields (its signing quirk) is
accepted in both modes, but logged there as a warning: Vonage itself may refuse it.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import logging
import math
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeGuard

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm

from ringback.core.clock import Clock
from ringback.core.errors import InvalidParameters, Unauthorized
from ringback.core.request_params import RequestParams
from ringback.core.signatures import SignatureMatch, signature_match
from ringback.state import accounts as account_state
from ringback.state import applications as application_state
from ringback.state import auth_log
from ringback.state import credential_cache as token_cache
from ringback.state.accounts import Account
from ringback.state.store import Tx

SIGNATURE_WINDOW_SECONDS = 300
JWT_LEEWAY_SECONDS = 30
JWT_DEFAULT_LIFETIME = 900
JWT_MAX_LIFETIME = 24 * 3600
SDK_QUIRK_WARNING = (
    "signature accepted only over the SDK's absent fields as 'None'; "
    "Vonage may refuse it (status 14)"
)

log = logging.getLogger(__name__)
_RS256 = RSAAlgorithm(RSAAlgorithm.SHA256)


class Credential(enum.Enum):
    BASIC = "basic"
    PARAMS = "params"  # api_key + api_secret in query or body
    SIGNATURE = "signature"  # api_key + sig + timestamp
    JWT = "jwt"  # Bearer RS256 application JWT


CROSS_SITE_NOTE = " (a cross-site page's request: refused in soft mode too)"


class AuthMode(enum.Enum):
    STRICT = "strict"
    SOFT = "soft"


@dataclass(frozen=True)
class Principal:
    """Who is calling. The account row is read on first use, in the request's transaction: a
    request whose credentials were verified before (state/credential_cache.py) runs no query
    for them, and a handler that needs only the key (SMS) none for the account either."""

    api_key: str
    credential: Credential
    application_id: str | None = None
    known: Account | None = field(default=None, repr=False, compare=False)
    tx: Tx | None = field(default=None, repr=False, compare=False)

    @cached_property
    def account(self) -> Account:
        if self.known is not None:
            return self.known
        assert self.tx is not None, "a principal without its account needs its transaction"
        account = account_state.get_account(self.tx, self.api_key)
        if account is None:  # deleted in this transaction, after authentication
            raise AuthRefused("the account no longer exists", self.api_key)
        return account


class AuthRefused(Unauthorized):
    """A refusal that knows which account the request claimed to be, for soft mode."""

    def __init__(self, reason: str, claimed_api_key: str | None = None) -> None:
        self.reason = reason
        self.claimed_api_key = claimed_api_key
        super().__init__("You did not provide correct credentials.")


@dataclass(frozen=True)
class AuthRequest:
    api: str
    method: str
    path: str
    authorization: str | None
    params: RequestParams
    accepted: frozenset[Credential]
    sdk_signed_fields: tuple[str, ...] = ()
    cross_site: bool = False  # a browser's `Sec-Fetch-Site: cross-site`: another site's page


class Authenticator:
    def __init__(self, clock: Clock, mode: AuthMode = AuthMode.STRICT) -> None:
        self.clock = clock
        self.mode = mode
        self._warned_keys: set[str] = set()  # keys the SDK-quirk warning was logged for

    def authenticate(self, tx: Tx, req: AuthRequest) -> Principal | AuthRefused:
        """The principal, or (strict mode) the refusal to answer with. Refusals are logged."""
        try:
            return self._authenticate(tx, req)
        except AuthRefused as refusal:
            self._log(tx, req, refusal)
            if self.mode is AuthMode.STRICT or req.cross_site:
                return refusal
            account = None
            if refusal.claimed_api_key:
                account = account_state.get_account(tx, refusal.claimed_api_key)
            account = account or account_state.default_account(tx)
            if account is None:
                return refusal
            return Principal(account.api_key, Credential.PARAMS, known=account)

    def _log(self, tx: Tx, req: AuthRequest, refusal: AuthRefused) -> None:
        reason = refusal.reason + (CROSS_SITE_NOTE if req.cross_site else "")
        self._record(tx, req, refusal.claimed_api_key, reason, auth_log.REFUSAL)

    def _warn_sdk_quirk(self, tx: Tx, req: AuthRequest, api_key: str) -> None:
        """Accepted, but only through the Python SDK's signing quirk (contract §1c): a row per
        request in the auth log, a log line once per key."""
        self._record(tx, req, api_key, SDK_QUIRK_WARNING, auth_log.WARNING)
        if api_key not in self._warned_keys:
            self._warned_keys.add(api_key)
            log.warning("%s %s (api_key %s): %s", req.method, req.path, api_key, SDK_QUIRK_WARNING)

    def _record(
        self, tx: Tx, req: AuthRequest, api_key: str | None, reason: str, level: str
    ) -> None:
        auth_log.record(
            tx,
            at=self.clock.now(),
            api=req.api,
            method=req.method,
            path=req.path,
            api_key=api_key,
            reason=reason,
            mode=self.mode.value,
            level=level,
        )

    def _authenticate(self, tx: Tx, req: AuthRequest) -> Principal:
        params = req.params
        header = req.authorization or ""
        scheme, _, token = header.partition(" ")
        scheme = scheme.lower()
        accepted = req.accepted
        if Credential.SIGNATURE in accepted and params.get("sig") is not None:
            return self._signature(tx, req)
        if Credential.PARAMS in accepted and params.get("api_key") is not None:
            return self._params(tx, params)
        if Credential.BASIC in accepted and scheme == "basic":
            return self._basic(tx, token.strip())
        if Credential.JWT in accepted and scheme == "bearer":
            return self._jwt(tx, token.strip())
        if scheme == "basic" or scheme == "bearer":
            raise AuthRefused(f"{scheme.title()} authentication is not accepted by this API")
        raise AuthRefused("no credentials supplied")

    def _with_secret(self, tx: Tx, api_key: str, secret: str, kind: Credential) -> Principal:
        if account_state.secret_known(tx, api_key, secret):
            return Principal(api_key, kind, tx=tx)
        account, matches = account_state.account_if_secret_matches(tx, api_key, secret)
        if account is None:
            raise AuthRefused("unknown api_key", None)
        if not matches:
            raise AuthRefused("wrong api_secret", api_key)
        return Principal(api_key, kind, known=account)

    def _basic(self, tx: Tx, token: str) -> Principal:
        try:
            decoded = base64.b64decode(token, validate=True).decode("utf-8")
        except ValueError as exc:  # binascii.Error, UnicodeDecodeError, non-ASCII header text
            raise AuthRefused("malformed Basic credentials") from exc
        api_key, sep, secret = decoded.partition(":")
        if not sep or not api_key:
            raise AuthRefused("malformed Basic credentials")
        return self._with_secret(tx, api_key, secret, Credential.BASIC)

    def _params(self, tx: Tx, params: RequestParams) -> Principal:
        api_key = _text(params, "api_key") or ""
        secret = _text(params, "api_secret")
        if secret is None:
            raise AuthRefused("api_secret missing", api_key or None)
        return self._with_secret(tx, api_key, secret, Credential.PARAMS)

    def _signature(self, tx: Tx, req: AuthRequest) -> Principal:
        params = req.params
        api_key = _text(params, "api_key") or ""
        account = account_state.get_account(tx, api_key)
        if account is None:
            raise AuthRefused("unknown api_key")
        if params.get("api_secret") is not None:
            raise AuthRefused("signature and api_secret both given", api_key)
        ts = signature_time(_text(params, "timestamp"))
        if (
            ts is None
            or not math.isfinite(ts)
            # the client stamped real time: ahead of it by the window at most, and its age
            # counted on Ringback's clock (`Clock.at_wall`)
            or ts > time.time() + SIGNATURE_WINDOW_SECONDS
            or self.clock.now() - self.clock.at_wall(ts, resolution=1.0) > SIGNATURE_WINDOW_SECONDS
        ):
            raise AuthRefused("signature timestamp missing or outside the window", api_key)
        merged = {k: v for k, v in params.merged.items() if isinstance(v, (str, int, float))}
        given = _text(params, "sig") or ""
        match = signature_match(
            merged,
            given,
            account.signature_secret,
            account.signature_method,
            req.sdk_signed_fields,
        )
        if match is None:
            raise AuthRefused("signature does not match", api_key)
        if match is SignatureMatch.SDK_ABSENT_FIELDS:
            self._warn_sdk_quirk(tx, req, api_key)
        return Principal(api_key, Credential.SIGNATURE, known=account)

    def _jwt(self, tx: Tx, token: str) -> Principal:
        """A token whose signature verified before (state/credential_cache.py: forgotten when
        its application's key changes, or the application or account goes) skips the parsing
        and the RS256 check; its times are checked every time, as the clock reads now."""
        known = token_cache.verified_token(tx, token)
        if known is not None:
            self._check_times(known.claims, known.api_key)
            return Principal(known.api_key, Credential.JWT, application_id=known.app_id, tx=tx)
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise AuthRefused("malformed JWT") from exc
        if header.get("alg") != "RS256":
            raise AuthRefused(f"JWT algorithm {header.get('alg')!r} is not accepted")
        app_id = claims.get("application_id")
        if not isinstance(app_id, str):
            raise AuthRefused("JWT has no application_id")
        if not app_id.isascii():  # ids are UUIDs; a lone surrogate cannot even be looked up
            raise AuthRefused("JWT application_id is not an application id")
        try:
            found = application_state.verifying_key(tx, app_id, _public_key)
        except jwt.PyJWTError as exc:  # a stored key that is no RSA public key verifies nothing
            raise AuthRefused("JWT signature does not verify") from exc
        if found is None:
            raise AuthRefused("JWT names an unknown application")
        api_key, public_key = found
        try:
            verified = jwt.decode(
                token,
                public_key,
                algorithms=["RS256"],
                options={
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                },
            )
        except jwt.PyJWTError as exc:
            raise AuthRefused("JWT signature does not verify", api_key) from exc
        self._check_times(verified, api_key)
        token_cache.remember_token(tx, token, token_cache.VerifiedToken(app_id, api_key, verified))
        # an application cannot outlive its account (ON DELETE CASCADE)
        return Principal(api_key, Credential.JWT, application_id=app_id, tx=tx)

    def _check_times(self, claims: dict[str, object], api_key: str) -> None:
        """The token's times are real times (the SDK's machine); its life is counted on
        Ringback's clock from the moment it was made (`Clock.at_wall`): freezing the clock
        does not make a new token "from the future", advancing it ages the tokens made
        before, not the ones made after."""
        iat = claims.get("iat")
        if not _finite(iat):
            raise AuthRefused("JWT has no iat", api_key)
        if iat > time.time() + JWT_LEEWAY_SECONDS:
            raise AuthRefused("JWT iat is in the future", api_key)
        exp = claims.get("exp", iat + JWT_DEFAULT_LIFETIME)
        if not _finite(exp):
            raise AuthRefused("JWT exp is not a number", api_key)
        if exp - iat > JWT_MAX_LIFETIME:
            raise AuthRefused("JWT lifetime is longer than 24 hours", api_key)
        now = self.clock.now()
        made = self.clock.at_wall(iat, resolution=1.0)
        if made + (exp - iat) < now - JWT_LEEWAY_SECONDS:
            raise AuthRefused("JWT has expired", api_key)
        nbf = claims.get("nbf")
        if nbf is not None:
            if not _finite(nbf):
                raise AuthRefused("JWT nbf is not a number", api_key)
            if made + (nbf - iat) > now + JWT_LEEWAY_SECONDS:
                raise AuthRefused("JWT is not valid yet (nbf)", api_key)


def _public_key(pem: str) -> RSAPublicKey:
    key = _RS256.prepare_key(pem)
    if not isinstance(key, RSAPublicKey):
        raise jwt.InvalidKeyError("an application's key must be an RSA public key")
    return key


def signature_time(timestamp: str | None) -> float | None:
    """A signed request's `timestamp`: unix seconds, or the Conversion API's own
    `YYYY-MM-DD HH:MM:SS` (UTC), which the Python SDK signs with as it is (contract §1b)."""
    if timestamp is None:
        return None
    try:
        return float(timestamp)
    except ValueError:
        pass
    try:
        parsed = dt.datetime.strptime(timestamp, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC).timestamp()


def _finite(value: object) -> TypeGuard[int | float]:
    """A real number: not a bool, and not NaN or infinite (JSON parsers accept both)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value)


def _text(params: RequestParams, name: str) -> str | None:
    """A credential parameter as text; a JSON object or list there is a refusal, not a 400."""
    try:
        return params.text(name)
    except InvalidParameters as exc:
        raise AuthRefused(f"{name} is not text") from exc
