from __future__ import annotations

from typing import Any

from ringback.core.endpoint import Api

APIS: list[Api] = []


def routes() -> list[Any]:
    return []
