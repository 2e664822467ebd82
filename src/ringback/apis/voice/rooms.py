"""Named conversations: the room behind the NCCO engine's `Join` and `Leave`.

A room lives while legs are in it (`voice_rooms`, one per account, application and name).
Until a `startOnEnter` participant (the default) is in, the others hear the music on hold;
what a leg says is heard by the others as `canHear`/`canSpeak`/`mute` allow; when a leg with
`endOnExit` leaves, the room ends for everyone (each other leg gets `ConversationEnded` and is
hung up). `record` records the whole room, from the first joiner with it to the room's end,
one record event to that joiner's eventUrl.
"""

from __future__ import annotations

import uuid
from typing import Any

from ringback.apis.voice import driver
from ringback.ncco import FinishedRecording, effects, stimuli
from ringback.ncco.events import record_event
from ringback.ncco.recording import CALLER, Sound
from ringback.ncco.state import FILES_URL, CallState
from ringback.ncco.timing import dtmf_seconds, talk_seconds
from ringback.state import calls as call_state
from ringback.state import voice_rooms as room_state
from ringback.state.calls import Call
from ringback.state.store import Tx
from ringback.state.voice_rooms import Room


def _options(j: effects.Join) -> dict[str, Any]:
    return {
        "name": j.name,
        "start_on_enter": j.start_on_enter,
        "end_on_exit": j.end_on_exit,
        "mute": j.mute,
        "can_hear": list(j.can_hear) if j.can_hear is not None else None,
        "can_speak": list(j.can_speak) if j.can_speak is not None else None,
        "music_on_hold_url": j.music_on_hold_url,
    }


def join(tx: Tx, sv: driver.DriverServices, call: Call, j: effects.Join) -> None:
    now = sv.clock.now()
    key = room_state.key(call.api_key, call.application_id, j.name)
    room = room_state.get(tx, key)
    if room is None:
        room = Room(
            room_key=key,
            api_key=call.api_key,
            application_id=call.application_id,
            name=j.name,
            conversation_uuid="CON-" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{key}:{now}")),
            created_at=now,
            started=False,
            recording=None,
        )
        room_state.add(tx, room)
    others = call_state.in_room(tx, key)
    call_state.change(tx, call.uuid, room=key, room_options=_options(j))
    driver.note(tx, call, now, "network", "joined", conversation=j.name,
                conversation_uuid=room.conversation_uuid)  # fmt: skip
    for other in others:
        driver.note(tx, other, now, "heard", "participant_joined", leg=call.uuid)
    if j.record and room.recording is None:
        files_url = str((call.engine or {}).get("files_url") or FILES_URL)
        recording = {
            "recording_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{key}:{now}:record")),
            "started_at": now,
            "event_url": j.event_url[0] if j.event_url else None,
            "event_method": j.event_method,
            "call": call.uuid,
            "files_url": files_url,
            "sounds": [],
        }
        room_state.change(tx, key, recording=recording)
        driver.note(tx, call, now, "network", "recording_started",
                    recording_uuid=recording["recording_uuid"], conversation=j.name)  # fmt: skip
    if j.start_on_enter and not room.started:
        room_state.change(tx, key, started=True)
        for other in others:
            driver.note(tx, other, now, "heard", "music_stopped")
    elif not room.started:
        driver.note(tx, call, now, "heard", "music_on_hold", url=j.music_on_hold_url)


def leave(tx: Tx, sv: driver.DriverServices, call: Call) -> None:
    """The leg left (hung up, or its NCCO moved on): the room ends if it had `endOnExit`, or
    when nobody is left."""
    if call.room is None:
        return
    key, options = call.room, call.room_options or {}
    now = sv.clock.now()
    call_state.change(tx, call.uuid, room=None)
    room = room_state.get(tx, key)
    if room is None:
        return  # the room has ended already
    others = [c for c in call_state.in_room(tx, key) if c.uuid != call.uuid]
    for other in others:
        driver.note(tx, other, now, "heard", "participant_left", leg=call.uuid)
    if options.get("end_on_exit") or not others:
        _close(tx, sv, room, call, now)
        for other in others:
            call_state.change(tx, other.uuid, room=None)
            fresh = call_state.get(tx, other.uuid)
            if fresh is not None and fresh.engine is not None:
                driver.feed(tx, sv, fresh, stimuli.ConversationEnded())
            fresh = call_state.get(tx, other.uuid)
            if fresh is not None and not fresh.ended:
                driver.end(tx, sv, fresh, "completed", reason="conversation ended")


def _close(tx: Tx, sv: driver.DriverServices, room: Room, last: Call, now: float) -> None:
    room_state.remove(tx, room.room_key)
    r = room.recording
    if r is None:
        return
    owner = call_state.get(tx, str(r["call"])) or last
    finished = FinishedRecording(
        recording_uuid=r["recording_uuid"],
        conversation_uuid=room.conversation_uuid,
        start_time=r["started_at"],
        end_time=now,
        format="mp3",
        channels=1,
        sounds=tuple(Sound.from_json(s) for s in r["sounds"]),
    )
    call_state.add_recording(
        tx,
        owner,
        {
            "recording_uuid": finished.recording_uuid,
            "conversation_uuid": finished.conversation_uuid,
            "start_time": finished.start_time,
            "end_time": finished.end_time,
            "format": finished.format,
            "channels": finished.channels,
            "sounds": list(r["sounds"]),
        },
        now,
    )
    state = CallState(
        call_uuid=owner.uuid,
        conversation_uuid=room.conversation_uuid,
        from_="",
        to="",
        event_url="",
        files_url=str(r["files_url"]),
    )
    driver.note(tx, owner, now, "network", "recording_stopped",
                recording_uuid=finished.recording_uuid, seconds=finished.seconds)  # fmt: skip
    driver.send_event(
        tx, sv, owner, record_event(state, finished), url=r["event_url"], method=r["event_method"]
    )


def _hears(listener: Call, speaker: Call) -> bool:
    said = speaker.room_options or {}
    heard = listener.room_options or {}
    if said.get("mute"):
        return False
    if said.get("can_speak") is not None and listener.uuid not in said["can_speak"]:
        return False
    return heard.get("can_hear") is None or speaker.uuid in heard["can_hear"]


def relay(
    tx: Tx,
    sv: driver.DriverServices,
    call: Call,
    kind: str,
    source: str,
    detail: dict[str, Any],
) -> None:
    """What a leg in a room said: heard by the legs allowed to hear it, and recorded."""
    if call.room is None:
        return
    now = sv.clock.now()
    room = room_state.get(tx, call.room)
    if room is None or (call.room_options or {}).get("mute"):
        return
    for other in call_state.in_room(tx, call.room):
        if other.uuid != call.uuid and _hears(other, call):
            driver.note(tx, other, now, "heard", kind, leg=call.uuid, speaker=source, **detail)
    if room.recording is not None and kind in ("speech", "dtmf"):
        text = str(detail.get("text") or detail.get("digits") or "")
        seconds = talk_seconds(text) if kind == "speech" else dtmf_seconds(text)
        recording = dict(room.recording)
        offset = now - float(recording["started_at"])
        sound = Sound(offset, seconds, "speech" if kind == "speech" else "dtmf", text, CALLER)
        recording["sounds"] = [*recording["sounds"], sound.to_json()]
        room_state.change(tx, room.room_key, recording=recording)
