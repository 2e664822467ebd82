"""Signing callbacks the way Vonage does, with the account's signature secret.

- `sms-signature` (inbound SMS, receipts, when the account signs webhooks): `timestamp` and
  `nonce` are added to the fields and `sig` is computed over all of them with the account's
  signature method (core/signatures.py).
- `jwt` (Messages, Voice, Verify v2): `Authorization: Bearer` HS256 with `iat`, `jti`,
  `iss: "Vonage"`, `payload_hash` (SHA-256 hex of the body), `api_key` and, when there is one,
  `application_id`; no `exp` and no `aud` (vonage_jwt.verify_signature refuses an `aud`).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any

import jwt

from ringback.core.signatures import sign
from ringback.state.accounts import Account


def sign_fields(fields: dict[str, Any], account: Account, now: float) -> dict[str, Any]:
    signed = {**fields, "timestamp": str(int(now)), "nonce": str(uuid.uuid4())}
    signed["sig"] = sign(
        {k: v for k, v in signed.items() if isinstance(v, str)},
        account.signature_secret,
        account.signature_method,
    )
    return signed


def jwt_header(body: bytes, account: Account, application_id: str | None) -> str:
    claims: dict[str, Any] = {
        # whole seconds, and never ahead of the receiver's clock
        "iat": int(time.time()),
        "jti": str(uuid.uuid4()),
        "iss": "Vonage",
        "payload_hash": hashlib.sha256(body).hexdigest(),
        "api_key": account.api_key,
    }
    if application_id:
        claims["application_id"] = application_id
    return "Bearer " + jwt.encode(claims, account.signature_secret, algorithm="HS256")
