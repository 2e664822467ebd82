from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

# made once: `json.dumps` with arguments builds an encoder per call
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class VonageJSON(Response):
    """JSON sent as exactly `application/json` (the Node SDK parses nothing else)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return _ENCODER.encode(content).encode("utf-8")


def no_content() -> Response:
    return Response(status_code=204)
