"""Who made a request, noted where authentication happens and read by the access log.

It travels in the ASGI scope's `state` dict (Starlette's `request.state`), which every layer of
one request shares.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

CALLER_KEY = "ringback.caller"


def note_caller(state: MutableMapping[str, Any], account: str, auth_kind: str) -> None:
    """`auth_kind`: basic, params, signature, jwt or bearer; never the credential itself."""
    state[CALLER_KEY] = (account, auth_kind)


def caller_of(state: MutableMapping[str, Any]) -> tuple[str, str] | None:
    caller = state.get(CALLER_KEY)
    return caller if isinstance(caller, tuple) else None
