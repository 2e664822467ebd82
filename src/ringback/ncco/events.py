"""The webhook payloads the NCCO engine sends, shaped as Vonage's webhook reference shows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ringback.ncco.recording import FinishedRecording
from ringback.ncco.state import CallState

INVALID_NCCO_REASON = "Syntax error in NCCO. Invalid value type or action."


def timestamp(at: float) -> str:
    """ISO 8601 in UTC with milliseconds, `2020-01-01T12:00:00.000Z`, as Vonage writes it."""
    moment = datetime.fromtimestamp(at, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _base(state: CallState, at: float) -> dict[str, Any]:
    return {
        "from": state.from_,
        "to": state.to,
        "uuid": state.call_uuid,
        "conversation_uuid": state.conversation_uuid,
        "timestamp": timestamp(at),
    }


def input_event(
    state: CallState,
    at: float,
    *,
    digits: str | None,
    timed_out: bool,
    speech: dict[str, Any] | None,
) -> dict[str, Any]:
    """Unused parts are filled as Vonage fills them: `dtmf: {digits: null, timed_out: false}`,
    `speech: {results: []}`."""
    return {
        **_base(state, at),
        "dtmf": {"digits": digits, "timed_out": timed_out},
        "speech": speech if speech is not None else {"results": []},
    }


def speech_result(text: str | None, confidence: float, reason: str) -> dict[str, Any]:
    results = [] if text is None else [{"text": text, "confidence": f"{confidence:.7g}"}]
    return {"timeout_reason": reason, "results": results}


def record_event(state: CallState, recording: FinishedRecording) -> dict[str, Any]:
    return {
        "start_time": timestamp(recording.start_time),
        "end_time": timestamp(recording.end_time),
        "recording_url": state.files_url + recording.recording_uuid,
        "size": recording.size,
        "recording_uuid": recording.recording_uuid,
        "conversation_uuid": state.conversation_uuid,
        "timestamp": timestamp(recording.end_time),
    }


def leg_event(
    state: CallState,
    at: float,
    *,
    leg_uuid: str,
    from_: str,
    to: str,
    status: str,
    detail: str | None,
) -> dict[str, Any]:
    """A connected leg's status, as a synchronous connect's eventUrl gets it."""
    payload: dict[str, Any] = {
        **_base(state, at),
        "from": from_,
        "to": to,
        "uuid": leg_uuid,
        "status": status,
        "direction": "outbound",
    }
    if detail is not None:
        payload["detail"] = detail
    return payload


def error_event(state: CallState, at: float) -> dict[str, Any]:
    return {
        "reason": INVALID_NCCO_REASON,
        "conversation_uuid": state.conversation_uuid,
        "timestamp": timestamp(at),
    }
