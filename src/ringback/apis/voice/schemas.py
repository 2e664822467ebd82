"""Reading Voice requests (voice_local_fixed.json 1.6.1, and what the Python SDK sends):
every problem is collected and named by its field, so one 400 lists them all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ringback.core.errors import InvalidParameter, InvalidParameters
from ringback.core.json_input import non_finite_paths
from ringback.core.request_params import RequestParams
from ringback.core.web_urls import BadUrl, check_web_url
from ringback.ncco import NccoInvalid, validate_json

STATUSES = (
    "started", "ringing", "answered", "machine", "completed", "busy", "cancelled", "failed",
    "rejected", "timeout", "unanswered",
)  # fmt: skip
ENDPOINT_TYPES = ("phone", "sip", "websocket", "vbc", "app")
PHONE = re.compile(r"^[1-9]\d{6,14}$")  # the SDK's PhoneNumber: 7-15 digits, no leading 0
DTMF = re.compile(r"^[0-9*#p]+$")
RINGING_TIMER = (1, 120)
LENGTH_TIMER = (1, 86400)  # 7200 in voice.yml 1.3.10, 86400 in 1.6.1: the newer spec


class Problems:
    def __init__(self) -> None:
        self.items: list[InvalidParameter] = []

    def add(self, name: str, reason: str) -> None:
        self.items.append(InvalidParameter(name, reason))

    def raise_any(self) -> None:
        if self.items:
            raise InvalidParameters("The request failed due to validation errors",
                                    invalid_parameters=self.items)  # fmt: skip


@dataclass(frozen=True)
class CreateCall:
    to: dict[str, Any]
    from_: dict[str, Any] | None
    random_from_number: bool
    ncco: list[dict[str, Any]] | None
    answer_url: str | None
    answer_method: str
    event_url: str | None
    event_method: str
    ringing_timer: int
    length_timer: int
    machine_detection: str | None


def _endpoint(value: Any, name: str, problems: Problems) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        problems.add(name, "must be an endpoint object")
        return None
    kind = value.get("type")
    if kind not in ENDPOINT_TYPES:
        problems.add(f"{name}.type", f"must be one of {', '.join(ENDPOINT_TYPES)}")
        return None
    field = {"phone": "number", "sip": "uri", "websocket": "uri", "vbc": "extension",
             "app": "user"}[kind]  # fmt: skip
    address = value.get(field)
    if not isinstance(address, str) or not address:
        problems.add(f"{name}.{field}", "is required")
        return None
    if kind == "phone" and not PHONE.match(address.lstrip("+")):
        problems.add(f"{name}.number", "must be an E.164 number of 7 to 15 digits")
    if kind == "sip" and not address.startswith(("sip:", "sips:")):
        problems.add(f"{name}.uri", "must start with sip: or sips:")
    if kind == "websocket" and not address.startswith(("ws://", "wss://")):
        problems.add(f"{name}.uri", "must be a ws:// or wss:// URL")
    if kind == "phone":
        dtmf = value.get("dtmfAnswer")
        if dtmf is not None and (not isinstance(dtmf, str) or not DTMF.match(dtmf)):
            problems.add(f"{name}.dtmfAnswer", "must be digits, *, # and p")
        return {**value, "number": address.lstrip("+")}
    return dict(value)


def _url_list(value: Any, name: str, problems: Problems) -> str | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 1 or not isinstance(value[0], str):
        problems.add(name, "must be an array of one URL")
        return None
    try:
        return check_web_url(value[0])
    except BadUrl as bad:
        problems.add(name, f"is not a URL Ringback can call ({bad})")
        return None


def _method(value: Any, name: str, default: str, problems: Problems) -> str:
    if value is None:
        return default
    if not isinstance(value, str) or value.upper() not in ("GET", "POST"):
        problems.add(name, "must be GET or POST")
        return default
    return value.upper()


def _integer(value: Any, name: str, default: int, bounds: tuple[int, int], p: Problems) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        p.add(name, "must be an integer")
        return default
    if not bounds[0] <= value <= bounds[1]:
        p.add(name, f"must be from {bounds[0]} to {bounds[1]}")
        return default
    return value


def ncco_problems(ncco: Any, name: str, problems: Problems) -> list[dict[str, Any]] | None:
    try:
        return validate_json(ncco)
    except NccoInvalid as invalid:
        for reason in invalid.reasons:
            problems.add(name, reason)
        return None


def create_call(params: RequestParams) -> CreateCall:
    body = params.json_body if isinstance(params.json_body, dict) else None
    if body is None:
        raise InvalidParameters("The request body must be a JSON object")
    p = Problems()
    for path in non_finite_paths({k: v for k, v in body.items() if k != "ncco"}):
        p.add(path.lstrip("."), "must be a finite number")
    to_list = body.get("to")
    to = None
    if not isinstance(to_list, list) or len(to_list) != 1:
        p.add("to", "must be an array of one endpoint")
    else:
        to = _endpoint(to_list[0], "to[0]", p)
    random_from = body.get("random_from_number", False)
    if not isinstance(random_from, bool):
        p.add("random_from_number", "must be a boolean")
        random_from = False
    from_ = None
    if "from" in body:
        from_ = _endpoint(body["from"], "from", p)
        if random_from:
            p.add("from", "cannot be given with random_from_number")
    elif not random_from:
        p.add("from", "is required unless random_from_number is true")
    ncco = None
    answer_url = _url_list(body.get("answer_url"), "answer_url", p)
    if "ncco" in body:
        ncco = ncco_problems(body["ncco"], "ncco", p)
        if "answer_url" in body:
            p.add("answer_url", "cannot be given with ncco")
    elif answer_url is None and "answer_url" not in body:
        p.add("ncco", "ncco or answer_url is required")
    machine = body.get("machine_detection")
    if machine is not None and machine not in ("continue", "hangup"):
        p.add("machine_detection", "must be continue or hangup")
    # read before raise_any: a bad timer or method is a 400, not its default
    call = CreateCall(
        to=to or {},
        from_=from_,
        random_from_number=random_from,
        ncco=ncco,
        answer_url=answer_url,
        answer_method=_method(body.get("answer_method"), "answer_method", "GET", p),
        event_url=_url_list(body.get("event_url"), "event_url", p),
        event_method=_method(body.get("event_method"), "event_method", "POST", p),
        ringing_timer=_integer(body.get("ringing_timer"), "ringing_timer", 60, RINGING_TIMER, p),
        length_timer=_integer(body.get("length_timer"), "length_timer", 7200, LENGTH_TIMER, p),
        machine_detection=machine,
    )
    p.raise_any()
    assert to is not None
    return call


# --- listing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListCalls:
    status: str | None
    date_start: float | None
    date_end: float | None
    conversation_uuid: str | None
    page_size: int
    record_index: int
    order: str


def _time(value: str | None, name: str, p: Problems) -> float | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        p.add(name, "must be an ISO 8601 time")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _query_int(value: str | None, name: str, default: int, low: int, high: int, p: Problems) -> int:
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        p.add(name, f"must be an integer from {low} to {high}")
        return default
    return int(value)


def list_calls(params: RequestParams) -> ListCalls:
    p = Problems()
    status = params.text("status")
    if status is not None and status not in STATUSES:
        p.add("status", f"must be one of {', '.join(STATUSES)}")
    order = params.text("order") or "asc"
    if order not in ("asc", "desc"):
        p.add("order", "must be asc or desc")
    conversation = params.text("conversation_uuid")
    if conversation is not None and "\x00" in conversation:  # PostgreSQL's text cannot hold it
        p.add("conversation_uuid", "must not contain NUL")
    result = ListCalls(
        status=status,
        date_start=_time(params.text("date_start"), "date_start", p),
        date_end=_time(params.text("date_end"), "date_end", p),
        conversation_uuid=conversation,
        page_size=_query_int(params.text("page_size"), "page_size", 10, 1, 100, p),
        record_index=_query_int(params.text("record_index"), "record_index", 0, 0, 10**9, p),
        order=order,
    )
    p.raise_any()
    return result


# --- modifying a call -----------------------------------------------------------------------


@dataclass(frozen=True)
class Modify:
    action: str
    ncco: list[dict[str, Any]] | None = None
    url: str | None = None


ACTIONS = ("hangup", "mute", "unmute", "earmuff", "unearmuff", "transfer")


def modify(params: RequestParams) -> Modify:
    body = params.json_body if isinstance(params.json_body, dict) else None
    if body is None:
        raise InvalidParameters("The request body must be a JSON object")
    p = Problems()
    action = body.get("action")
    if action not in ACTIONS:
        p.add("action", f"must be one of {', '.join(ACTIONS)}")
        p.raise_any()
    if action != "transfer":
        return Modify(str(action))
    destination = body.get("destination")
    if not isinstance(destination, dict) or destination.get("type") != "ncco":
        p.add("destination", 'must be {"type": "ncco", "ncco": [...]} or {"type": "ncco", '
              '"url": [...]}')  # fmt: skip
        p.raise_any()
    assert isinstance(destination, dict)
    if "ncco" in destination:
        ncco = ncco_problems(destination["ncco"], "destination.ncco", p)
        p.raise_any()
        return Modify("transfer", ncco=ncco)
    url = _url_list(destination.get("url"), "destination.url", p)
    if url is None:
        p.add("destination", "needs an ncco or a url")
    p.raise_any()
    return Modify("transfer", url=url)


@dataclass(frozen=True)
class Talk:
    text: str
    language: str
    loop: int
    style: int = 0
    premium: bool = False
    level: float = 0.0


LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def _level(value: Any, p: Problems) -> float:
    """-1..1; the spec types it as a string ("0.4", what the Node SDK sends), the Python SDK
    sends a number: both are taken."""
    if value is None:
        return 0.0
    try:
        level = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        level = None
    if level is None or not -1.0 <= level <= 1.0:
        p.add("level", "must be a number from -1 to 1")
        return 0.0
    return level


def talk(params: RequestParams) -> Talk:
    body = params.json_body if isinstance(params.json_body, dict) else {}
    p = Problems()
    text = body.get("text")
    if not isinstance(text, str) or not text or len(text) > 1500:
        p.add("text", "is required, at most 1500 characters")
    language = body.get("language", "en-US")
    if not isinstance(language, str) or not LANGUAGE.match(language):
        p.add("language", "must be a language tag")
    loop = _integer(body.get("loop"), "loop", 1, (0, 1000), p)
    style = _integer(body.get("style"), "style", 0, (0, 100), p)
    premium = body.get("premium", False)
    if not isinstance(premium, bool):
        p.add("premium", "must be a boolean")
    level = _level(body.get("level"), p)
    p.raise_any()
    return Talk(str(text), str(language), loop, style, bool(premium), level)


@dataclass(frozen=True)
class Stream:
    url: str
    loop: int = 1
    level: float = 0.0


def stream(params: RequestParams) -> Stream:
    body = params.json_body if isinstance(params.json_body, dict) else {}
    p = Problems()
    url = _url_list(body.get("stream_url"), "stream_url", p)
    if url is None and not p.items:
        p.add("stream_url", "is required")
    loop = _integer(body.get("loop"), "loop", 1, (0, 1000), p)
    level = _level(body.get("level"), p)
    p.raise_any()
    assert url is not None
    return Stream(url, loop, level)


def dtmf_listener(params: RequestParams) -> str:
    """PUT input/dtmf: `{"event_url": ["https://..."]}` (voice_local_fixed.json)."""
    body = params.json_body if isinstance(params.json_body, dict) else {}
    p = Problems()
    url = _url_list(body.get("event_url"), "event_url", p)
    if url is None and not p.items:
        p.add("event_url", "is required")
    p.raise_any()
    assert url is not None
    return url


def dtmf(params: RequestParams) -> str:
    body = params.json_body if isinstance(params.json_body, dict) else {}
    digits = body.get("digits")
    if not isinstance(digits, str) or not DTMF.match(digits):
        raise InvalidParameters(
            "The request failed due to validation errors",
            invalid_parameters=[InvalidParameter("digits", "must be digits, *, # and p")],
        )
    return digits
