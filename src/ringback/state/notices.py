"""PostgreSQL's LISTEN/NOTIFY between the workers of one server: what one worker changed that
the others keep in memory (the clock, settings) and what wakes their long-polls, scheduler and
webhook dispatcher. No other server is needed: the database carries them.

`send` runs in a transaction (a notice is delivered when it commits, never for a rolled-back
change); `Listener` holds a connection of its own in a thread and hands each notice to a
callback. A notice is best effort: one sent while a listener is reconnecting is lost, so what
it stands for is also re-read (settings at start, long-polls every 250 ms).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import text

from ringback.state.postgres import PostgresStore
from ringback.state.store import Tx

log = logging.getLogger("ringback.workers")

CHANNEL = "ringback"
RECONNECT_SECONDS = 1.0
# how long one wait for notices lasts, so a stop is noticed
POLL_SECONDS = 0.5

_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


def send(tx: Tx, payloads: list[str]) -> None:
    for payload in payloads:
        tx.conn.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})


class Listener:
    def __init__(self, store: PostgresStore, on_notice: Callable[[str], None]) -> None:
        self.url = store.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self.on_notice = on_notice
        self._stopping = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ringback-listen", daemon=True)

    def start(self, timeout: float = 5.0) -> None:
        """Start listening; returns once LISTEN is in force (or `timeout` passed)."""
        self._thread.start()
        self._listening.wait(timeout)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(POLL_SECONDS * 4)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    while not self._stopping.is_set():
                        for notice in conn.notifies(timeout=POLL_SECONDS):
                            self.on_notice(notice.payload)
            except psycopg.Error as exc:
                log.warning("listening for other workers' notices failed (%s); retrying", exc)
                self._stopping.wait(RECONNECT_SECONDS)
