"""The official Vonage Node SDK against Ringback's plain HTTP port (apiHost/restHost only)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ringback.testing.server import RingbackProcess

NODE_DIR = Path(__file__).parent.parent / "node"


@pytest.fixture(scope="session")
def node_sdk() -> Path:
    """The pinned SDK (tests/node/package-lock.json), installed on first use."""
    npm = shutil.which("npm")
    assert npm and shutil.which("node"), "Node.js and npm are needed for the Node SDK tests"
    if not (NODE_DIR / "node_modules" / "@vonage" / "server-sdk").exists():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=300
        )
    return NODE_DIR


def run_node(script: Path, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_platform_apis_through_the_node_sdk(node_sdk: Path, ringback: RingbackProcess) -> None:
    api_key, api_secret = ringback.new_account(balance="20")
    out = run_node(
        node_sdk / "platform.cjs",
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
