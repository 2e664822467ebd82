"""A dataclass instance's fields as a row's values (column name → value, in field order)."""

from __future__ import annotations

import dataclasses
from typing import Any


def row_of(obj: Any) -> dict[str, Any]:
    """The instance's own `__dict__` (no copy: callers only read it), or, for a class compiled
    by mypyc, which has none, a dict built from its fields. Not `dataclasses.asdict`: it copies
    every value deeply, ~25 µs for a 23-field `Part` against ~0.1 µs."""
    try:
        return obj.__dict__  # type: ignore[no-any-return]
    except AttributeError:
        names = _FIELDS.get(type(obj))
        if names is None:
            names = _FIELDS[type(obj)] = tuple(f.name for f in dataclasses.fields(obj))
        return {name: getattr(obj, name) for name in names}


_FIELDS: dict[type, tuple[str, ...]] = {}
