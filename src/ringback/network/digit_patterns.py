"""libphonenumber's number-range regexes, parsed into a small tree.

libphonenumber writes a number range in a small subset of regex syntax: digits, `\\d`,
`[2-9]` classes, `(?:...)`, `|`, `?` and `{n}`/`{n,m}`; no unbounded repeats, no anchors.
"""

from __future__ import annotations

from dataclasses import dataclass

DIGITS = frozenset(range(10))


class PatternSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Chars:
    digits: frozenset[int]


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    options: tuple[Node, ...]


@dataclass(frozen=True)
class Repeat:
    node: Node
    low: int
    high: int


Node = Chars | Seq | Alt | Repeat


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def take(self, expected: str) -> None:
        if not self.text.startswith(expected, self.at):
            raise PatternSyntaxError(f"expected {expected!r} at {self.at} in {self.text!r}")
        self.at += len(expected)

    def parse(self) -> Node:
        node = self.alternatives()
        if self.at != len(self.text):
            raise PatternSyntaxError(f"unexpected {self.peek()!r} at {self.at} in {self.text!r}")
        return node

    def alternatives(self) -> Node:
        options = [self.sequence()]
        while self.peek() == "|":
            self.take("|")
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Alt(tuple(options))

    def sequence(self) -> Node:
        items: list[Node] = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.quantified(self.atom()))
        return items[0] if len(items) == 1 else Seq(tuple(items))

    def atom(self) -> Node:
        char = self.peek()
        if char == "(":
            self.take("(?:")
            inner = self.alternatives()
            self.take(")")
            return inner
        if char == "[":
            return self.char_class()
        if char == "\\":
            self.take("\\d")
            return Chars(DIGITS)
        if char.isdigit():
            self.at += 1
            return Chars(frozenset({int(char)}))
        raise PatternSyntaxError(f"unsupported {char!r} at {self.at} in {self.text!r}")

    def char_class(self) -> Chars:
        self.take("[")
        digits: set[int] = set()
        while self.peek() != "]":
            if self.peek() == "\\":
                self.take("\\d")
                digits |= DIGITS
                continue
            low = self.digit()
            high = low
            if self.peek() == "-":
                self.take("-")
                high = self.digit()
            digits |= set(range(low, high + 1))
        self.take("]")
        return Chars(frozenset(digits))

    def digit(self) -> int:
        char = self.peek()
        if not char.isdigit():
            raise PatternSyntaxError(f"expected a digit at {self.at} in {self.text!r}")
        self.at += 1
        return int(char)

    def number(self) -> int:
        start = self.at
        while self.peek().isdigit():
            self.at += 1
        if start == self.at:
            raise PatternSyntaxError(f"expected a count at {start} in {self.text!r}")
        return int(self.text[start : self.at])

    def quantified(self, node: Node) -> Node:
        if self.peek() == "?":
            self.take("?")
            return Repeat(node, 0, 1)
        if self.peek() != "{":
            return node
        self.take("{")
        low = self.number()
        high = low
        if self.peek() == ",":
            self.take(",")
            high = self.number()
        self.take("}")
        return Repeat(node, low, high)


def parse_pattern(text: str) -> Node:
    return _Parser(text).parse()
