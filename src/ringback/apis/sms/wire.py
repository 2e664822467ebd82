"""The SMS API's answer as JSON (/sms/json) or XML (/sms/xml), per sms.yml SMS/SMSXml and
Error/ErrorXml: every value a string; in XML the elements are named by each field's `xml.name`
(`messageId`, `remainingBalance`, `messagePrice`) and the success list carries `count`."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from starlette.responses import Response

from ringback.core.responses import VonageJSON

XML_NAMES = {
    "message-id": "messageId",
    "remaining-balance": "remainingBalance",
    "message-price": "messagePrice",
}
# characters XML 1.0 cannot carry at all, even escaped
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def answer(
    messages: list[dict[str, str]], *, xml: bool, error: bool = False, status_code: int = 200
) -> Response:
    if not xml:
        body = {"message-count": str(len(messages)), "messages": messages}
        return VonageJSON(body, status_code=status_code)
    return Response(to_xml(messages, error=error), status_code=status_code, media_type="text/xml")


def to_xml(messages: list[dict[str, str]], *, error: bool = False) -> str:
    items = []
    for message in messages:
        fields = "".join(_element(XML_NAMES.get(k, k), v) for k, v in message.items())
        items.append(f"<message>{fields}</message>")
    # ErrorXml has no `count` on `messages`; SMSXml has it as an attribute
    count = "" if error else f" count={quoteattr(str(len(messages)))}"
    return (
        f"{XML_DECLARATION}<mt-submission-response><messages{count}>"
        f"{''.join(items)}</messages></mt-submission-response>"
    )


def _element(name: str, value: str) -> str:
    return f"<{name}>{escape(_NOT_XML.sub('?', value))}</{name}>"
