"""Per-API, per-key rate limits with Vonage's published numbers, on the `limits` library."""

from __future__ import annotations

import time
from typing import Protocol

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from ringback.core.errors import RateLimited

DEFAULT_LIMITS = {
    "sms": "30/second",
    "messages": "75/second",
    "voice-create": "3/second",
    "voice": "15/second",
    "verify": "30/second",
    "numbers": "3/second",
    "numbers-owned": "1/second",
    "pricing": "1/second",
    # Number Insight: Vonage's gateway tests throttle Basic above 150/s, the others above 125/s
    "ni-basic": "150/second",
    "ni-standard": "125/second",
    "ni-advanced": "125/second",
}


class SharedWindows(Protocol):
    """Counters every worker of a server shares (`state/rate_windows.py`, PostgreSQL)."""

    def hit(self, tx: object, key: str, limit: int, window: float, now: float) -> float | None:
        """None when let through (and counted), else the seconds until a slot frees."""
        ...

    def clear(self) -> None: ...


class RateLimits:
    def __init__(self, enabled: bool = True, overrides: dict[str, str] | None = None) -> None:
        self.enabled = enabled
        # set when several workers serve: then the windows live in the database
        self.shared: SharedWindows | None = None
        self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)
        self.rules: dict[str, RateLimitItem] = {}
        for name, spec in {**DEFAULT_LIMITS, **(overrides or {})}.items():
            self.set_rule(name, spec)

    def set_rule(self, name: str, spec: str) -> None:
        self.rules[name] = parse(spec)

    def describe(self) -> dict[str, object]:
        return {
            "enabled": self.enabled,
            "limits": {name: str(item) for name, item in self.rules.items()},
        }

    def configure(self, described: dict[str, object]) -> None:
        """As `describe()` gave them (another worker's change)."""
        limits = described.get("limits")
        if isinstance(limits, dict):
            for name, spec in limits.items():
                self.set_rule(str(name), str(spec))
        self.enabled = bool(described.get("enabled", self.enabled))

    def hit(self, rule: str, api_key: str, tx: object = None) -> bool:
        """Count a request; `tx`, the request's transaction, is where shared windows count.
        True when it was counted in memory, where undoing `tx` does not undo it: a transaction
        run again (PostgreSQL's group commit) must not count the request twice."""
        if not self.enabled or rule not in self.rules:
            return False
        item = self.rules[rule]
        if self.shared is not None:
            now = time.time()
            wait = self.shared.hit(tx, f"{rule}/{api_key}", item.amount, item.get_expiry(), now)
            if wait is not None:
                raise RateLimited(retry_after=wait)
            return False
        if not self._limiter.hit(item, rule, api_key):
            stats = self._limiter.get_window_stats(item, rule, api_key)
            raise RateLimited(retry_after=max(0.0, stats.reset_time - time.time()))
        return True

    def clear(self) -> None:
        self._storage.reset()
        if self.shared is not None:
            self.shared.clear()
