"""The callee's handset on a voice call: what it does once the call reaches it, from its
behaviour profile. The Voice API asks; the network answers with a plan on Ringback's clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ringback.network.behaviours import Behaviour
from ringback.state.store import Tx

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


# what else happens when a handset answers a call, by call uuid (Verify marks the code a call
# reads out as delivered); each hook runs in the transaction that answers the call
AnswerHook = Callable[[Tx, str, float], None]
ANSWER_HOOKS: list[AnswerHook] = []


def on_answer(hook: AnswerHook) -> None:
    if hook not in ANSWER_HOOKS:
        ANSWER_HOOKS.append(hook)


def answered(tx: Tx, call_uuid: str, now: float) -> None:
    for hook in ANSWER_HOOKS:
        hook(tx, call_uuid, now)
