from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response


class VonageJSON(Response):
    """JSON sent as exactly `application/json` (the Node SDK parses nothing else)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def no_content() -> Response:
    return Response(status_code=204)
