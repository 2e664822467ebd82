"""The hot paths' statements, compiled once and run straight on the DBAPI connection.

SQLAlchemy Core's execution layer (parameter processing, execution context, result proxy)
cost two to three times what SQLite itself does for each statement an SMS runs: ~25 µs against
~8 µs (bench/README.md, "Where the time goes"). A `Prepared` is still a Core statement, so the
SQL is written once and compiled per dialect on first use (it works on PostgreSQL as on SQLite);
its parameters go to the DBAPI `execute` in the compiled order, SQLAlchemy's bind and result
processors are still applied where a type has one (Booleans come back as `bool` from SQLite's
0/1), and a DBAPI error is raised as SQLAlchemy's `DBAPIError` (the store's `DatabaseError`),
as `Connection.execute` would.

`tests/unit/state/test_prepared.py` runs some of them on PostgreSQL (psycopg 3) as well.
Only for statements that run per request or per SMS part; everything else stays on Core.
Statements with expanding `IN` parameters cannot be compiled once and stay on Core too. The
connection's transaction must already be open (`Store.begin()` or a commit group issues BEGIN):
a DBAPI statement does not begin one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Dialect, Table, bindparam, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement, Insert, Select
from sqlalchemy.sql.elements import BindParameter

if TYPE_CHECKING:
    from ringback.state.store import Tx

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None  # positional parameter order; None: named (a dict)
    # the parameters in that order, picked by one C call (itemgetter) rather than a loop
    positional: Callable[[Mapping[str, Any]], tuple[Any, ...]] | None
    fixed: dict[str, Any]  # the statement's own values (literals in it, an OFFSET 0)
    binds: dict[str, Callable[[Any], Any]]
    types: tuple[Any, ...]  # the result columns' SQLAlchemy types
    # the result processors, made on the first execution: some need the DBAPI's type codes
    # from the cursor (PostgreSQL's numerics); None: no column needs converting
    results: list[tuple[Processor, ...] | None] = field(default_factory=list)


class Prepared:
    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        # an INSERT is compiled for the columns a call gives (each caller gives the same ones)
        self._by_columns = isinstance(statement, Insert)
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def _compile(self, dialect: Dialect, columns: tuple[str, ...]) -> _Compiled:
        compiled: Any = self.statement.compile(
            dialect=dialect, column_keys=list(columns) if self._by_columns else None
        )
        binds = {
            name: processor
            for name, processor in compiled._bind_processors.items()
            if processor is not None
        }
        types = tuple(column[3] for column in compiled._result_columns)
        names = tuple(compiled.positiontup) if compiled.positional else None
        fixed = {
            name: bind.value
            for name, bind in compiled.binds.items()
            if bind.value is not None and not bind.required and not bind.callable
        }
        return _Compiled(
            compiled.string,
            names,
            _picker(names) if names is not None else None,
            fixed,
            binds,
            types,
        )

    def _compiled_for(self, dialect: Dialect, params: Mapping[str, Any]) -> _Compiled:
        """Compiled once per driver (and, for an INSERT, per set of columns given)."""
        key = (dialect.driver, tuple(params) if self._by_columns else ())
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(dialect, key[1])
        return compiled

    def execute(self, tx: Tx, params: Mapping[str, Any]) -> _Cursor:
        """The statement's cursor, its rows not yet fetched."""
        conn = tx.conn
        dialect = conn.dialect
        compiled = self._compiled_for(dialect, params)
        args = _args(compiled, params)
        raw: Any = conn.connection.dbapi_connection
        try:
            cursor = raw.execute(compiled.sql, args)
            if compiled.types and not compiled.results:
                codes = [column[1] for column in cursor.description]
                made = tuple(
                    t._cached_result_processor(dialect, code)
                    for t, code in zip(compiled.types, codes, strict=True)
                )
                compiled.results.append(made if any(p is not None for p in made) else None)
            return _Cursor(cursor, compiled.results[0] if compiled.results else None)
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                compiled.sql, args, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc

    def first(self, tx: Tx, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        return self.execute(tx, params).first()

    def all(self, tx: Tx, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return self.execute(tx, params).all()

    def run(self, tx: Tx, params: Mapping[str, Any]) -> int:
        """A statement without rows; the number of rows it changed."""
        return self.execute(tx, params).rowcount

    def run_many(self, tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
        """A statement without rows once per row (each with the same keys), in order, in one
        DBAPI `executemany`: a batch of delivery jobs' writes. Core's own executemany spent
        more time preparing each row's parameters than SQLite spent on the row."""
        if not rows:
            return
        conn = tx.conn
        dialect = conn.dialect
        compiled = self._compiled_for(dialect, rows[0])
        args = [_args(compiled, row) for row in rows]
        raw: Any = conn.connection.dbapi_connection
        try:
            raw.cursor().executemany(compiled.sql, args)
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                compiled.sql, args, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc


def _args(compiled: _Compiled, params: Mapping[str, Any]) -> Any:
    """The DBAPI parameters of one execution: the statement's own values, SQLAlchemy's bind
    processors applied, in the compiled order when the driver's style is positional."""
    if compiled.fixed:
        params = {**compiled.fixed, **params}
    if compiled.binds:
        params = dict(params)
        for name, process in compiled.binds.items():
            if name in params:
                params[name] = process(params[name])
    return params if compiled.positional is None else compiled.positional(params)


def _picker(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    if len(names) > 1:
        return itemgetter(*names)
    if names:
        (name,) = names
        return lambda params: (params[name],)
    return lambda params: ()


class PreparedInsert:
    """An INSERT that gives back the new row's integer key. On SQLite from the cursor's
    `lastrowid`, for free: `INSERT … RETURNING` makes SQLite collect the row first, and cost
    ~34 µs against ~21 µs for the outbox row (bench/README.md); elsewhere `RETURNING`."""

    def __init__(self, table: Table, key: Column[Any]) -> None:
        self._plain = Prepared(insert(table))
        self._returning = Prepared(insert(table).returning(key))

    def new_id(self, tx: Tx, params: Mapping[str, Any]) -> int:
        if tx.conn.dialect.name == "sqlite":
            return int(self._plain.execute(tx, params).cursor.lastrowid)
        row = self._returning.first(tx, params)
        assert row is not None
        return int(row[0])


class PreparedIn:
    """A query with one `IN` list (a batch's ids), compiled once per list length up to
    `most`: an expanding `IN` cannot be compiled once, and through Core it cost more than
    the query itself. `query` builds the statement from the list's parameters; longer lists
    go through Core with an expanding parameter."""

    def __init__(self, query: Callable[[Any], Select[Any]], most: int = 64) -> None:
        self._query = query
        self._most = most
        self._by_length: dict[int, Prepared] = {}
        self._expanding = query(bindparam("values", expanding=True))

    def all(self, tx: Tx, values: Sequence[Any]) -> list[tuple[Any, ...]]:
        if not values:
            return []  # nothing is IN an empty list
        if len(values) > self._most:
            return [tuple(row) for row in tx.conn.execute(self._expanding, {"values": values})]
        prepared = self._by_length.get(len(values))
        if prepared is None:
            params: list[BindParameter[Any]] = [bindparam(f"v{n}") for n in range(len(values))]
            prepared = self._by_length[len(values)] = Prepared(self._query(params))
        return prepared.all(tx, {f"v{n}": value for n, value in enumerate(values)})


def run_sql(tx: Tx, sql: str) -> None:
    """Plain SQL without parameters or rows (SAVEPOINT, RELEASE) on the DBAPI connection: it
    runs per request and per SMS part, where `exec_driver_sql` cost several times as much."""
    raw: Any = tx.conn.connection.dbapi_connection
    raw.execute(sql)


class _Cursor:
    __slots__ = ("cursor", "results")

    def __init__(self, cursor: Any, results: tuple[Processor, ...] | None) -> None:
        self.cursor = cursor
        self.results = results

    @property
    def rowcount(self) -> int:
        return int(self.cursor.rowcount)

    def _convert(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        if self.results is None:
            return row
        return tuple(p(v) if p is not None else v for p, v in zip(self.results, row, strict=True))

    def first(self) -> tuple[Any, ...] | None:
        # fetch to the end: an UPDATE … RETURNING left unfinished would still be in progress
        rows = self.cursor.fetchall()
        return self._convert(rows[0]) if rows else None

    def all(self) -> list[tuple[Any, ...]]:
        return [self._convert(row) for row in self.cursor.fetchall()]
