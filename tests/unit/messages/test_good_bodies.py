"""Every channel and message type the spec allows is read, keeping what was sent."""

from __future__ import annotations

from typing import Any

import pytest

from ringback.apis.messages.validation import read_message

from .bodies import GOOD, URL, body


@pytest.mark.parametrize("name", list(GOOD))
def test_a_good_body_is_read(name: str) -> None:
    document = GOOD[name]
    message = read_message(document)
    assert (message.channel, message.message_type) == (
        document["channel"],
        document["message_type"],
    )
    assert (message.to, message.sender) == (document["to"], document["from"])
    kind = document["message_type"]
    assert message.content[kind] == document.get(kind, {})


def test_text_content_is_the_text_itself() -> None:
    assert read_message(GOOD["sms text"]).content == {"text": "Hello"}


def test_the_channel_options_object_is_kept_as_sent() -> None:
    message = read_message(GOOD["whatsapp template"])
    assert message.options == {"locale": "en_GB", "policy": "deterministic"}
    assert read_message(GOOD["sms text"]).options == {"encoding_type": "auto"}


def test_viber_ttl_comes_from_its_options_and_other_channels_ignore_a_top_level_ttl() -> None:
    assert read_message(GOOD["viber text"]).ttl == 600
    assert read_message({**GOOD["whatsapp text"], "ttl": "whatever"}).ttl is None


def test_a_reply_keeps_its_context() -> None:
    assert read_message(GOOD["whatsapp reply"]).context == {
        "message_uuid": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
    }


def test_unknown_fields_are_ignored() -> None:
    document: dict[str, Any] = {**GOOD["sms text"], "shiny": {"new": "field"}}
    assert read_message(document).content == {"text": "Hello"}


def test_a_failover_list_is_read_entry_by_entry() -> None:
    fallback = body("sms", "text", text="Fallback")
    message = read_message({**GOOD["whatsapp image"], "failover": [fallback, GOOD["mms image"]]})
    assert [(m.channel, m.message_type) for m in message.failover] == [
        ("sms", "text"),
        ("mms", "image"),
    ]
    assert message.failover[1].content == {"image": {"url": URL, "caption": "A cat"}}


@pytest.mark.parametrize(
    ("channel", "limit"),
    [("sms", 1000), ("whatsapp", 4096), ("messenger", 640), ("viber_service", 1000), ("rcs", 3072)],
)
def test_text_up_to_the_channel_limit_is_read(channel: str, limit: int) -> None:
    message = read_message(body(channel, "text", text="é" * limit))
    assert message.content == {"text": "é" * limit}
