from __future__ import annotations

import random
import string

_HEX = "0123456789abcdef"
# RFC 4122 version 4: the variant's two bits (10) and the version's four (0100)
_UUID4_KEEP = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_UUID4_SET = (0x8000 << 48) | (4 << 76)
_SECRET_ALPHABET = string.ascii_letters + string.digits


class Ids:
    """Every id Ringback hands out, from one seedable random source, in Vonage's formats."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)

    def seed(self, seed: int | None) -> None:
        self._random.seed(seed)

    def uuid(self) -> str:
        """`str(uuid.UUID(int=<128 random bits>, version=4))`, written out directly (one per
        SMS part, call, message…): the version and variant bits set as `UUID` sets them."""
        bits = self._random.getrandbits(128) & _UUID4_KEEP | _UUID4_SET
        h = f"{bits:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

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
