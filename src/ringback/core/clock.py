from __future__ import annotations

import bisect
import logging
import math
import time
from dataclasses import dataclass, replace

log = logging.getLogger("ringback.clock")

YEAR_SECONDS = 365.25 * 86400
MAX_ADVANCE_SECONDS = 10 * YEAR_SECONDS
# 9999-01-01T00:00:00Z: the clock stays a year inside what `datetime` can show, so every time
# computed from it (a renewal a month on, a 72 h retry window) still formats as a date
LATEST = 253_370_764_800.0
# how many past states `at_wall` remembers: credentials live minutes, tests change the clock
# a few times per credential
HISTORY = 64


class ClockError(ValueError):
    """A change the clock refuses; the control API answers it with a 400."""


@dataclass
class ClockState:
    offset: float = 0.0
    frozen_at: float | None = None

    def reading(self, wall: float) -> float:
        return self.frozen_at if self.frozen_at is not None else wall + self.offset


def _sane(state: ClockState) -> bool:
    if not math.isfinite(state.offset) or abs(state.offset) > LATEST:
        return False
    return state.frozen_at is None or (
        math.isfinite(state.frozen_at) and 0 <= state.frozen_at <= LATEST
    )


class Clock:
    """Ringback's notion of "now": real time, shifted by an offset, optionally frozen.

    Every expiry, delay and retry reads this clock, so a test can freeze it and advance it
    instead of sleeping. The state is persisted by the store so a restart keeps the time.
    It only ever holds finite times before LATEST: a NaN or 1e308 "now" broke every SMS
    (no date to format) and made retries due at once forever (1e308 + backoff == 1e308).
    """

    def __init__(self, state: ClockState | None = None) -> None:
        # when each state began (real time) and the state: what the clock read at a past
        # real time, for `at_wall`; the state it starts in is taken to have held since ever
        self._starts: list[float] = [-math.inf]
        self._states: list[ClockState] = [ClockState()]
        self.state = ClockState()
        if state is not None:
            self.set_state(state)
        self._starts, self._states = [-math.inf], [replace(self.state)]

    def now(self) -> float:
        return self.state.reading(time.time())

    def at_wall(self, wall: float, resolution: float = 0.0) -> float:
        """What this clock read (or will read, as things stand) at real time `wall`.

        Credentials carry real times: an SDK stamps a JWT's `iat` or a signature's
        `timestamp` with the time of the machine it runs on. Their age on Ringback's clock is
        `now() - at_wall(stamp)`: a token made while the clock was frozen, or after it was
        advanced, is as young as it really is, and one made before an advance has aged by it.
        A stamp in whole seconds (`resolution` 1) may be up to a second older than the moment
        it stands for: a change within that second is taken to have come before it.
        """
        index = max(bisect.bisect_right(self._starts, wall + resolution) - 1, 0)
        return self._states[index].reading(wall)

    def _changed(self) -> None:
        self._starts.append(time.time())
        self._states.append(replace(self.state))
        del self._starts[:-HISTORY], self._states[:-HISTORY]

    @property
    def frozen(self) -> bool:
        return self.state.frozen_at is not None

    def freeze(self) -> None:
        if self.state.frozen_at is None:
            self.state.frozen_at = self.now()
            self._changed()

    def resume(self) -> None:
        if self.state.frozen_at is not None:
            self.state.offset = self.state.frozen_at - time.time()
            self.state.frozen_at = None
            self._changed()

    def advance(self, seconds: float) -> None:
        if not (math.isfinite(seconds) and 0 <= seconds <= MAX_ADVANCE_SECONDS):
            raise ClockError("the clock moves forward, by at most 10 years at a time")
        if self.now() + seconds > LATEST:
            raise ClockError("the clock cannot pass 9999-01-01T00:00:00Z")
        if self.state.frozen_at is not None:
            self.state.frozen_at += seconds
        else:
            self.state.offset += seconds
        self._changed()

    def reset(self) -> None:
        """Back to real time: not frozen, no offset."""
        self.state = ClockState()
        self._changed()

    def set_state(self, state: ClockState) -> None:
        if not _sane(state):
            # saved by an older Ringback that let NaN or 1e308 through
            log.warning("the saved clock (%s) is not a usable time; back to real time", state)
            state = ClockState()
        self.state = state
        self._changed()
