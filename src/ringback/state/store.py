"""The store: what every backend offers, and the code they share.

Everything that knows SQL lives in `ringback.state`: the rest of Ringback holds a `Tx` (one open
transaction) and calls the repositories (`state/<resource>.py`), never the connection itself.

Two backends implement it: `state/sqlite.py` (the embedded default: one connection, its short
statements run inline on the event loop) and `state/postgres.py` (a connection pool, the work
run in a bounded pool of threads so the loop never waits on the network). Async code hands
database work to `await store.run(fn, *args)`, which does whichever is right for the backend;
`state/backend.py` picks the backend from `--database`.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import ClassVar, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, delete, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ringback.state import tables
from ringback.state.behaviour_cache import BehaviourCache
from ringback.state.credential_cache import CredentialCache
from ringback.state.migrations import MIGRATIONS
from ringback.state.prepared import run_sql

# what resetting an account wipes; its credentials (accounts, api_secrets) always stay
ACCOUNT_RESOURCES = [
    "auth_log",
    "jobs",
    "verify_template_fragments",
    "verify_templates",
    "verify_codes",
    "verify_requests",
    "charges",
    "webhook_attempts",
    "webhook_deliveries",
    "sms_messages",
    "message_statuses",
    "messages",
    "message_workflows",
    "message_senders",
    "call_events",
    "recordings",
    "voice_rooms",
    "calls",
    "inbound_media",
    "inbound_messages",
    "handset_messages",  # what this account's traffic left on handsets
    "numbers",
    "applications",
]
# what every reset keeps with the accounts (tables not listed above): their secrets, and the
# auto-reload they set up
# the simulated world, shared by every account: wiped only by a full reset
WORLD_TABLES = ["handset_behaviours", "whatsapp_windows"]


# what a failing database raises, for the layers above that must tell it apart
DatabaseError = DBAPIError

# an upsert both dialects take as written (SQLite 3.24+, PostgreSQL 9.5+)
_SET_META = text(
    "INSERT INTO meta (key, value) VALUES (:k, :v) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)

P = ParamSpec("P")
T = TypeVar("T")


class Tx:
    """One open transaction, opaque outside `ringback.state`: only state/ touches `conn`.
    `credentials` and `behaviours` are the store's caches of verified credentials and of the
    handsets' behaviour rows, None where they may not be used (state/credential_cache.py,
    state/behaviour_cache.py)."""

    __slots__ = ("behaviours", "conn", "credentials")

    def __init__(
        self,
        conn: Connection,
        credentials: CredentialCache | None = None,
        behaviours: BehaviourCache | None = None,
    ) -> None:
        self.conn = conn
        self.credentials = credentials
        self.behaviours = behaviours


class DatabaseUnreachable(Exception):
    """The database did not answer at start-up: the one line `ringback serve` prints."""


class SnapshotMismatch(Exception):
    """A snapshot saved by another schema version: restoring it would not fit the tables."""


@dataclass(frozen=True)
class SnapshotInfo:
    name: str
    bytes: int
    saved_at: float


def unavailable(exc: BaseException) -> bool:
    """A database that is down, unreachable or too busy to answer (worth a 503 and a retry),
    as opposed to a statement that failed (a bug: a 500)."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if type(orig).__module__.startswith("psycopg"):
        # psycopg's OperationalError and its kin (AdminShutdown, TooManyConnections,
        # CannotConnectNow…): refused, reset, shutting down, full; InterfaceError: closed
        return any(
            kind.__module__.startswith("psycopg")
            and kind.__name__ in ("OperationalError", "InterfaceError")
            for kind in type(orig).__mro__
        )
    # SQLite: another process holds the write lock past busy_timeout
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text


def describe(exc: BaseException) -> str:
    """The first line of what the driver said, for a log line or an error body."""
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return lines[0] if lines else type(orig).__name__


class Outage:
    """For loops that keep touching the database (scheduler, webhook dispatcher): one log line
    when it goes away and one when it is back, never a traceback per pass."""

    def __init__(self, log: logging.Logger, what: str) -> None:
        self.log = log
        self.what = what
        self.down = False

    def failed(self, exc: BaseException) -> bool:
        """True (and logged once) if `exc` means the database is unavailable."""
        if not unavailable(exc):
            return False
        if not self.down:
            self.down = True
            self.log.warning("%s: database unavailable (%s); retrying", self.what, describe(exc))
        return True

    def ok(self) -> None:
        if self.down:
            self.down = False
            self.log.warning("%s: database available again", self.what)


