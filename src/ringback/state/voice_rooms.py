"""Named conversations (`voice_rooms`): one row per live room, keyed by account, application
and name (Vonage scopes conversation names per application)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update

from ringback.state.store import Tx
from ringback.state.tables import voice_rooms


@dataclass(frozen=True)
class Room:
    room_key: str
    api_key: str
    application_id: str
    name: str
    conversation_uuid: str
    created_at: float
    started: bool
    recording: dict[str, Any] | None


def key(api_key: str, application_id: str, name: str) -> str:
    return f"{api_key}/{application_id}/{name}"


def get(tx: Tx, room_key: str) -> Room | None:
    row = tx.conn.execute(select(voice_rooms).where(voice_rooms.c.room_key == room_key)).first()
    if row is None:
        return None
    values = dict(row._mapping)
    if values["recording"] is not None:
        values["recording"] = json.loads(values["recording"])
    return Room(**values)


def add(tx: Tx, room: Room) -> None:
    values = {**room.__dict__}
    values["recording"] = json.dumps(room.recording) if room.recording is not None else None
    tx.conn.execute(insert(voice_rooms), values)


def change(tx: Tx, room_key: str, **values: Any) -> None:
    if "recording" in values and values["recording"] is not None:
        values["recording"] = json.dumps(values["recording"])
    tx.conn.execute(update(voice_rooms).where(voice_rooms.c.room_key == room_key).values(**values))


def remove(tx: Tx, room_key: str) -> None:
    tx.conn.execute(delete(voice_rooms).where(voice_rooms.c.room_key == room_key))
