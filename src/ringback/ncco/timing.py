"""How long things take on the line, in seconds of Ringback's clock.

Vonage publishes no speaking rate. Ringback speaks 14 characters a second (about 150 words a
minute, an ordinary text-to-speech pace) for every language and style, so a test can work out
when a `talk` ends: `talk_seconds(text)`. SSML tags do not count; `<break time="…"/>` adds its
pause. A caller's speech (`Speech` stimuli) takes the same time to say.
"""

from __future__ import annotations

import re

CHARACTERS_PER_SECOND = 14.0
SHORTEST_SPEECH = 0.5
DTMF_TONE_SECONDS = 0.2
DTMF_GAP_SECONDS = 0.05
DTMF_PAUSE_SECONDS = 0.5  # `p` in digits sent to a call: a 500 ms pause (NCCO reference)
BEEP_SECONDS = 0.5

_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<break\b[^>]*\btime\s*=\s*[\"']([0-9.]+)\s*(ms|s)[\"'][^>]*>", re.I)


def spoken_text(text: str) -> str:
    """The words of a talk, SSML tags removed."""
    return _TAG.sub("", text)


def talk_seconds(text: str) -> float:
    pauses = sum(
        float(amount) / (1000.0 if unit.lower() == "ms" else 1.0)
        for amount, unit in _BREAK.findall(text)
    )
    words = spoken_text(text).strip()
    return max(SHORTEST_SPEECH, len(words) / CHARACTERS_PER_SECOND) + pauses


def dtmf_seconds(digits: str) -> float:
    return sum(dtmf_step(d) for d in digits)


def dtmf_step(digit: str) -> float:
    """How long one character of a DTMF string takes: a tone and its gap, or `p`'s pause."""
    return DTMF_PAUSE_SECONDS if digit == "p" else DTMF_TONE_SECONDS + DTMF_GAP_SECONDS
