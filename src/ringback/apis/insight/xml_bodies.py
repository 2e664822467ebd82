"""The `/ni/*/xml` bodies, after number-insight.yml's XML schemas.

- Root `<lookup>` for every level (the spec names Basic's root `format`, which reads as a slip
  for the `lookup` of every other XML schema in the file).
- `<local_number country_code=… country_code_iso3=… country_name=… country_prefix=…>` holds
  the national format, `<error code="0">Success</error>` the status.
- Carriers, roaming and caller identity are attributes (`caller-type`, `caller-name`, …);
  Standard also repeats the caller fields as child elements of `<caller_identity>`, Advanced at
  the top level, spelt as the spec spells them (`firs_name`: "Key is not a typo. Do not change.").
- `<lookup_outcome code="0">Success</lookup_outcome>`; `roaming` unknown is `status="unknown"`.
- The async answer uses the spec's camelCase names: `requestId`, `remainingBalance`,
  `requestPrice`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ringback.apis.insight import bodies
from ringback.apis.insight.service import Insight

CALLER_ELEMENTS = (
    ("caller_name", "caller_name"),
    ("last_name", "last_name"),
    ("firs_name", "first_name"),
    ("caller_type", "caller_type"),
)


def _element(parent: ET.Element, tag: str, text: object = None, **attrs: Any) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        node.text = str(text)
    return node


def _caller(root: ET.Element, body: dict[str, Any], level: str) -> None:
    identity = body.get("caller_identity")
    if not identity:
        return
    node = _element(
        root,
        "caller_identity",
        **{
            "caller-type": identity.get("caller_type"),
            "caller-name": identity.get("caller_name"),
            "first-name": identity.get("first_name"),
            "last-name": identity.get("last_name"),
        },
    )
    parent = node if level == "standard" else root
    for tag, key in CALLER_ELEMENTS:
        if identity.get(key) is not None:
            _element(parent, tag, identity[key])


def lookup(insight: Insight) -> ET.Element:
    body = bodies.for_level(insight)
    level = insight.query.level
    root = ET.Element("lookup")
    _element(root, "request_id", body["request_id"])
    _element(root, "international_format_number", body["international_format_number"])
    _element(
        root,
        "local_number",
        body["national_format_number"],
        country_code=body["country_code"],
        country_code_iso3=body["country_code_iso3"],
        country_name=body["country_name"],
        country_prefix=body["country_prefix"],
    )
    _element(root, "error", body["status_message"], code=body["status"])
    if level == "basic":
        return root
    for name in ("request_price", "refund_price", "remaining_balance"):
        if name in body:
            _element(root, name, body[name])
    _element(root, "current_carrier", **body["current_carrier"])
    _element(root, "original_carrier", **body["original_carrier"])
    _element(root, "ported", body["ported"])
    _caller(root, body, level)
    if level == "standard":
        return root
    _element(root, "lookup_outcome", body["lookup_outcome_message"], code=body["lookup_outcome"])
    _element(root, "reachable", body["reachable"])
    roaming = body["roaming"]
    _element(root, "roaming", **(roaming if isinstance(roaming, dict) else {"status": roaming}))
    _element(root, "valid_number", body["valid_number"])
    if "real_time_data" in body:
        _element(root, "real_time_data", **body["real_time_data"])
    _element(root, "ip_warnings", body["ip_warnings"])
    return root


def async_ack(insight: Insight) -> ET.Element:
    ack = bodies.async_ack(insight)
    root = ET.Element("lookup")
    _element(root, "requestId", ack["request_id"])
    _element(root, "number", ack["number"])
    _element(root, "remainingBalance", ack["remaining_balance"])
    _element(root, "requestPrice", ack["request_price"])
    _element(root, "status", ack["status"])
    return root
