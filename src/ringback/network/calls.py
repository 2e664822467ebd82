"""The callee's handset on a voice call: what it does once the call reaches it, from its
behaviour profile. The Voice API asks; the network answers with a plan on Ringback's clock."""

from __future__ import annotations

from dataclasses import dataclass

from ringback.network.behaviours import Behaviour

# seconds from `started` to a busy or failed verdict: a network round trip
NETWORK_SECONDS = 0.5


@dataclass(frozen=True)
class RingPlan:
    """`rings`: whether `ringing` is reported; then, after `after` seconds of ringing,
    `outcome` (answered, machine, busy, rejected, failed), or nothing (None: it rings until
    the ringing_timer or someone drives it through the control API)."""

    rings: bool
    outcome: str | None
    after: float
    detail: str | None = None


def ring_plan(behaviour: Behaviour) -> RingPlan:
    match behaviour.call:
        case "busy":
            return RingPlan(False, "busy", NETWORK_SECONDS)
        case "fail":
            return RingPlan(False, "failed", NETWORK_SECONDS, "cannot_route")
        case "no_answer":
            return RingPlan(True, None, 0.0)
        case "reject":
            return RingPlan(True, "rejected", behaviour.answer_seconds, "declined")
        case "machine":
            return RingPlan(True, "machine", behaviour.answer_seconds)
        case _:
            return RingPlan(True, "answered", behaviour.answer_seconds)
