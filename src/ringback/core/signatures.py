"""Vonage's signed-request scheme (SMS API and legacy webhooks).

The string to sign is every parameter but `sig`, sorted by name, each written `&name=value` with
`&` and `=` inside values replaced by `_`. `md5hash` appends the signature secret and takes MD5;
`md5`, `sha1`, `sha256` and `sha512` are HMACs keyed with the secret.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Mapping

HMAC_DIGESTS = {
    "md5": hashlib.md5,
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
}


def signing_string(params: Mapping[str, object]) -> str:
    parts = []
    for key in sorted(params):
        if key == "sig":
            continue
        value = params[key]
        text = value.replace("&", "_").replace("=", "_") if isinstance(value, str) else str(value)
        parts.append(f"&{key}={text}")
    return "".join(parts)


def sign(params: Mapping[str, object], secret: str, method: str) -> str:
    message = signing_string(params)
    if method == "md5hash":
        return hashlib.md5((message + secret).encode()).hexdigest()
    digest = HMAC_DIGESTS[method]
    return hmac.new(secret.encode(), message.encode(), digest).hexdigest()


def python_sdk_variant(
    params: Mapping[str, object], signed_fields: tuple[str, ...]
) -> dict[str, object]:
    """The parameter set the official Python SDK actually signs (see docs/architecture.md).

    vonage-http-client signs its model dump, where absent fields are `None` (including `sig`
    itself), then drops the `None` fields from the wire body. The receiver can only rebuild what
    was signed by putting the absent fields back as the text "None".
    """
    rebuilt: dict[str, object] = {key: "None" for key in signed_fields}
    rebuilt.update(params)
    rebuilt["sig"] = "None"
    return rebuilt


class SignatureMatch(enum.Enum):
    EXACT = "exact"  # over the parameters sent, as Vonage checks it
    SDK_ABSENT_FIELDS = "sdk-absent-fields"  # only with the SDK's absent fields as "None"


def signature_match(
    params: Mapping[str, object],
    given: str,
    secret: str,
    method: str,
    sdk_signed_fields: tuple[str, ...] = (),
) -> SignatureMatch | None:
    """How `given` matches, or None when it does not."""
    given = given.lower()
    if not given.isascii():  # compare_digest raises TypeError on non-ASCII str
        return None
    if hmac.compare_digest(sign(params, secret, method), given):
        return SignatureMatch.EXACT
    if sdk_signed_fields and method in HMAC_DIGESTS:
        # The SDK's variant includes `sig` itself, which `sign` skips: sign it by hand.
        variant = python_sdk_variant(params, sdk_signed_fields)
        message = "".join(f"&{k}={_sdk_text(variant[k])}" for k in sorted(variant))
        expected = hmac.new(secret.encode(), message.encode(), HMAC_DIGESTS[method]).hexdigest()
        if hmac.compare_digest(expected, given):
            return SignatureMatch.SDK_ABSENT_FIELDS
    return None


def _sdk_text(value: object) -> str:
    return value.replace("&", "_").replace("=", "_") if isinstance(value, str) else str(value)
