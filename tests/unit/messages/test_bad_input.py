"""The bad-input table: each body and the exact 422 problem Vonage's wording gives it
(`instance` is the endpoint's). Nothing raises but `MessageInvalid`."""

from __future__ import annotations

from typing import Any

import pytest

from ringback.apis.messages.request import MessageInvalid
from ringback.apis.messages.validation import read_message

from .bodies import GOOD, URL, UUID, body

BASE = "https://developer.vonage.com/api-errors/messages#"
PARAMS = "The value of one or more parameters is invalid."
E164 = (
    "Must be a number in E.164 format without a leading `+` or `00`, 7 to 15 digits "
    "starting with the country code, e.g. 447700900000."
)


def problem(code: int, title: str, detail: str, *bad: tuple[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {"type": f"{BASE}{code}", "title": title, "detail": detail}
    if bad:
        found["invalid_parameters"] = [{"name": n, "reason": r} for n, r in bad]
    return found


def channel(*bad: tuple[str, str]) -> dict[str, Any]:
    detail = "The channel specified in the request is not supported."
    return problem(1400, "Unsupported channel", detail, *bad)


def message_type(*bad: tuple[str, str]) -> dict[str, Any]:
    detail = "The message type specified in the request is not supported for the given channel."
    return problem(1440, "Invalid message type", detail, *bad)


def recipient(*bad: tuple[str, str]) -> dict[str, Any]:
    detail = "The `to` parameter is invalid for the given channel."
    return problem(1430, "Invalid recipient", detail, *bad)


def sender(*bad: tuple[str, str]) -> dict[str, Any]:
    detail = "The `from` parameter is invalid for the given channel."
    return problem(1420, "Invalid sender", detail, *bad)


def client_ref(*bad: tuple[str, str]) -> dict[str, Any]:
    detail = "The client reference can be a string of up to 100 characters."
    return problem(1450, "Invalid client reference", detail, *bad)


def params(*bad: tuple[str, str]) -> dict[str, Any]:
    return problem(1150, "Invalid params", PARAMS, *bad)


def options(*bad: tuple[str, str]) -> dict[str, Any]:
    return problem(1410, "Invalid channel parameters", PARAMS, *bad)


CHANNELS = "Must be one of `sms`, `mms`, `whatsapp`, `messenger`, `viber_service` or `rcs`."
SMS_TEXT = GOOD["sms text"]
WA_TEXT = GOOD["whatsapp text"]

BAD: dict[str, tuple[Any, dict[str, Any]]] = {
    # the body and the channel
    "not an object": ([SMS_TEXT], params(("body", "Must be a JSON object."))),
    "a string": ("hello", params(("body", "Must be a JSON object."))),
    "no channel": ({"message_type": "text", "text": "x"}, channel(("channel", "is required."))),
    "unknown channel": ({**SMS_TEXT, "channel": "telegram"}, channel(("channel", CHANNELS))),
    "channel not a string": ({**SMS_TEXT, "channel": ["sms"]}, channel(("channel", CHANNELS))),
    "channel in capitals": ({**SMS_TEXT, "channel": "SMS"}, channel(("channel", CHANNELS))),
    # message types per channel
    "no message_type": (
        {k: v for k, v in SMS_TEXT.items() if k != "message_type"},
        message_type(("message_type", "is required.")),
    ),
    "image on sms": (
        body("sms", "image", image={"url": URL}),
        message_type(("message_type", "Must be `text` on the `sms` channel.")),
    ),
    "template on mms": (
        body("mms", "template", template={"name": "x"}),
        message_type(
            (
                "message_type",
                "Must be one of `text`, `image`, `vcard`, `audio`, `video`, `file` or `content` "
                "on the `mms` channel.",
            )
        ),
    ),
    "sticker on messenger": (
        body("messenger", "sticker", sticker={"url": URL}),
        message_type(
            (
                "message_type",
                "Must be one of `text`, `image`, `audio`, `video` or `file` on the `messenger` "
                "channel.",
            )
        ),
    ),
    "audio on viber": (
        body("viber_service", "audio", audio={"url": URL}),
        message_type(
            (
                "message_type",
                "Must be one of `text`, `image`, `video` or `file` on the `viber_service` channel.",
            )
        ),
    ),
    "vcard on rcs": (
        body("rcs", "vcard", vcard={"url": URL}),
        message_type(
            (
                "message_type",
                "Must be one of `text`, `image`, `video`, `file`, `custom`, `card` or `carousel` "
                "on the `rcs` channel.",
            )
        ),
    ),
    "card on whatsapp": (
        body("whatsapp", "card", card={}),
        message_type(
            (
                "message_type",
                "Must be one of `text`, `image`, `audio`, `video`, `file`, `template`, `sticker`, "
                "`reaction` or `custom` on the `whatsapp` channel.",
            )
        ),
    ),
    "message_type a number": (
        {**SMS_TEXT, "message_type": 1},
        message_type(("message_type", "Must be `text` on the `sms` channel.")),
    ),
    # to and from
    "no to": ({k: v for k, v in SMS_TEXT.items() if k != "to"}, recipient(("to", "is required."))),
    "to with +": ({**SMS_TEXT, "to": "+447700900000"}, recipient(("to", E164))),
    "to with 00": ({**SMS_TEXT, "to": "00447700900000"}, recipient(("to", E164))),
    "to too short": ({**WA_TEXT, "to": "447700"}, recipient(("to", E164))),
    "to too long": ({**GOOD["rcs text"], "to": "4477009000001234"}, recipient(("to", E164))),
    "to a number": ({**SMS_TEXT, "to": 447700900000}, recipient(("to", "Must be a string."))),
    "viber to not a number": (
        {**GOOD["viber text"], "to": "my-friend"},
        recipient(("to", E164)),
    ),
    "messenger to too long": (
        {**GOOD["messenger text"], "to": "1" * 51},
        recipient(("to", "Must be an id of 1 to 50 characters.")),
    ),
    "messenger to empty": (
        {**GOOD["messenger text"], "to": ""},
        recipient(("to", "Must be an id of 1 to 50 characters.")),
    ),
    "no from": (
        {k: v for k, v in SMS_TEXT.items() if k != "from"},
        sender(("from", "is required.")),
    ),
    "sms from with +": ({**SMS_TEXT, "from": "+447700900001"}, sender(("from", E164))),
    "sms from with 00": ({**SMS_TEXT, "from": "00447700900001"}, sender(("from", E164))),
    "sms alphanumeric sender too long": (
        {**SMS_TEXT, "from": "ThisIsTooLong"},
        sender(
            (
                "from",
                "Must be a number in E.164 format without a leading `+` or `00`, or an "
                "alphanumeric sender id of up to 11 characters.",
            )
        ),
    ),
    "whatsapp from with +": ({**WA_TEXT, "from": "+447700900001"}, sender(("from", E164))),
    "mms from not a number": (
        {**GOOD["mms text"], "from": "Acme"},
        sender(("from", E164)),
    ),
    "rcs agent with a space": (
        {**GOOD["rcs text"], "from": "My Agent"},
        sender(
            (
                "from",
                "Must be the RCS agent's sender id: letters, digits, `-`, `_` or `&`, no spaces.",
            )
        ),
    ),
    "viber from an object": (
        {**GOOD["viber text"], "from": {"id": "x"}},
        sender(("from", "Must be a string.")),
    ),
    # client_ref
    "client_ref over 100": (
        {**SMS_TEXT, "client_ref": "x" * 101},
        client_ref(("client_ref", "Must be a string of up to 100 characters.")),
    ),
    "client_ref a number": (
        {**SMS_TEXT, "client_ref": 12},
        client_ref(("client_ref", "Must be a string of up to 100 characters.")),
    ),
    # channel options
    "sms encoding_type unknown": (
        {**SMS_TEXT, "sms": {"encoding_type": "binary"}},
        options(("sms.encoding_type", "Must be one of `text`, `unicode` or `auto`.")),
    ),
    "sms options not an object": (
        {**SMS_TEXT, "sms": "unicode"},
        options(("sms", "Must be an object.")),
    ),
    "sms ids not strings": (
        {**SMS_TEXT, "sms": {"content_id": 1, "entity_id": None, "pool_id": ["p"]}},
        options(("sms.content_id", "Must be a string."), ("sms.pool_id", "Must be a string.")),
    ),
    "messenger category unknown": (
        {**GOOD["messenger text"], "messenger": {"category": "promo"}},
        options(("messenger.category", "Must be one of `response`, `update` or `message_tag`.")),
    ),
    "messenger message_tag without a tag": (
        {**GOOD["messenger text"], "messenger": {"category": "message_tag"}},
        options(("messenger.tag", "is required.")),
    ),
    "viber options": (
        {
            **GOOD["viber text"],
            "viber_service": {
                "category": "marketing",
                "ttl": 10,
                "type": "card",
                "action": {"url": "ftp://x", "text": "x" * 31},
            },
        },
        options(
            ("viber_service.category", "Must be one of `transaction` or `promotion`."),
            ("viber_service.ttl", "Must be an integer between 30 and 259200."),
            ("viber_service.type", "Must be one of `string` or `template`."),
            ("viber_service.action.url", "Must be an http or https URL."),
            ("viber_service.action.text", "Must be at most 30 characters."),
        ),
    ),
    "viber video without duration and size": (
        body("viber_service", "video", video={"url": URL, "thumb_url": URL}),
        options(("viber_service", "is required.")),
    ),
    "viber video duration out of range": (
        body(
            "viber_service",
            "video",
            video={"url": URL, "thumb_url": URL},
            viber_service={"duration": "601", "file_size": "0"},
        ),
        options(
            ("viber_service.duration", "Must be a whole number between 1 and 600."),
            ("viber_service.file_size", "Must be a whole number between 1 and 200."),
        ),
    ),
    "whatsapp template without whatsapp": (
        body("whatsapp", "template", template={"name": "ns:x"}),
        options(("whatsapp.locale", "is required.")),
    ),
    "whatsapp policy fallback": (
        {**GOOD["whatsapp template"], "whatsapp": {"locale": "en", "policy": "fallback"}},
        options(("whatsapp.policy", "Must be `deterministic`.")),
    ),
    "rcs category unknown": (
        {**GOOD["rcs text"], "rcs": {"category": "spam"}},
        options(
            (
                "rcs.category",
                "Must be one of `acknowledgement`, `authentication`, `promotion`, "
                "`service-request` or `transaction`.",
            )
        ),
    ),
    "rcs horizontal card without alignment": (
        {**GOOD["rcs card"], "rcs": {"card_orientation": "HORIZONTAL"}},
        options(("rcs.image_alignment", "is required.")),
    ),
    "rcs carousel without card_width": (
        {k: v for k, v in GOOD["rcs carousel"].items() if k != "rcs"},
        options(("rcs.card_width", "is required.")),
    ),
    # text limits per channel
    "sms text over 1000": (
        body("sms", "text", text="x" * 1001),
        params(("text", "Must be at most 1000 characters.")),
    ),
    "whatsapp text over 4096": (
        body("whatsapp", "text", text="x" * 4097),
        params(("text", "Must be at most 4096 characters.")),
    ),
    "messenger text over 640": (
        body("messenger", "text", text="x" * 641),
        params(("text", "Must be at most 640 characters.")),
    ),
    "viber text over 1000": (
        body("viber_service", "text", text="x" * 1001),
        params(("text", "Must be at most 1000 characters.")),
    ),
    "rcs text over 3072": (
        body("rcs", "text", text="x" * 3073),
        params(("text", "Must be at most 3072 characters.")),
    ),
    "no text": (body("sms", "text"), params(("text", "is required."))),
    "empty text": (body("whatsapp", "text", text=""), params(("text", "Must not be empty."))),
    "text a number": (body("mms", "text", text=42), params(("text", "Must be a string."))),
    # media
    "image without url": (
        body("whatsapp", "image", image={}),
        params(("image.url", "is required.")),
    ),
    "image url not a url": (
        body("mms", "image", image={"url": "cat.jpg"}),
        params(("image.url", "Must be an http or https URL.")),
    ),
    "audio url ftp": (
        body("messenger", "audio", audio={"url": "ftp://example.com/a.mp3"}),
        params(("audio.url", "Must be an http or https URL.")),
    ),
    "video url with spaces": (
        body("rcs", "video", video={"url": "https://example.com/my video.mp4"}),
        params(("video.url", "Must be an http or https URL.")),
    ),
    "image a string": (
        body("viber_service", "image", image=URL),
        params(("image", "Must be an object.")),
    ),
    "no file": (body("rcs", "file"), params(("file", "is required."))),
    "caption too long": (
        body("mms", "image", image={"url": URL, "caption": "c" * 3001}),
        params(("image.caption", "Must be at most 3000 characters.")),
    ),
    "viber file name too long": (
        body("viber_service", "file", file={"url": URL, "name": "n" * 26}),
        params(("file.name", "Must be at most 25 characters.")),
    ),
    "viber video without thumb": (
        body(
            "viber_service",
            "video",
            video={"url": URL},
            viber_service={"duration": "5", "file_size": "1"},
        ),
        params(("video.thumb_url", "is required.")),
    ),
    "mms content items": (
        body("mms", "content", content=[{"type": "gif", "url": URL}, "x", {"type": "file"}]),
        params(
            ("content[0].type", "Must be one of `image`, `audio`, `video`, `vcard` or `file`."),
            ("content[1]", "Must be an object."),
            ("content[2].url", "is required."),
        ),
    ),
    "mms content empty": (
        body("mms", "content", content=[]),
        params(("content", "Must have at least 1 item.")),
    ),
    # templates
    "template without name": (
        {**GOOD["whatsapp template"], "template": {"parameters": ["a"]}},
        params(("template.name", "is required.")),
    ),
    "template parameters not an array": (
        {**GOOD["whatsapp template"], "template": {"name": "ns:x", "parameters": "a,b"}},
        params(("template.parameters", "Must be an array.")),
    ),
    "template parameters not strings": (
        {**GOOD["whatsapp template"], "template": {"name": "ns:x", "parameters": ["a", 2, None]}},
        params(
            ("template.parameters[1]", "Must be a string."),
            ("template.parameters[2]", "Must be a string."),
        ),
    ),
    # stickers, reactions, custom
    "sticker with url and id": (
        body("whatsapp", "sticker", sticker={"url": URL, "id": "x"}),
        params(("sticker", "Must have either `url` or `id`.")),
    ),
    "sticker with neither": (
        body("whatsapp", "sticker", sticker={}),
        params(("sticker", "Must have either `url` or `id`.")),
    ),
    "reaction without context": (
        body("whatsapp", "reaction", reaction={"action": "react", "emoji": "👍"}),
        params(("context", "is required.")),
    ),
    "react without emoji": (
        body("whatsapp", "reaction", reaction={"action": "react"}, context={"message_uuid": UUID}),
        params(("reaction.emoji", "is required.")),
    ),
    "reaction action unknown": (
        body("whatsapp", "reaction", reaction={"action": "love"}, context={"message_uuid": UUID}),
        params(("reaction.action", "Must be one of `react` or `unreact`.")),
    ),
    "custom not an object": (
        body("whatsapp", "custom", custom=[1]),
        params(("custom", "Must be an object.")),
    ),
    "location without coordinates": (
        body("whatsapp", "custom", custom={"type": "location", "location": {"name": "HQ"}}),
        params(
            ("custom.location.latitude", "Must be a number."),
            ("custom.location.longitude", "Must be a number."),
        ),
    ),
    "interactive missing": (
        body("whatsapp", "custom", custom={"type": "interactive"}),
        params(("custom.interactive", "is required.")),
    ),
    "contacts not a list": (
        body("whatsapp", "custom", custom={"type": "contacts", "contacts": {}}),
        params(("custom.contacts", "Must be an array.")),
    ),
    # rcs rich content
    "rcs suggestions": (
        body(
            "rcs",
            "text",
            text="Pick",
            suggestions=[
                {"type": "reply", "text": "x" * 26, "postback_data": "p"},
                {"type": "dial", "text": "Call", "postback_data": "d", "phone_number": "+4477"},
                {"type": "open_url", "text": "Go", "postback_data": "g", "url": "nope"},
                {"type": "teleport", "text": "Go", "postback_data": "g"},
            ],
        ),
        params(
            ("suggestions[0].text", "Must be at most 25 characters."),
            ("suggestions[1].phone_number", E164),
            ("suggestions[2].url", "Must be an http or https URL."),
            ("suggestions[2].description", "is required."),
            (
                "suggestions[3].type",
                "Must be one of `reply`, `dial`, `view_location`, `share_location`, `open_url`, "
                "`open_url_in_webview` or `create_calendar_event`.",
            ),
        ),
    ),
    "rcs too many suggestions": (
        body(
            "rcs",
            "text",
            text="Pick",
            suggestions=[{"type": "reply", "text": "x", "postback_data": "p"}] * 12,
        ),
        params(("suggestions", "Must have at most 11 items.")),
    ),
    "rcs vertical card without media height": (
        {**GOOD["rcs card"], "rcs": {"card_orientation": "VERTICAL"}},
        params(("card.media_height", "is required when `rcs.card_orientation` is `VERTICAL`.")),
    ),
    "rcs card fields": (
        body("rcs", "card", card={"title": "", "media_url": "x", "media_height": "HUGE"}),
        params(
            ("card.title", "Must not be empty."),
            ("card.text", "is required."),
            ("card.media_url", "Must be an http or https URL."),
            ("card.media_height", "Must be one of `SHORT`, `MEDIUM` or `TALL`."),
        ),
    ),
    "rcs carousel of one card": (
        {
            **GOOD["rcs carousel"],
            "carousel": {"cards": [{"title": "A", "text": "a", "media_url": URL}]},
        },
        params(("carousel.cards", "Must have at least 2 items.")),
    ),
    # ttl, webhooks, context, trusted_recipient
    "sms ttl a string": (
        {**SMS_TEXT, "ttl": "900"},
        params(("ttl", "Must be an integer between 20 and 604800.")),
    ),
    "mms ttl too short": (
        {**GOOD["mms text"], "ttl": 299},
        params(("ttl", "Must be an integer between 300 and 259200.")),
    ),
    "rcs ttl too long": (
        {**GOOD["rcs text"], "ttl": 2592001},
        params(("ttl", "Must be an integer between 300 and 2592000.")),
    ),
    "ttl a boolean": (
        {**SMS_TEXT, "ttl": True},
        params(("ttl", "Must be an integer between 20 and 604800.")),
    ),
    "webhook_url not a url": (
        {**SMS_TEXT, "webhook_url": "example.com/status"},
        params(("webhook_url", "Must be an http or https URL.")),
    ),
    "webhook_version v2": (
        {**SMS_TEXT, "webhook_version": "v2"},
        params(("webhook_version", "Must be one of `v0.1` or `v1`.")),
    ),
    "context without message_uuid": (
        {**WA_TEXT, "context": {}},
        params(("context.message_uuid", "is required.")),
    ),
    "context a string": ({**WA_TEXT, "context": UUID}, params(("context", "Must be an object."))),
    "trusted_recipient a string": (
        {**SMS_TEXT, "trusted_recipient": "yes"},
        params(("trusted_recipient", "Must be a boolean.")),
    ),
    "every bad param at once": (
        {**body("mms", "image", image={"url": "x", "caption": ""}), "ttl": 1, "webhook_url": 3},
        params(
            ("image.url", "Must be an http or https URL."),
            ("image.caption", "Must not be empty."),
            ("ttl", "Must be an integer between 300 and 259200."),
            ("webhook_url", "Must be a string."),
        ),
    ),
    # failover
    "failover not a list": (
        {**WA_TEXT, "failover": SMS_TEXT},
        params(("failover", "Must be a non-empty array of messages.")),
    ),
    "failover empty": (
        {**WA_TEXT, "failover": []},
        params(("failover", "Must be a non-empty array of messages.")),
    ),
    "failover entry not an object": (
        {**WA_TEXT, "failover": ["sms"]},
        params(("failover[0]", "Must be a JSON object.")),
    ),
    "failover entry bad text": (
        {**WA_TEXT, "failover": [SMS_TEXT, body("sms", "text", text="x" * 1001)]},
        params(("failover[1].text", "Must be at most 1000 characters.")),
    ),
    "failover entry bad channel": (
        {**WA_TEXT, "failover": [{**SMS_TEXT, "channel": "fax"}]},
        channel(("failover[0].channel", CHANNELS)),
    ),
    "failover entry bad recipient": (
        {**WA_TEXT, "failover": [{**SMS_TEXT, "to": "+447700900000"}]},
        recipient(("failover[0].to", E164)),
    ),
    "nested failover": (
        {**WA_TEXT, "failover": [{**SMS_TEXT, "failover": [SMS_TEXT]}]},
        params(("failover[0].failover", "Is not allowed in a failover message.")),
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_gets_vonages_problem(name: str) -> None:
    document, expected = BAD[name]
    with pytest.raises(MessageInvalid) as refused:
        read_message(document)
    assert refused.value.problem() == expected


ORDER = [
    ("channel", {"channel": "fax"}, 1400),
    ("message type", {"message_type": "image"}, 1440),
    ("recipient", {"to": "+1"}, 1430),
    ("sender", {"from": "+1"}, 1420),
    ("client_ref", {"client_ref": "x" * 101}, 1450),
    ("options", {"sms": {"encoding_type": "x"}}, 1410),
    ("params", {"text": ""}, 1150),
]


@pytest.mark.parametrize("upto", range(len(ORDER)), ids=[name for name, _, _ in ORDER])
def test_checks_run_in_order(upto: int) -> None:
    """With everything from `upto` on wrong, the first of them answers."""
    document = dict(SMS_TEXT)
    for _, change, _ in ORDER[upto:]:
        document.update(change)
    with pytest.raises(MessageInvalid) as refused:
        read_message(document)
    assert refused.value.code == ORDER[upto][2]


JUNK = [None, True, 0, -1.5, "", "x" * 5000, [], [1, "a", None], {}, {"a": {"b": []}}]


@pytest.mark.parametrize("name", list(GOOD))
def test_wrong_json_types_anywhere_only_ever_get_a_problem(name: str) -> None:
    """Every field of every good body, and of the objects inside it, replaced by each kind of
    JSON value: a `MessageRequest` or a `MessageInvalid`, never another exception."""
    good = GOOD[name]
    for path in _paths(good):
        for junk in JUNK:
            try:
                read_message(_replace(good, path, junk))
            except MessageInvalid as refused:
                assert refused.problem()["type"].startswith(BASE)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy
