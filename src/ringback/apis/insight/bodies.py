"""Number Insight's JSON bodies, level by level, in the order of Vonage's own examples
(the Python SDK fixtures `basic_insight.json`, `standard_insight.json`,
`advanced_sync_insight.json`, `advanced_async_insight.json`).

Types the SDKs rely on (python-sdk-contract §1b): `status` and `lookup_outcome` are integers,
prices and balances strings with 8 decimals, `roaming` an object or the bare string "unknown",
`international_format_number` E.164 digits without "+".
"""

from __future__ import annotations

from typing import Any

from ringback.apis.insight.network_view import Carrier, Roaming
from ringback.apis.insight.service import Insight
from ringback.core.money import price_text


def carrier(value: Carrier) -> dict[str, Any]:
    return {
        "network_code": value.network_code,
        "name": value.name,
        "country": value.country,
        "network_type": value.network_type,
    }


def roaming(value: Roaming | None) -> dict[str, Any] | str:
    if value is None:
        return "unknown"
    if value.status != "roaming":
        return {"status": value.status}
    return {
        "status": value.status,
        "roaming_country_code": value.country,
        "roaming_network_code": value.network_code,
        "roaming_network_name": value.network_name,
    }


def basic(insight: Insight) -> dict[str, Any]:
    subject = insight.subject
    return {
        "status": insight.status,
        "status_message": insight.status_message,
        "request_id": insight.request_id,
        "international_format_number": subject.msisdn,
        "national_format_number": subject.national_format,
        "country_code": subject.region,
        "country_code_iso3": subject.iso3,
        "country_name": subject.country_name,
        "country_prefix": subject.prefix,
    }


def _caller(insight: Insight) -> dict[str, Any]:
    """`caller_identity` plus the same fields at the top level (vonage-behaviours §7)."""
    caller = insight.caller
    if caller is None:
        return {}
    identity = {"caller_type": caller.caller_type, "caller_name": caller.caller_name}
    if caller.first_name is not None:
        identity["first_name"] = caller.first_name
    if caller.last_name is not None:
        identity["last_name"] = caller.last_name
    return {"caller_identity": identity, **identity}


def standard(insight: Insight) -> dict[str, Any]:
    body = basic(insight)
    bill = insight.bill
    body["request_price"] = price_text(bill.request_units)
    if bill.refund_units:
        body["refund_price"] = price_text(bill.refund_units)
    body["remaining_balance"] = price_text(bill.balance_units)
    network = insight.network
    body["current_carrier"] = carrier(network.current)
    body["original_carrier"] = carrier(network.original)
    body["ported"] = network.ported
    body.update(_caller(insight))
    return body


def advanced(insight: Insight) -> dict[str, Any]:
    body = standard(insight)
    network = insight.network
    body["roaming"] = roaming(network.roaming)
    body["lookup_outcome"] = network.lookup_outcome
    body["lookup_outcome_message"] = network.lookup_outcome_message
    body["valid_number"] = network.valid_number
    body["reachable"] = network.reachable
    if insight.query.real_time_data:
        active, handset = network.real_time
        body["real_time_data"] = {"active_status": active, "handset_status": handset}
    body["ip_warnings"] = "unknown"
    return body


LEVELS = {"basic": basic, "standard": standard, "advanced": advanced}


def for_level(insight: Insight) -> dict[str, Any]:
    return LEVELS[insight.query.level](insight)


def async_ack(insight: Insight) -> dict[str, Any]:
    """The immediate answer of /ni/advanced/async (the SDK fixture `advanced_async_insight`)."""
    return {
        "request_id": insight.request_id,
        "number": insight.subject.msisdn,
        "remaining_balance": price_text(insight.bill.balance_units),
        "request_price": price_text(insight.bill.request_units),
        "status": 0,
    }
