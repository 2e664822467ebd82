"""Which senders a destination's country accepts for SMS: to the US and Canada only a number
(a 10DLC or toll-free number there), anywhere else an alphanumeric sender ID too. The SMS API
and the Messages API's SMS channel share the rule."""

from __future__ import annotations

OWN_NUMBER_REGIONS = frozenset({"US", "CA"})


def alphanumeric_allowed(region: str | None) -> bool:
    return region not in OWN_NUMBER_REGIONS
