"""Verify (legacy) answers on the wire: JSON, or XML with verify.yml's element names (the
object's `xml.name` as the root, each field an element, `checks` and `events` wrapped with
one `check` / `event` per entry)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from starlette.responses import Response

from ringback.core.responses import VonageJSON

XML_MEDIA_TYPE = "text/xml"
ROOTS = {
    "request": "verify_response",
    "check": "verify_response",
    "search": "verify_request",
    "control": "response",
}
SEARCH_MANY_ROOT = "verification_requests"
ITEM_NAMES = {"checks": "check", "events": "event", "verification_requests": "verify_request"}


def _fill(parent: ET.Element, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if value is None:
            continue
        element = ET.SubElement(parent, name)
        if isinstance(value, list):
            for entry in value:
                item = ET.SubElement(element, ITEM_NAMES.get(name, "item"))
                _fill(item, entry)
        else:
            element.text = str(value)


def xml_text(root_name: str, fields: dict[str, Any]) -> str:
    root = ET.Element(root_name)
    _fill(root, fields)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def answer(body: dict[str, Any], shape: str, *, xml: bool, status_code: int = 200) -> Response:
    if not xml:
        return VonageJSON(body, status_code=status_code)
    if shape == "search" and "verification_requests" in body:
        root = ET.Element(SEARCH_MANY_ROOT)
        for entry in body["verification_requests"]:
            _fill(ET.SubElement(root, ROOTS["search"]), entry)
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
    else:
        text = xml_text(ROOTS[shape], body)
    return Response(text, status_code=status_code, media_type=XML_MEDIA_TYPE)
