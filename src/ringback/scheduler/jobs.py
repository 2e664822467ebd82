"""What a job handler may raise. The jobs themselves are rows: `state/jobs.py`."""

from __future__ import annotations


class Reschedule(Exception):
    """Raised by a job handler to run the same job again at `due_at`."""

    def __init__(self, due_at: float, reason: str = "") -> None:
        self.due_at = due_at
        self.reason = reason
        super().__init__(reason)
