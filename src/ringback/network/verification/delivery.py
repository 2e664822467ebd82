"""Sending a verification code to a handset or an email inbox, on any channel.

- `sms`: a real SMS on the delivery pipeline's `sms` channel (line `verify.sms.deliver`): it
  lands when the handset's behaviour says, or fails as it says, and the whole text reaches the
  handset's inbox (or the account renting the number).
- `whatsapp`, `whatsapp_interactive`: a WhatsApp message on the pipeline's `whatsapp` channel
  (line `verify.whatsapp.deliver`), on the handset's whatsapp inbox.
- `voice`: a network-originated call to the handset whose NCCO talk reads the digits out, run
  by the Voice API's driver (the `CallPlacer` it registers), so it is in the call's transcript
  and the handset answers, rejects or lets it ring per its call behaviour. The code counts as
  delivered when the handset answers (`network/calls.on_answer`).
- `email`: straight onto the address's inbox (`handset_messages` under the address, channel
  `email`): there is no behaviour for an email address.
- `silent_auth`: nothing is sent; the code is delivered when the handset opens the check URL
  (`complete_silent_auth`).

Every code is a `verify_codes` row from the moment it is sent; `latest` answers the newest
delivered one for an address, with its channel and request, without reading any text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ringback.core.changes import Changes
from ringback.core.clock import Clock
from ringback.core.ids import Ids
from ringback.network import calls, handsets
from ringback.network.behaviours import behaviour_for
from ringback.network.delivery.channels import Landing
from ringback.network.delivery.pipeline import DeliveryPipeline
from ringback.network.verification import texts
from ringback.scheduler.runner import Scheduler
from ringback.state import verify_codes
from ringback.state.store import Tx
from ringback.state.verify_codes import SentCode

CHANNELS = ("sms", "whatsapp", "whatsapp_interactive", "voice", "email", "silent_auth")
SMS_LINE = "verify.sms.deliver"
WHATSAPP_LINE = "verify.whatsapp.deliver"
DEFAULT_SENDER = "VERIFY"  # verify.yml's sender_id default
EMAIL_SENDER = "verify@ringback.invalid"
CALL_FROM = "VERIFY"


class CallPlacer(Protocol):
    """Places a call to `to` that speaks `text`: the Voice API's driver (apis/voice)."""

    def place(self, tx: Tx, *, api_key: str, to: str, from_: str, text: str, language: str) -> str:
        """Start the call in `tx`; returns its uuid."""
        ...


# told what became of a code the pipeline carried (SMS, WhatsApp): (tx, code, status, now)
CodeListener = Callable[[Tx, SentCode, str, float], None]


@dataclass(frozen=True)
class CodeUnit:
    """A code as the pipeline's `Unit`: one unit, its whole text (or JSON) as the body."""

    sent: SentCode

    @property
    def message_id(self) -> str:
        return self.sent.id

    @property
    def api_key(self) -> str:
        return self.sent.api_key

    @property
    def to_msisdn(self) -> str:
        return self.sent.to_address

    @property
    def sender(self) -> str:
        return self.sent.sender

    @property
    def parts(self) -> int:
        return 1

    @property
    def encoding(self) -> str:
        return "text" if self.sent.channel == "sms" else "json"

    @property
    def body(self) -> str:
        return self.sent.body

    @property
    def udh(self) -> str | None:
        return None

    @property
    def status(self) -> str:
        return self.sent.status

    @property
    def final(self) -> bool:
        return self.sent.status != "pending"


class CodeWriter:
    """The pipeline's status writer over `verify_codes`."""

    def __init__(self, listeners: list[CodeListener]) -> None:
        self.listeners = listeners

    def unit(self, tx: Tx, unit_id: str) -> CodeUnit | None:
        sent = verify_codes.get(tx, unit_id)
        return CodeUnit(sent) if sent else None

    def units(self, tx: Tx, unit_ids: list[str]) -> list[CodeUnit]:
        return [CodeUnit(s) for s in verify_codes.of_ids(tx, unit_ids)]

    def finish(self, tx: Tx, unit: CodeUnit, landing: Landing, now: float) -> None:
        status = "delivered" if landing.status == "delivered" else "failed"
        verify_codes.finish(tx, unit.message_id, status, now)

    def report(self, tx: Tx, unit: CodeUnit, landing: Landing, now: float) -> None:
        status = "delivered" if landing.status == "delivered" else "failed"
        for listener in self.listeners:
            listener(tx, unit.sent, status, now)


def _call_answered(tx: Tx, call_uuid: str, now: float) -> None:
    sent = verify_codes.of_call(tx, call_uuid)
    if sent is not None:
        verify_codes.finish(tx, sent.id, "delivered", now)


calls.on_answer(_call_answered)


