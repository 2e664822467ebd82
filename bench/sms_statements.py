"""What the SMS path's database work costs, statement by statement, on Ringback's own Store.

    .venv/bin/python bench/sms_statements.py [--rounds 3000]

Evidence for the findings in bench/README.md ("SMS benchmark"): for the statements the send
and delivery paths run per message, the CPU time of the statement built per call, as the code
did before d02045d (`insert(table).values(**row)`, `select(table).where(column == value)`), of
the same statement built once and executed with parameters (SQLAlchemy caches its compiled
form), and of the bare sqlite3 call; then Ringback's own functions on those paths as they run
now, one call each (the statement, its parameters and the row it returns); and the wall time of
one commit under synchronous=FULL and NORMAL (the fsync). Everything runs on a Store in a
temporary directory; nothing is kept.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from ringback.core.changes import Changes
from ringback.core.clock import Clock
from ringback.core.prices import PriceList
from ringback.network import behaviours, handsets
from ringback.platform.billing import Billing
from ringback.state import accounts as account_state
from ringback.state import jobs as job_state
from ringback.state import numbers as number_state
from ringback.state import sms_parts as part_state
from ringback.state.sms_parts import Part
from ringback.state.sqlite import SqliteStore
from ringback.state.store import Store, Tx
from ringback.state.tables import accounts, sms_messages, webhook_deliveries
from ringback.webhooks import outbox


def part_row() -> dict[str, Any]:
    message_id = str(uuid.uuid4())
    return {
        "message_id": message_id,
        "api_key": "abcd1234",
        "to_msisdn": "447700900100",
        "sender": "Ringback",
        "part": 1,
        "parts": 1,
        "concat_ref": message_id,
        "encoding": "text",
        "body": "Your Ringback code is 482913. It expires in 10 minutes.",
        "udh": None,
        "client_ref": None,
        "account_ref": None,
        "callback": None,
        "status_report_req": True,
        "ttl_ms": 259200000,
        "price_units": 4590000,
        "network_code": "23401",
        "status": "submitted",
        "err_code": None,
        "submitted_at": time.time(),
        "final_at": None,
        "converted": None,
        "conversion_at": None,
    }


def delivery_row() -> dict[str, Any]:
    now = time.time()
    return {
        "api_key": "abcd1234",
        "kind": "sms-dlr",
        "url": "http://127.0.0.1:9/webhooks/delivery-receipt",
        "method": "POST",
        "content_type": "json",
        "payload": '{"msisdn": "447700900100", "status": "delivered"}',
        "signing": None,
        "destination": "http://127.0.0.1:9",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "give_up_at": now + 86400,
        "created_at": now,
        "last_status": None,
        "last_error": None,
        "reference": "x",
        "retry_window": 86400.0,
        "application_id": None,
    }


def cpu_us(rounds: int, run: Callable[[int], object]) -> float:
    started = time.process_time()
    for i in range(rounds):
        run(i)
    return (time.process_time() - started) / rounds * 1e6


def statement_costs(store: Store, rounds: int) -> list[tuple[str, float]]:
    results = []
    raw = store.raw_connection()
    columns = [c.name for c in sms_messages.columns]
    raw_insert = (
        f"INSERT INTO sms_messages ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})"
    )
    prebuilt_insert = insert(sms_messages)
    delivery_columns = list(delivery_row())
    prebuilt_delivery = insert(webhook_deliveries)
    by_id = select(sms_messages).where(sms_messages.c.message_id == bindparam("message_id"))
    with store.begin() as tx:
        tx.conn.execute(
            insert(accounts).values(
                api_key="abcd1234",
                name="bench",
                balance_units=10**15,
                auto_reload=False,
                auto_reload_amount_units=0,
                signature_secret="s",
                signature_method="md5hash",
                signs_webhooks=False,
                mo_callback_url="",
                dr_callback_url="",
                sms_webhook_method="POST-JSON",
                is_default=False,
                created_at=time.time(),
            )
        )
    rows = [part_row() for _ in range(rounds * 3)]
    ids = [r["message_id"] for r in rows]
    deliveries = [delivery_row() for _ in range(rounds * 2)]

    def within(label: str, run: Callable[[Connection, int], object]) -> None:
        with store.begin() as tx:
            results.append((label, cpu_us(rounds, lambda i: run(tx.conn, i))))

    within(
        "sms_messages INSERT, insert(t).values(**row) (parts.py add before d02045d)",
        lambda conn, i: conn.execute(insert(sms_messages).values(**rows[i])),
    )
    within(
        "sms_messages INSERT, prebuilt insert(t) + parameters",
        lambda conn, i: conn.execute(prebuilt_insert, rows[rounds + i]),
    )
    with store.begin():
        results.append(
            (
                "sms_messages INSERT, bare sqlite3",
                cpu_us(
                    rounds,
                    lambda i: raw.execute(raw_insert, [rows[2 * rounds + i][c] for c in columns]),
                ),
            )
        )
    within(
        "sms_messages SELECT by id, select(t).where(c == v) (parts.py get before)",
        lambda conn, i: conn.execute(
            select(sms_messages).where(sms_messages.c.message_id == ids[i])
        ).first(),
    )
    within(
        "sms_messages SELECT by id, prebuilt with bindparam",
        lambda conn, i: conn.execute(by_id, {"message_id": ids[i]}).first(),
    )
    finish = (
        update(sms_messages)
        .where(sms_messages.c.message_id == bindparam("b_id"))
        .values(
            status=bindparam("b_status"), err_code=bindparam("b_err"), final_at=bindparam("b_at")
        )
    )
    within(
        "sms_messages UPDATE by id, update(t).where(c == v).values(...) (parts.py finish before)",
        lambda conn, i: conn.execute(
            update(sms_messages)
            .where(sms_messages.c.message_id == ids[i])
            .values(status="delivered", err_code=0, final_at=1.0)
        ),
    )
    within(
        "sms_messages UPDATE by id, prebuilt with bindparam",
        lambda conn, i: conn.execute(
            finish, {"b_id": ids[rounds + i], "b_status": "delivered", "b_err": 0, "b_at": 1.0}
        ),
    )
    within(
        "webhook_deliveries INSERT, insert(t).values(...) (outbox.py enqueue before)",
        lambda conn, i: conn.execute(insert(webhook_deliveries).values(**deliveries[i])),
    )
    within(
        "webhook_deliveries INSERT, prebuilt insert(t) + parameters",
        lambda conn, i: conn.execute(
            prebuilt_delivery, {c: deliveries[rounds + i][c] for c in delivery_columns}
        ),
    )
    return results


def function_costs(store: Store, rounds: int) -> list[tuple[str, float]]:
    """Ringback's functions on the send and delivery paths as they run now, one call each.
    Needs statement_costs' account (abcd1234)."""
    results = []
    billing = Billing(PriceList.load(), Clock())
    changes = Changes()
    parts = [Part(**part_row()) for _ in range(rounds * 2)]
    ids = [p.message_id for p in parts]
    with store.begin() as tx:
        behaviours.set_behaviour(tx, "447700900100", behaviours.DEFAULT, time.time())

    def within(label: str, run: Callable[[Tx, int], object]) -> None:
        with store.begin() as tx:
            results.append((label, cpu_us(rounds, lambda i: run(tx, i))))

    within("parts.add (send)", lambda tx, i: part_state.add(tx, parts[i]))
    within("parts.get (delivery)", lambda tx, i: part_state.get(tx, ids[i]))
    within(
        "parts.finish (delivery)",
        lambda tx, i: part_state.finish(tx, ids[i], "delivered", 0, 1.0),
    )
    within(
        "parts.of_message, 2 ids (delivery, multi-part messages only)",
        lambda tx, i: part_state.of_message(tx, [ids[i], ids[rounds + i]]),
    )
    within(
        "behaviours.effective, a set profile (send and delivery)",
        lambda tx, i: behaviours.effective(tx, "447700900100"),
    )
    within(
        "numbers.get_number, not rented (delivery)",
        lambda tx, i: number_state.get_number(tx, "447700900100"),
    )
    within(
        "handsets.record (delivery)",
        lambda tx, i: handsets.record(
            tx,
            changes,
            msisdn="447700900100",
            direction="received",
            channel="sms",
            peer="Ringback",
            text=parts[i].body,
            now=1.0,
            api_key="abcd1234",
            reference=ids[i],
        ),
    )
    within(
        "accounts.get_account (delivery, per receipt)",
        lambda tx, i: account_state.get_account(tx, "abcd1234"),
    )
    within(
        "outbox.enqueue (delivery, per receipt)",
        lambda tx, i: outbox.enqueue(
            tx,
            1.0,
            api_key="abcd1234",
            kind="sms-dlr",
            url="http://127.0.0.1:9/webhooks/delivery-receipt",
            payload={"msisdn": "447700900100", "messageId": ids[i], "status": "delivered"},
            reference=ids[i],
            retry_window=3 * 86400.0,
        ),
    )
    within(
        "billing.charge, UPDATE .. RETURNING + ledger INSERT (send)",
        lambda tx, i: billing.charge(tx, "abcd1234", "sms", Decimal("0.0459"), ids[i]),
    )
    job_ids: list[int] = []
    within(
        "jobs.add_job (send)",
        lambda tx, i: job_ids.append(
            job_state.add_job(tx, "sms.deliver", 1.0, {"message_id": ids[i]}, "abcd1234", 1.0)
        ),
    )
    within("jobs.finish_job (delivery)", lambda tx, i: job_state.finish_job(tx, job_ids[i]))

    def savepoint(tx: Tx, i: int) -> None:
        with Store.savepoint(tx):
            pass

    def nested(tx: Tx, i: int) -> None:
        with tx.conn.begin_nested():
            pass

    within("a sync job's savepoint, SAVEPOINT + RELEASE (delivery)", savepoint)
    within("the same with begin_nested() (before cf19da1)", nested)
    return results


