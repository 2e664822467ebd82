"""The NCCO engine: validation and a pure interpreter the Voice API drives.

Imports only `ringback.core` and libraries: no HTTP, no database, no clock. See
docs/architecture.md, "NCCO engine".
"""

from __future__ import annotations

from ringback.ncco import effects, stimuli
from ringback.ncco.actions import Action, parse_action
from ringback.ncco.engine import Step, new_call, run_script, step
from ringback.ncco.recording import FinishedRecording, wav_size
from ringback.ncco.state import CallState
from ringback.ncco.timing import talk_seconds
from ringback.ncco.validation import NccoInvalid, validate, validate_json
from ringback.ncco.wav import wav_bytes, write_wav

__all__ = [
    "Action",
    "CallState",
    "FinishedRecording",
    "NccoInvalid",
    "Step",
    "effects",
    "new_call",
    "parse_action",
    "run_script",
    "step",
    "stimuli",
    "talk_seconds",
    "validate",
    "validate_json",
    "wav_bytes",
    "wav_size",
    "write_wav",
]
