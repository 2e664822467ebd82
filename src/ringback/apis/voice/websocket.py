"""A `connect` to a websocket endpoint: Ringback opens a real WebSocket to the app's `uri`
(the `websockets` library), as Vonage does, and the leg is answered when it opens.

On the socket: first a text frame `{"event": "websocket:connected", "content-type":
"audio/l16;rate=16000", ...the endpoint's headers}`, then binary frames of 16-bit
little-endian linear PCM, 20 ms each (640 bytes at 16 kHz, 320 at 8 kHz), carrying what the
leg hears: the caller's speech and digits, rendered as `ncco.wav` renders them in recordings.
Binary frames the app sends are played to the caller (noted in the caller's transcript as
`audio`, with their length). The app closing the socket hangs the leg up; the leg ending (the
caller hung up, the connect's limit) closes it.

The `voice.websocket` job is a lease like `voice.fetch`: its handler starts the stream as a
task on this process's event loop and pushes the job on; the task deletes it when the leg is
over. The stream is pushed as soon as a sound is heard (no real-time pacing, no silence
frames between sounds): a test need not wait for audio to play out.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

import websockets

from ringback.apis.services import Services
from ringback.apis.voice import driver, legs
from ringback.ncco import FinishedRecording, wav_bytes
from ringback.ncco.recording import WAV_HEADER_BYTES, Sound
from ringback.ncco.timing import dtmf_seconds, talk_seconds
from ringback.scheduler.jobs import Reschedule
from ringback.state import calls as call_state
from ringback.state import jobs as job_state
from ringback.state.jobs import Job
from ringback.state.store import Tx

log = logging.getLogger("ringback.voice")

LEASE_SECONDS = 60.0
POLL_SECONDS = 0.02  # real time: how often the leg's transcript is read for new sounds
OPEN_TIMEOUT_SECONDS = 5.0
RATES = (16000, 8000)


@dataclass(frozen=True)
class Socket:
    uri: str
    rate: int
    first_frame: dict[str, Any]

    @property
    def frame_bytes(self) -> int:
        return self.rate * 2 // 50  # 20 ms of 16-bit samples


def socket_of(endpoint: dict[str, Any]) -> Socket:
    content_type = str(endpoint.get("content-type") or "audio/l16;rate=16000")
    rate = 8000 if content_type.replace(" ", "").endswith("rate=8000") else 16000
    headers = endpoint.get("headers")
    first: dict[str, Any] = {"event": "websocket:connected", "content-type": content_type}
    if isinstance(headers, dict):
        first.update(headers)
    return Socket(str(endpoint.get("uri")), rate, first)


def pcm(kind: str, text: str, rate: int) -> bytes:
    """A sound as 16-bit little-endian PCM at `rate` (the recordings' tones, resampled)."""
    seconds = dtmf_seconds(text) if kind == "dtmf" else talk_seconds(text)
    sound = Sound(0.0, seconds, "dtmf" if kind == "dtmf" else "speech", text, 0)
    wav = wav_bytes(FinishedRecording("", "", 0.0, seconds, "wav", 1, (sound,)))
    samples = wav[WAV_HEADER_BYTES:]
    if rate == 8000:  # every other sample
        samples = b"".join(samples[i : i + 2] for i in range(0, len(samples), 4))
    return samples


class WebsocketLegs:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._running: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def handle(self, job: Job) -> None:
        if job.id not in self._running:
            self._running.add(job.id)
            task = asyncio.create_task(self._run(job))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        raise Reschedule(self.services.clock.now() + LEASE_SECONDS, "streaming")

    async def _run(self, job: Job) -> None:
        uuid = str(job.payload["call"])
        store = self.services.store
        try:
            leg = await store.transact(call_state.get, uuid)
            if leg is None or leg.ended:
                return
            socket = socket_of(leg.to_endpoint)
            try:
                connection = await websockets.connect(
                    socket.uri, open_timeout=OPEN_TIMEOUT_SECONDS, max_size=None
                )
            except (OSError, websockets.WebSocketException, TimeoutError, ValueError) as exc:
                log.info("websocket %s did not open: %s", socket.uri, exc)
                await store.transact(self._refused, uuid)
                return
            async with connection:
                await store.transact(self._opened, uuid)
                await connection.send(json.dumps(socket.first_frame))
                await self._stream(connection, socket, uuid)
        except Exception:
            log.exception("websocket leg %s failed", uuid)
        finally:
            await store.transact(self._done, job)
            self._running.discard(job.id)

    async def _stream(self, connection: Any, socket: Socket, uuid: str) -> None:
        store = self.services.store
        received: list[bytes] = []
        closed = asyncio.Event()

        async def receive() -> None:
            try:
                async for message in connection:
                    if isinstance(message, bytes):
                        received.append(message)
            except websockets.WebSocketException:
                pass
            finally:
                closed.set()

        reader = asyncio.create_task(receive())
        seen = 0
        try:
            while True:
                ended, sounds, seen = await store.transact(self._heard, uuid, seen)
                for kind, text in sounds:
                    audio = pcm(kind, text, socket.rate)
                    for i in range(0, len(audio), socket.frame_bytes):
                        await connection.send(audio[i : i + socket.frame_bytes])
                if received:
                    chunk, received[:] = b"".join(received), []
                    await store.transact(self._played, uuid, len(chunk), socket.rate)
                if ended:
                    return
                if closed.is_set():
                    await store.transact(self._app_closed, uuid)
                    return
                await asyncio.sleep(POLL_SECONDS)
        finally:
            reader.cancel()

    # --- in transactions -------------------------------------------------------------------

    def _heard(self, tx: Tx, uuid: str, seen: int) -> tuple[bool, list[tuple[str, str]], int]:
        leg = call_state.get(tx, uuid)
        if leg is None:
            return True, [], seen
        sounds: list[tuple[str, str]] = []
        for event in call_state.transcript(tx, uuid):
            if event.id <= seen:
                continue
            seen = event.id
            if event.side == "heard" and event.kind in ("speech", "dtmf"):
                sounds.append((event.kind, str(event.detail.get("text") or
                                              event.detail.get("digits") or "")))  # fmt: skip
        return leg.ended, sounds, seen

    def _played(self, tx: Tx, uuid: str, size: int, rate: int) -> None:
        leg = call_state.get(tx, uuid)
        if leg is None or leg.ended:
            return
        now = self.services.clock.now()
        seconds = round(size / (2 * rate), 3)
        driver.note(tx, leg, now, "handset", "audio", bytes=size, seconds=seconds)
        legs.relay(tx, self.services, leg, "audio", bytes=size, seconds=seconds)

    def _opened(self, tx: Tx, uuid: str) -> None:
        leg = call_state.get(tx, uuid)
        if leg is not None and driver.ringing(leg):
            driver.ring(tx, self.services, leg)
            driver.answer(tx, self.services, leg)

    def _refused(self, tx: Tx, uuid: str) -> None:
        leg = call_state.get(tx, uuid)
        if leg is not None:
            driver.refuse(tx, self.services, leg, "failed", "cannot_route")

    def _app_closed(self, tx: Tx, uuid: str) -> None:
        leg = call_state.get(tx, uuid)
        if leg is not None and not leg.ended:
            driver.note(tx, leg, self.services.clock.now(), "network", "websocket_closed")
            driver.end(tx, self.services, leg, "completed", reason="the app closed the websocket")

    @staticmethod
    def _done(tx: Tx, job: Job) -> None:
        job_state.finish_job(tx, job.id)
