"""The one reader for JSON a client sends (every API body and the control API's).

Python's `json` follows nesting until it runs out of stack (a RecursionError), and it lets
lone surrogates (`"\\ud800"`) through: valid JSON syntax, but text nothing downstream can
hold (SQLite, UTF-8 responses, webhooks). I-JSON (RFC 7493 §2.1) forbids them, so they are
refused here, naming the field, before any API sees the document; so is NUL (`\\u0000`),
which PostgreSQL's text columns cannot hold. `NaN` and `Infinity`
are left to each field's own check (SMS `ttl` answers them with its own status).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ringback.core.errors import InvalidParameter, InvalidParameters

MAX_DEPTH = 64  # arrays and objects inside each other; Vonage's deepest bodies use ~6
NOT_JSON = "The request body is not valid JSON"
NOT_UNICODE_REASON = "must be valid Unicode (no lone surrogates)"
NUL_REASON = "must not contain NUL (\\u0000)"  # PostgreSQL's text cannot hold it

# A lone surrogate or a NUL can only arrive escaped (raw UTF-8 cannot encode the one, JSON
# strings cannot hold the other raw), so a body without a `\uD800`-`\uDFFF` or `\u0000`
# escape needs no walk; nor does one with too few brackets to be deep.
_SURROGATE_ESCAPE = re.compile(rb"\\u([dD][89abcdefABCDEF]|0000)")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # re's escapes: no surrogate in the literal (mypyc)


def _unholdable(text: str) -> str | None:
    """Why `text` cannot be kept (a lone surrogate, a NUL), or None."""
    if _SURROGATE.search(text):
        return NOT_UNICODE_REASON
    if "\x00" in text:
        return NUL_REASON
    return None


def read_json(raw: bytes) -> Any:
    """The document in `raw`, or InvalidParameters (a 400 in the API's own shape)."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        # UnicodeDecodeError is a ValueError; RecursionError: nesting the decoder gave up on
        raise InvalidParameters(NOT_JSON) from exc
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH or _SURROGATE_ESCAPE.search(raw):
        _check(document)
    return document


def _check(document: Any) -> None:
    """Depth and lone surrogates, walked without recursion (the document may be deep)."""
    problems: list[InvalidParameter] = []
    # (value, its dotted path, depth, why its own key cannot be kept)
    stack: list[tuple[Any, str, int, str | None]] = [(document, "", 0, None)]
    while stack:
        value, path, depth, bad_key = stack.pop()
        if bad_key:
            problems.append(InvalidParameter(path, bad_key))
        if isinstance(value, str):
            if reason := _unholdable(value):
                problems.append(InvalidParameter(path or "body", reason))
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth >= MAX_DEPTH:
            raise InvalidParameters(f"{NOT_JSON}: nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            children = [
                (child, _join(path, _printable(key)), depth + 1, _unholdable(key))
                for key, child in value.items()
            ]
        else:
            children = [(child, f"{path}[{i}]", depth + 1, None) for i, child in enumerate(value)]
        stack.extend(reversed(children))  # visited in document order
    if problems:
        raise InvalidParameters(f"Invalid {problems[0].name} param", invalid_parameters=problems)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _printable(key: str) -> str:
    return key.encode("utf-8", "replace").decode("utf-8")


def non_finite_paths(document: Any) -> list[str]:
    """Where `document` holds NaN or Infinity (`.a[0].b`), for the APIs that must refuse them
    even in fields they ignore: JSON Schema lets them through (every comparison with NaN is
    false, so `minimum` and `maximum` pass)."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            found.append(path)
        elif isinstance(value, dict):
            stack.extend((v, f"{path}.{k}") for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(value))))
    return found
