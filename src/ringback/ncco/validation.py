"""Validating an NCCO: Vonage's published schema, extended with what it misses.

`data/ncco-schema.json` is Vonage's `ncco-schema.json` (Nexmo/api-specification, MIT), copied
unchanged. It predates `notify`, `wait`, `transfer`, the `app` and `vbc` endpoints, `input`'s
`type`/`dtmf`/`speech` objects and several newer options, so `_extended` patches a copy in
memory. Each action is checked against its own definition (chosen by `action`), which gives one
precise reason per mistake instead of the schema's `oneOf` over every action.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft4Validator

from ringback.core.json_input import non_finite_paths
from ringback.ncco.actions import Action, Json, parse_action

BCP47 = r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"
PHONE = r"^[1-9][0-9]{6,14}$"  # E.164 digits; the schema says 10-15, the SDKs send 7-15
EVENT_URL = {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^https?://"}}
METHOD = {"type": "string", "enum": ["GET", "POST"]}
URL_OR_URLS = {
    "oneOf": [
        {"type": "string", "pattern": "^https?://"},
        {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^https?://"}},
    ]
}
LEG_IDS = {"type": "array", "items": {"type": "string"}}


class NccoInvalid(ValueError):
    """The NCCO is not one Vonage would run; `reasons` says why, one line per mistake."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _action(*properties: tuple[str, Any], required: tuple[str, ...] = ()) -> Json:
    return {
        "type": "object",
        "properties": dict(properties),
        "required": ["action", *required],
    }


def _extended() -> Json:
    text = resources.files("ringback.data").joinpath("ncco-schema.json").read_text()
    schema: Json = json.loads(text)
    defs: Json = copy.deepcopy(schema["definitions"])

    def props(name: str) -> Json:
        result: Json = defs[name]["allOf"][1]["properties"]
        return result

    talk = props("ncco-talk")
    talk["language"] = {"type": "string", "pattern": BCP47}
    talk["level"] = {"type": "number", "minimum": -1, "maximum": 1}
    talk["premium"] = {"type": "boolean"}
    talk["text"]["minLength"] = 1

    stream = props("ncco-stream")
    stream["streamUrl"].update(minItems=1, maxItems=1)

    record = props("ncco-record")
    record["format"] = {"enum": ["mp3", "wav", "ogg"]}
    record["channels"] = {"type": "integer", "minimum": 1, "maximum": 32}

    conversation = props("ncco-conversation")
    conversation["name"] = {"type": "string", "minLength": 1}
    conversation["musicOnHoldUrl"] = URL_OR_URLS
    conversation.update(canHear=LEG_IDS, canSpeak=LEG_IDS, mute={"type": "boolean"})

    inp = props("ncco-input")
    inp["type"] = {
        "type": "array",
        "minItems": 1,
        "uniqueItems": True,
        "items": {"enum": ["dtmf", "speech"]},
    }
    inp["timeOut"] = {"type": "number", "minimum": 0, "maximum": 10}
    inp["maxDigits"] = {"type": "integer", "minimum": 1, "maximum": 20}
    inp["dtmf"] = {
        "type": "object",
        "properties": {
            "timeOut": {"type": "number", "minimum": 0, "maximum": 10},
            "maxDigits": {"type": "integer", "minimum": 1, "maximum": 20},
            "submitOnHash": {"type": "boolean"},
        },
    }
    inp["speech"] = {
        "type": "object",
        "properties": {
            "uuid": LEG_IDS,
            "endOnSilence": {"type": "number", "minimum": 0.4, "maximum": 10},
            "language": {"type": "string", "pattern": BCP47},
            "context": {"type": "array", "items": {"type": "string"}},
            "startTimeout": {"type": "number", "minimum": 1, "maximum": 60},
            "maxDuration": {"type": "number", "minimum": 1, "maximum": 60},
            "saveAudio": {"type": "boolean"},
            "sensitivity": {"type": "integer", "minimum": 0, "maximum": 100},
        },
    }
    inp["mode"] = {"enum": ["synchronous", "asynchronous"]}
    defs["ncco-input"]["allOf"][1]["required"] = ["type"]

    connect = props("ncco-connect")
    connect["endpoint"].update(minItems=1, maxItems=1, items={"type": "object"})
    connect["randomFromNumber"] = {"type": "boolean"}
    connect["ringbackTone"] = URL_OR_URLS
    connect["advancedMachineDetection"] = {
        "type": "object",
        "properties": {
            "behavior": {"enum": ["continue", "hangup"]},
            "mode": {"enum": ["default", "detect", "detect_beep"]},
            "beep_timeout": {"type": "integer", "minimum": 45, "maximum": 120},
        },
    }
    phone = defs["endpoint-phone"]["allOf"][1]["properties"]
    phone["number"] = {"type": "string", "pattern": PHONE}
    phone["onAnswer"] = {
        "type": "object",
        "properties": {"url": {"type": "string", "pattern": "^https?://"}},
        "required": ["url"],
    }
    websocket = defs["endpoint-websocket"]["allOf"][1]["properties"]
    websocket["content-type"] = {
        "enum": ["audio/l16;rate=8000", "audio/l16;rate=16000", "audio/l16;rate=24000"]
    }
    defs["endpoint-app"] = {
        "properties": {"type": {"enum": ["app"]}, "user": {"type": "string", "minLength": 1}},
        "required": ["type", "user"],
    }
    defs["endpoint-vbc"] = {
        "properties": {"type": {"enum": ["vbc"]}, "extension": {"type": "string"}},
        "required": ["type", "extension"],
    }

    for name in ("ncco-input", "ncco-record", "ncco-conversation", "ncco-connect"):
        props(name)["eventUrl"] = EVENT_URL
        props(name)["eventMethod"] = METHOD

    defs["ncco-notify"] = _action(
        ("payload", {"type": "object"}),
        ("eventUrl", EVENT_URL),
        ("eventMethod", METHOD),
        required=("payload", "eventUrl"),
    )
    # the SDK clamps timeout into 0.1-7200 before sending; Vonage does the same with others
    defs["ncco-wait"] = _action(("timeout", {"type": "number"}))
    defs["ncco-transfer"] = _action(
        ("conversationId", {"type": "string", "minLength": 1}),
        ("canHear", LEG_IDS),
        ("canSpeak", LEG_IDS),
        ("mute", {"type": "boolean"}),
        required=("conversationId",),
    )
    for definition in defs.values():
        if "allOf" in definition:
            definition["type"] = "object"
    return {"definitions": defs}


