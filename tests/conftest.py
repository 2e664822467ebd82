"""What every test shares, whichever worker runs it."""

from __future__ import annotations

import os

if os.environ.get("PYTEST_XDIST_WORKER"):
    # a pytest-xdist worker's environment gains COLUMNS=80 and LINES=24 that the run itself did
    # not have: every `ringback` CLI a test starts would then fold its output as if to an
    # 80-column terminal, where a pipe keeps rows whole (cli/output.py)
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
