"""`ringback phone <number> call <to>`: a handset dials from the shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ringback.testing.server import RingbackProcess


def test_calling_a_number_nobody_rents(ringback: RingbackProcess) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ringback.cli.main",
            "phone",
            "+447700900970",
            "call",
            "+447700900971",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "RINGBACK_URL": ringback.http_url},
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert (body["status"], body["detail"], body["to"]) == (
        "failed",
        "number_out_of_service",
        "447700900971",
    )
