"""What several end-to-end suites share: the official Vonage Node SDK, pinned in tests/node."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

NODE_DIR = Path(__file__).parent.parent / "node"


@dataclass(frozen=True)
class NodeSdk:
    directory: Path

    def run(self, script: str, env: dict[str, str]) -> dict[str, Any]:
        """Run tests/node/<script> with `env` added; it prints one JSON object."""
        done = subprocess.run(
            ["node", str(self.directory / script)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **env},
        )
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        return result


@pytest.fixture(scope="session")
def node_sdk() -> NodeSdk:
    """@vonage/server-sdk as pinned by tests/node/package-lock.json, installed on first use."""
    npm = shutil.which("npm")
    assert npm and shutil.which("node"), "Node.js and npm are needed for the Node SDK tests"
    # pytest-xdist's workers may all get here at once: one installs, the others wait for it
    with (NODE_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (NODE_DIR / "node_modules" / "@vonage" / "server-sdk").exists():
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=300
            )
    return NodeSdk(NODE_DIR)
