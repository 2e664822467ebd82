"""Calls the network places itself to read a verification code out (Verify's voice channel):
an outbound call run by the same driver and NCCO engine as any API call, so the handset
answers, rejects or ignores it per its behaviour and the talk is in its transcript. It belongs
to no application (no voice webhooks go anywhere) and costs nothing by itself: Verify charges
per verification."""

from __future__ import annotations

from typing import Any

from ringback.apis.voice import driver
from ringback.apis.voice.driver import DriverServices
from ringback.core.ids import Ids
from ringback.network import numbering
from ringback.state import calls as call_state
from ringback.state.store import Tx

RINGING_TIMER = 60
LENGTH_TIMER = 300


class CodeCalls:
    """The `CallPlacer` the Voice API gives the network's code delivery."""

    def __init__(self, services: DriverServices, ids: Ids) -> None:
        self.services = services
        self.ids = ids

    def place(self, tx: Tx, *, api_key: str, to: str, from_: str, text: str, language: str) -> str:
        uuid = self.ids.uuid()
        info = numbering.lookup(to)
        network = info.network.network_code if info is not None and info.network else None
        ncco: list[dict[str, Any]] = [{"action": "talk", "text": text, "language": language}]
        call_state.add(
            tx,
            {
                "uuid": uuid,
                "api_key": api_key,
                "application_id": "",
                "conversation_uuid": "CON-" + self.ids.uuid(),
                "direction": "outbound",
                "status": "started",
                "to_endpoint": {"type": "phone", "number": to},
                "from_endpoint": {"type": "phone", "number": from_},
                "to_msisdn": to,
                "answer_url": None,
                "answer_method": "GET",
                "event_url": None,
                "event_method": "POST",
                "ncco": ncco,
                "ringing_timer": RINGING_TIMER,
                "length_timer": LENGTH_TIMER,
                "machine_detection": None,
                "rate": "0.00000000",
                "network": network,
                "price": None,
                "duration": None,
                "created_at": self.services.clock.now(),
                "start_time": None,
                "end_time": None,
                "ended": False,
                "engine": None,
                "alarm": None,
            },
        )
        call = call_state.get(tx, uuid)
        assert call is not None
        driver.start(tx, self.services, call, "")
        return uuid
