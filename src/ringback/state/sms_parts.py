"""SMS parts on the Vonage side (`sms_messages`): one row per part, as Vonage ids them. The
parts of one message share `concat_ref` (the first part's message id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from ringback.state.prepared import Prepared, PreparedIn
from ringback.state.rows import row_of
from ringback.state.store import Tx
from ringback.state.tables import sms_messages

SUBMITTED = "submitted"


@dataclass(frozen=True)
class Part:
    message_id: str
    api_key: str
    to_msisdn: str
    sender: str
    part: int  # 1-based
    parts: int
    concat_ref: str | None
    encoding: str  # text | unicode | binary
    body: str  # this part's text (hex for binary)
    udh: str | None
    client_ref: str | None
    account_ref: str | None
    callback: str | None
    status_report_req: bool
    ttl_ms: int
    price_units: int
    network_code: str | None
    status: str  # submitted | delivered | failed | rejected | expired
    err_code: int | None
    submitted_at: float
    final_at: float | None
    converted: bool | None
    conversion_at: float | None

    @property
    def final(self) -> bool:
        return self.status != SUBMITTED


# the columns in Part's field order, so a row is a Part's arguments as they come (by name
# through row._mapping cost ~10 µs a part, positionally ~3 µs)
_COLUMNS = [sms_messages.c[name] for name in Part.__dataclass_fields__]


def _part(row: Any) -> Part:
    return Part(*row)


# built once: each runs per SMS part, on the send or the delivery path, where building the
# statement cost several times more than running it (bench/sms_statements.py)
_ADD = Prepared(insert(sms_messages))
_GET = Prepared(select(*_COLUMNS).where(sms_messages.c.message_id == bindparam("message_id")))
_OF_MESSAGE = PreparedIn(
    lambda ids: (
        select(*_COLUMNS).where(sms_messages.c.message_id.in_(ids)).order_by(sms_messages.c.part)
    )
)
# bindparam names must differ from the columns an UPDATE sets
_FINISH = Prepared(
    update(sms_messages)
    .where(sms_messages.c.message_id == bindparam("b_message_id"))
    .values(
        status=bindparam("b_status"), err_code=bindparam("b_err_code"), final_at=bindparam("b_at")
    )
)
_CONVERT = (
    update(sms_messages)
    .where(sms_messages.c.message_id == bindparam("b_message_id"))
    .values(converted=bindparam("b_converted"), conversion_at=bindparam("b_at"))
)


def add(tx: Tx, part: Part) -> None:
    _ADD.run(tx, row_of(part))


def get(tx: Tx, message_id: str) -> Part | None:
    row = _GET.first(tx, {"message_id": message_id})
    return _part(row) if row else None


def of_message(tx: Tx, message_ids: list[str]) -> list[Part]:
    """The parts of one message, by their ids (the delivery jobs carry them: `concat_ref`
    has no index, the primary key does)."""
    return [_part(r) for r in _OF_MESSAGE.all(tx, message_ids)]


def finish(tx: Tx, message_id: str, status: str, err_code: int, at: float) -> None:
    _FINISH.run(
        tx, {"b_message_id": message_id, "b_status": status, "b_err_code": err_code, "b_at": at}
    )


def finish_many(tx: Tx, outcomes: list[tuple[str, str, int]], at: float) -> None:
    """Several parts' final `(message_id, status, err_code)` in one executemany."""
    rows = [
        {"b_message_id": message_id, "b_status": status, "b_err_code": err_code, "b_at": at}
        for message_id, status, err_code in outcomes
    ]
    _FINISH.run_many(tx, rows)


def convert(tx: Tx, message_id: str, delivered: bool, at: float) -> None:
    tx.conn.execute(_CONVERT, {"b_message_id": message_id, "b_converted": delivered, "b_at": at})