class CodeDelivery:
    """One per running app (`Services.verification`): opens its lines on the pipeline."""

    def __init__(
        self,
        pipeline: DeliveryPipeline,
        scheduler: Scheduler,
        clock: Clock,
        ids: Ids,
        changes: Changes,
    ) -> None:
        self.pipeline = pipeline
        self.scheduler = scheduler
        self.clock = clock
        self.ids = ids
        self.changes = changes
        self.listeners: list[CodeListener] = []
        self.placer: CallPlacer | None = None  # set by the Voice API's register_jobs
        writer = CodeWriter(self.listeners)
        pipeline.open_line(SMS_LINE, "sms", writer)
        pipeline.open_line(WHATSAPP_LINE, "whatsapp", writer)

    def listen(self, listener: CodeListener) -> None:
        if listener not in self.listeners:
            self.listeners.append(listener)

    def send(
        self,
        tx: Tx,
        *,
        api_key: str,
        request_id: str,
        channel: str,
        to: str,
        code: str,
        brand: str,
        locale: str = "en-us",
        sender: str | None = None,
        text: str | None = None,
    ) -> SentCode:
        """Send `code` to `to` on `channel` in the caller's transaction. `text` replaces the
        channel's own wording (a template); the code is recorded whatever becomes of it."""
        now = self.clock.now()
        if channel not in CHANNELS:
            raise ValueError(f"unknown verification channel {channel!r}")
        body = text if text is not None else texts.sms_text(brand, code, locale)
        call_uuid: str | None = None
        status = "pending"
        if channel == "voice":
            body = text if text is not None else texts.talk_text(brand, code, locale)
        elif channel in ("whatsapp", "whatsapp_interactive"):
            content: dict[str, object] = {"message_type": "text", "text": body}
            if channel == "whatsapp_interactive":
                content["verify"] = {"interactive": True, "buttons": [{"title": code}]}
            body = json.dumps(content, separators=(",", ":"), ensure_ascii=False)
        sent = SentCode(
            id=self.ids.uuid(),
            api_key=api_key,
            request_id=request_id,
            channel=channel,
            to_address=to,
            sender=sender or (EMAIL_SENDER if channel == "email" else DEFAULT_SENDER),
            code=code,
            body=body,
            status=status,
            created_at=now,
            delivered_at=None,
            call_uuid=call_uuid,
        )
        if channel == "voice":
            sent = self._call(tx, sent, locale)
        verify_codes.add(tx, sent)
        if channel in ("sms", "whatsapp", "whatsapp_interactive"):
            line = SMS_LINE if channel == "sms" else WHATSAPP_LINE
            behaviour = behaviour_for(tx, to, "sms" if channel == "sms" else "whatsapp")
            self.pipeline.submit(
                tx, line, [sent.id], behaviour=behaviour, now=now, validity_ms=None, api_key=api_key
            )
        elif channel == "email":
            self._email(tx, sent, brand, locale, now)
        return verify_codes.get(tx, sent.id) or sent

    def _call(self, tx: Tx, sent: SentCode, locale: str) -> SentCode:
        if self.placer is None:  # no Voice API in this build: the call cannot be made
            return SentCode(**{**sent.__dict__, "status": "failed"})
        uuid = self.placer.place(
            tx,
            api_key=sent.api_key,
            to=sent.to_address,
            from_=CALL_FROM,
            text=sent.body,
            language=texts.tts_language(locale),
        )
        return SentCode(**{**sent.__dict__, "call_uuid": uuid})

    def _email(self, tx: Tx, sent: SentCode, brand: str, locale: str, now: float) -> None:
        subject = texts.email_subject(brand, locale)
        handsets.record(
            tx,
            self.changes,
            msisdn=sent.to_address,
            direction="received",
            channel="email",
            peer=sent.sender,
            text=sent.body,
            now=now,
            api_key=sent.api_key,
            reference=sent.id,
            content={"subject": subject, "text": sent.body},
        )
        verify_codes.finish(tx, sent.id, "delivered", now)

    def complete_silent_auth(self, tx: Tx, code_id: str) -> SentCode | None:
        """The handset opened the check URL: its code is delivered (to the app's redirect)."""
        verify_codes.finish(tx, code_id, "delivered", self.clock.now())
        return verify_codes.get(tx, code_id)

    def schedule_step(
        self, tx: Tx, kind: str, due: float, request_id: str, step: int, api_key: str
    ) -> None:
        """A workflow's next move on Ringback's clock: a job of the API's `kind` that finds
        the request still at `step` (or does nothing: the request moved on meanwhile)."""
        self.scheduler.schedule(tx, kind, due, {"request_id": request_id, "step": step}, api_key)

    @staticmethod
    def latest(tx: Tx, address: str, since: float | None = None) -> SentCode | None:
        return verify_codes.latest_delivered(tx, address, since)

    @staticmethod
    def of_request(tx: Tx, request_id: str) -> Sequence[SentCode]:
        return verify_codes.of_request(tx, request_id)
