"""Behaviour profiles set on handsets (`handset_behaviours`): the JSON of a profile per number.
What a profile means is `network/behaviours.py`'s business. Where one process owns the store,
what the rows say is kept in memory (`state/behaviour_cache.py`), updated by the writes here."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, select, text

from ringback.state.behaviour_cache import MISS, Stored
from ringback.state.prepared import Prepared
from ringback.state.store import Tx
from ringback.state.tables import handset_behaviours

# built once: every SMS submission and every part's delivery reads the destination's profile
_PROFILE = Prepared(
    select(handset_behaviours.c.profile, handset_behaviours.c.updated_at).where(
        handset_behaviours.c.msisdn == bindparam("msisdn")
    )
)
_SAVE = text(
    "INSERT INTO handset_behaviours (msisdn, profile, updated_at) VALUES (:m, :p, :t) "
    "ON CONFLICT(msisdn) DO UPDATE SET profile = excluded.profile, "
    "updated_at = excluded.updated_at"
)
_CLEAR = delete(handset_behaviours).where(handset_behaviours.c.msisdn == bindparam("msisdn"))


def profile(tx: Tx, msisdn: str) -> tuple[str, float] | None:
    """The profile's JSON text and when it was set, if one was set on this number."""
    cache = tx.behaviours
    if cache is not None:
        known = cache.lookup(msisdn, tx.conn.get_transaction)
        if known is not MISS:
            return known
    row = _PROFILE.first(tx, {"msisdn": msisdn})
    stored: Stored = (row[0], row[1]) if row is not None else None
    if cache is not None:
        cache.keep(msisdn, stored, tx.conn.get_transaction)
    return stored


def save(tx: Tx, msisdn: str, profile_json: str, now: float) -> None:
    tx.conn.execute(_SAVE, {"m": msisdn, "p": profile_json, "t": now})
    if tx.behaviours is not None:
        tx.behaviours.wrote(msisdn, tx.conn.get_transaction())


def clear(tx: Tx, msisdn: str) -> None:
    tx.conn.execute(_CLEAR, {"msisdn": msisdn})
    if tx.behaviours is not None:
        tx.behaviours.wrote(msisdn, tx.conn.get_transaction())