class Store(ABC):
    kind: ClassVar[str]  # sqlite | postgresql, as GET /_ringback/health reports it
    engine: Engine
    # requests that arrive together share one commit in the loop's turn (state/commit_group.py):
    # SQLite only; PostgreSQL groups them on its commit lanes (state/pg_commit_group.py)
    supports_group_commit: ClassVar[bool] = False
    # verified credentials kept in memory (state/credential_cache.py), where one process
    # owns the database
    credentials: CredentialCache | None = None
    # the handsets' behaviour rows, likewise (state/behaviour_cache.py)
    behaviours: BehaviourCache | None = None

    @abstractmethod
    def begin(self) -> AbstractContextManager[Tx]:
        """A transaction; nested calls (on the same thread) join the outer one."""

    @abstractmethod
    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Database work from async code: `fn(*args)`, which opens its own `begin()`."""

    async def transact(
        self, fn: Callable[Concatenate[Tx, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`fn(tx, *args)` in a transaction of its own, from async code (through `run`)."""

        def in_transaction() -> T:
            with self.begin() as tx:
                return fn(tx, *args, **kwargs)

        return await self.run(in_transaction)

    @staticmethod
    @contextmanager
    def savepoint(tx: Tx) -> Iterator[None]:
        """Writes inside `tx` that are undone if the block raises (one scheduler job's). Plain
        SQL on the DBAPI connection because it runs per job (per SMS part): SQLAlchemy's
        `begin_nested()` cost ~60 µs of CPU, this ~2 µs."""
        run_sql(tx, "SAVEPOINT job")
        try:
            yield
        except BaseException:
            run_sql(tx, "ROLLBACK TO SAVEPOINT job")
            raise
        finally:
            run_sql(tx, "RELEASE SAVEPOINT job")

    @abstractmethod
    def _lock_schema(self, conn: Connection) -> None:
        """Held while migrating, so two processes starting at once do not both migrate."""

    def migrate(self) -> int:
        with self.begin() as tx:
            conn = tx.conn
            self._lock_schema(conn)
            tables.meta.create(conn, checkfirst=True)
            current = conn.execute(
                select(tables.meta.c.value).where(tables.meta.c.key == "schema_version")
            ).scalar_one_or_none()
            version = int(current) if current else 0
            for number, _name, upgrade in MIGRATIONS:
                if number > version:
                    upgrade(conn)
                    self.set_meta("schema_version", str(number))
                    version = number
        return version

    def get_meta(self, key: str) -> str | None:
        with self.begin() as tx:
            row = tx.conn.execute(select(tables.meta.c.value).where(tables.meta.c.key == key))
            value = row.scalar_one_or_none()
        return str(value) if value is not None else None

    def set_meta(self, key: str, value: str) -> None:
        with self.begin() as tx:
            tx.conn.execute(_SET_META, {"k": key, "v": value})

    def reset(self, api_key: str | None = None) -> None:
        if self.credentials is not None:
            self.credentials.clear()  # applications go; the secrets stay, but this is rare
        with self.begin() as tx:
            conn = tx.conn
            if api_key is None:
                for name in [*ACCOUNT_RESOURCES, *WORLD_TABLES]:
                    conn.execute(delete(tables.metadata.tables[name]))
                if tx.behaviours is not None:
                    tx.behaviours.wrote_all(conn.get_transaction())
            else:
                for name in ACCOUNT_RESOURCES:
                    table = tables.metadata.tables[name]
                    conn.execute(delete(table).where(table.c.api_key == api_key))

    # snapshots: named copies of the whole state, kept across restarts
    @abstractmethod
    def save_snapshot(self, name: str) -> None: ...

    @abstractmethod
    def restore_snapshot(self, name: str) -> bool:
        """False if there is no snapshot of that name."""

    @abstractmethod
    def list_snapshots(self) -> list[SnapshotInfo]: ...

    @abstractmethod
    def delete_snapshot(self, name: str) -> bool:
        """False if there is no snapshot of that name."""

    @abstractmethod
    def close(self) -> None: ...
