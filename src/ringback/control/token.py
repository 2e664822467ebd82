"""The control token: which one is in force, and checking one in constant time."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from ringback.config import Settings
from ringback.control.host_policy import is_loopback
from ringback.core.private_files import write_private

TOKEN_FILE = "control-token"


def check_token(value: str) -> str:
    """A usable bearer token: printable ASCII, no spaces (RFC 6750's b64token, loosely)."""
    if not value or not all("!" <= c <= "~" for c in value):
        raise ValueError("the control token must be printable ASCII without spaces")
    return value


def needs_token(host: str) -> bool:
    """Any address but a loopback one (0.0.0.0 and :: included) exposes the control API."""
    return not is_loopback(host)


def resolve_control_token(settings: Settings) -> str | None:
    """`--control-token` wins; else, off loopback, the kept token or a new one (kept private)."""
    if settings.control_token:
        return settings.control_token
    if not needs_token(settings.host):
        return None
    path = settings.data_dir / TOKEN_FILE
    kept = _read(path)
    if kept:
        return kept
    token = secrets.token_urlsafe(32)
    write_private(path, token + "\n")
    return token


def _read(path: Path) -> str | None:
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    return text or None


def token_matches(given: str, token: str) -> bool:
    """Constant time; any text compares (a lone surrogate too), none raises."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), token.encode("utf-8", "surrogatepass")
    )
