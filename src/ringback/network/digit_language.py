"""The digit strings a libphonenumber pattern accepts, as a finite language that can be counted
and indexed, optionally under a constraint on the digits (a prefix, a suffix, a substring).

libphonenumber's range patterns have no unbounded repeats (see `digit_patterns`), so the
language is finite: it compiles to a DFA, and counting the strings of the DFA that also
satisfy a digit automaton (the constraint) is a small dynamic programme. With those counts, the
k-th string can be built digit by digit, which lets the number pool *construct* numbers that
carry a search pattern instead of drawing random numbers and hoping one matches.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol

from ringback.network.digit_patterns import Alt, Chars, Node, Seq, parse_pattern


class _Nfa:
    """Thompson construction; with no unbounded repeats the graph is acyclic."""

    def __init__(self) -> None:
        self.eps: list[list[int]] = []
        self.moves: list[list[tuple[frozenset[int], int]]] = []

    def state(self) -> int:
        self.eps.append([])
        self.moves.append([])
        return len(self.eps) - 1

    def build(self, node: Node, start: int) -> int:
        if isinstance(node, Chars):
            end = self.state()
            self.moves[start].append((node.digits, end))
            return end
        if isinstance(node, Seq):
            for item in node.items:
                start = self.build(item, start)
            return start
        if isinstance(node, Alt):
            end = self.state()
            for option in node.options:
                entry = self.state()
                self.eps[start].append(entry)
                self.eps[self.build(option, entry)].append(end)
            return end
        current = start
        for _ in range(node.low):
            current = self.build(node.node, current)
        end = self.state()
        self.eps[current].append(end)
        for _ in range(node.high - node.low):
            current = self.build(node.node, current)
            self.eps[current].append(end)
        return end

    def closure(self, states: frozenset[int] | set[int]) -> frozenset[int]:
        seen = set(states)
        stack = list(states)
        while stack:
            for nxt in self.eps[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return frozenset(seen)


class Constraint(Protocol):
    """A deterministic automaton over digits; `step` returns None for a dead end."""

    start: Hashable

    def step(self, state: Hashable, digit: int) -> Hashable | None: ...

    def accepts(self, state: Hashable) -> bool: ...


class Unconstrained:
    start: Hashable = 0

    def step(self, state: Hashable, digit: int) -> Hashable | None:
        return state

    def accepts(self, state: Hashable) -> bool:
        return True


class DigitLanguage:
    """The strings of `pattern` whose length is one of `lengths`, as a lazily built DFA."""

    def __init__(self, pattern: str, lengths: Sequence[int]) -> None:
        self.pattern = pattern
        self.lengths = frozenset(lengths)
        self.max_length = max(self.lengths)
        nfa = _Nfa()
        start = nfa.state()
        self._final = nfa.build(parse_pattern(pattern), start)
        self._nfa = nfa
        self._ids: dict[frozenset[int], int] = {}
        self._sets: list[frozenset[int]] = []
        self._steps: dict[tuple[int, int], int | None] = {}
        self.start = self._id(nfa.closure({start}))

    def _id(self, states: frozenset[int]) -> int:
        if states not in self._ids:
            self._ids[states] = len(self._sets)
            self._sets.append(states)
        return self._ids[states]

    def step(self, state: int, digit: int) -> int | None:
        key = (state, digit)
        if key not in self._steps:
            targets = {
                target
                for nfa_state in self._sets[state]
                for digits, target in self._nfa.moves[nfa_state]
                if digit in digits
            }
            self._steps[key] = self._id(self._nfa.closure(targets)) if targets else None
        return self._steps[key]

    def accepting(self, state: int) -> bool:
        return self._final in self._sets[state]

    def restricted(self, constraint: Constraint, prefix: Sequence[int] = ()) -> Restricted:
        """The strings that satisfy `constraint` once `prefix` (e.g. a country code) is read."""
        cstate: Hashable | None = constraint.start
        for digit in prefix:
            cstate = constraint.step(cstate, digit) if cstate is not None else None
        return Restricted(self, constraint, cstate)


class Restricted:
    """Counting and indexing over the strings of a language that a constraint accepts."""

    def __init__(
        self, language: DigitLanguage, constraint: Constraint, start: Hashable | None
    ) -> None:
        self.language = language
        self.constraint = constraint
        self.start = start
        self._memo: dict[tuple[int, int, Hashable], int] = {}

    def _ends_here(self, state: int, length: int, cstate: Hashable) -> bool:
        return (
            length in self.language.lengths
            and self.language.accepting(state)
            and self.constraint.accepts(cstate)
        )

    def _edges(self, state: int, cstate: Hashable) -> list[tuple[int, int, Hashable]]:
        edges = []
        for digit in range(10):
            nxt = self.language.step(state, digit)
            if nxt is None:
                continue
            ncs = self.constraint.step(cstate, digit)
            if ncs is not None:
                edges.append((digit, nxt, ncs))
        return edges

    def _count(self, state: int, length: int, cstate: Hashable) -> int:
        key = (state, length, cstate)
        found = self._memo.get(key)
        if found is not None:
            return found
        total = 1 if self._ends_here(state, length, cstate) else 0
        if length < self.language.max_length:
            for _digit, nxt, ncs in self._edges(state, cstate):
                total += self._count(nxt, length + 1, ncs)
        self._memo[key] = total
        return total

    def count(self) -> int:
        if self.start is None:
            return 0
        return self._count(self.language.start, 0, self.start)

    def nth(self, index: int) -> str:
        """The index-th string in digit order (0 <= index < count())."""
        if self.start is None or not 0 <= index < self.count():
            raise IndexError(index)
        state, cstate, length = self.language.start, self.start, 0
        out: list[str] = []
        while True:
            if self._ends_here(state, length, cstate):
                if index == 0:
                    return "".join(out)
                index -= 1
            for digit, nxt, ncs in self._edges(state, cstate):
                below = self._count(nxt, length + 1, ncs)
                if index < below:
                    out.append(str(digit))
                    state, cstate, length = nxt, ncs, length + 1
                    break
                index -= below
            else:  # pragma: no cover - counts and walk disagree only on a bug
                raise AssertionError("index walked off the language")
