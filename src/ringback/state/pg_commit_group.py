"""Group commit on PostgreSQL: the `transact` calls that arrive together share one transaction and
one COMMIT (one WAL flush), and each caller is answered only once its own writes are durable.

A lane is a thread with a connection of its own; LANES of them take members from one queue. A
free lane takes every member waiting (at most GROUP_LIMIT), runs their functions one after
another in the order they came, in one transaction, and commits. Members that arrive meanwhile
(during the statements or the WAL flush) wait in the queue and form the next group of the first
lane free, so the groups grow with the load and a lone request is a group of one; with two lanes
one runs its statements while the other waits for its flush. A member after the first runs in a
SAVEPOINT: one that raises undoes only its own writes and is answered with its exception at
once. If the COMMIT fails, every member that was waiting fails with it (the driver's error if
the database is unavailable, so a 503 as before, `InternalError` otherwise): never a success
whose write was lost.

Locks. A group keeps the row locks of its members until its COMMIT, so a member that waits on a
lock while earlier members hold theirs could close a cycle no single transaction would (two
lanes or two workers' groups, each holding a row the other's next member wants). So a lane's
connection has a short `lock_timeout`: a member that waits longer (or that PostgreSQL picks as a
deadlock's victim) is rolled back to its savepoint, and once the group has committed it runs
again in a transaction of its own without the timeout, where it waits as it would have before
group commit. A member's function must therefore let a database error out (they all do; the
scheduler re-raises whatever `unavailable` says, and a lock timeout is one of those) and do
nothing outside the database that a second run would repeat.

`Store.begin()` (the control API, the scheduler's own transactions, `store.run`) is untouched:
its own transaction on a pooled connection of a worker thread. A `begin()` inside a member's
function, on a lane's thread, joins the member (`PostgresStore` keeps the open `Tx` per thread).
A lane never waits on the event loop, so a `begin()` that waits on a group's row lock waits for
at most one group's statements and COMMIT.

A connection found broken before the COMMIT is discarded and the group's unanswered members run
once more on a new one (what `pool_pre_ping` does for the worker threads after PostgreSQL
restarts); a COMMIT that failed is never re-run (it may have been applied).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from ringback.core.errors import InternalError
from ringback.core.wakeup import held_until_done
from ringback.state.prepared import run_sql
from ringback.state.store import Tx, unavailable

if TYPE_CHECKING:
    from ringback.state.postgres import PostgresStore

log = logging.getLogger("ringback.store")

T = TypeVar("T")

# lanes (threads, each with a connection, each running its own groups): one runs its members'
# statements while another waits for its COMMIT's WAL flush (measured: docs, "State")
LANES = 2
# members per transaction at most: bounds how long one group holds its locks
GROUP_LIMIT = 256
# how long a member waits on a lock held by another transaction before it is run again alone;
# under PostgreSQL's deadlock_timeout (1 s), so a cycle through a group ends here first
LOCK_TIMEOUT_MS = 50
# PostgreSQL's SQLSTATEs for a lock_timeout that expired, and for the victim of a deadlock
# (a cycle with transactions outside the lanes): either way the member waited on a lock
_LOCK_WAITS = frozenset({"55P03", "40P01"})


@dataclass(eq=False, slots=True)
class _Member:
    work: Callable[[Tx], Any]
    context: contextvars.Context
    loop: asyncio.AbstractEventLoop
    answer: asyncio.Future[Any]


@dataclass(eq=False, slots=True)
class _Group:
    members: list[_Member]
    # answered already (they failed): never run again
    answered: list[_Member] = field(default_factory=list)
    lock_waiters: list[_Member] = field(default_factory=list)
    kept: list[tuple[_Member, Any, BaseException | None]] = field(default_factory=list)


class _Broken(Exception):
    """The lane's connection or transaction failed under a member: the group cannot go on."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _settle(answer: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    if answer.done():  # the caller was cancelled
        return
    if exc is None:
        answer.set_result(result)
    else:
        answer.set_exception(exc)


def _answer_all(outcomes: list[tuple[_Member, Any, BaseException | None]]) -> None:
    for member, result, exc in outcomes:
        _settle(member.answer, result, exc)


