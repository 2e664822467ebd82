"""Verification codes over the simulated network, for Verify legacy and v2: the code goes to
a handset by SMS, WhatsApp or a call that reads it out, to an email inbox, or waits for the
handset to open a silent-auth check URL; every code sent is recorded (`state/verify_codes.py`)
so `codes/latest` answers it directly. See `delivery.py`."""

from __future__ import annotations

from ringback.network.verification.delivery import (
    CHANNELS,
    CallPlacer,
    CodeDelivery,
    CodeListener,
)

__all__ = ["CHANNELS", "CallPlacer", "CodeDelivery", "CodeListener"]
