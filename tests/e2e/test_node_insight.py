"""Number Insight through the official Vonage Node SDK over plain HTTP (tests/node/insight.cjs),
including what the Vonage MCP server relies on before every send: `status === 0`, a number,
and `international_format_number`."""

from __future__ import annotations

from typing import Any

import pytest

from ringback.testing.receiver import WebhookReceiver
from ringback.testing.server import RingbackProcess


def test_number_insight_through_the_node_sdk(
    node_sdk: Any, ringback: RingbackProcess, webhook_receiver: WebhookReceiver
) -> None:
    api_key, api_secret = ringback.new_account(balance="1")
    out = node_sdk.run(
        "insight.cjs",
        {
            "RINGBACK_URL": ringback.http_url,
            "VONAGE_API_KEY": api_key,
            "VONAGE_API_SECRET": api_secret,
            "NUMBER": "447500123456",
            "ROAMING": "447700900906",
            "CALLBACK": f"{webhook_receiver.url}/ni",
        },
    )
    basic = out["basic"]
    assert basic["status"] == 0  # the number 0: the MCP server compares with ===
    assert basic["international_format_number"] == "447500123456"
    assert basic["national_format_number"] == "07500 123456"
    assert out["basicWithCountry"]["international_format_number"] == "447500123456"
    assert out["standard"]["current_carrier"]["name"] == "Vodafone Ltd"
    assert out["standard"]["request_price"] == "0.00500000"
    assert out["advanced"]["roaming"]["roaming_country_code"] == "FR"
    assert out["advanced"]["lookup_outcome"] == 0
    assert out["async"]["status"] == 0
    assert out["invalid"] == {
        "status": 3,
        "status_message": "Invalid request :: Not valid number format detected [ 145645562 ]",
    }
    assert out["wrongSecret"] == {"status": 4, "status_message": "Invalid credentials"}
    (callback,) = webhook_receiver.wait_for(1)
    assert callback.json["request_id"] == out["async"]["request_id"]
    assert out["balance"]["value"] == pytest.approx(1 - 0.005 - 0.03 - 0.03)
