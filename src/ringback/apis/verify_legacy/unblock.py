"""`POST /verify/network-unblock` (verify.yml, Fraud Management): JSON in, 202 with the
network and when its unblock ends. Ringback's network blocks nothing for low conversion (no
velocity rules), so an unblock only checks its input and answers; errors are verify.yml's
problem bodies (422 for a bad network or duration)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from ringback.core.error_styles import ProblemStyle
from ringback.core.errors import InvalidParameter, RingbackError
from ringback.core.request_params import RequestParams

DEFAULT_DURATION = 3600
MAX_DURATION = 86400
NETWORK = re.compile(r"^\d{5,6}$")  # MCC + MNC

UNBLOCK_STYLE = ProblemStyle(type_base="https://developer.vonage.com/api-errors")


class Unprocessable(RingbackError):
    status = 422
    title = "Unprocessable Entity"
    slug = "invalid-param"


def _network_problem(reason: str) -> Unprocessable:
    return Unprocessable(
        "Network is not in the request." if reason == "missing" else "Network not found.",
        title="Network not found.",
        invalid_parameters=[InvalidParameter("network", "Network not found")],
    )


def _duration_problem() -> Unprocessable:
    return Unprocessable(
        "Unblock duration is invalid.",
        title="Invalid unblock_duration parameter",
        invalid_parameters=[
            InvalidParameter("unblock_duration", f"must be a whole number from 0 to {MAX_DURATION}")
        ],
    )


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) else None


def unblock(params: RequestParams, now: float) -> dict[str, Any]:
    """verify.yml names the field `unblock_duration`; the Python SDK sends `duration`."""
    body = params.json_body if isinstance(params.json_body, dict) else params.merged
    raw_network = body.get("network")
    if raw_network is None or raw_network == "":
        raise _network_problem("missing")
    network = _text(raw_network)
    if network is None or not NETWORK.match(network):
        raise _network_problem("unknown")
    duration: Any = body.get("unblock_duration", body.get("duration"))
    if duration is None:
        duration = DEFAULT_DURATION
    elif isinstance(duration, str) and duration.isascii() and duration.isdigit():
        duration = int(duration)
    if isinstance(duration, bool) or not isinstance(duration, int):
        raise _duration_problem()
    if not 0 <= duration <= MAX_DURATION:
        raise _duration_problem()
    until = datetime.fromtimestamp(now + duration, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"network": network, "unblocked_until": until}
