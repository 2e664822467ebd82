"""Which worker sends to a webhook destination (`webhook_claims`), and until when.

Only used when several processes share a PostgreSQL database: one sender per destination keeps
its deliveries in order and each sent by one worker. A claim is a lease on the wall clock (not
Ringback's clock, which tests move by days): renewed while the worker holds it, released when
it has nothing more due there, and free for another worker once it has run out — so a worker
killed outright hands its destinations over within one lease.
"""

from __future__ import annotations

from sqlalchemy import bindparam, delete, select, text, update

from ringback.state.store import Tx
from ringback.state.tables import webhook_claims

wc = webhook_claims

# taken when free, run out, or already ours (a renewal); nothing comes back when another
# worker holds it
_CLAIM = text(
    """
    INSERT INTO webhook_claims AS c (destination, worker, lease_until)
    VALUES (:destination, :worker, :until)
    ON CONFLICT (destination) DO UPDATE
    SET worker = excluded.worker, lease_until = excluded.lease_until
    WHERE c.worker = excluded.worker OR c.lease_until < :wall
    RETURNING c.destination
    """
)
# claims other workers hold: not tried (a failed UPSERT still locks the row, and a row lock is a
# write PostgreSQL commits durably: one per dispatcher pass per foreign destination)
_HELD_ELSEWHERE = select(wc.c.destination).where(
    wc.c.worker != bindparam("worker"), wc.c.lease_until >= bindparam("wall")
)
_RENEW_ALL = (
    update(wc).where(wc.c.worker == bindparam("b_worker")).values(lease_until=bindparam("b_until"))
)
_RELEASE = delete(wc).where(
    wc.c.destination == bindparam("destination"), wc.c.worker == bindparam("worker")
)
_RELEASE_ALL = delete(wc).where(wc.c.worker == bindparam("worker"))


def claim(tx: Tx, destinations: list[str], worker: str, until: float, wall: float) -> list[str]:
    """Those of `destinations` now held by `worker` until `until`."""
    if not destinations:
        return []
    busy = set(tx.conn.execute(_HELD_ELSEWHERE, {"worker": worker, "wall": wall}).scalars())
    held = []
    for destination in destinations:
        if destination in busy:
            continue
        row = tx.conn.execute(
            _CLAIM, {"destination": destination, "worker": worker, "until": until, "wall": wall}
        ).first()
        if row is not None:
            held.append(destination)
    return held


def renew_all(tx: Tx, worker: str, until: float) -> int:
    return tx.conn.execute(_RENEW_ALL, {"b_worker": worker, "b_until": until}).rowcount


def release(tx: Tx, destination: str, worker: str) -> None:
    tx.conn.execute(_RELEASE, {"destination": destination, "worker": worker})


def release_all(tx: Tx, worker: str) -> None:
    tx.conn.execute(_RELEASE_ALL, {"worker": worker})
