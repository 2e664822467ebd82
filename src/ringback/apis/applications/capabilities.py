"""What an application may do, per product: validated and normalised to the shape Vonage returns.

Sources, where they disagree:
- application.v2.yml (2.1.4) names the voice timeout `connection_timeout` and the TTL
  `conversation_ttl`; the live API, both official SDKs and the Python SDK's recorded responses
  use `connect_timeout` and `conversations_ttl`. Both spellings are accepted; the live one is
  stored and returned.
- `leg_persistence_time` is under `rtc` in the spec and under `voice` in the SDKs and recorded
  responses; it is accepted in both.
- `region`, `payment_enabled`, `messages.authenticate_inbound_media` and the `bulk` capability
  come from the SDKs (Python `vonage_application`, Node `@vonage/applications`), not the spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ringback.apis.applications.validation import (
    FieldCheck,
    Problems,
    as_object,
    boolean,
    integer,
    join,
    known_fields,
    one_of,
    text,
    url,
)

# Vonage's runtime defaults for voice webhooks (application.v2.yml); they are applied when a
# webhook is called, and not written into the application (the live API does not echo them).
ANSWER_SOCKET_TIMEOUT_MS = 5000
EVENT_SOCKET_TIMEOUT_MS = 10000

VOICE_REGIONS = ("na-east", "na-west", "eu-east", "eu-west", "apac-sng", "apac-australia")


@dataclass(frozen=True)
class Hook:
    methods: tuple[str, ...]
    default_method: str
    # voice webhooks only: the longest socket_timeout allowed (connect/socket timeouts allowed)
    socket_timeout_max: int | None = None


@dataclass(frozen=True)
class Capability:
    hooks: dict[str, Hook] | None
    fields: dict[str, FieldCheck] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)


def _gateways(value: Any, path: str, problems: Problems) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        problems.add(path, "must be an array")
        return None
    checks: dict[str, FieldCheck] = {
        "type": text(255),
        "credential": text(255),
        "mode": one_of("test", "live"),
    }
    gateways = []
    for index, item in enumerate(value):
        gateway = _fields(item, checks, f"{path}[{index}]", problems)
        if gateway is not None:
            gateways.append(gateway)
    return gateways


def _payments(value: Any, path: str, problems: Problems) -> dict[str, Any] | None:
    return _fields(value, {"gateways": _gateways}, path, problems)


def _fields(
    value: Any, checks: dict[str, FieldCheck], path: str, problems: Problems
) -> dict[str, Any] | None:
    obj = as_object(value, path, problems)
    if obj is None:
        return None
    known_fields(obj, checks, path, problems)
    out = {}
    for name, check in checks.items():
        if obj.get(name) is not None:
            checked = check(obj[name], join(path, name), problems)
            if checked is not None:
                out[name] = checked
    return out


ANSWER = Hook(("GET", "POST"), "GET", socket_timeout_max=ANSWER_SOCKET_TIMEOUT_MS)
EVENT = Hook(("GET", "POST"), "POST", socket_timeout_max=EVENT_SOCKET_TIMEOUT_MS)
POST_ONLY = Hook(("POST",), "POST")
GET_OR_POST = Hook(("GET", "POST"), "POST")
MEETINGS_HOOK = Hook(("GET", "POST", "PUT"), "POST")

CAPABILITIES: dict[str, Capability] = {
    "voice": Capability(
        hooks={"answer_url": ANSWER, "fallback_answer_url": ANSWER, "event_url": EVENT},
        fields={
            "signed_callbacks": boolean,
            # Python SDK: 1..9000; Node SDK: "0 means infinite"
            "conversations_ttl": integer(0, 9000),
            "leg_persistence_time": integer(1, 31),
            "region": one_of(*VOICE_REGIONS),
            "payment_enabled": boolean,
            "payments": _payments,
        },
        # signed by default for new applications (Vonage signed-webhooks docs); the TTL is 48 h
        # by default (spec); 7 days of leg persistence is what the live API returns
        defaults={"signed_callbacks": True, "conversations_ttl": 48, "leg_persistence_time": 7},
        aliases={"conversation_ttl": "conversations_ttl"},
    ),
    "rtc": Capability(
        hooks={"event_url": GET_OR_POST},
        fields={"signed_callbacks": boolean, "leg_persistence_time": integer(1, 31)},
    ),
    "messages": Capability(
        hooks={"inbound_url": POST_ONLY, "status_url": POST_ONLY},
        fields={"version": one_of("v1", "v0.1"), "authenticate_inbound_media": boolean},
        defaults={"version": "v1"},  # "If not populated will be set to v1"
    ),
    "verify": Capability(
        hooks={"status_url": POST_ONLY},
        fields={"version": one_of("v2")},
    ),
    "meetings": Capability(
        hooks={
            "room_changed": MEETINGS_HOOK,
            "session_changed": MEETINGS_HOOK,
            "recording_changed": MEETINGS_HOOK,
        },
    ),
    "bulk": Capability(hooks={"list_status_url": GET_OR_POST, "run_status_url": GET_OR_POST}),
    "vbc": Capability(hooks=None),  # "This is always an empty object"
}


def normalise_capabilities(value: Any, problems: Problems) -> dict[str, Any]:
    if value is None:
        return {}
    given = as_object(value, "capabilities", problems)
    if given is None:
        return {}
    known_fields(given, CAPABILITIES, "capabilities", problems)
    out: dict[str, Any] = {}
    for name, capability in CAPABILITIES.items():
        if given.get(name) is None:
            continue
        path = f"capabilities.{name}"
        block = as_object(given[name], path, problems)
        if block is not None:
            out[name] = _capability(capability, block, path, problems)
    return out


def _capability(
    capability: Capability, block: dict[str, Any], path: str, problems: Problems
) -> dict[str, Any]:
    allowed = {*capability.fields, *capability.aliases}
    if capability.hooks is not None:
        allowed.add("webhooks")
    known_fields(block, allowed, path, problems)
    out: dict[str, Any] = {}
    if capability.hooks is not None:
        out["webhooks"] = _webhooks(capability.hooks, block.get("webhooks"), path, problems)
    for name, check in capability.fields.items():
        spelling = _given_spelling(block, name, capability.aliases)
        if spelling is not None:
            checked = check(block[spelling], join(path, spelling), problems)
            if checked is not None:
                out[name] = checked
        elif name in capability.defaults:
            out[name] = capability.defaults[name]
    return out


def _given_spelling(block: dict[str, Any], name: str, aliases: dict[str, str]) -> str | None:
    """The key `name` was given under, its own spelling winning over an alias."""
    if block.get(name) is not None:
        return name
    for alias, canonical in aliases.items():
        if canonical == name and block.get(alias) is not None:
            return alias
    return None


def _webhooks(hooks: dict[str, Hook], value: Any, path: str, problems: Problems) -> dict[str, Any]:
    path = f"{path}.webhooks"
    if value is None:
        return {}
    block = as_object(value, path, problems)
    if block is None:
        return {}
    known_fields(block, hooks, path, problems)
    out = {}
    for name, hook in hooks.items():
        if block.get(name) is not None:
            webhook = _webhook(hook, block[name], f"{path}.{name}", problems)
            if webhook is not None:
                out[name] = webhook
    return out


def _webhook(hook: Hook, value: Any, path: str, problems: Problems) -> dict[str, Any] | None:
    obj = as_object(value, path, problems)
    if obj is None:
        return None
    allowed = {"address", "http_method"}
    if hook.socket_timeout_max is not None:
        allowed |= {"connect_timeout", "connection_timeout", "socket_timeout"}
    known_fields(obj, allowed, path, problems)
    out: dict[str, Any] = {}
    if obj.get("address") is None:
        problems.add(f"{path}.address", "is required")
    else:
        out["address"] = url(obj["address"], f"{path}.address", problems)
    method = obj.get("http_method")
    if method is None:
        out["http_method"] = hook.default_method
    else:
        out["http_method"] = one_of(*hook.methods)(method, f"{path}.http_method", problems)
    if hook.socket_timeout_max is not None:
        timeouts: dict[str, FieldCheck] = {
            "socket_timeout": integer(1000, hook.socket_timeout_max),
            "connect_timeout": integer(300, 1000),
        }
        for name, check in timeouts.items():
            spelling = _given_spelling(obj, name, {"connection_timeout": "connect_timeout"})
            if spelling is not None:
                out[name] = check(obj[spelling], f"{path}.{spelling}", problems)
    return out
