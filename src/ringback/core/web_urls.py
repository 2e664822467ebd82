"""The one check for a URL a client gives Ringback to call (callbacks, webhooks).

`urllib.parse` raises on some URLs (`http://[::1`, a port out of range or not a number, a
bracketed host that is no IPv6 address) and only when a part is read; the webhook sender
(`webhooks/http1.py`) also needs an IDNA-encodable host. A URL passes here exactly when the
sender could call it, and each API turns a `BadUrl` into its own refusal.
"""

from __future__ import annotations

from enum import Enum
from urllib.parse import urlsplit

DEFAULT_MAX_LENGTH = 2000


class Problem(Enum):
    TOO_LONG = "is too long"
    CHARACTERS = "holds whitespace, control characters or lone surrogates"
    UNPARSEABLE = "cannot be parsed"
    SCHEME = "must start with http:// or https://"
    HOST = "has no valid host"


class BadUrl(ValueError):
    def __init__(self, problem: Problem, detail: str = "") -> None:
        self.problem = problem
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)


def check_web_url(value: str, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """`value` unchanged if it is an absolute http(s) URL Ringback can call; else BadUrl."""
    if len(value) > max_length:
        raise BadUrl(Problem.TOO_LONG, f"at most {max_length} characters")
    if any(
        c.isspace() or ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in value
    ):
        raise BadUrl(Problem.CHARACTERS)
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises on a port that is not a number from 0 to 65535
    except ValueError as exc:
        raise BadUrl(Problem.UNPARSEABLE, str(exc)) from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise BadUrl(Problem.SCHEME)
    if not parts.hostname:
        raise BadUrl(Problem.HOST)
    try:
        parts.hostname.encode("idna")
    except UnicodeError as exc:
        raise BadUrl(Problem.HOST, str(exc)) from exc
    return value
