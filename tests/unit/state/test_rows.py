from __future__ import annotations

from dataclasses import dataclass

from ringback.state.rows import row_of


@dataclass(frozen=True)
class _Plain:
    b: int
    a: str | None = None


@dataclass(frozen=True, slots=True)
class _NoDict:  # as a class compiled by mypyc: no instance __dict__
    b: int
    a: list[int]


def test_a_plain_dataclass_gives_its_own_dict() -> None:
    row = _Plain(2, "x")
    assert row_of(row) == {"b": 2, "a": "x"}
    assert row_of(row) is row.__dict__  # no copy on the hot path


def test_a_class_without_dict_gives_its_fields_in_order_values_not_copied() -> None:
    items = [1]
    row = row_of(_NoDict(1, items))
    assert list(row.items()) == [("b", 1), ("a", [1])]
    assert row["a"] is items  # not `asdict`'s deep copy
    assert row_of(_NoDict(3, [])) == {"b": 3, "a": []}  # the field names, kept per class