def _waited_on_lock(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in _LOCK_WAITS


def _commit_failure(exc: BaseException) -> BaseException:
    """What the members of a group whose COMMIT failed are told."""
    if unavailable(exc):
        return exc  # the database went away: a 503, as for a transaction of its own
    return InternalError("An internal error occurred: the write could not be committed")


class PgCommitGroup:
    """One per `PostgresStore`: LANES lanes taking members from one queue. `run` is called on
    event loops; the rest runs on the lanes' threads."""

    def __init__(self, store: PostgresStore, lanes: int = LANES) -> None:
        self._store = store
        self._waiting: deque[_Member] = deque()
        self._ready = threading.Condition()
        self._lanes = [_Lane(store, self, n) for n in range(lanes)]
        self._closing = False

    # what the benchmark and the tests read: commits, members, members run again alone
    @property
    def groups(self) -> int:
        return sum(lane.groups for lane in self._lanes)

    @property
    def members(self) -> int:
        return sum(lane.members for lane in self._lanes)

    @property
    def rerun_alone(self) -> int:
        return sum(lane.rerun_alone for lane in self._lanes)

    async def run(self, work: Callable[[Tx], T]) -> T:
        """`work(tx)` in the next group of a free lane; its result once that group's commit is
        durable. If `work` raises, its writes are undone and the exception propagates."""
        loop = asyncio.get_running_loop()
        member = _Member(work, contextvars.copy_context(), loop, loop.create_future())
        with self._ready:
            if self._closing:
                raise RuntimeError("the store is closed")
            self._waiting.append(member)
            for lane in self._lanes:
                lane.start()
            self._ready.notify()
        result: T = await member.answer
        return result

    def take(self) -> list[_Member] | None:
        """On a lane's thread: every member waiting (at most GROUP_LIMIT), once there is one;
        None when the store closes."""
        with self._ready:
            while not self._waiting and not self._closing:
                self._ready.wait()
            if not self._waiting:
                return None
            count = min(len(self._waiting), GROUP_LIMIT)
            return [self._waiting.popleft() for _ in range(count)]

    def close(self) -> None:
        with self._ready:
            self._closing = True
            self._ready.notify_all()
        for lane in self._lanes:
            lane.stop()


def _send(outcomes: list[tuple[_Member, Any, BaseException | None]]) -> None:
    """Answers, handed to each member's loop (one hop per loop)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Member, Any, BaseException | None]]]
    by_loop = {}
    for outcome in outcomes:
        by_loop.setdefault(outcome[0].loop, []).append(outcome)
    for loop, some in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
            loop.call_soon_threadsafe(_answer_all, some)


class _Lane:
    """A thread and its connection: takes a group, runs it, commits it, and again."""

    def __init__(self, store: PostgresStore, queue: PgCommitGroup, number: int) -> None:
        self._store = store
        self._queue = queue
        self._name = f"ringback-commit-{number}"
        self._thread: threading.Thread | None = None
        self._conn: Connection | None = None
        self.groups = 0
        self.members = 0
        self.rerun_alone = 0

    def start(self) -> None:
        """Called with the queue's lock held."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._drop_connection(reset=True)

    def _serve(self) -> None:
        while (batch := self._queue.take()) is not None:
            try:
                self._run(batch)
            except BaseException as exc:  # a bug here must not leave callers waiting forever
                log.exception("commit lane failed")
                self._drop_connection()
                _send([(m, None, exc) for m in batch])

    def _connection(self) -> Connection:
        if self._conn is None:
            conn = self._store.engine.connect()
            try:
                conn.exec_driver_sql(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
                conn.commit()
            except BaseException:
                conn.invalidate()
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _drop_connection(self, reset: bool = False) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if reset:  # back to the pool: other users must not inherit the timeout
                conn.rollback()
                conn.exec_driver_sql("RESET lock_timeout")
                conn.commit()
            else:
                conn.invalidate()
        except Exception:
            conn.invalidate()
        with contextlib.suppress(Exception):
            conn.close()

    def _run(self, batch: list[_Member], retry: bool = True) -> None:
        batch = [member for member in batch if not member.answer.done()]  # cancelled callers
        if not batch:
            return
        try:
            conn = self._connection()
        except Exception as exc:  # unreachable, or the pool is exhausted: a 503 for each
            _send([(member, None, exc) for member in batch])
            return
        group = _Group(batch)
        with held_until_done():  # wake-ups reach the loop after the commit
            try:
                self._group(conn, group)
            except _Broken as broken:
                self._drop_connection()
                # nothing was committed: whoever is still unanswered may run again, once
                again = [m for m in batch if m not in group.answered]
                if retry and unavailable(broken.cause):
                    self._run(again, retry=False)
                    return
                _send([(m, None, broken.cause) for m in again])
                return
            _send(group.kept)
        for member in group.lock_waiters:
            self._alone(member)

    def _group(self, conn: Connection, group: _Group) -> None:
        """Runs the members in one transaction and commits it. A member that fails is answered
        at once; one that waited too long on a lock goes to `lock_waiters`; the rest are in
        `kept`, with the commit's outcome. Raises `_Broken` if the transaction broke before its
        COMMIT (then nothing was kept)."""
        store = self._store
        tx = Tx(conn)
        store.set_thread_tx(tx)
        # SAVEPOINT member: None (not taken), "dirty" (holds a kept member's writes) or
        # "clean" (rolled back to, empty): no savepoint is needed while nothing is kept
        savepoint: str | None = None
        try:
            transaction = conn.begin()
            for member in group.members:
                if group.kept and savepoint != "clean":
                    step = "SAVEPOINT member"
                    if savepoint == "dirty":
                        step = "RELEASE SAVEPOINT member; " + step
                    run_sql(tx, step)
                    savepoint = "clean"
                try:
                    result = member.context.run(member.work, tx)
                except Exception as exc:
                    if self._broken(conn):
                        raise _Broken(exc) from exc
                    if savepoint is not None:
                        run_sql(tx, "ROLLBACK TO SAVEPOINT member")
                    else:  # nothing kept yet: start the transaction afresh
                        transaction.rollback()
                        transaction = conn.begin()
                    if _waited_on_lock(exc):
                        group.lock_waiters.append(member)
                    else:
                        group.answered.append(member)
                        _send([(member, None, exc)])
                    continue
                if savepoint is not None:
                    savepoint = "dirty"
                group.kept.append((member, result, None))
            if not group.kept:
                transaction.rollback()
                return
        except _Broken:
            raise
        except Exception as exc:  # BEGIN, a savepoint, a rollback: the connection broke
            raise _Broken(exc) from exc
        finally:
            store.set_thread_tx(None)
        self.groups += 1
        self.members += len(group.kept)
        try:
            transaction.commit()
        except Exception as exc:
            log.error("group commit of %d request(s) failed: %s", len(group.kept), exc)
            self._after_failed_commit(conn)
            failure = _commit_failure(exc)
            group.kept = [(member, None, failure) for member, _, _ in group.kept]

    def _after_failed_commit(self, conn: Connection) -> None:
        if self._broken(conn):
            self._drop_connection()
            return
        try:
            conn.rollback()
        except Exception:
            self._drop_connection()

    def _alone(self, member: _Member) -> None:
        """A member that waited too long on a lock inside a group, now in a transaction of its
        own, free to wait as any transaction does."""
        self.rerun_alone += 1
        try:
            conn = self._connection()
        except Exception as exc:
            _send([(member, None, exc)])
            return
        store = self._store
        tx = Tx(conn)
        store.set_thread_tx(tx)
        try:
            with held_until_done():
                transaction = conn.begin()
                try:
                    run_sql(tx, "SET LOCAL lock_timeout = 0")
                    result = member.context.run(member.work, tx)
                except Exception as exc:
                    if self._broken(conn):
                        self._drop_connection()
                    else:
                        transaction.rollback()
                    _send([(member, None, exc)])
                    return
                self.groups += 1
                self.members += 1
                try:
                    transaction.commit()
                except Exception as exc:
                    self._after_failed_commit(conn)
                    _send([(member, None, _commit_failure(exc))])
                    return
        except Exception as exc:  # the rollback itself failed: the connection broke
            self._drop_connection()
            _send([(member, None, exc)])
            return
        finally:
            store.set_thread_tx(None)
        _send([(member, result, None)])

    @staticmethod
    def _broken(conn: Connection) -> bool:
        if conn.invalidated or conn.closed:
            return True
        raw: Any = conn.connection.dbapi_connection
        return raw is None or bool(raw.closed) or bool(getattr(raw, "broken", False))
