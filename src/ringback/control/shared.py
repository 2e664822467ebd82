"""Control API changes the other workers must know (`ringback serve --workers N`).

The clock already lives in the store (`meta.clock`); settings that are only in memory with one
process (rate limits, webhook settings, the id seed) are written to `meta` as `shared.<topic>`
when several workers serve, so a worker restarted by the supervisor starts with them too. Each
change is announced (`core/broadcast.py`), and the others re-read it. With one process every
function here does nothing.
"""

from __future__ import annotations

import json
from typing import Any

from ringback.apis.services import Services

TOPICS = ("rate-limits", "webhook-settings", "seed")


def meta_key(topic: str) -> str:
    return f"shared.{topic}"


async def publish(services: Services, topic: str, value: Any) -> None:
    """Store `value` for `topic` and tell the other workers; answers once they have been."""
    if not services.broadcast.shared:
        return
    await services.store.run(services.store.set_meta, meta_key(topic), json.dumps(value))
    services.broadcast.announce(topic)
    await services.broadcast.settle()


def announce_clock(services: Services) -> None:
    """The clock in `meta` changed (moved, reset, restored with a snapshot)."""
    services.broadcast.announce("clock")
