"""Per-API, per-key rate limits with Vonage's published numbers, on the `limits` library."""

from __future__ import annotations

import time

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


class RateLimits:
    def __init__(self, enabled: bool = True, overrides: dict[str, str] | None = None) -> None:
        self.enabled = enabled
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

    def hit(self, rule: str, api_key: str) -> None:
        if not self.enabled or rule not in self.rules:
            return
        item = self.rules[rule]
        if not self._limiter.hit(item, rule, api_key):
            stats = self._limiter.get_window_stats(item, rule, api_key)
            raise RateLimited(retry_after=max(0.0, stats.reset_time - time.time()))

    def clear(self) -> None:
        self._storage.reset()
