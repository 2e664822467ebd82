from __future__ import annotations

import random
import string
import uuid

_HEX = "0123456789abcdef"
_SECRET_ALPHABET = string.ascii_letters + string.digits


class Ids:
    """Every id Ringback hands out, from one seedable random source, in Vonage's formats."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)

    def seed(self, seed: int | None) -> None:
        self._random.seed(seed)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def hex(self, length: int) -> str:
        return "".join(self._random.choice(_HEX) for _ in range(length))

    def api_key(self) -> str:
        """Vonage API keys are 8 lowercase hex characters, e.g. `abcd1234`."""
        return self.hex(8)

    def api_secret(self) -> str:
        """16 characters that always satisfy Vonage's secret rules (upper, lower, digit)."""
        while True:
            candidate = "".join(self._random.choice(_SECRET_ALPHABET) for _ in range(16))
            if (
                any(c.islower() for c in candidate)
                and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate)
            ):
                return candidate

    def instance(self) -> str:
        """The `instance` of a problem body: 32 hex characters, as in Vonage's examples."""
        return self.hex(32)

    def digits(self, length: int) -> str:
        return "".join(self._random.choice(string.digits) for _ in range(length))

    def randint(self, low: int, high: int) -> int:
        return self._random.randint(low, high)
