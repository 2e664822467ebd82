"""The official Vonage Node SDK sending SMS to Ringback's plain HTTP port (JSON to /sms/json)."""

from __future__ import annotations

from typing import Any

from ringback.testing.server import RingbackProcess


def test_send_sms_with_the_node_sdk(node_sdk: Any, ringback: RingbackProcess) -> None:
    api_key, api_secret = ringback.new_account()
    out = node_sdk.run(
        "sms.cjs",
        {
            "RINGBACK_URL": ringback.http_url,
            "VONAGE_API_KEY": api_key,
            "VONAGE_API_SECRET": api_secret,
        },
    )
    # the SDK camel-cases the answer's keys
    assert out["sent"]["messageCount"] == "1"
    (message,) = out["sent"]["messages"]
    assert message["to"] == "447700900900"
    assert message["status"] == "0"
    assert message["clientRef"] == "node-1"
    assert message["messagePrice"] == "0.04590000"
    assert message["remainingBalance"] == "9.95410000"
    assert len(message["messageId"]) == 36
    assert out["long"]["messageCount"] == "2"
    assert len({m["messageId"] for m in out["long"]["messages"]}) == 2
    assert out["unicode"]["messages"][0]["status"] == "0"
    # the SDK compares the failure count with the string "1" using ===, so a refusal is always
    # a "partial" failure, with real Vonage as here (message-count is a string in sms.yml)
    assert out["barred"]["name"] == "MessageSendPartialFailure"
    assert out["barred"]["response"]["messages"] == [
        {
            "to": "447700900903",
            "status": "7",
            "error-text": "Number barred.",
            "errorText": "Number barred.",  # the SDK adds the camel-cased copy
        }
    ]
    assert out["wrongSecret"]["response"]["messages"] == [
        {"status": "4", "error-text": "Bad Credentials", "errorText": "Bad Credentials"}
    ]
