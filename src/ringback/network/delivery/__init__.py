"""Delivery to handsets, for every channel: one pipeline (`pipeline.py`), a strategy per
channel (`channels.py`; SMS in `sms.py`, the Messages API's own in `messaging.py`), and a
status writer per API that sends on a channel. The built-in channels register here, so any
import of the package finds them."""

from __future__ import annotations

from ringback.network.delivery.channels import CHANNELS
from ringback.network.delivery.messaging import MESSAGING_CHANNELS
from ringback.network.delivery.sms import SMS

CHANNELS.register(SMS)
for _channel in MESSAGING_CHANNELS:
    CHANNELS.register(_channel)
