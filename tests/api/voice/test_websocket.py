"""`connect` to a websocket: Ringback opens a real WebSocket to a local server, sends the JSON
header frame, streams what the caller says as 640-byte L16 frames, and plays back to the
caller what the server sends."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.api.voice.conftest import VoiceApp, VoiceClient
from tests.api.voice.legs_helpers import kinds
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

CALLER = "447700900123"
REPLY_FRAMES = 5


@dataclass
class AudioApp:
    """Keeps the first (text) frame and the audio; answers the first audio with 5 frames."""

    first: dict[str, Any] | None = None
    frames: list[bytes] = field(default_factory=list)
    closed: threading.Event = field(default_factory=threading.Event)
    lock: threading.Condition = field(default_factory=threading.Condition)
    server: Server | None = None

    def handle(self, ws: ServerConnection) -> None:
        replied = False
        try:
            first = ws.recv()
            with self.lock:
                self.first = json.loads(first)
                self.lock.notify_all()
            for message in ws:
                if not isinstance(message, bytes):
                    continue
                with self.lock:
                    self.frames.append(message)
                    self.lock.notify_all()
                if not replied:
                    replied = True
                    for _ in range(REPLY_FRAMES):
                        ws.send(b"\x01\x00" * 320)
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/socket"


@pytest.fixture
def audio_app() -> Iterator[AudioApp]:
    app = AudioApp()
    app.server = serve(app.handle, "127.0.0.1", 0)
    threading.Thread(target=app.server.serve_forever, daemon=True).start()
    yield app
    app.server.shutdown()


def test_a_websocket_connect_streams_audio_both_ways(
    voice: VoiceClient, voice_app: VoiceApp, audio_app: AudioApp
) -> None:
    endpoint = {
        "type": "websocket",
        "uri": audio_app.url,
        "content-type": "audio/l16;rate=16000",
        "headers": {"language": "en-GB", "caller": CALLER},
    }
    created = voice.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": CALLER}],
            "from": {"type": "phone", "number": "447700900000"},
            "ncco": [{"action": "connect", "endpoint": [endpoint]}],
            "event_url": [voice_app.url + "/event"],
        },
    )
    assert created.status_code == 201, created.text
    uuid = created.json()["uuid"]
    voice.advance(2.5)  # answered: the connect opens the socket
    call = voice.wait_call(uuid, lambda c: "dial" in kinds(c, "network"))
    leg_uuid = next(e["leg"] for e in call["transcript"] if e["kind"] == "dial")
    leg = voice.wait_call(leg_uuid, lambda c: c["status"] == "answered")
    assert leg["to"]["type"] == "websocket"
    with audio_app.lock:  # the app's thread reads the first frame after the socket opened
        audio_app.lock.wait_for(lambda: audio_app.first is not None, 10)
    assert audio_app.first == {
        "event": "websocket:connected",
        "content-type": "audio/l16;rate=16000",
        "language": "en-GB",
        "caller": CALLER,
    }

    assert voice.handset(uuid, "speech", text="Hello robot").status_code == 200
    with audio_app.lock:
        assert audio_app.lock.wait_for(lambda: len(audio_app.frames) >= 10, 10)
    call = voice.wait_call(uuid, lambda c: "audio" in kinds(c, "heard"))
    played = sum(e["bytes"] for e in call["transcript"] if e["kind"] == "audio")
    voice.wait_call(
        uuid,
        lambda c: (
            sum(e["bytes"] for e in c["transcript"] if e["kind"] == "audio") == REPLY_FRAMES * 640
        ),
    )
    assert played > 0
    with audio_app.lock:
        sizes = {len(f) for f in audio_app.frames}
    assert sizes <= {640} or (len(sizes) == 2 and min(sizes) < 640)  # the last may be short
    assert any(f.strip(b"\x00") for f in audio_app.frames)  # a tone, not silence

    assert voice.handset(uuid, "hangup").status_code == 200
    assert audio_app.closed.wait(10)
    assert voice.wait_call(leg_uuid, lambda c: c["ended"])["status"] == "completed"


def test_a_websocket_that_will_not_open_fails_the_leg(
    voice: VoiceClient, voice_app: VoiceApp
) -> None:
    created = voice.request(
        "POST",
        "/v1/calls",
        json={
            "to": [{"type": "phone", "number": CALLER}],
            "from": {"type": "phone", "number": "447700900000"},
            "ncco": [
                {
                    "action": "connect",
                    "endpoint": [{"type": "websocket", "uri": "ws://127.0.0.1:9/x"}],
                },
                {"action": "talk", "text": "The robot is away"},
            ],
            "event_url": [voice_app.url + "/event"],
        },
    )
    uuid = created.json()["uuid"]
    voice.advance(2.5)
    call = voice.wait_call(uuid, lambda c: "dial" in kinds(c, "network"))
    leg_uuid = next(e["leg"] for e in call["transcript"] if e["kind"] == "dial")
    assert voice.wait_call(leg_uuid, lambda c: c["ended"])["status"] == "failed"
    voice.wait_call(uuid, lambda c: any(e.get("text") == "The robot is away"
                                        for e in c["transcript"]))  # fmt: skip