ACTIONS = (
    "talk",
    "stream",
    "input",
    "record",
    "conversation",
    "connect",
    "notify",
    "wait",
    "transfer",
)
ENDPOINTS = ("phone", "websocket", "sip", "app", "vbc")


@cache
def _validator(definition: str) -> Draft4Validator:
    schema = {**_extended(), "$ref": f"#/definitions/{definition}"}
    return Draft4Validator(schema)


def _schema_errors(definition: str, value: object, where: str) -> Iterator[str]:
    errors = sorted(_validator(definition).iter_errors(value), key=lambda e: list(e.path))
    for error in errors:
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
        yield f"{where}{path}: {error.message}"


def _endpoint_errors(action: Json, where: str) -> Iterator[str]:
    endpoints = action.get("endpoint")
    if not isinstance(endpoints, list):
        return
    for n, endpoint in enumerate(endpoints):
        at = f"{where}.endpoint[{n}]"
        kind = endpoint.get("type") if isinstance(endpoint, dict) else None
        if kind not in ENDPOINTS:
            yield f"{at}.type: must be one of {', '.join(ENDPOINTS)}"
            continue
        yield from _schema_errors(f"endpoint-{kind}", endpoint, at)


def _rule_errors(ncco: list[Json]) -> Iterator[str]:
    """What the docs say and no schema can: rules across options and across actions."""
    for n, action in enumerate(ncco):
        where = f"[{n}] {action['action']}"
        if action.get("mute") and action.get("canSpeak"):
            yield f"{where}: mute cannot be combined with canSpeak"
        if action.get("randomFromNumber") and "from" in action:
            yield f"{where}: from cannot be combined with randomFromNumber"
        if action["action"] == "input" and action.get("mode") == "asynchronous":
            if action.get("type") != ["dtmf"]:
                yield f'{where}: mode asynchronous takes type ["dtmf"] only'
            if any(k in action for k in ("dtmf", "timeOut", "maxDigits", "submitOnHash")):
                yield f"{where}: with mode asynchronous the DTMF settings must be left out"
        if action["action"] == "talk" and action.get("bargeIn"):
            following = next(
                (a for a in ncco[n + 1 :] if a["action"] not in ("talk", "stream")), None
            )
            if following is not None and following["action"] != "input":
                yield f"{where}: with bargeIn the next non-talk action must be input"


def validate_json(ncco: object) -> list[Json]:
    """The NCCO as JSON actions, or NccoInvalid with every reason found."""
    if not isinstance(ncco, list) or not ncco:
        raise NccoInvalid(["an NCCO is a non-empty array of actions"])
    reasons: list[str] = []
    for n, action in enumerate(ncco):
        if not isinstance(action, dict):
            reasons.append(f"[{n}]: an action is an object")
            continue
        name = action.get("action")
        if name is None:
            reasons.append(f"[{n}]: missing action")
            continue
        if name not in ACTIONS:
            reasons.append(f"[{n}]: unknown action {name!r}")
            continue
        where = f"[{n}] {name}"
        reasons.extend(_schema_errors(f"ncco-{name}", action, where))
        reasons.extend(
            f"{where}{path}: must be a finite number" for path in non_finite_paths(action)
        )
        if name == "connect":
            reasons.extend(_endpoint_errors(action, where))
    if not reasons:
        reasons.extend(_rule_errors(ncco))
    if reasons:
        raise NccoInvalid(reasons)
    return list(ncco)


def validate(ncco: object) -> list[Action]:
    """The NCCO as typed actions, or NccoInvalid with every reason found."""
    return [parse_action(action) for action in validate_json(ncco)]
