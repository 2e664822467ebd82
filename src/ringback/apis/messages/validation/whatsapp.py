"""WhatsApp: text (4096), image, audio, video, file, template, sticker, reaction and custom
(location, contacts, interactive buttons and lists... passed to WhatsApp as they are);
replies with `context`; the `whatsapp` options of a template (locale, policy)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ringback.apis.messages.validation import addresses, fields, media
from ringback.apis.messages.validation.fields import Problems
from ringback.apis.messages.validation.rules import ChannelRules

TEXT_LIMIT = 4096
CAPTION = (1, 3000)  # image captions (OutboundWhatsAppImage)
POLICIES = ("deterministic",)
REACTIONS = ("react", "unreact")
# custom payloads Ringback looks into: the member each `type` needs, and its JSON type
CUSTOM_MEMBERS: dict[str, type] = {
    "location": dict,
    "contacts": list,
    "interactive": dict,
    "template": dict,
}


def template(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    found = fields.obj(document, "template", "template", problems, required=True)
    if found is not None:
        fields.text(found, "name", "template.name", problems, required=True)
        fields.strings(found, "parameters", "template.parameters", problems)
    return {"template": found}


def sticker(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    found = fields.obj(document, "sticker", "sticker", problems, required=True)
    if found is None:
        return {"sticker": None}
    if ("url" in found) == ("id" in found):
        problems.add("sticker", "Must have either `url` or `id`.")
    elif "url" in found:
        fields.url(found, "url", "sticker.url", problems)
    else:
        fields.text(found, "id", "sticker.id", problems, required=True)
    return {"sticker": found}


def reaction(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    found = fields.obj(document, "reaction", "reaction", problems, required=True)
    if found is not None:
        action = fields.choice(
            found, "action", "reaction.action", problems, REACTIONS, required=True
        )
        if action == "react":
            fields.text(found, "emoji", "reaction.emoji", problems, required=True)
    if document.get("context") is None:
        problems.add("context", fields.REQUIRED)
    return {"reaction": found}


def custom(document: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    found = fields.obj(document, "custom", "custom", problems)
    if found is None:
        return {"custom": {}}
    kind = found.get("type")
    if kind is None:
        return {"custom": found}
    if not isinstance(kind, str):
        problems.add("custom.type", fields.A_STRING)
        return {"custom": found}
    needed = CUSTOM_MEMBERS.get(kind)
    member = found.get(kind)
    if needed is None:
        return {"custom": found}
    if member is None:
        problems.add(f"custom.{kind}", fields.REQUIRED)
    elif needed is list and not isinstance(member, list):
        problems.add(f"custom.{kind}", fields.AN_ARRAY)
    elif needed is dict and not isinstance(member, dict):
        problems.add(f"custom.{kind}", fields.AN_OBJECT)
    elif kind == "location" and isinstance(member, dict):
        for key in ("latitude", "longitude"):
            value = member.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                problems.add(f"custom.location.{key}", "Must be a number.")
    elif kind == "interactive" and isinstance(member, dict):
        fields.text(member, "type", "custom.interactive.type", problems, required=True)
    return {"custom": found}


def options(document: Mapping[str, Any], message_type: str, problems: Problems) -> dict[str, Any]:
    is_template = message_type == "template"
    found = fields.obj(document, "whatsapp", "whatsapp", problems)
    if found is None:
        if is_template:
            problems.add("whatsapp.locale", fields.REQUIRED)
        return {}
    fields.text(found, "locale", "whatsapp.locale", problems, required=is_template)
    fields.choice(found, "policy", "whatsapp.policy", problems, POLICIES)
    return found


RULES = ChannelRules(
    channel="whatsapp",
    types={
        "text": media.text(TEXT_LIMIT),
        "image": media.media("image", caption=CAPTION),
        "audio": media.media("audio"),
        "video": media.media("video", caption=True),
        "file": media.media("file", caption=True, name_limit=True),
        "template": template,
        "sticker": sticker,
        "reaction": reaction,
        "custom": custom,
    },
    recipient=addresses.whatsapp_recipient,
    sender=addresses.e164,
    options=options,
    replies=True,
)
