from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class ClockState:
    offset: float = 0.0
    frozen_at: float | None = None


class Clock:
    """Ringback's notion of "now": real time, shifted by an offset, optionally frozen.

    Every expiry, delay and retry reads this clock, so a test can freeze it and advance it
    instead of sleeping. The state is persisted by the store so a restart keeps the time.
    """

    def __init__(self, state: ClockState | None = None) -> None:
        self.state = state or ClockState()

    def now(self) -> float:
        if self.state.frozen_at is not None:
            return self.state.frozen_at
        return time.time() + self.state.offset

    @property
    def frozen(self) -> bool:
        return self.state.frozen_at is not None

    def freeze(self) -> None:
        if self.state.frozen_at is None:
            self.state.frozen_at = self.now()

    def resume(self) -> None:
        if self.state.frozen_at is not None:
            self.state.offset = self.state.frozen_at - time.time()
            self.state.frozen_at = None

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        if self.state.frozen_at is not None:
            self.state.frozen_at += seconds
        else:
            self.state.offset += seconds

    def set_state(self, state: ClockState) -> None:
        self.state = state
