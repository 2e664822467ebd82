"""Good request bodies, one per channel and message type, as raw JSON."""

from __future__ import annotations

from typing import Any

NUMBER = "447700900000"
SENDER = "447700900001"
URL = "https://example.com/media/cat.jpg"
UUID = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"


def body(channel: str, message_type: str, **fields: Any) -> dict[str, Any]:
    senders = {"messenger": "0987654321", "viber_service": "MyBrand", "rcs": "Vonage"}
    recipients = {"messenger": "1234567890"}
    return {
        "channel": channel,
        "message_type": message_type,
        "to": recipients.get(channel, NUMBER),
        "from": senders.get(channel, SENDER),
        **fields,
    }


GOOD: dict[str, dict[str, Any]] = {
    "sms text": body("sms", "text", text="Hello", sms={"encoding_type": "auto"}, ttl=900),
    "sms alphanumeric sender": {**body("sms", "text", text="Hi"), "from": "Acme Inc"},
    "sms short code sender": {**body("sms", "text", text="Hi"), "from": "12345"},
    "mms text": body("mms", "text", text="Hi"),
    "mms image": body("mms", "image", image={"url": URL, "caption": "A cat"}),
    "mms vcard": body("mms", "vcard", vcard={"url": "https://example.com/me.vcf"}),
    "mms audio": body("mms", "audio", audio={"url": "http://example.com/a.mp3"}),
    "mms video": body("mms", "video", video={"url": "https://example.com/v.mp4"}),
    "mms file": body("mms", "file", file={"url": "https://example.com/f.pdf"}),
    "mms content": body("mms", "content", content=[{"type": "image", "url": URL}]),
    "whatsapp text": body("whatsapp", "text", text="Hi"),
    "whatsapp reply": body("whatsapp", "text", text="Hi", context={"message_uuid": UUID}),
    "whatsapp to a BSUID": {**body("whatsapp", "text", text="Hi"), "to": "US.13491208655302741918"},
    "whatsapp image": body("whatsapp", "image", image={"url": URL}),
    "whatsapp audio": body("whatsapp", "audio", audio={"url": "https://example.com/a.mp3"}),
    "whatsapp video": body("whatsapp", "video", video={"url": URL, "caption": ""}),
    "whatsapp file": body("whatsapp", "file", file={"url": URL, "name": "cat.jpg"}),
    "whatsapp template": body(
        "whatsapp",
        "template",
        template={"name": "ns:welcome", "parameters": ["Ada"]},
        whatsapp={"locale": "en_GB", "policy": "deterministic"},
    ),
    "whatsapp template without parameters": body(
        "whatsapp", "template", template={"name": "ns:hello"}, whatsapp={"locale": "en_US"}
    ),
    "whatsapp sticker url": body("whatsapp", "sticker", sticker={"url": URL}),
    "whatsapp sticker id": body("whatsapp", "sticker", sticker={"id": "13aaecab-2485"}),
    "whatsapp reaction": body(
        "whatsapp",
        "reaction",
        reaction={"action": "react", "emoji": "😀"},
        context={"message_uuid": UUID},
    ),
    "whatsapp unreaction": body(
        "whatsapp", "reaction", reaction={"action": "unreact"}, context={"message_uuid": UUID}
    ),
    "whatsapp location": body(
        "whatsapp",
        "custom",
        custom={
            "type": "location",
            "location": {"latitude": 51.5, "longitude": -0.12, "name": "HQ"},
        },
    ),
    "whatsapp contacts": body(
        "whatsapp",
        "custom",
        custom={"type": "contacts", "contacts": [{"name": {"formatted_name": "Ada"}}]},
    ),
    "whatsapp list": body(
        "whatsapp",
        "custom",
        custom={
            "type": "interactive",
            "interactive": {"type": "list", "action": {"button": "Pick", "sections": []}},
        },
    ),
    "messenger text": body("messenger", "text", text="Hi", messenger={"category": "response"}),
    "messenger image": body("messenger", "image", image={"url": URL}),
    "messenger audio": body("messenger", "audio", audio={"url": URL}),
    "messenger video": body("messenger", "video", video={"url": URL}),
    "messenger file": body("messenger", "file", file={"url": URL}),
    "viber text": body("viber_service", "text", text="Hi", viber_service={"ttl": 600}),
    "viber image": body("viber_service", "image", image={"url": URL}),
    "viber video": body(
        "viber_service",
        "video",
        video={"url": URL, "thumb_url": URL},
        viber_service={"duration": "30", "file_size": 2},
    ),
    "viber file": body("viber_service", "file", file={"url": URL, "name": "f.pdf"}),
    "rcs text": body("rcs", "text", text="Hi", rcs={"category": "transaction"}, ttl=300),
    "rcs image": body("rcs", "image", image={"url": URL}),
    "rcs video": body("rcs", "video", video={"url": URL}),
    "rcs file": body("rcs", "file", file={"url": URL}),
    "rcs custom": body("rcs", "custom", custom={"contentMessage": {"text": "Hi"}}),
    "rcs card": body(
        "rcs",
        "card",
        card={"title": "T", "text": "X", "media_url": URL},
        rcs={"card_orientation": "HORIZONTAL", "image_alignment": "LEFT"},
    ),
    "rcs carousel": body(
        "rcs",
        "carousel",
        carousel={"cards": [{"title": "A", "text": "a", "media_url": URL}] * 2},
        rcs={"card_width": "SMALL"},
    ),
}