def commit_costs(directory: Path, rounds: int) -> list[tuple[str, float, float, float]]:
    """Wall time of BEGIN + one small INSERT + COMMIT, by synchronous mode."""
    results = []
    for mode in ("FULL", "NORMAL"):
        store = SqliteStore(str(directory / f"commit-{mode}.db"), synchronous=mode)
        store.migrate()
        raw = store.raw_connection()
        raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        times = []
        for i in range(rounds):
            started = time.perf_counter()
            raw.execute("BEGIN")
            raw.execute("INSERT INTO t (v) VALUES (?)", (str(i),))
            raw.execute("COMMIT")
            times.append((time.perf_counter() - started) * 1e6)
        store.close()
        times.sort()
        results.append(
            (
                f"BEGIN + INSERT + COMMIT, synchronous={mode}",
                statistics.median(times),
                times[int(len(times) * 0.99)],
                statistics.fmean(times),
            )
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ringback-statements-") as tmp:
        store = SqliteStore(str(Path(tmp) / "ringback.db"), synchronous="NORMAL")
        store.migrate()
        print("CPU per statement (time.process_time), inside one transaction:")
        for label, us in statement_costs(store, args.rounds):
            print(f"  {us:8.1f} µs  {label}")
        print("CPU per call of Ringback's functions on the SMS paths, as they run now:")
        for label, us in function_costs(store, args.rounds):
            print(f"  {us:8.1f} µs  {label}")
        store.close()
        print("wall time per commit (fsync under FULL), 1 row each:")
        for label, median, p99, mean in commit_costs(Path(tmp), min(args.rounds, 1000)):
            print(f"  median {median:7.0f} µs, p99 {p99:7.0f} µs, mean {mean:7.0f} µs  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
