"""What is on the line besides the NCCO: the talk, stream and DTMF the REST API plays into a
live call (mixed over whatever the NCCO plays, which goes on unchanged), and the digits an
asynchronous `input` reports one at a time. Every sound reaches the running recordings.
"""

from __future__ import annotations

import dataclasses

from ringback.ncco import effects as fx
from ringback.ncco import events
from ringback.ncco import stimuli as st
from ringback.ncco.recording import CALLER, HEARD, Sound, SoundKind
from ringback.ncco.state import CallState, Playing
from ringback.ncco.timing import dtmf_seconds, talk_seconds


def hear(
    s: CallState,
    now: float,
    kind: SoundKind,
    text: str,
    seconds: float,
    channel: int,
    level: float = 0.0,
) -> None:
    """A sound on the line, into every running recording (mono ones mix both sides)."""
    for recording in s.recordings:
        lane = channel if recording.split else CALLER
        offset = now - recording.started_at
        recording.sounds.append(Sound(offset, seconds, kind, text, lane, level))
        if channel == CALLER:
            recording.quiet_since = max(recording.quiet_since, now + seconds)


# --- talk and stream from the REST API ------------------------------------------------------


def start(
    s: CallState, play: st.TalkIntoCall | st.StreamIntoCall, now: float, out: list[fx.Effect]
) -> None:
    """One API talk and one API stream at a time: a new one replaces the one playing."""
    if isinstance(play, st.TalkIntoCall):
        playing = Playing("talk", play.text, play.language, play.style, play.level,
                          play.premium, play.loop, talk_seconds(play.text), now)  # fmt: skip
    else:
        playing = Playing("stream", play.url, "", 0, play.level, False, play.loop,
                          s.stream_seconds, now)  # fmt: skip
    stop(s, playing.kind, now, out)
    s.playing.append(playing)
    _play(s, playing, now, out)


def _play(s: CallState, p: Playing, now: float, out: list[fx.Effect]) -> None:
    p.started_at = now
    if p.kind == "talk":
        out.append(fx.Say(p.text, p.language, p.style, p.level, p.premium, p.seconds, "api", now))
    else:
        out.append(fx.PlayStream(p.text, p.level, p.seconds, "api", now))
    hear(s, now, p.kind, p.text, p.seconds, HEARD, p.level)


def stop(s: CallState, kind: str, now: float, out: list[fx.Effect]) -> None:
    """DELETE talk/stream: the play is cut now, in the recordings too."""
    for p in [p for p in s.playing if p.kind == kind]:
        s.playing.remove(p)
        played = max(0.0, now - p.started_at)
        out.append(fx.StopPlaying(p.kind, played))
        for recording in s.recordings:
            offset = p.started_at - recording.started_at
            recording.sounds = [
                dataclasses.replace(x, seconds=played)
                if x.kind == p.kind and x.text == p.text and abs(x.offset - offset) < 1e-9
                else x
                for x in recording.sounds
            ]


def next_due(s: CallState) -> float | None:
    return min((p.ends_at for p in s.playing), default=None)


def finish_due(s: CallState, due: float, out: list[fx.Effect]) -> bool:
    """A play that ended at `due`: played again while `loop` says so. False if none."""
    p = next((p for p in s.playing if p.ends_at <= due), None)
    if p is None:
        return False
    ended = p.ends_at
    p.loops_done += 1
    if p.loop == 0 or p.loops_done < p.loop:
        _play(s, p, ended, out)
    else:
        s.playing.remove(p)
    return True


def stop_everything(s: CallState) -> None:
    s.playing = []


# --- DTMF ------------------------------------------------------------------------------------


def send_digits(s: CallState, digits: str, now: float, out: list[fx.Effect]) -> None:
    """PUT dtmf: the tones go to the handset, so recordings hear them on its side."""
    seconds = dtmf_seconds(digits)
    out.append(fx.PlayDigits(digits, seconds))
    hear(s, now, "dtmf", digits, seconds, HEARD)


def report_digits(s: CallState, digits: str, now: float, out: list[fx.Effect]) -> None:
    """An asynchronous input is on: each digit is its own `input` event, to the listener
    (PUT input/dtmf) if there is one, else the input's eventUrl. Nothing comes back."""
    if s.async_dtmf_url is None:
        return
    url = s.dtmf_listener or s.async_dtmf_url
    method = "POST" if s.dtmf_listener else s.async_dtmf_method
    for digit in digits:
        payload = events.input_event(s, now, digits=digit, timed_out=False, speech=None)
        out.append(fx.SendEvent(url=url, method=method, payload=payload, expects_answer=False))
