"""Voice calls (`calls`), each call's transcript (`call_events`) and recordings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, insert, select, update

from ringback.state.store import Tx
from ringback.state.tables import call_events, calls, recordings, webhook_deliveries


@dataclass(frozen=True)
class Call:
    uuid: str
    api_key: str
    application_id: str
    conversation_uuid: str
    direction: str
    status: str
    to_endpoint: dict[str, Any]
    from_endpoint: dict[str, Any]
    to_msisdn: str | None
    answer_url: str | None
    answer_method: str
    event_url: str | None
    event_method: str
    ncco: list[Any] | None
    ringing_timer: int
    length_timer: int
    machine_detection: str | None
    rate: str | None
    network: str | None
    price: str | None
    duration: int | None
    created_at: float
    start_time: float | None
    end_time: float | None
    ended: bool
    engine: dict[str, Any] | None
    alarm: float | None
    parent_uuid: str | None = None
    room: str | None = None
    room_options: dict[str, Any] | None = None


_JSON_FIELDS = ("to_endpoint", "from_endpoint", "ncco", "engine", "room_options")


def _call(row: Any) -> Call:
    values = dict(row._mapping)
    for name in _JSON_FIELDS:
        if values[name] is not None:
            values[name] = json.loads(values[name])
    return Call(**values)


def _encode(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (json.dumps(v) if k in _JSON_FIELDS and v is not None else v) for k, v in values.items()
    }


def add(tx: Tx, values: dict[str, Any]) -> None:
    tx.conn.execute(insert(calls), _encode(values))


def get(tx: Tx, uuid: str) -> Call | None:
    row = tx.conn.execute(select(calls).where(calls.c.uuid == uuid)).first()
    return _call(row) if row is not None else None


def get_owned(tx: Tx, api_key: str, uuid: str) -> Call | None:
    row = tx.conn.execute(
        select(calls).where(calls.c.uuid == uuid, calls.c.api_key == api_key)
    ).first()
    return _call(row) if row is not None else None


def change(tx: Tx, uuid: str, **values: Any) -> None:
    tx.conn.execute(update(calls).where(calls.c.uuid == uuid).values(**_encode(values)))


@dataclass(frozen=True)
class CallFilter:
    api_key: str
    status: str | None = None
    date_start: float | None = None
    date_end: float | None = None
    conversation_uuid: str | None = None


def _where(f: CallFilter) -> Any:
    conditions = [calls.c.api_key == f.api_key]
    if f.status is not None:
        conditions.append(calls.c.status == f.status)
    if f.date_start is not None:
        conditions.append(calls.c.created_at >= f.date_start)
    if f.date_end is not None:
        conditions.append(calls.c.created_at <= f.date_end)
    if f.conversation_uuid is not None:
        conditions.append(calls.c.conversation_uuid == f.conversation_uuid)
    return and_(*conditions)


def count(tx: Tx, f: CallFilter) -> int:
    query = select(func.count()).select_from(calls).where(_where(f))
    return int(tx.conn.execute(query).scalar() or 0)


def page(tx: Tx, f: CallFilter, offset: int, limit: int, newest_first: bool) -> list[Call]:
    order = (
        (calls.c.created_at.desc(), calls.c.uuid.desc())
        if newest_first
        else (calls.c.created_at, calls.c.uuid)
    )
    query = select(calls).where(_where(f)).order_by(*order).offset(offset).limit(limit)
    return [_call(r) for r in tx.conn.execute(query)]


def of_handset(tx: Tx, msisdn: str, limit: int) -> list[Call]:
    query = (
        select(calls)
        .where(calls.c.to_msisdn == msisdn)
        .order_by(calls.c.created_at.desc(), calls.c.uuid.desc())
        .limit(limit)
    )
    return [_call(r) for r in tx.conn.execute(query)]


def children(tx: Tx, parent_uuid: str) -> list[Call]:
    """The legs a call's `connect` actions dialled, oldest first."""
    query = (
        select(calls)
        .where(calls.c.parent_uuid == parent_uuid)
        .order_by(calls.c.created_at, calls.c.uuid)
    )
    return [_call(r) for r in tx.conn.execute(query)]


def in_room(tx: Tx, room: str) -> list[Call]:
    """The live legs in a named conversation, in the order they joined the call table."""
    query = (
        select(calls)
        .where(calls.c.room == room, calls.c.ended.is_(False))
        .order_by(calls.c.created_at, calls.c.uuid)
    )
    return [_call(r) for r in tx.conn.execute(query)]


def recent(tx: Tx, limit: int, status: str | None = None) -> list[Call]:
    """Every account's calls, newest first: the control API's and the CLI's `calls list`."""
    query = select(calls).order_by(calls.c.created_at.desc(), calls.c.uuid.desc()).limit(limit)
    if status is not None:
        query = query.where(calls.c.status == status)
    return [_call(r) for r in tx.conn.execute(query)]


# --- the transcript ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CallEvent:
    id: int
    at: float
    side: str
    kind: str
    detail: dict[str, Any]


def note(tx: Tx, call: Call, at: float, side: str, kind: str, detail: dict[str, Any]) -> None:
    tx.conn.execute(
        insert(call_events),
        {
            "call_uuid": call.uuid,
            "api_key": call.api_key,
            "at": at,
            "side": side,
            "kind": kind,
            "detail": json.dumps(detail),
        },
    )


def transcript(tx: Tx, call_uuid: str) -> list[CallEvent]:
    query = (
        select(call_events.c.id, call_events.c.at, call_events.c.side, call_events.c.kind)
        .add_columns(call_events.c.detail)
        .where(call_events.c.call_uuid == call_uuid)
        .order_by(call_events.c.id)
    )
    return [CallEvent(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in tx.conn.execute(query)]


# --- recordings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recording:
    recording_uuid: str
    api_key: str
    application_id: str
    call_uuid: str
    conversation_uuid: str
    created_at: float
    recording: dict[str, Any]


def add_recording(tx: Tx, call: Call, recording: dict[str, Any], now: float) -> None:
    tx.conn.execute(
        insert(recordings),
        {
            "recording_uuid": recording["recording_uuid"],
            "api_key": call.api_key,
            "application_id": call.application_id,
            "call_uuid": call.uuid,
            "conversation_uuid": call.conversation_uuid,
            "created_at": now,
            "recording": json.dumps(recording),
        },
    )


def get_recording(tx: Tx, recording_uuid: str) -> Recording | None:
    row = tx.conn.execute(
        select(recordings).where(recordings.c.recording_uuid == recording_uuid)
    ).first()
    if row is None:
        return None
    values = dict(row._mapping)
    values["recording"] = json.loads(values["recording"])
    return Recording(**values)


def unsent_webhooks(tx: Tx, call_uuid: str) -> int:
    """The call's event webhooks still waiting for their first attempt: a webhook that expects
    an NCCO back waits for them, so the app sees the call's events in order."""
    query = (
        select(func.count())
        .select_from(webhook_deliveries)
        .where(
            webhook_deliveries.c.reference == call_uuid,
            webhook_deliveries.c.status == "pending",
            webhook_deliveries.c.attempts == 0,
        )
    )
    return int(tx.conn.execute(query).scalar() or 0)
