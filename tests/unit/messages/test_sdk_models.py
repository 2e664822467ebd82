"""The official Python SDK as the oracle: every message model it offers, serialised as
`Messages.send` sends it (`model_dump(by_alias=True, exclude_none=True)`, then JSON), reads
back into a `MessageRequest` with everything it carried; and its `failover=` list too."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
import vonage_messages.models as sdk
from vonage_messages.models import BaseMessage

from ringback.apis.messages.request import MessageRequest
from ringback.apis.messages.validation import read_message

NUMBER = "447700900000"
SENDER = "447700900001"
URL = "https://example.com/media/file.jpg"
COMMON: dict[str, Any] = {
    "client_ref": "r" * 100,
    "webhook_url": "https://example.com/status",
    "webhook_version": "v1",
}
SUGGESTIONS = [
    sdk.RcsSuggestionReply(text="Yes", postback_data="yes"),
    sdk.RcsSuggestionActionDial(
        text="Call us", postback_data="dial", phone_number=NUMBER, fallback_url=URL
    ),
    sdk.RcsSuggestionActionViewLocation(
        text="Find us", postback_data="loc", latitude="51.5", longitude="-0.12", pin_label="HQ"
    ),
    sdk.RcsSuggestionActionShareLocation(text="Where are you", postback_data="share"),
    sdk.RcsSuggestionActionOpenUrl(
        text="Open", postback_data="open", url=URL, description="Our site"
    ),
    sdk.RcsSuggestionActionOpenUrlWebview(
        text="View", postback_data="view", url=URL, description="Our site", view_mode="TALL"
    ),
    sdk.RcsSuggestionActionCreateCalendarEvent(
        text="Save the date",
        postback_data="cal",
        start_time="2026-12-01T10:00:00Z",
        end_time="2026-12-01T11:00:00Z",
        title="Launch",
        description="The launch party",
    ),
]


def card(**extra: Any) -> sdk.RcsCard:
    return sdk.RcsCard(
        title="A card", text="With text", media_url=URL, suggestions=SUGGESTIONS[:4], **extra
    )


def mms(model: type[BaseMessage], **fields: Any) -> BaseMessage:
    return model(to=NUMBER, from_=SENDER, ttl=600, trusted_recipient=True, **COMMON, **fields)


def rcs(model: type[BaseMessage], **fields: Any) -> BaseMessage:
    options = fields.pop("rcs", sdk.RcsOptions(category="transaction"))
    return model(to=NUMBER, from_="Vonage", ttl=600, rcs=options, **COMMON, **fields)


def wa(model: type[BaseMessage], **fields: Any) -> BaseMessage:
    context = sdk.WhatsappContext(message_uuid="aaaaaaaa-bbbb-cccc-dddd-0123456789ab")
    return model(to=NUMBER, from_=SENDER, context=context, **COMMON, **fields)


def fb(model: type[BaseMessage], **fields: Any) -> BaseMessage:
    options = sdk.MessengerOptions(category="message_tag", tag="ACCOUNT_UPDATE")
    return model(to="1234567890", from_="0987654321", messenger=options, **COMMON, **fields)


def viber(model: type[BaseMessage], **fields: Any) -> BaseMessage:
    return model(to=NUMBER, from_="MyBrand", **COMMON, **fields)


MODELS: list[tuple[str, BaseMessage]] = [
    (
        "Sms",
        sdk.Sms(
            to=NUMBER,
            from_="Vonage",
            text="Hello " * 150,
            ttl=900,
            trusted_recipient=False,
            sms=sdk.SmsOptions(
                encoding_type="unicode", content_id="1107", entity_id="1101", pool_id="pool-1"
            ),
            **COMMON,
        ),
    ),
    ("MmsText", mms(sdk.MmsText, text="Hello MMS")),
    ("MmsImage", mms(sdk.MmsImage, image=sdk.MmsResource(url=URL, caption="A picture"))),
    ("MmsVcard", mms(sdk.MmsVcard, vcard=sdk.MmsResource(url="https://example.com/me.vcf"))),
    ("MmsAudio", mms(sdk.MmsAudio, audio=sdk.MmsResource(url="https://example.com/a.mp3"))),
    ("MmsVideo", mms(sdk.MmsVideo, video=sdk.MmsResource(url="https://example.com/v.mp4"))),
    ("MmsFile", mms(sdk.MmsFile, file=sdk.MmsResource(url="https://example.com/f.pdf"))),
    (
        "MmsContent",
        mms(
            sdk.MmsContent,
            content=[
                sdk.MmsContentItemImage(url=URL, caption="one"),
                sdk.MmsContentItemAudio(url="https://example.com/a.mp3"),
                sdk.MmsContentItemVideo(url="https://example.com/v.mp4"),
                sdk.MmsContentItemFile(url="https://example.com/f.pdf"),
                sdk.MmsContentItemVcard(url="https://example.com/me.vcf"),
            ],
        ),
    ),
    ("RcsText", rcs(sdk.RcsText, text="Pick one", suggestions=SUGGESTIONS)),
    ("RcsImage", rcs(sdk.RcsImage, image=sdk.RcsResource(url=URL))),
    ("RcsVideo", rcs(sdk.RcsVideo, video=sdk.RcsResource(url="https://example.com/v.mp4"))),
    ("RcsFile", rcs(sdk.RcsFile, file=sdk.RcsResource(url="https://example.com/f.pdf"))),
    (
        "RcsCustom",
        rcs(sdk.RcsCustom, custom={"contentMessage": {"text": "Raw", "suggestions": []}}),
    ),
    (
        "RcsCardMessage",
        rcs(
            sdk.RcsCardMessage,
            card=card(media_height="MEDIUM", media_force_refresh=True, thumbnail_url=URL),
            rcs=sdk.RcsOptionsCard(card_orientation="VERTICAL", category="promotion"),
        ),
    ),
    (
        "RcsCarouselMessage",
        rcs(
            sdk.RcsCarouselMessage,
            carousel=sdk.RcsCarousel(cards=[card(), card(media_height="TALL")]),
            suggestions=SUGGESTIONS[:2],
            rcs=sdk.RcsOptionsCarousel(card_width="MEDIUM"),
        ),
    ),
    ("WhatsappText", wa(sdk.WhatsappText, text="x" * 4096)),
    (
        "WhatsappImage",
        wa(sdk.WhatsappImage, image=sdk.WhatsappImageResource(url=URL, caption="Look")),
    ),
    (
        "WhatsappAudio",
        wa(sdk.WhatsappAudio, audio=sdk.WhatsappAudioResource(url="https://example.com/a.mp3")),
    ),
    (
        "WhatsappVideo",
        wa(sdk.WhatsappVideo, video=sdk.WhatsappVideoResource(url=URL, caption="Watch")),
    ),
    (
        "WhatsappFile",
        wa(sdk.WhatsappFile, file=sdk.WhatsappFileResource(url=URL, caption="c", name="n.pdf")),
    ),
    (
        "WhatsappTemplate",
        wa(
            sdk.WhatsappTemplate,
            template=sdk.WhatsappTemplateResource(
                name="9b6b4fcb_da19_4a26_8fe8_78074a91b584:verify", parameters=["Ringback", "42"]
            ),
            whatsapp=sdk.WhatsappTemplateSettings(locale="en_GB", policy="deterministic"),
        ),
    ),
    ("WhatsappSticker", wa(sdk.WhatsappSticker, sticker=sdk.WhatsappStickerUrl(url=URL))),
    (
        "WhatsappCustom",
        wa(
            sdk.WhatsappCustom,
            custom={
                "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": {"text": "Continue?"},
                    "action": {
                        "buttons": [{"type": "reply", "reply": {"id": "y", "title": "Yes"}}]
                    },
                },
            },
        ),
    ),
    ("MessengerText", fb(sdk.MessengerText, text="m" * 640)),
    ("MessengerImage", fb(sdk.MessengerImage, image=sdk.MessengerResource(url=URL))),
    ("MessengerAudio", fb(sdk.MessengerAudio, audio=sdk.MessengerResource(url=URL))),
    ("MessengerVideo", fb(sdk.MessengerVideo, video=sdk.MessengerResource(url=URL))),
    ("MessengerFile", fb(sdk.MessengerFile, file=sdk.MessengerResource(url=URL))),
    (
        "ViberText",
        viber(
            sdk.ViberText,
            text="v" * 1000,
            viber_service=sdk.ViberTextOptions(
                category="transaction",
                ttl=600,
                type="string",
                action=sdk.ViberAction(url="https://example.com/go", text="Go"),
            ),
        ),
    ),
    (
        "ViberImage",
        viber(
            sdk.ViberImage,
            image=sdk.ViberImageResource(url=URL, caption="Look"),
            viber_service=sdk.ViberImageOptions(category="promotion"),
        ),
    ),
    (
        "ViberVideo",
        viber(
            sdk.ViberVideo,
            video=sdk.ViberVideoResource(url="https://example.com/v.mp4", thumb_url=URL),
            viber_service=sdk.ViberVideoOptions(duration="120", file_size="5"),
        ),
    ),
    (
        "ViberFile",
        viber(
            sdk.ViberFile,
            file=sdk.ViberFileResource(url="https://example.com/f.pdf", name="f.pdf"),
        ),
    ),
]


def as_sent(message: BaseMessage) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(
        json.dumps(message.model_dump(by_alias=True, exclude_none=True))
    )
    return body


def test_the_table_covers_every_model_the_sdk_offers() -> None:
    offered = {
        name
        for name, cls in inspect.getmembers(sdk, inspect.isclass)
        if issubclass(cls, BaseMessage) and cls is not BaseMessage
    }
    assert offered == {name for name, _ in MODELS}


@pytest.mark.parametrize(("name", "model"), MODELS, ids=[name for name, _ in MODELS])
def test_every_sdk_model_reads_back(name: str, model: BaseMessage) -> None:
    body = as_sent(model)
    message = read_message(body)
    assert isinstance(message, MessageRequest)
    assert (message.channel, message.message_type) == (body["channel"], body["message_type"])
    assert (message.to, message.sender) == (body["to"], body["from"])
    assert (message.client_ref, message.webhook_url, message.webhook_version) == (
        COMMON["client_ref"],
        COMMON["webhook_url"],
        "v1",
    )
    kind = body["message_type"]
    # everything the message type carries is kept as sent
    for key in (
        "text",
        "image",
        "audio",
        "video",
        "file",
        "vcard",
        "template",
        "sticker",
        "custom",
        "content",
        "card",
        "carousel",
        "suggestions",
    ):
        if key in body:
            assert message.content[key] == body[key], key
    assert kind in message.content or kind == "text"
    options_key = {"viber_service": "viber_service"}.get(body["channel"], body["channel"])
    assert message.options == body.get(options_key, {})
    if body["channel"] == "whatsapp":
        assert message.context == body["context"]
    if "ttl" in body:
        assert message.ttl == body["ttl"]
    assert message.trusted_recipient == body.get("trusted_recipient")


def test_the_sdk_failover_list_reads_back_in_order() -> None:
    models = dict(MODELS)
    primary = as_sent(models["WhatsappTemplate"])
    fallbacks = [as_sent(models["Sms"]), as_sent(models["RcsText"])]
    # as `Messages.send(message, failover=[...])` builds the body
    message = read_message({**primary, "failover": fallbacks})
    assert [m.channel for m in message.failover] == ["sms", "rcs"]
    assert message.failover[0].content == {"text": fallbacks[0]["text"]}
    assert message.failover[1].content["suggestions"] == fallbacks[1]["suggestions"]
    assert all(m.failover == () for m in message.failover)
