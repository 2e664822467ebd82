"""Signing callbacks the way Vonage does, with the account's signature secret.

- `sms-signature` (inbound SMS and receipts when the account signs webhooks, vonage-behaviours
  §2.2): `timestamp` (unix seconds, Ringback's clock) and `nonce` are added to the fields and
  `sig` is computed over all of them but `sig`, with the account's signature method
  (core/signatures.py: `md5hash` or an HMAC). Fresh for every attempt.
- `jwt` (Messages, Voice, Verify v2, §2.1): `Authorization: Bearer` HS256 with `iat`, `jti`,
  `iss: "Vonage"`, `payload_hash` (SHA-256 hex of the body as sent; of the empty body for a GET),
  `api_key` and, when there is one, `application_id`; no `exp` and no `aud`
  (vonage_jwt.verify_signature refuses an `aud`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from ringback.core.signatures import sign
from ringback.state.accounts import Account


def sign_fields(fields: dict[str, str], account: Account, now: float) -> dict[str, str]:
    signed = {**fields, "timestamp": str(int(now)), "nonce": str(uuid.uuid4())}
    signed.pop("sig", None)
    signed["sig"] = sign(signed, account.signature_secret, account.signature_method)
    return signed


def jwt_header(body: bytes, account: Account, application_id: str | None) -> str:
    claims: dict[str, Any] = {
        # real time, not Ringback's clock: a receiver checks `iat` against its own wall clock
        # (PyJWT refuses an `iat` in the future), and the clock may have been moved forward
        "iat": int(time.time()),
        "jti": str(uuid.uuid4()),
        "iss": "Vonage",
        "payload_hash": hashlib.sha256(body).hexdigest(),
        "api_key": account.api_key,
    }
    if application_id:
        claims["application_id"] = application_id
    return "Bearer " + hs256(claims, account.signature_secret)


def hs256(claims: dict[str, Any], secret: str) -> str:
    """A compact JWS, made by hand: PyJWT warns about every secret under 32 bytes, which
    Vonage's signature secrets can be, and it is three lines."""
    head = _b64(b'{"alg":"HS256","typ":"JWT"}')
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
