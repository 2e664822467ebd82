"""The official Vonage Node SDK against Ringback's plain HTTP port (apiHost/restHost only)."""

from __future__ import annotations

from typing import Any

from ringback.testing.server import RingbackProcess


def test_platform_apis_through_the_node_sdk(node_sdk: Any, ringback: RingbackProcess) -> None:
    api_key, api_secret = ringback.new_account(balance="20")
    out = node_sdk.run(
        "platform.cjs",
        {
            "RINGBACK_URL": ringback.http_url,
            "VONAGE_API_KEY": api_key,
            "VONAGE_API_SECRET": api_secret,
        },
    )
    assert out["balance"] == {"value": 20.0, "autoReload": False}
    assert out["callbacks"]["mo-callback-url"] == "https://example.com/inbound"
    assert out["secretCreated"]["id"]
    assert (out["secretsAfterCreate"], out["secretsAfterDelete"]) == (2, 1)
    assert out["countryPricing"]["countryCode"] == "GB"
    assert out["application"]["keys"]["privateKey"].startswith("-----BEGIN PRIVATE KEY-----")
    assert out["applicationFetched"]["id"] == out["application"]["id"]
    assert out["applicationNames"] == ["node app"]
    assert out["applicationUpdated"]["name"] == "renamed"
    assert out["available"]["count"] > 0
    assert out["bought"]["errorCode"] == "200"
    assert out["updated"]["errorCode"] == "200"
    (owned,) = out["owned"]["numbers"]
    assert owned["app_id"] == out["application"]["id"]
    assert owned["moHttpUrl"] == "https://example.com/mo"
    assert out["cancelled"]["errorCode"] == "200"
    assert out["balanceAfter"]["value"] < 20.0
    assert out["wrongSecret"] == {
        "status": 401,
        "body": {"error-code": "401", "error-code-label": "authentication failed"},
    }
