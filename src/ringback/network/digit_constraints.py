"""Digit automata for the Numbers API's `search_pattern`: starts with, contains, ends with.

They read the whole MSISDN, country code included (the pattern includes it, says the spec),
so a pattern may straddle the country code and the national number.
"""

from __future__ import annotations

from collections.abc import Hashable

from ringback.network.digit_language import Constraint, Unconstrained

STARTS_WITH = 0
CONTAINS = 1
ENDS_WITH = 2


class StartsWith:
    """State: how many digits of the prefix have been read (all of them: anything goes)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = [int(c) for c in prefix]
        self.start: Hashable = 0

    def step(self, state: Hashable, digit: int) -> Hashable | None:
        assert isinstance(state, int)
        if state == len(self.prefix):
            return state
        return state + 1 if self.prefix[state] == digit else None

    def accepts(self, state: Hashable) -> bool:
        return state == len(self.prefix)


def _kmp_table(pattern: list[int]) -> list[list[int]]:
    """delta[j][d]: the longest prefix of `pattern` that is a suffix of (matched j) + d."""
    size = len(pattern)
    fail = [0] * (size + 1)
    k = 0
    for i in range(1, size):
        while k and pattern[i] != pattern[k]:
            k = fail[k]
        if pattern[i] == pattern[k]:
            k += 1
        fail[i + 1] = k
    delta = []
    for j in range(size + 1):
        row = []
        for digit in range(10):
            k = j
            if k == size:
                k = fail[k]
            while k and pattern[k] != digit:
                k = fail[k]
            row.append(k + 1 if pattern[k] == digit else 0)
        delta.append(row)
    return delta


class EndsWith:
    """State: the KMP position; the string ends with the pattern iff it ends at full length."""

    def __init__(self, suffix: str) -> None:
        self.size = len(suffix)
        self.delta = _kmp_table([int(c) for c in suffix])
        self.start: Hashable = 0

    def step(self, state: Hashable, digit: int) -> Hashable | None:
        assert isinstance(state, int)
        return self.delta[state][digit]

    def accepts(self, state: Hashable) -> bool:
        return state == self.size


class Contains:
    """State: the KMP position, or -1 once the pattern has been seen (then anything goes)."""

    def __init__(self, infix: str) -> None:
        self.size = len(infix)
        self.delta = _kmp_table([int(c) for c in infix])
        self.start: Hashable = 0

    def step(self, state: Hashable, digit: int) -> Hashable | None:
        assert isinstance(state, int)
        if state == -1:
            return -1
        nxt = self.delta[state][digit]
        return -1 if nxt == self.size else nxt

    def accepts(self, state: Hashable) -> bool:
        return state == -1


def constraint_for(pattern: str | None, search_pattern: int) -> Constraint:
    if not pattern:
        return Unconstrained()
    if search_pattern == CONTAINS:
        return Contains(pattern)
    if search_pattern == ENDS_WITH:
        return EndsWith(pattern)
    return StartsWith(pattern)


def matches(msisdn: str, pattern: str | None, search_pattern: int) -> bool:
    """The same rule as plain string tests, for filtering numbers that already exist."""
    if not pattern:
        return True
    if search_pattern == CONTAINS:
        return pattern in msisdn
    if search_pattern == ENDS_WITH:
        return msisdn.endswith(pattern)
    return msisdn.startswith(pattern)
