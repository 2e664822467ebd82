"""API secrets: Vonage's rules, and storage as salted SHA-256 (the value is shown only once)."""

from __future__ import annotations

import hashlib
import hmac
import secrets as pysecrets

MIN_LENGTH = 8
MAX_LENGTH = 25
MAX_SECRETS = 2


def secret_problems(secret: str) -> list[str]:
    problems = []
    if not MIN_LENGTH <= len(secret) <= MAX_LENGTH:
        problems.append(f"must be between {MIN_LENGTH} and {MAX_LENGTH} characters long")
    if not any(c.islower() for c in secret):
        problems.append("must contain at least one lowercase letter")
    if not any(c.isupper() for c in secret):
        problems.append("must contain at least one uppercase letter")
    if not any(c.isdigit() for c in secret):
        problems.append("must contain at least one digit")
    return problems


def hash_secret(secret: str, salt: str | None = None) -> tuple[str, str]:
    salt = salt or pysecrets.token_hex(16)
    digest = hashlib.sha256((salt + secret).encode()).hexdigest()
    return salt, digest


def secret_matches(secret: str, salt: str, digest: str) -> bool:
    return hmac.compare_digest(hash_secret(secret, salt)[1], digest)
