"""Group commit on SQLite: the writes of requests that arrive together share one transaction
and one fsync, and each answer still waits until its own writes are durable.

SQLite has one writer and Ringback one connection. At `synchronous=FULL` every COMMIT waits for
an fsync; one transaction per request made that wait (and BEGIN/COMMIT themselves) a fixed cost
per request. Here the first request opens the group's transaction and asks the event loop to
commit it on its next turn (`call_soon`): every request that reaches its handler in the
meantime (those whose bytes arrived in the same poll) joins it. Each member runs in its own
SAVEPOINT, so a member that fails undoes only its own writes and answers at once; the others
wait on the group's commit and answer after it. If the COMMIT fails, the whole transaction is
rolled back and every member that was waiting gets `InternalError`: never a success whose write
was lost.

The COMMIT itself (the fsync at `synchronous=FULL`) runs on a thread of its own, so the event
loop goes on reading, parsing and answering while the disk works; a member that reaches its
handler meanwhile waits for that commit to finish before its statements run (one connection),
and the members that pile up in the meantime form the next group. SQLite releases the GIL
while it writes and syncs the WAL, so the two overlap for real. (Blocking the loop for the
fsync was 15 % of a loaded server's samples, and on a shared disk most of its wall time.)

Anything else that begins a transaction of its own (`Store.begin()`: the control API, the
scheduler, the webhook dispatcher) first commits an open group, so `begin()` keeps its meaning:
its block runs in a transaction of its own, committed when the block ends. A `begin()` inside a
member's work joins the member, as nested `begin()`s always did.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import RootTransaction

from ringback.core.errors import InternalError
from ringback.state.prepared import run_sql

if TYPE_CHECKING:
    from ringback.state.sqlite import SqliteStore
    from ringback.state.store import Tx

log = logging.getLogger("ringback.store")

T = TypeVar("T")


@dataclass(eq=False)
class _Group:
    transaction: RootTransaction
    committed: asyncio.Future[None]
    members: int = 0
    after_failure: list[Callable[[], None]] = field(default_factory=list)


class CommitGroup:
    """One per store; used from the event-loop thread only (as the store is)."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        self._open: _Group | None = None
        self._inside = False  # a member's work is running: nested begin()s join it
        # the group whose COMMIT runs on the committer thread, and that thread's future
        self._committing: tuple[_Group, Future[None]] | None = None
        self._committer: ThreadPoolExecutor | None = None
        # what the benchmark reads: commits and members so far
        self.groups = 0
        self.members = 0
        self.on_failure: list[Callable[[], None]] = []

    async def run(self, work: Callable[[Tx], T]) -> T:
        """`work(tx)` in the current group (a new one if none is open); its result once the
        group's commit is durable. If `work` raises, its writes are undone and the exception
        propagates at once; if the commit fails, `InternalError`."""
        if not self._store.supports_group_commit:
            with self._store.begin() as tx:
                return work(tx)
        if self._inside:  # a member's work awaiting another: cannot happen with sync handlers
            raise RuntimeError("CommitGroup.run is not re-entrant")
        while self._committing is not None:  # the connection is busy committing
            await asyncio.wait((self._committing[0].committed,))
        group = self._open or self._start()
        tx = self._store.open_tx()
        self._inside = True
        try:
            run_sql(tx, "SAVEPOINT member")
            try:
                result = work(tx)
            except BaseException:
                run_sql(tx, "ROLLBACK TO member")
                raise
            finally:
                run_sql(tx, "RELEASE member")
        finally:
            self._inside = False
        group.members += 1
        self.members += 1
        await asyncio.shield(group.committed)
        return result

    def settle(self) -> None:
        """Commit the open group now, unless a member's work is running (then the caller is
        inside that member and joins it). `Store` calls this before a transaction of its own:
        it first waits for a COMMIT in flight on the committer thread."""
        if self._inside:
            return
        if self._committing is not None:
            group, future = self._committing
            try:
                future.result()
            except Exception as exc:
                self._finish(group, exc)
            else:
                self._finish(group, None)
        if self._open is not None:
            group = self._open
            self._open = None
            self.groups += 1
            try:
                group.transaction.commit()
            except Exception as exc:
                self._finish(group, exc)
            else:
                self._finish(group, None)

    def _start(self) -> _Group:
        loop = asyncio.get_running_loop()
        transaction = self._store.open_tx().conn.begin()
        group = _Group(transaction, loop.create_future())
        # nobody may be left unanswered because nobody awaited: mark the outcome as read
        group.committed.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._open = group
        loop.call_soon(self._commit, group)
        return group

    def _commit(self, group: _Group) -> None:
        """On the loop's next turn: hand the COMMIT to the committer thread."""
        if self._open is not group:
            return  # committed already, by settle()
        self._open = None
        self.groups += 1
        if self._committer is None:
            self._committer = ThreadPoolExecutor(1, thread_name_prefix="ringback-commit")
        # only the DBAPI's COMMIT runs there; SQLAlchemy's bookkeeping runs in `_finish`. Each
        # time a thread gets the GIL back from the busy loop it may wait a switch interval
        # (5 ms), and SQLAlchemy's commit took it back several times: a COMMIT of 0.3 ms kept
        # its members waiting 4 ms (p50; 9 ms p90), against 1 ms this way (bench/README.md)
        future = self._committer.submit(self._store.raw_connection().commit)
        self._committing = (group, future)
        loop = asyncio.get_running_loop()

        def done(f: Future[None]) -> None:
            exc = f.exception()
            # a closed loop raises: then settle() (close) finishes the group
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._finish, group, exc)

        future.add_done_callback(done)

    def _finish(self, group: _Group, exc: BaseException | None) -> None:
        """The group's COMMIT is over: answer its members (once, from the loop's thread)."""
        if self._committing is not None and self._committing[0] is group:
            self._committing = None
        if exc is None and group.transaction.is_active:
            # the DBAPI committed: this only ends SQLAlchemy's transaction (pysqlite's commit
            # does nothing when no transaction is open)
            group.transaction.commit()
        if group.committed.done() or group.committed.get_loop().is_closed():
            return
        if exc is None:
            group.committed.set_result(None)
            return
        log.error("group commit of %d request(s) failed: %s", group.members, exc)
        self._abandon(group)
        group.committed.set_exception(
            InternalError("An internal error occurred: the write could not be committed")
        )
        for hook in self.on_failure:
            hook()

    def close(self) -> None:
        self.settle()
        if self._committer is not None:
            self._committer.shutdown()
            self._committer = None

    def _abandon(self, group: _Group) -> None:
        """After a failed COMMIT SQLite may keep the transaction open (a deferred constraint):
        roll it back so the connection is usable again."""
        try:
            group.transaction.rollback()
        except Exception:
            log.exception("rollback after a failed group commit failed")
        conn = self._store.open_tx().conn
        raw: Any = conn.connection.dbapi_connection
        if raw is not None and raw.in_transaction:
            raw.rollback()
