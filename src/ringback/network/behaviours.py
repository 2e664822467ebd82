"""What happens to traffic sent to a handset: its behaviour profile.

Every number has one: set through the control API, or one of the documented magic numbers
(docs/magic-numbers.md), or the default (delivered after a second). The SMS API reads it to
decide the submission status and the delivery receipt; Number Insight reads it for
reachability, roaming and porting.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ringback.core.errors import InvalidParameter, InvalidParameters
from ringback.state import behaviours as behaviour_state
from ringback.state.store import Tx

SMS_OUTCOMES = ("delivered", "failed", "rejected", "expired")
REACHABILITY = ("reachable", "undeliverable", "absent", "bad_number", "blacklisted", "unknown")
# SMS API submission statuses a handset can provoke (sms.yml x-errors)
SUBMIT_STATUSES = (0, 6, 7, 29, 33)
# the Messages API's outcomes on its channels (its status webhooks), and its error codes
MESSAGE_OUTCOMES = ("delivered", "rejected", "undeliverable")
MESSAGE_ERRORS = range(1000, 1500)
# what the handset does when a voice call reaches it (network/calls.py)
CALL_OUTCOMES = ("answer", "busy", "no_answer", "reject", "machine", "fail")


@dataclass(frozen=True)
class Behaviour:
    sms: str = "delivered"  # the receipt's status
    err_code: int = 0  # the receipt's err-code (vonage-behaviours §3.4)
    delay_seconds: float = 1.0  # submission to receipt, on Ringback's clock
    submit_status: int = 0  # the SMS API's answer at submission (7 = number barred, …)
    reachable: str = "reachable"  # Number Insight's `reachable`
    roaming_country: str | None = None  # ISO alpha-2 while roaming abroad
    roaming_network: str | None = None  # MCC+MNC of the visited network
    ported_network: str | None = None  # MCC+MNC it was ported to
    valid: bool | None = None  # overrides libphonenumber's validity (magic numbers)
    call: str = "answer"  # a voice call to it: answer, busy, no_answer, reject, machine, fail
    answer_seconds: float = 2.0  # ringing before it answers (or rejects), Ringback's clock
    name: str = "default"  # which profile this is, for people reading it
    # the Messages API: the outcome on a channel (None: from `sms` and `err_code`), its error
    # code (1000-1484), and when the handset reads what it received (None: only when told)
    message: str | None = None
    message_error: int | None = None
    read_after_seconds: float | None = None
    # overrides per channel ("whatsapp": {"message": "undeliverable", ...}): `for_channel`
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def for_channel(self, channel: str | None) -> Behaviour:
        """This profile as traffic on `channel` meets it: its overrides for that channel on top."""
        override = self.channels.get(channel) if channel else None
        if not override:
            return self
        return dataclasses.replace(self, **override)


DEFAULT = Behaviour()


def _magic(name: str, **fields: Any) -> Behaviour:
    return Behaviour(name=name, valid=True, **fields)


# Ofcom reserves 07700 900000-900999 for drama: never a real subscriber anywhere. The magic
# block is its end, 900900-900909, which nobody types by accident; until 0.2 it was
# 900000-900009, numbers Vonage's own documentation uses as ordinary examples. Every other
# number of the range is an ordinary handset (network/fictional.py).
MAGIC_NUMBERS: dict[str, Behaviour] = {
    "447700900900": _magic("delivers", delay_seconds=0.5),
    "447700900901": _magic(
        "absent-temporary", sms="expired", err_code=2, delay_seconds=2.0, reachable="absent"
    ),
    "447700900902": _magic("absent-permanent", sms="failed", err_code=3, reachable="absent"),
    "447700900903": _magic("barred", submit_status=7, sms="failed", err_code=4),
    "447700900904": _magic("opted-out", sms="failed", err_code=9),
    "447700900905": _magic("unreachable", sms="failed", err_code=12, reachable="undeliverable"),
    "447700900906": _magic(
        "roaming", roaming_country="FR", roaming_network="20801", delay_seconds=1.0
    ),
    "447700900907": _magic("ported", ported_network="23415"),
    "447700900908": _magic("slow", delay_seconds=60.0),
    "447700900909": _magic("rejected", sms="rejected", err_code=6),
    # voice calls (network/calls.py)
    "447700900910": _magic("call-busy", call="busy"),
    "447700900911": _magic("call-no-answer", call="no_answer"),
    "447700900912": _magic("call-voicemail", call="machine", answer_seconds=4.0),
    "447700900913": _magic("call-rejects", call="reject", answer_seconds=3.0),
    "447700900914": _magic("call-fails", call="fail"),
}


def _unicode(text: str) -> bool:
    """Encodable as UTF-8 (JSON allows lone surrogates; nothing downstream can store them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def validate(fields: dict[str, Any], base: Behaviour = DEFAULT) -> Behaviour:
    """A behaviour from JSON (the control API), with every problem named. Fields not given
    come from `base` (the default, or a named profile being copied)."""
    problems: list[InvalidParameter] = []
    known = {f.name: f for f in dataclasses.fields(Behaviour)}
    for name in fields:
        if name not in known:
            problems.append(InvalidParameter(name, "is not a behaviour field"))

    def check(name: str, ok: bool, reason: str) -> None:
        if name in fields and not ok:
            problems.append(InvalidParameter(name, reason))

    def number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    check("sms", fields.get("sms") in SMS_OUTCOMES, f"must be one of {SMS_OUTCOMES}")
    err = fields.get("err_code")
    check(
        "err_code",
        isinstance(err, int) and not isinstance(err, bool) and 0 <= err <= 99,
        "must be an integer 0-99",
    )
    delay: Any = fields.get("delay_seconds")
    check(
        "delay_seconds",
        number(delay) and 0 <= delay <= 7 * 86400,  # no float(): a 500-digit int overflows it
        "must be 0 to 604800 seconds",
    )
    check(
        "submit_status",
        fields.get("submit_status") in SUBMIT_STATUSES,
        f"must be one of {SUBMIT_STATUSES}",
    )
    check("reachable", fields.get("reachable") in REACHABILITY, f"must be one of {REACHABILITY}")
    for name, length in (("roaming_country", 2), ("roaming_network", 5), ("ported_network", 5)):
        value = fields.get(name)
        check(
            name,
            value is None or (isinstance(value, str) and len(value) >= length and value.isalnum()),
            "must be a code or null",
        )
    check(
        "valid",
        fields.get("valid") is None or isinstance(fields.get("valid"), bool),
        "must be true, false or null",
    )
    check(
        "message",
        fields.get("message") is None or fields.get("message") in MESSAGE_OUTCOMES,
        f"must be one of {MESSAGE_OUTCOMES} or null",
    )
    code = fields.get("message_error")
    check(
        "message_error",
        code is None
        or (isinstance(code, int) and not isinstance(code, bool) and code in MESSAGE_ERRORS),
        "must be a Messages error code (1000-1499) or null",
    )
    read_after: Any = fields.get("read_after_seconds")
    check(
        "read_after_seconds",
        read_after is None or (number(read_after) and 0 <= read_after <= 7 * 86400),
        "must be 0 to 604800 seconds or null",
    )
    check("channels", "channels" not in fields, "is set per channel (?channel=)")
    check("call", fields.get("call") in CALL_OUTCOMES, f"must be one of {CALL_OUTCOMES}")
    answer: Any = fields.get("answer_seconds")
    check(
        "answer_seconds",
        number(answer) and 0 <= answer <= 3600,
        "must be 0 to 3600 seconds",
    )
    label = fields.get("name")
    check(
        "name",
        isinstance(label, str) and 0 < len(label) <= 64 and _unicode(label),
        "must be a short string",
    )
    if problems:
        raise InvalidParameters("Invalid behaviour", invalid_parameters=problems)
    name = base.name if not fields else "custom"
    merged = {**base.to_json(), "name": name, **fields}
    if isinstance(merged.get("roaming_country"), str):
        merged["roaming_country"] = merged["roaming_country"].upper()
    return Behaviour(**merged)


PROFILES: dict[str, Behaviour] = {
    "default": DEFAULT,
    **{b.name: b for b in MAGIC_NUMBERS.values()},
}


def named(name: str) -> Behaviour | None:
    """A profile by name: `default` or a magic number's (`absent-temporary`, `slow`, ...)."""
    return PROFILES.get(name)


@dataclass(frozen=True)
class Effective:
    behaviour: Behaviour
    source: str  # set (through the control API) | magic | default
    updated_at: float | None = None


@lru_cache(maxsize=1024)
def _parsed(profile: str) -> Behaviour:
    """A stored profile's JSON as a Behaviour, memoised by its exact text: the row itself is
    read every time, so a changed profile is a different text (Behaviour is immutable)."""
    return Behaviour(**json.loads(profile))


def effective(tx: Tx, msisdn: str) -> Effective:
    stored = behaviour_state.profile(tx, msisdn)
    if stored is not None:
        profile, updated_at = stored
        return Effective(_parsed(profile), "set", updated_at)
    if msisdn in MAGIC_NUMBERS:
        return Effective(MAGIC_NUMBERS[msisdn], "magic")
    return Effective(DEFAULT, "default")


def behaviour_for(tx: Tx, msisdn: str, channel: str | None = None) -> Behaviour:
    """The handset's profile, as traffic on `channel` meets it (its overrides for it)."""
    return effective(tx, msisdn).behaviour.for_channel(channel)


def with_channel(base: Behaviour, channel: str, fields: dict[str, Any]) -> Behaviour:
    """`base` with `fields` (checked as `validate` checks them) as its overrides on `channel`,
    on top of those it had there; `{}` removes them."""
    if not fields:
        rest = {k: v for k, v in base.channels.items() if k != channel}
        return dataclasses.replace(base, channels=rest)
    given = {k: v for k, v in fields.items() if k != "name"}
    validate(given, base.for_channel(channel))
    merged = {**base.channels.get(channel, {}), **given}
    if isinstance(merged.get("roaming_country"), str):
        merged["roaming_country"] = merged["roaming_country"].upper()
    return dataclasses.replace(base, channels={**base.channels, channel: merged})


def set_behaviour(tx: Tx, msisdn: str, behaviour: Behaviour, now: float) -> None:
    behaviour_state.save(tx, msisdn, json.dumps(behaviour.to_json()), now)


def clear_behaviour(tx: Tx, msisdn: str) -> None:
    behaviour_state.clear(tx, msisdn)


# sms.yml x-errors, the statuses a handset can provoke at submission
SUBMIT_TEXTS = {
    0: "Success",
    6: "Invalid Message",
    7: "Number Barred",
    29: "Non-Whitelisted Destination",
    33: "Number De-activated",
}
# receipt err-codes (vonage-behaviours §3.4)
ERR_TEXTS = {
    0: "Delivered",
    1: "Unknown",
    2: "Absent Subscriber - Temporary",
    3: "Absent Subscriber - Permanent",
    4: "Call Barred by User",
    5: "Portability Error",
    6: "Anti-Spam Rejection",
    7: "Handset Busy",
    8: "Network Error",
    9: "Illegal Number",
    10: "Illegal Message",
    11: "Unroutable",
    12: "Destination Unreachable",
    13: "Subscriber Age Restriction",
    14: "Number Blocked by Carrier",
    15: "Prepaid Insufficient Funds",
    16: "Gateway Quota Exceeded",
    50: "Entity Filter",
    51: "Header Filter",
    52: "Content Filter",
    53: "Consent Filter",
    54: "Regulation Error",
    99: "General Error",
}


def explain(behaviour: Behaviour) -> dict[str, str]:
    """In words: what an SMS to such a handset does, and what Number Insight says of it."""
    b = behaviour
    if b.submit_status:
        text = SUBMIT_TEXTS.get(b.submit_status, "refused")
        sms = f"refused at submission: status {b.submit_status} ({text}); no receipt"
    else:
        err = ERR_TEXTS.get(b.err_code, "see the err-code table")
        sms = (
            f"accepted (status 0); receipt {b.sms}, err-code {b.err_code} ({err}), "
            f"after {b.delay_seconds:g} s"
        )
    valid = "from libphonenumber" if b.valid is None else str(b.valid).lower()
    roaming = "no"
    if b.roaming_country:
        roaming = b.roaming_country + (f" on {b.roaming_network}" if b.roaming_network else "")
    ported = f"to {b.ported_network}" if b.ported_network else "no"
    insight = f"reachable: {b.reachable}; valid: {valid}; roaming: {roaming}; ported: {ported}"
    return {"sms": sms, "number_insight": insight, "voice": explain_call(b)}


def explain_call(b: Behaviour) -> str:
    after = f"after {b.answer_seconds:g} s"
    return {
        "answer": f"answers {after}",
        "busy": "busy",
        "no_answer": "rings until the ringing_timer: timeout",
        "reject": f"declines {after}: rejected",
        "machine": f"voicemail answers {after}: machine",
        "fail": "failed: cannot_route",
    }.get(b.call, b.call)
