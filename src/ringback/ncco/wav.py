"""Recordings as real WAV files (16-bit PCM, 16 kHz), made with the stdlib's `wave`.

DTMF digits are their two ITU-T Q.23 frequencies; speech and talk are a synthetic pattern, one
short tone per character (silence for spaces), so a recording has sound exactly where something
was said; a stream is a 440 Hz tone and the record beep 1 kHz. Silence costs nothing to make:
a two-hour recording is written a second at a time.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from typing import BinaryIO

from ringback.ncco.recording import (
    SAMPLE_BYTES,
    SAMPLE_RATE,
    FinishedRecording,
    Sound,
    frame_count,
)
from ringback.ncco.timing import (
    CHARACTERS_PER_SECOND,
    DTMF_TONE_SECONDS,
    dtmf_step,
    spoken_text,
)

AMPLITUDE = 8000
DTMF_FREQUENCIES = {
    "1": (697, 1209), "2": (697, 1336), "3": (697, 1477),
    "4": (770, 1209), "5": (770, 1336), "6": (770, 1477),
    "7": (852, 1209), "8": (852, 1336), "9": (852, 1477),
    "*": (941, 1209), "0": (941, 1336), "#": (941, 1477),
}  # fmt: skip
CHUNK_FRAMES = SAMPLE_RATE  # one second


def _tones(sound: Sound) -> list[tuple[float, float, tuple[float, ...]]]:
    """(start, end, frequencies) within the sound, seconds from its offset."""
    if sound.kind == "dtmf":
        tones: list[tuple[float, float, tuple[float, ...]]] = []
        at = 0.0
        for digit in sound.text:
            if digit in DTMF_FREQUENCIES and at < sound.seconds:
                tones.append((at, at + DTMF_TONE_SECONDS, DTMF_FREQUENCIES[digit]))
            at += dtmf_step(digit)
        return tones
    if sound.kind in ("speech", "talk"):
        text = spoken_text(sound.text).strip() or "."
        per = 1.0 / CHARACTERS_PER_SECOND  # a talk cut short (DELETE talk) stops mid-text
        return [
            (n * per, min((n + 0.8) * per, sound.seconds), (180.0 + 15.0 * (ord(c) % 20),))
            for n, c in enumerate(text)
            if not c.isspace() and n * per < sound.seconds
        ]
    frequency = 1000.0 if sound.kind == "beep" else 440.0
    return [(0.0, sound.seconds, (frequency,))]


def gain(level: float) -> float:
    """Vonage's `level` (-1..1, 0 normal) as a linear gain: -1 is silent, 1 twice as loud."""
    return max(0.0, 1.0 + level)


def _add(channel: array[int], first_frame: int, sound: Sound) -> None:
    """Mix `sound` into `channel`, a chunk that starts at `first_frame` of the recording."""
    size = len(channel)
    for start, end, frequencies in _tones(sound):
        begin = max(frame_count(sound.offset + start), first_frame)
        stop = min(frame_count(sound.offset + end), first_frame + size)
        share = AMPLITUDE * gain(sound.level) / len(frequencies)
        for frame in range(begin, stop):
            t = frame / SAMPLE_RATE
            value = channel[frame - first_frame] + int(
                sum(share * math.sin(2 * math.pi * f * t) for f in frequencies)
            )
            channel[frame - first_frame] = max(-32768, min(32767, value))


def write_wav(out: BinaryIO, recording: FinishedRecording) -> None:
    channels = recording.channels
    total = frame_count(recording.seconds)
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(SAMPLE_BYTES)
        wav.setframerate(SAMPLE_RATE)
        wav.setnframes(total)  # the header is right without seeking back
        for first in range(0, total, CHUNK_FRAMES):
            size = min(CHUNK_FRAMES, total - first)
            start, end = first / SAMPLE_RATE, (first + size) / SAMPLE_RATE
            heard = [s for s in recording.sounds if s.offset < end and s.offset + s.seconds > start]
            if not heard:
                wav.writeframesraw(bytes(size * channels * SAMPLE_BYTES))
                continue
            lanes = [array("h", bytes(size * SAMPLE_BYTES)) for _ in range(channels)]
            for sound in heard:
                _add(lanes[min(sound.channel, channels - 1)], first, sound)
            mixed = lanes[0]
            if channels > 1:
                mixed = array("h", bytes(size * channels * SAMPLE_BYTES))
                for c, lane in enumerate(lanes):
                    mixed[c::channels] = lane
            if sys.byteorder == "big":  # WAV samples are little-endian
                mixed.byteswap()
            wav.writeframesraw(mixed.tobytes())


def wav_bytes(recording: FinishedRecording) -> bytes:
    out = io.BytesIO()
    write_wav(out, recording)
    return out.getvalue()
