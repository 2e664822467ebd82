"""The handsets' stored behaviour profiles kept in memory, so the SMS send and each part's
delivery job run no `handset_behaviours` query for a number already looked up.

What is kept is what the row said: its profile JSON and when it was set, or that there is no
row (most numbers have none; that answer is kept too). Bounded: past `SIZE` numbers the oldest
entry goes.

Only committed state may be kept. A write (`save`, `clear`, a reset) drops the number's entry
(all of them for a reset) and marks it *unsettled* until the transaction that wrote it is
over, committed or rolled back: meanwhile that number is read from the store and not kept
(its row as this transaction sees it may yet be undone: a member rolled back to its savepoint,
a failed commit). The transaction is told apart by identity (`Connection.get_transaction()`,
held so it cannot be reused); the next lookup in another transaction settles the marks.
A snapshot restore and a failed group commit forget everything.

One process owns the SQLite file (`server.lock`), so every write passes through here. A store
shared by several processes must not use this cache (`Tx.behaviours` is then None).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from enum import Enum

SIZE = 8192

Stored = tuple[str, float] | None  # (profile JSON, updated_at), or no row


class Miss(Enum):
    MISS = "not known here: ask the store"


MISS = Miss.MISS


class BehaviourCache:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        # oldest first; OrderedDict drops its first entry in O(1), a dict only by skipping the
        # holes earlier deletions left at its front
        self._stored: OrderedDict[str, Stored] = OrderedDict()
        self._unsettled: set[str] = set()
        self._all_unsettled = False
        self._writer: object | None = None  # the transaction the unsettled writes are in

    def lookup(self, msisdn: str, transaction: Callable[[], object]) -> Stored | Miss:
        """What the store holds for `msisdn`, or MISS. `transaction` gives the one running."""
        if self._writer is not None and self._unsettled_now(msisdn, transaction()):
            return MISS
        return self._stored.get(msisdn, MISS)

    def keep(self, msisdn: str, stored: Stored, transaction: Callable[[], object]) -> None:
        """Remember what was just read from the store, unless this number is unsettled."""
        if self._writer is not None and self._unsettled_now(msisdn, transaction()):
            return
        self._stored[msisdn] = stored
        if len(self._stored) > self.size:
            self._stored.popitem(last=False)

    def wrote(self, msisdn: str, transaction: object) -> None:
        """`msisdn`'s row was written (or deleted) in `transaction` (None: committed)."""
        self._settle(transaction)
        self._stored.pop(msisdn, None)
        if transaction is not None:
            self._unsettled.add(msisdn)
            self._writer = transaction

    def wrote_all(self, transaction: object) -> None:
        """Every row may have changed in `transaction` (a reset; None: committed)."""
        self.clear()
        if transaction is not None:
            self._all_unsettled = True
            self._writer = transaction

    def clear(self) -> None:
        self._stored.clear()
        self._unsettled.clear()
        self._all_unsettled = False
        self._writer = None

    def _unsettled_now(self, msisdn: str, current: object) -> bool:
        if self._settle(current):
            return False
        return self._all_unsettled or msisdn in self._unsettled

    def _settle(self, current: object) -> bool:
        """True if the writing transaction is over (`current` is another one): its writes
        are committed or undone, and the entries dropped for them are read afresh."""
        if current is self._writer:
            return False
        self._unsettled.clear()
        self._all_unsettled = False
        self._writer = None
        return True
