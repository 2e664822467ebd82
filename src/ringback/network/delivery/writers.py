"""A line's side of the API (`StatusWriter`) and its error, apart from pipeline.py so that
module can be compiled by mypyc (bench/compile_hot.py): a compiled class cannot be a Protocol's
subclass or a `KeyError`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar, runtime_checkable

from ringback.network.delivery.channels import Landing, Unit
from ringback.state.store import Tx

U = TypeVar("U", bound=Unit)


class StatusWriter(Protocol[U]):
    """The API's side of a line: it stores the units and tells its sender what became of them."""

    def unit(self, tx: Tx, unit_id: str) -> U | None: ...
    def units(self, tx: Tx, unit_ids: list[str]) -> list[U]: ...
    def finish(self, tx: Tx, unit: U, landing: Landing, now: float) -> None: ...
    def report(self, tx: Tx, unit: U, landing: Landing, now: float) -> None: ...


@runtime_checkable
class BatchStatusWriter(StatusWriter[U], Protocol[U]):
    """A writer that records and reports several landed units at once (in order), so its
    line lands a batch of jobs with a few statements (`Line.land_many`)."""

    def finish_many(self, tx: Tx, landed: Sequence[tuple[U, Landing]], now: float) -> None: ...
    def report_many(self, tx: Tx, landed: Sequence[tuple[U, Landing]], now: float) -> None: ...


class UnknownLine(KeyError):
    pass
