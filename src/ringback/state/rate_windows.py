"""Rate limits counted in PostgreSQL, so every worker of one server shares them.

The same moving window as the `limits` library keeps in memory: a request is let through when
fewer than `limit` hits fall within the last `window` seconds. A row per rule and API key holds
those hits (wall-clock seconds) as a float8[] literal; one statement prunes the old hits,
counts and appends, under the row's lock, so two workers never both take the last slot. The
lock is held until the request's transaction ends (the statement runs inside it): requests of
one key queue for a few milliseconds, those of other keys not at all.
"""

from __future__ import annotations

from sqlalchemy import delete, text

from ringback.state.store import Store, Tx
from ringback.state.tables import rate_windows

_HIT = text(
    """
    INSERT INTO rate_windows AS w (key, hits)
    VALUES (:key, CAST(ARRAY[CAST(:now AS float8)] AS text))
    ON CONFLICT (key) DO UPDATE
    SET hits = CAST(
        ARRAY(SELECT h FROM unnest(CAST(w.hits AS float8[])) AS h WHERE h > :start)
        || CAST(:now AS float8) AS text)
    WHERE (SELECT count(*) FROM unnest(CAST(w.hits AS float8[])) AS h WHERE h > :start) < :limit
    RETURNING 1
    """
)
_OLDEST = text(
    """
    SELECT min(h) FROM rate_windows AS w, unnest(CAST(w.hits AS float8[])) AS h
    WHERE w.key = :key AND h > :start
    """
)


class SharedWindows:
    """What `core.ratelimit.RateLimits` counts in when several workers share the database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def hit(self, tx: object, key: str, limit: int, window: float, now: float) -> float | None:
        """None when let through (and counted); else the seconds until a slot frees."""
        assert isinstance(tx, Tx)
        start = now - window
        params = {"key": key, "now": now, "start": start, "limit": limit}
        if tx.conn.execute(_HIT, params).first() is not None:
            return None
        oldest = tx.conn.execute(_OLDEST, {"key": key, "start": start}).scalar()
        return window if oldest is None else max(0.0, float(oldest) + window - now)

    def clear(self) -> None:
        with self.store.begin() as tx:
            tx.conn.execute(delete(rate_windows))
