"""Virtual handsets: what each number received and sent, per channel.

A handset sees a whole message, however many SMS parts carried it; the parts stay on the
Vonage side (`sms_messages`). Recording a message wakes anyone long-polling that handset.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ringback.core.changes import Changes
from ringback.state import handsets as handset_state
from ringback.state.handsets import HandsetMessage, NewHandsetMessage
from ringback.state.store import Tx

# a one-time code: 4 to 10 digits standing alone ("Your code is 123456", "G-482913"), or two
# groups of three ("123-456", "123 456"); nearest a cue word when the text has several numbers
CODE = re.compile(r"(?<![\d])(\d{4,10})(?![\d])")
SPLIT_CODE = re.compile(r"(?<![\d])(\d{3})[- ](\d{3})(?![\d])")
CUE = re.compile(r"code|pin\b|otp|passcode|password|verif|token|one[- ]time", re.IGNORECASE)


def topic(msisdn: str) -> str:
    return f"handset:{msisdn}"


def record(
    tx: Tx,
    changes: Changes,
    *,
    msisdn: str,
    direction: str,
    channel: str,
    peer: str,
    text: str,
    now: float,
    encoding: str = "text",
    parts: int = 1,
    api_key: str | None = None,
    reference: str | None = None,
    content: Mapping[str, Any] | None = None,
) -> int:
    message_id = handset_state.record(
        tx,
        msisdn=msisdn,
        direction=direction,
        channel=channel,
        peer=peer,
        text=text,
        now=now,
        encoding=encoding,
        parts=parts,
        api_key=api_key,
        reference=reference,
        content=content_json(content),
    )
    changes.notify(topic(msisdn))
    return message_id


def record_many(tx: Tx, changes: Changes, messages: list[NewHandsetMessage]) -> None:
    """`record` for several messages at once: one insert, each handset woken once."""
    if not messages:
        return
    handset_state.record_many(tx, messages)
    for msisdn in dict.fromkeys(message.msisdn for message in messages):
        changes.notify(topic(msisdn))


def content_json(content: Mapping[str, Any] | None) -> str | None:
    return json.dumps(content, separators=(",", ":")) if content is not None else None


def find_code(text: str) -> str | None:
    """The one-time code in a message: the candidate nearest a cue word ("code", "PIN",
    "verify", ...), or the first candidate when there is no cue."""
    candidates = [(m.start(), m.end(), m.group(1)) for m in CODE.finditer(text)]
    candidates += [(m.start(), m.end(), m.group(1) + m.group(2)) for m in SPLIT_CODE.finditer(text)]
    if not candidates:
        return None
    cues = [(m.start(), m.end()) for m in CUE.finditer(text)]

    def distance(candidate: tuple[int, int, str]) -> tuple[int, int]:
        start, end, _ = candidate
        gaps = [
            start - c_end if start >= c_end else max(0, c_start - end) for c_start, c_end in cues
        ]
        return (min(gaps) if gaps else 0, start)

    return min(candidates, key=distance)[2]


def latest_code(
    tx: Tx, msisdn: str, *, after_id: int | None = None, since: float | None = None
) -> tuple[str, HandsetMessage] | None:
    """The last one-time code the handset received, on any channel (only in messages after
    `after_id` or from `since` on, when given)."""
    recent = handset_state.messages(
        tx, msisdn, after_id=after_id, since=since, limit=50, newest_first=True
    )
    for message in recent:
        code = find_code(message.text)
        if code is not None:
            return code, message
    return None
